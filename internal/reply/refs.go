package reply

import (
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

// EncodeRef turns a ref into a button value: "role:designer",
// "task:piloter-le-delivery", "list_roles:", "help:". It carries the intent
// and id only: the service looks the id up in the current content, so a
// stale title is never shown.
func EncodeRef(r answer.Ref) string {
	return string(r.Intent) + ":" + r.ID
}

// DecodeRef reads a button value back. It rejects anything EncodeRef would
// not write for a real answer: values over 200 bytes, unknown intents, ids
// that are not slugs, ids on lists and help. A button value comes back from
// the outside world, so it is checked before use.
func DecodeRef(v string) (answer.Ref, bool) {
	if len(v) > maxRefLen || !utf8.ValidString(v) {
		return answer.Ref{}, false
	}
	in, id, ok := strings.Cut(v, ":")
	if !ok {
		return answer.Ref{}, false
	}
	switch intent := answer.Intent(in); intent {
	case answer.IntentRole, answer.IntentTask:
		// Ids are slugs (team.Slug): a-z, 0-9 and single inner hyphens.
		if id == "" || team.Slug(id) != id {
			return answer.Ref{}, false
		}
		return answer.Ref{Intent: intent, ID: id}, true
	case answer.IntentListRoles, answer.IntentListTasks, answer.IntentHelp:
		if id != "" {
			return answer.Ref{}, false
		}
		return answer.Ref{Intent: intent}, true
	}
	return answer.Ref{}, false
}

// RefOf returns the ref that renders this answer again, for the share
// button; false for an answer that cannot be asked for again (nothing
// found), or whose id could not travel in a button.
func RefOf(a answer.Answer) (answer.Ref, bool) {
	var r answer.Ref
	switch a.Intent {
	case answer.IntentRole:
		if a.Role == nil {
			return r, false
		}
		r = answer.Ref{Intent: a.Intent, ID: a.Role.ID, Title: a.Role.Title}
	case answer.IntentTask:
		if a.Task == nil {
			return r, false
		}
		r = answer.Ref{Intent: a.Intent, ID: a.Task.ID, Title: a.Task.Title}
	case answer.IntentListRoles:
		r = answer.Ref{Intent: a.Intent, Title: titleListRoles}
	case answer.IntentListTasks:
		r = answer.Ref{Intent: a.Intent, Title: titleListTasks}
	case answer.IntentHelp:
		r = answer.Ref{Intent: a.Intent, Title: titleHelp}
	default:
		return r, false
	}
	if _, ok := DecodeRef(EncodeRef(r)); !ok {
		return answer.Ref{}, false
	}
	return r, true
}

// refTitle is what a button to a ref says.
func refTitle(r answer.Ref) string {
	if t := oneLine(r.Title); t != "" {
		return t
	}
	switch r.Intent {
	case answer.IntentListRoles:
		return titleListRoles
	case answer.IntentListTasks:
		return titleListTasks
	case answer.IntentHelp:
		return titleHelp
	}
	return r.ID
}

// refButton is a button that opens a ref, or nil when the ref could not
// come back through DecodeRef.
func (c *composer) refButton(r answer.Ref) *slack.ButtonBlockElement {
	v := EncodeRef(r)
	if _, ok := DecodeRef(v); !ok {
		return nil
	}
	title := shorten(esc(refTitle(r)), maxButtonText)
	if title == "" {
		return nil
	}
	return slack.NewButtonBlockElement(c.actionID(ActionOpen), v, plainObject(title))
}

// refButtons makes buttons for refs, each once, at most maxRefButtons.
func (c *composer) refButtons(refs []answer.Ref) []slack.BlockElement {
	var out []slack.BlockElement
	seen := map[string]bool{}
	for _, r := range refs {
		if len(out) == maxRefButtons {
			break
		}
		if seen[EncodeRef(r)] {
			continue
		}
		seen[EncodeRef(r)] = true
		if b := c.refButton(r); b != nil {
			out = append(out, b)
		}
	}
	return out
}

func (c *composer) alternatives(refs []answer.Ref) {
	label := "Voir aussi :"
	if c.guess {
		label = guessOthers
	}
	c.buttons(slotAlternatives, blockAltLabel, label, c.followBlockID(blockAlternatives), c.refButtons(refs))
}

// isGuess reports whether a is a role or a task that search offers as its
// likeliest reading rather than as the answer.
func isGuess(a answer.Answer) bool {
	return !a.Confident() && (a.Intent == answer.IntentRole && a.Role != nil || a.Intent == answer.IntentTask && a.Task != nil)
}
