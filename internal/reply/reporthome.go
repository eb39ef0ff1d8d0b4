package reply

import (
	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/report"
)

// Sizes of the report's part of the admins' Home tab: the headline figures and the top gaps.
const (
	homeReportItems = 5
	// homeReportBlocks and homeReportJSON bound it, so that the Home tab keeps room for the
	// roles and the matrix.
	homeReportBlocks = 8
	homeReportJSON   = 6000
)

// ReportHomeBlocks is the report's part of the Home tab of the people in ADMIN_USER_IDS: a
// heading, the headline figures and the few most asked unanswered questions, disliked answers
// and tasks the matrix lacks, linked like ReportMessage's. The caller puts them before Home's
// blocks (within a view's 100 blocks: these are at most homeReportBlocks).
func ReportHomeBlocks(r report.Report, o CardOptions) []slack.Block {
	c := newComposer(reportSlots, homeReportBlocks, homeReportJSON)
	c.header(reportHeader, blockReportHeader, "Manques du contenu, du "+r.Since.Format(reportDateLayout)+" au "+r.Until.Format(reportDateLayout))
	c.fitSection(reportTotals, blockReportTotals, reportTotalsMrkdwn(r), maxSectionText)
	top := func(items []string) []string {
		if len(items) <= homeReportItems {
			return items
		}
		return append(items[:homeReportItems:homeReportItems], moreItems(len(items)-homeReportItems)+" (rolebot report)")
	}
	c.list(reportUnanswered, blockReportUnanswered, "*Questions sans réponse*", top(unansweredItems(r.Unanswered)), "\n", 1, moreItems)
	c.list(reportDisliked, blockReportDisliked, "*Réponses jugées pas utiles*", top(dislikedItems(r.Disliked, o)), "\n", 1, moreItems)
	c.list(reportMissing, blockReportMissing, "*Tâches demandées absentes de la matrice*", top(missingItems(r.MissingTasks, r.TeamPage, o)), "\n", 1, moreItems)
	c.put(reportFooter, divider("rolebot_report_home_divider"))
	return c.result()
}
