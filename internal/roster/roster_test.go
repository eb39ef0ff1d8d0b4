package roster

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rolebot/rolebot/internal/store"
)

var roles = []string{"designer", "product-owner"}

func known(r string) bool { return r == "designer" || r == "product-owner" }

func parseFile(t *testing.T, name string) ([]store.Row, error) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f, name, known, roles)
}

func TestParseGood(t *testing.T) {
	rows, err := parseFile(t, "good.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Row{
		{Channel: "C012AB3CD", Role: "product-owner", User: "U01CLAIRE"},
		{Channel: "C012AB3CD", Role: "designer", User: "U02ALEX"},
		{Channel: "C099ZZ", Role: "designer", User: "U02ALEX"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows = %v\nwant %v", rows, want)
	}
	// Columns in another order, semicolons, a byte order mark: what a spreadsheet exports.
	rows, err = parseFile(t, "semicolon.csv")
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.Row{{Channel: "C012AB3CD", Role: "product-owner", User: "U01CLAIRE"}}; !reflect.DeepEqual(rows, want) {
		t.Fatalf("semicolon rows = %v", rows)
	}
}

func TestParseBadReportsEveryLineAndReturnsNothing(t *testing.T) {
	rows, err := parseFile(t, "bad.csv")
	if rows != nil {
		t.Fatalf("rows returned with errors: %v", rows)
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want Errors", err)
	}
	want := []string{
		"bad.csv:3: 2 colonne(s) au lieu de 3 (channel,role,user)",
		"bad.csv:4: rôle inconnu « chef » (rôles du contenu : designer, product-owner)",
		"bad.csv:5: ligne en double (déjà ligne 2)",
		"bad.csv:6: « claire@example.org » n'est pas un identifiant d'utilisateur Slack",
		"bad.csv:7: « general » n'est pas un identifiant de canal Slack",
		"bad.csv:8: colonne vide : channel, role et user sont requis",
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%v", err)
	}
	for i, e := range errs {
		if !strings.HasPrefix(e.Error(), want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, e.Error(), want[i])
		}
	}
}

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "x.csv:1: fichier vide"},
		{"channel,role\nC1,designer\n", "x.csv:1: en-tête attendu « channel,role,user », colonne « user » manquante"},
		{"channel,role,person\n", "x.csv:1: en-tête attendu « channel,role,user », colonne inconnue « person »"},
		{"C1,designer,U1\n", "x.csv:1: en-tête attendu « channel,role,user », colonne inconnue « C1 »"},
		{"channel,role,user\nC1,\"designer,U1\n", "x.csv:2: CSV illisible"},
	} {
		_, err := Parse(strings.NewReader(tc.in), "x.csv", known, roles)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestWriteThenParse(t *testing.T) {
	rows := []store.Row{{Channel: "C1", Role: "designer", User: "U1"}, {Channel: "C2", Role: "product-owner", User: "U2"}}
	var b bytes.Buffer
	if err := Write(&b, rows); err != nil {
		t.Fatal(err)
	}
	if b.String() != "channel,role,user\nC1,designer,U1\nC2,product-owner,U2\n" {
		t.Fatalf("Write = %q", b.String())
	}
	back, err := Parse(&b, "export.csv", known, roles)
	if err != nil || !reflect.DeepEqual(back, rows) {
		t.Fatalf("round trip = %v, %v", back, err)
	}
}

func TestSummaryAndHistory(t *testing.T) {
	at := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	changes := []store.Change{
		{Channel: "C1", Role: "designer", User: "U1", Actor: "UMARC", Added: true, At: at},
		{Channel: "C1", Role: "designer", User: "U2", Actor: "UMARC", Added: false, At: at},
		{Channel: "C2", Role: "designer", User: "U3", Actor: "UMARC", Added: true, At: at},
	}
	if got := Summary(changes); got != "3 changements dans 2 canaux : 2 ajouts, 1 retrait." {
		t.Errorf("Summary = %q", got)
	}
	if got := Summary(nil); got != "Aucun changement." {
		t.Errorf("Summary(nil) = %q", got)
	}
	var plan bytes.Buffer
	if err := WriteChanges(&plan, changes[1:]); err != nil {
		t.Fatal(err)
	}
	if want := "C1  retrait  U2  designer\nC2  ajout    U3  designer\n"; plan.String() != want {
		t.Errorf("WriteChanges = %q, want %q", plan.String(), want)
	}
	var b bytes.Buffer
	if err := WriteHistory(&b, changes[:2]); err != nil {
		t.Fatal(err)
	}
	want := "2026-12-02 09:30:00Z  C1  ajout    U1  designer  (par UMARC)\n" +
		"2026-12-02 09:30:00Z  C1  retrait  U2  designer  (par UMARC)\n"
	if b.String() != want {
		t.Errorf("history =\n%s\nwant\n%s", b.String(), want)
	}
}
