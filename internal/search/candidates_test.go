package search

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/rolebot/rolebot/content"
	"github.com/rolebot/rolebot/internal/gitbook"
)

// A folder with no more documents than bleve returns is reranked whole,
// without asking bleve: the answers must be the very ones bleve's
// candidates give.
func TestSmallFolderCandidatesAreBleves(t *testing.T) {
	ctx := context.Background()
	tm, _, err := gitbook.Load(ctx, content.FS)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(ctx, tm, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	via := *ix
	via.askBleve = true
	n := 0
	for _, file := range []string{"testdata/tune-a.jsonl", "testdata/dev.jsonl", "testdata/extra.jsonl"} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var c struct{ Q string }
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatal(err)
			}
			if a, b := ix.Ask(ctx, c.Q), via.Ask(ctx, c.Q); !reflect.DeepEqual(a, b) {
				t.Errorf("%q: without bleve %s %v, with bleve %s %v", c.Q, a.Intent, a.Confidence, b.Intent, b.Confidence)
			}
			n++
		}
		f.Close()
	}
	if n < 300 {
		t.Fatalf("only %d questions", n)
	}
}
