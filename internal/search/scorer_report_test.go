package search_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/rolebot/rolebot/internal/answer"
)

// TestScorerReport prints, per set, how often the scorer's best label alone
// is the expected role or task, beside the full decision: for whoever tunes
// the scorer. It asserts nothing.
//
//	go test ./internal/search -run TestScorerReport -v -args -evalset=PATH [-content=DIR]
func TestScorerReport(t *testing.T) {
	if *evalSets == "" {
		t.Skip("a report: run with -args -evalset=PATH")
	}
	ix := buildShipped(t)
	if *evalContent != "" {
		ix = loadFolder(t, *evalContent)
	}
	for _, path := range strings.Split(*evalSets, ",") {
		var b strings.Builder
		n, top, decided := 0, 0, 0
		for _, c := range readCases(t, path) {
			st := ix.TopForTest(c.Q)
			a := ix.Ask(t.Context(), c.Q)
			okTop := false
			switch c.Intent {
			case answer.IntentRole:
				okTop = st.Kind == "role" && st.ID == c.Role
			case answer.IntentTask:
				if st.Kind == "task" {
					if tk, ok := ix.Team().Task(st.ID); ok {
						okTop = regexp.MustCompile("(?i)" + c.Task).MatchString(tk.Title)
					}
				}
			case answer.IntentNone:
			default:
				continue
			}
			n++
			if okTop {
				top++
			}
			okDecide := check(c, a) == ""
			if okDecide {
				decided++
			}
			fmt.Fprintf(&b, "%v/%v net=%.2f exact=%.2f margin=%.2f top=%s:%s 2nd=%s:%s ask=%s conf=%v %q want %s %s%s\n",
				okTop, okDecide, st.Net, st.Exact, st.Margin, st.Kind, st.ID, st.SecondKind, st.SecondID, a.Intent, a.Confident(), c.Q, c.Intent, c.Role, c.Task)
		}
		t.Logf("%s: scorer top right %d/%d, decision right %d/%d\n%s", path, top, n, decided, n, b.String())
	}
}
