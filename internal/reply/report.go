package reply

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rolebot/rolebot/internal/report"
	"github.com/rolebot/rolebot/internal/store"
)

// Block ids of the report's message.
const (
	blockReportHeader     = "rolebot_report_header"
	blockReportTotals     = "rolebot_report_totals"
	blockReportUnanswered = "rolebot_report_unanswered"
	blockReportMissing    = "rolebot_report_missing"
	blockReportDisliked   = "rolebot_report_disliked"
	blockReportUnowned    = "rolebot_report_unowned"
	blockReportEmpty      = "rolebot_report_empty_roles"
	blockReportOrphans    = "rolebot_report_orphans"
	blockReportPages      = "rolebot_report_pages"
	blockReportFooter     = "rolebot_report_footer"
)

// Display order of the report's message.
const (
	reportHeader = iota
	reportTotals
	reportUnanswered
	reportMissing
	reportDisliked
	reportUnowned
	reportEmpty
	reportOrphans
	reportPages
	reportFooter
	reportSlots
)

// Sizes of the report's message: each list gets at most reportSections sections, and a
// question or comment quoted in it at most reportQuote characters.
const (
	reportSections = 2
	reportQuote    = 200
	// reportDateLayout writes days French style.
	reportDateLayout = "02/01/2006"
)

// ReportMessage renders the content-gap report for Slack (the weekly post in REPORT_CHANNEL):
// the headline figures, then each kind of gap, most asked first, each linked to its page when
// o.BaseURL (CONTENT_BASE_URL) is set. It stays within a message's limits however long the
// report is, saying how many items it left out (`rolebot report` has them all), and escapes
// every question, comment and title. Text is the summary that notifications read. Only
// o.BaseURL matters here.
func ReportMessage(r report.Report, o CardOptions) Message {
	text := shorten(reportText(r), maxText)
	c := newComposer(reportSlots, maxBlocks, maxMessageJSON-jsonLen(text)-len(`{"text":,"blocks":}`))
	c.header(reportHeader, blockReportHeader, "Manques du contenu, du "+r.Since.Format(reportDateLayout)+" au "+r.Until.Format(reportDateLayout))
	c.fitSection(reportTotals, blockReportTotals, reportTotalsMrkdwn(r), maxSectionText)
	c.context(reportFooter, blockReportFooter, "Tout le détail : `rolebot report --since 7d` (ou `--format csv`), et `rolebot report --eval` pour en faire des cas de test.")

	// What people could not get comes first, but may not crowd out the rest: each list keeps
	// room for the ones after it.
	lists := []struct {
		slot    int
		id      string
		heading string
		items   []string
	}{
		{reportUnanswered, blockReportUnanswered, "*Questions sans réponse*", unansweredItems(r.Unanswered)},
		{reportMissing, blockReportMissing, "*Tâches demandées absentes de la matrice*", missingItems(r.MissingTasks, r.TeamPage, o)},
		{reportDisliked, blockReportDisliked, "*Réponses jugées pas utiles*", dislikedItems(r.Disliked, o)},
		{reportUnowned, blockReportUnowned, "*Tâches sans responsable demandées*", unownedItems(r.UnownedTasks, o)},
		{reportEmpty, blockReportEmpty, "*Rôles sans personne dans les canaux qui ont une équipe*", emptyRoleItems(r.EmptyRoles, o)},
		{reportOrphans, blockReportOrphans, "*Équipes dont le rôle a quitté le contenu*", orphanItems(r.Orphans)},
		{reportPages, blockReportPages, "*Pages les plus citées*", pageItems(r.TopPages, o)},
	}
	for i, l := range lists {
		if len(l.items) == 0 {
			continue
		}
		rest := len(lists) - i - 1
		release := c.hold(c.bytes*rest/(rest+1), c.blocks*rest/(rest+1))
		c.list(l.slot, l.id, l.heading, l.items, "\n", reportSections, moreItems)
		release()
	}
	if len(r.Unanswered)+len(r.Disliked)+len(r.UnownedTasks)+len(r.EmptyRoles)+len(r.Orphans) == 0 {
		c.fitSection(reportUnanswered, blockReportUnanswered, "Aucun manque relevé sur la période. :tada:", maxSectionText)
	}
	return Message{Text: text, Blocks: c.result()}
}

// reportText is the report's plain summary: figures and the most asked gap.
func reportText(r report.Report) string {
	s := fmt.Sprintf("Manques du contenu du %s au %s : %s, %d sans réponse, %d jugées pas utiles.",
		r.Since.Format(reportDateLayout), r.Until.Format(reportDateLayout),
		plural(r.Questions, "question", "questions"), r.Missed, r.NotUseful)
	if len(r.Unanswered) > 0 {
		g := r.Unanswered[0]
		s += fmt.Sprintf(" La plus demandée : « %s » (%d fois).", shorten(esc(g.Samples[0]), reportQuote), g.Count)
	}
	return s
}

// reportTotalsMrkdwn is the headline figures, as the text report gives them (report.Text):
// questions, misses, opinions, and the cards opened from an answer's buttons.
func reportTotalsMrkdwn(r report.Report) string {
	s := fmt.Sprintf("*%s* de %s, dont *%d sans réponse* (%s) et %d retrouvées par une suggestion.\nAvis : %d utile, *%d pas utile*, %s.",
		plural(r.Questions, "question", "questions"), plural(r.Askers, "personne", "personnes"), r.Missed,
		plural(r.GroupCount, "sujet", "sujets"), r.Rescued, r.Useful, r.NotUseful, plural(r.Comments, "commentaire", "commentaires"))
	if r.Opened > 0 {
		s += "\nEt *" + plural(r.Opened, "fiche ouverte", "fiches ouvertes") + "* depuis les boutons d'une réponse (comptées avec leur question)."
	}
	return s
}

// quote is a question or comment from a person, on one line, escaped and shortened.
func quote(s string) string { return "« " + shorten(esc(s), reportQuote) + " »" }

// reportLink is title linked to the page of source under o.BaseURL, or title alone.
func reportLink(o CardOptions, source, title string) string {
	t := esc(title)
	if u, ok := pageURL(o.BaseURL, source); ok && !strings.ContainsAny(u, "|<> ") {
		return "<" + u + "|" + t + ">"
	}
	return t
}

func unansweredItems(gs []report.Group) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		item := "• *" + strconv.Itoa(g.Count) + "* × " + quote(g.Samples[0])
		if len(g.Samples) > 1 {
			item += " (aussi " + quote(g.Samples[1]) + ")"
		}
		out = append(out, item)
	}
	return out
}

func missingItems(gs []report.Group, teamPage string, o CardOptions) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, "• *"+strconv.Itoa(g.Count)+"* × "+quote(g.Samples[0])+" → "+reportLink(o, teamPage, "la matrice"))
	}
	return out
}

func dislikedItems(ds []report.Disliked, o CardOptions) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		title := d.Title
		switch {
		case d.Ref == "none":
			title = "« pas trouvé »"
		case title == "":
			title = d.Ref
		}
		item := "• " + reportLink(o, d.Page, title) + " : *" + strconv.Itoa(d.Count) + "* pas utile, " + strconv.Itoa(d.Useful) + " utile"
		// The first opinion with a comment says most; else the first question.
		op := d.Opinions[0]
		for _, x := range d.Opinions {
			if x.Comment != "" {
				op = x
				break
			}
		}
		item += " — " + quote(op.Question)
		if op.Comment != "" {
			item += " : _" + shorten(esc(op.Comment), reportQuote) + "_"
		}
		out = append(out, item)
	}
	return out
}

func unownedItems(cs []report.Cited, o CardOptions) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, "• "+reportLink(o, c.Page, c.Title)+" : *"+strconv.Itoa(c.Count)+"* × (par ex. "+quote(c.Sample)+")")
	}
	return out
}

func emptyRoleItems(es []report.EmptyRoles, o CardOptions) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		roles := make([]string, 0, len(e.Core))
		for _, n := range e.Core {
			roles = append(roles, reportLink(o, n.Page, n.Title))
		}
		item := "• " + channelRef(e.Channel) + " : " + strings.Join(roles, ", ")
		if len(e.Experts) > 0 {
			item += " (et " + plural(len(e.Experts), "soutien expert", "soutiens experts") + ")"
		}
		out = append(out, item)
	}
	return out
}

func orphanItems(rows []store.Row) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		who := esc(r.User)
		if isUserID(r.User) {
			who = "<@" + r.User + ">"
		}
		out = append(out, "• "+channelRef(r.Channel)+" : "+who+" tient « "+esc(r.Role)+" »")
	}
	return out
}

func pageItems(ps []report.Page, o CardOptions) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, "• "+reportLink(o, p.Page, p.Title)+" : "+strconv.Itoa(p.Count))
	}
	return out
}

// channelRef is a channel link for a channel id (C…, G…), escaped text for anything else.
func channelRef(id string) string {
	if len(id) >= 2 && (id[0] == 'C' || id[0] == 'G') && isUserID("U"+id[1:]) {
		return "<#" + id + ">"
	}
	return esc(id)
}
