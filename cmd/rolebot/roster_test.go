package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/store/storetest"
)

// runCLI runs rolebot with args in env and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr lockedBuffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, getenvOf(env))
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRosterCommands: import, export, history, ask --channel and check --database on one
// database, SQLite and PostgreSQL, against the content built into the binary.
func TestRosterCommands(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		env := map[string]string{"DATABASE_URL": dbURL}
		good := writeFile(t, "equipe.csv", "channel,role,user\n"+
			"C012AB3CD,responsable-produit,U01CLAIRE\n"+
			"C012AB3CD,designer,U02ALEX\n"+
			"C012AB3CD,designer,U03ZOE\n")
		code, out, errOut := runCLI(t, env, "roster", "import", "--dry-run", good)
		if code != 0 || !strings.Contains(out, "C012AB3CD  ajout    U01CLAIRE  responsable-produit") ||
			!strings.Contains(out, "rien n'a été écrit. 3 changements") {
			t.Fatalf("import --dry-run = %d\n%s%s", code, out, errOut)
		}
		if _, out, _ := runCLI(t, env, "roster", "export"); out != "channel,role,user\n" {
			t.Fatalf("--dry-run wrote: %q", out)
		}
		code, out, errOut = runCLI(t, env, "roster", "import", good)
		if code != 0 || !strings.Contains(out, "3 changements dans 1 canal : 3 ajouts, 0 retrait.") {
			t.Fatalf("import = %d\n%s%s", code, out, errOut)
		}

		// A bad file: every bad line with file:line, nothing written.
		bad := writeFile(t, "bad.csv", "channel,role,user\n"+
			"C012AB3CD,responsable-produit,U09NEW\n"+
			"C012AB3CD,chef,U01CLAIRE\n"+
			"C012AB3CD,designer\n"+
			"C012AB3CD,designer,claire@example.org\n"+
			"C012AB3CD,responsable-produit,U09NEW\n")
		code, _, errOut = runCLI(t, env, "roster", "import", bad)
		for _, want := range []string{
			bad + ":3: rôle inconnu « chef »",
			bad + ":4: 2 colonne(s) au lieu de 3",
			bad + ":5: « claire@example.org » n'est pas un identifiant d'utilisateur Slack",
			bad + ":6: ligne en double (déjà ligne 2)",
			"rien n'a été écrit",
		} {
			if !strings.Contains(errOut, want) {
				t.Errorf("bad import stderr lacks %q:\n%s", want, errOut)
			}
		}
		if code != 1 {
			t.Errorf("bad import exit %d, want 1", code)
		}

		code, out, _ = runCLI(t, env, "roster", "export")
		wantCSV := "channel,role,user\nC012AB3CD,designer,U02ALEX\nC012AB3CD,designer,U03ZOE\nC012AB3CD,responsable-produit,U01CLAIRE\n"
		if code != 0 || out != wantCSV {
			t.Fatalf("export = %d %q, want %q (the bad import wrote?)", code, out, wantCSV)
		}

		if _, out, _ := runCLI(t, env, "roster", "export", "--channel", "C999"); out != "channel,role,user\n" {
			t.Errorf("export --channel C999 = %q", out)
		}
		code, out, _ = runCLI(t, env, "roster", "history", "--channel", "C012AB3CD", "--limit", "2")
		if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "(par rolebot roster import "+good+")") {
			t.Fatalf("history = %d\n%s", code, out)
		}

		code, out, errOut = runCLI(t, env, "ask", "--channel", "C012AB3CD", "qui porte la vision ?")
		if code != 0 || !strings.Contains(out, "Responsable produit : Co-responsable") || !strings.Contains(out, "@U01CLAIRE") {
			t.Fatalf("ask --channel = %d\n%s%s", code, out, errOut)
		}
		code, out, _ = runCLI(t, env, "ask", "--json", "--channel", "C012AB3CD", "designer")
		var a struct {
			Role struct {
				People []string `json:"people"`
			} `json:"role"`
		}
		if err := json.Unmarshal([]byte(out), &a); err != nil || code != 0 {
			t.Fatalf("ask --json = %d %q: %v", code, out, err)
		}
		if strings.Join(a.Role.People, ",") != "U02ALEX,U03ZOE" {
			t.Fatalf("role people = %v", a.Role.People)
		}
		// Without --channel: no people.
		if _, out, _ := runCLI(t, env, "ask", "--json", "designer"); strings.Contains(out, `"people"`) {
			t.Errorf("ask without --channel names people: %s", out)
		}

		// A role that left the content stays in the base; check --database lists it.
		st, err := store.Open(context.Background(), dbURL, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetTeam(context.Background(), "C012AB3CD", "UADMIN", store.Team{"ancien-role": {"U04OLD"}}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		code, out, errOut = runCLI(t, env, "check", "--database", dbURL)
		if code != 0 || !strings.Contains(out, "canal C012AB3CD : U04OLD tient le rôle « ancien-role », qui n'est plus dans le contenu") ||
			!strings.Contains(out, "1 entrée dont le rôle a quitté le contenu") {
			t.Fatalf("check --database = %d\n%s%s", code, out, errOut)
		}
		if pw := password(dbURL); pw != "" && strings.Contains(out+errOut, pw) {
			t.Error("check shows the database password")
		}
	})
}

func password(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		if at := strings.Index(raw[i+3:], "@"); at >= 0 {
			if _, pw, ok := strings.Cut(raw[i+3:i+3+at], ":"); ok {
				return pw
			}
		}
	}
	return ""
}

func TestRosterUsageErrors(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir()}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"roster"}, 2, "Usage : rolebot roster import"},
		{[]string{"roster", "frobnicate"}, 2, "sous-commande inconnue « frobnicate »"},
		{[]string{"roster", "import"}, 2, "1 argument(s) attendu(s), 0 donné(s)"},
		{[]string{"roster", "import", "/nowhere.csv"}, 1, "/nowhere.csv : fichier introuvable"},
		{[]string{"roster", "export", "--database", "mysql://u:pw@db/x"}, 1, "schéma inconnu"},
		{[]string{"ask", "--channel", "general", "designer"}, 2, "« general » n'est pas un identifiant de canal Slack"},
	} {
		code, _, errOut := runCLI(t, env, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q = %d %q, want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	if code, out, _ := runCLI(t, env, "roster", "history"); code != 0 || !strings.Contains(out, "Aucun changement enregistré.") {
		t.Errorf("history on an empty base = %d %q", code, out)
	}
}
