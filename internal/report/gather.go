package report

import (
	"context"
	"fmt"
	"time"

	"github.com/rolebot/rolebot/internal/store"
	"github.com/rolebot/rolebot/internal/team"
)

// Source is what Gather reads from the store (*store.Store is one).
type Source interface {
	AnswersSince(ctx context.Context, since time.Time) ([]store.Shown, error)
	FeedbackSince(ctx context.Context, since time.Time) ([]store.Feedback, error)
	Export(ctx context.Context) ([]store.Row, error)
}

// Gather reads the report's input for the period from since to until: the answers and opinions
// recorded in it, every channel's team and the roster entries whose role tm lacks. `rolebot
// report` and the weekly post both start here.
func Gather(ctx context.Context, src Source, tm *team.Team, since, until time.Time) (Input, error) {
	in := Input{Since: since, Until: until, Team: tm}
	var err error
	if in.Answers, err = src.AnswersSince(ctx, since); err != nil {
		return Input{}, fmt.Errorf("rapport : %w", err)
	}
	if in.Feedback, err = src.FeedbackSince(ctx, since); err != nil {
		return Input{}, fmt.Errorf("rapport : %w", err)
	}
	// Rows recorded after until (the report runs while rolebot answers) stay out.
	in.Answers = trimAfter(in.Answers, until, func(s store.Shown) time.Time { return s.At })
	in.Feedback = trimAfter(in.Feedback, until, func(f store.Feedback) time.Time { return f.At })
	rows, err := src.Export(ctx)
	if err != nil {
		return Input{}, fmt.Errorf("rapport : %w", err)
	}
	in.Teams = map[string]store.Team{}
	for _, r := range rows {
		if tm != nil {
			if _, ok := tm.Role(r.Role); !ok {
				in.Orphans = append(in.Orphans, r)
				continue
			}
		}
		if in.Teams[r.Channel] == nil {
			in.Teams[r.Channel] = store.Team{}
		}
		in.Teams[r.Channel][r.Role] = append(in.Teams[r.Channel][r.Role], r.User)
	}
	return in, nil
}

// trimAfter drops the items after until from a list sorted by time.
func trimAfter[T any](items []T, until time.Time, at func(T) time.Time) []T {
	for len(items) > 0 && at(items[len(items)-1]).After(until) {
		items = items[:len(items)-1]
	}
	return items
}

// Content is what a report needs of the content: its model and its analysis of questions
// (*search.Index is one).
type Content interface {
	Team() *team.Team
	Normalize(question string) (terms []string, asksOwner bool)
}

// Make gathers the period from since to until and builds its report: what `rolebot report`
// prints and the weekly post shows.
func Make(ctx context.Context, src Source, c Content, since, until time.Time) (Report, error) {
	in, err := Gather(ctx, src, c.Team(), since, until)
	if err != nil {
		return Report{}, err
	}
	return Build(in, c.Normalize), nil
}
