package reply

import (
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/team"
)

// Message is what rolebot posts: Block Kit blocks and the plain text that
// notifications and screen readers read.
//
// Text is already escaped: post it as is (slack.MsgOptionText(m.Text, false)),
// never through an escaping option, or "&" would show as "&amp;".
type Message struct {
	Text   string
	Blocks []slack.Block
}

// CardOptions says where a card goes.
type CardOptions struct {
	// BaseURL is CONTENT_BASE_URL: each card links to its page, BaseURL plus
	// the source path without ".md", GitBook style (README.md is BaseURL
	// itself). Empty, or not an http(s) URL: no link.
	BaseURL string
	// Command is the slash command, such as "/role", for help examples.
	Command string
	// ContentVersion, if set, is shown at the foot of the card (the
	// content repository's commit, or a hash of the folder), so that a
	// reader can tell which edit an answer comes from.
	ContentVersion string
	// Shareable marks a private preview: it gets the button "Partager dans
	// le canal".
	Shareable bool
	// SharedBy is the Slack user id of who shared the card: it adds
	// "Partagé par <@U…>". Anything but a user id (^[UW][A-Z0-9]+$) is shown
	// as escaped text, never as a mention.
	SharedBy string
	// People are who hold the roles where the card is read; nil for none
	// (see People).
	People *People
	// FeedbackKey, if set, is the answer's key (store.Shown.Key): the card
	// ends with the feedback buttons (FeedbackBlock), room for them kept
	// whatever the page's length, and its alternatives, suggestions, roles
	// and share button carry the key in their block id, so that a click on
	// one tells which answer it followed (FollowedKey) or shared (SharedKey).
	FeedbackKey string
}

// Action ids of rolebot's buttons. Slack wants action ids unique within a
// block, so the second and later buttons of one kind in a message carry a
// suffix (":2", ":3"…): compare ActionName(id), never id itself.
const (
	// ActionShare posts a private preview in the channel; its value is
	// EncodeRef of the answer shown.
	ActionShare = "rolebot_share"
	// ActionOpen shows another answer; its value is EncodeRef of an
	// alternative, a suggestion or a role of a list.
	ActionOpen = "rolebot_open"
	// ActionLink is a link button to a content page. Slack opens the page
	// itself but still sends a block action: acknowledge it, nothing more.
	ActionLink = "rolebot_link"
)

// ActionName returns the action a button's action id stands for: ActionOpen
// for "rolebot_open" and "rolebot_open:3" alike.
func ActionName(actionID string) string {
	name, _, _ := strings.Cut(actionID, ":")
	return name
}

// Slack's limits, and rolebot's own where Slack's are vague. Texts are
// measured in characters after escaping, sizes in bytes of json.Marshal
// output (which also escapes "&", "<" and ">"), so the real payload is never
// larger than what is measured.
const (
	maxBlocks         = 50
	maxSectionText    = 3000
	maxHeaderText     = 150
	maxButtonText     = 75
	maxContextText    = 1000 // Slack allows 3,000; a context line is a footnote
	maxActionElements = 25
	maxRefLen         = 200
	// maxMessageJSON bounds {"text":…,"blocks":[…]}: Slack has been seen to
	// refuse messages from about 13k characters of blocks.
	maxMessageJSON = 12000
	// maxText keeps the notification text short: it is read aloud and shown
	// in notifications, the blocks carry the detail.
	maxText = 2000
	// maxSummary keeps a card readable at a glance whatever the page says.
	maxSummary = 1500
	// maxRefButtons bounds the alternatives or suggestions offered.
	maxRefButtons = 10
	// maxURL is Slack's limit on a button's url.
	maxURL = 3000
)

// Block ids are stable so that the service can tell blocks apart in block
// actions; slack-go needs one on action blocks to parse them at all.
const (
	blockGuess        = "rolebot_guess"
	blockHeader       = "rolebot_header"
	blockKind         = "rolebot_kind"
	blockSummary      = "rolebot_summary"
	blockDaily        = "rolebot_daily"
	blockMatrix       = "rolebot_matrix"
	blockAliases      = "rolebot_aliases"
	blockDetails      = "rolebot_details"
	blockOwners       = "rolebot_owners"
	blockLegend       = "rolebot_legend"
	blockShared       = "rolebot_shared"
	blockActions      = "rolebot_actions"
	blockAltLabel     = "rolebot_alternatives_label"
	blockAlternatives = "rolebot_alternatives"
	blockSugLabel     = "rolebot_suggestions_label"
	blockSuggestions  = "rolebot_suggestions"
	blockNotFound     = "rolebot_not_found"
	blockHint         = "rolebot_hint"
	blockCore         = "rolebot_core_roles"
	blockExperts      = "rolebot_expert_roles"
	blockRoleLabel    = "rolebot_roles_label"
	blockRoleButtons  = "rolebot_roles"
	blockTasks        = "rolebot_tasks"
	blockUnowned      = "rolebot_unowned_tasks"
	blockHelp         = "rolebot_help"
)

// Words rolebot says in several places.
const (
	titleListRoles = "Les rôles de l'équipe"
	titleListTasks = "Qui fait quoi"
	titleHelp      = "Aide"
	headCore       = "*Rôles de l'équipe*"
	headExperts    = "*Soutiens experts*"
	headUnowned    = "*Sans responsable désigné sur la page de l'équipe*"
	noOwner        = "La page de l'équipe ne désigne personne pour cette tâche."
	guessIntro     = "*Vouliez-vous dire…* Je ne suis pas sûr d'avoir compris : voici la réponse la plus proche."
	guessOthers    = "Ou bien :"
	hint           = "Essayez le nom d'un rôle (« designer ») ou une question (« qui priorise le backlog ? »), ou « aide »."
)

// Card renders an answer for Slack: blocks within Slack's limits however long
// the pages are, and a plain-text summary. Everything that came from the
// question or the pages is escaped.
func Card(a answer.Answer, o CardOptions) Message {
	text := cardText(a, o.Command)
	// The text shares the message's size budget with the blocks.
	c := newComposer(slotCount, maxBlocks, maxMessageJSON-jsonLen(text)-len(`{"text":,"blocks":}`))
	var feedback slack.Block
	release := func() {}
	if ValidFeedbackKey(o.FeedbackKey) {
		c.followKey = o.FeedbackKey
		// Room for the larger of the two kinds, so that the message still
		// fits once a surface asks for the plain one (WithFallbackFeedback).
		feedback = FeedbackBlock(o.FeedbackKey)
		release = c.hold(max(cost([]slack.Block{feedback}), cost([]slack.Block{FeedbackFallbackBlock(o.FeedbackKey)})), 1)
	}
	fill(c, a, o)
	versionFooter(c, o.ContentVersion)
	release()
	if feedback != nil {
		c.put(slotFeedback, feedback)
	}
	return Message{Text: text, Blocks: c.result()}
}

// fill puts a's card into c. A guess (search was not sure of its reading)
// opens with "Vouliez-vous dire…", and its alternatives are the other
// choices.
func fill(c *composer, a answer.Answer, o CardOptions) {
	if isGuess(a) {
		c.guess = true
		c.context(slotGuess, blockGuess, guessIntro)
	}
	switch {
	case a.Intent == answer.IntentRole && a.Role != nil:
		roleCard(c, a, o)
	case a.Intent == answer.IntentTask && a.Task != nil:
		taskCard(c, a, o)
	case a.Intent == answer.IntentListRoles:
		listRolesCard(c, a, o)
	case a.Intent == answer.IntentListTasks:
		listTasksCard(c, a, o)
	case a.Intent == answer.IntentHelp:
		helpCard(c, a, o)
	default:
		noneCard(c, a)
	}
}

// Display order of a card's parts. Each card fills them by priority, so that
// when a page is huge what matters most is kept: the title, the buttons, the
// owners; long lists give way first.
const (
	slotGuess = iota
	slotHeader
	slotKind
	slotSummary
	slotBody1
	slotBody2
	slotBody3
	slotFooter
	slotShared
	slotAlternatives
	slotActions
	slotFeedback
	slotCount
)

func roleCard(c *composer, a answer.Answer, o CardOptions) {
	r := a.Role
	c.header(slotHeader, blockHeader, titleOr(r.Title, r.ID))
	c.context(slotKind, blockKind, capitalize(kind(r.Core, r.Expert)))
	c.shared(o)
	c.actions(a, o, r.Source)
	c.fitSection(slotSummary, blockSummary, esc(r.Summary), maxSummary)
	c.alternatives(a.Alternatives)
	c.rolePeople(o.People, r.ID)

	rows := make([]string, 0, len(r.Tasks))
	for _, t := range r.Tasks {
		rows = append(rows, "• *"+esc(titleOr(t.Title, t.ID))+"* : "+levelWords(t.Level, t.Note, t.Locked))
	}
	c.list(slotBody2, blockMatrix, "*Dans la matrice de responsabilités*", rows, "\n", 1, moreRows)

	daily := make([]string, 0, len(r.Responsibilities))
	for _, it := range r.Responsibilities {
		if it = esc(it); it != "" {
			daily = append(daily, "• "+it)
		}
	}
	c.list(slotBody1, blockDaily, "*"+esc(dailyHeading(r))+"*", daily, "\n", 1, moreItems)

	if aliases := escAll(r.Aliases); len(aliases) > 0 {
		c.context(slotFooter, blockAliases, "Aussi appelé : "+strings.Join(aliases, ", "))
	}
}

func taskCard(c *composer, a answer.Answer, o CardOptions) {
	t := a.Task
	c.header(slotHeader, blockHeader, titleOr(t.Title, t.ID))
	c.shared(o)
	c.actions(a, o, t.Source)
	if len(t.Owners) == 0 {
		// Owners are never guessed: say plainly that the page names no one.
		c.fitSection(slotBody1, blockOwners, noOwner, maxSectionText)
	} else {
		owners := make([]string, 0, len(t.Owners))
		for _, ow := range t.Owners {
			if o.People.named() {
				// "Responsable produit (Responsable) : <@U…>"
				owners = append(owners, "• *"+esc(titleOr(ow.Title, ow.Role))+"* ("+levelWords(ow.Level, ow.Note, ow.Locked)+")"+o.People.ownerPeople(ow.Role))
				continue
			}
			owners = append(owners, "• *"+esc(titleOr(ow.Title, ow.Role))+"* : "+levelWords(ow.Level, ow.Note, ow.Locked))
		}
		c.list(slotBody1, blockOwners, "", owners, "\n", 1, moreRows)
		c.context(slotFooter, blockLegend, Legend)
	}
	c.fitSection(slotSummary, blockDetails, esc(t.Details), maxSummary)
	c.alternatives(a.Alternatives)
	c.unavailableNote(o.People)
}

func listRolesCard(c *composer, a answer.Answer, o CardOptions) {
	c.header(slotHeader, blockHeader, titleListRoles)
	c.shared(o)
	c.actions(a, o, "README.md")
	if len(a.Roles) == 0 {
		c.fitSection(slotBody1, blockCore, "Les pages de l'équipe ne décrivent aucun rôle.", maxSectionText)
	}
	core, experts := roleItems(a.Roles, o.People)
	c.unavailableNote(o.People)
	forExperts := c.hold(c.bytes/3, 1)
	c.list(slotBody1, blockCore, headCore, core, "\n", 2, moreRoles)
	forExperts()
	c.list(slotBody2, blockExperts, headExperts, experts, "\n", 2, moreRoles)
	c.alternatives(a.Alternatives)

	// One button per role opens its card; a list of roles is short, and
	// the buttons go first when room runs out.
	var buttons []slack.BlockElement
	for _, r := range a.Roles {
		if b := c.refButton(answer.Ref{Intent: answer.IntentRole, ID: r.ID, Title: r.Title}); b != nil {
			buttons = append(buttons, b)
		}
		if len(buttons) == maxActionElements {
			break
		}
	}
	c.buttons(slotBody3, blockRoleLabel, "Ouvrir la fiche d'un rôle :", c.followBlockID(blockRoleButtons), buttons)
}

func listTasksCard(c *composer, a answer.Answer, o CardOptions) {
	c.header(slotHeader, blockHeader, titleListTasks)
	c.shared(o)
	c.actions(a, o, "README.md")
	owned, unowned := taskItems(a.Tasks, o.People)
	if len(owned) > 0 {
		c.context(slotFooter, blockLegend, Legend)
	}
	c.unavailableNote(o.People)
	if len(a.Tasks) == 0 {
		c.fitSection(slotBody1, blockTasks, "Les pages de l'équipe ne décrivent aucune tâche.", maxSectionText)
	}
	forUnowned := c.hold(c.bytes/4, 1)
	c.list(slotBody1, blockTasks, "", owned, "\n\n", 8, moreTasks)
	forUnowned()
	c.list(slotBody2, blockUnowned, headUnowned, unowned, "\n", 2, moreTasks)
	c.alternatives(a.Alternatives)
}

func helpCard(c *composer, a answer.Answer, o CardOptions) {
	c.header(slotHeader, blockHeader, titleHelp)
	c.shared(o)
	c.actions(a, o, "")
	c.fitSection(slotBody1, blockHelp, helpMrkdwn(o.Command), maxSectionText)
	c.alternatives(a.Alternatives)
}

func noneCard(c *composer, a answer.Answer) {
	c.fitSection(slotBody1, blockNotFound, notFound(a.Query), maxSectionText)
	c.context(slotFooter, blockHint, hint)
	c.buttons(slotBody2, blockSugLabel, "Vouliez-vous dire :", c.followBlockID(blockSuggestions), c.refButtons(a.Suggestions))
	c.alternatives(a.Alternatives)
}

// roleItems lists roles as bullets with their summary's first sentence,
// core roles apart from expert supports. A role that is neither is a role
// of the team, as kind says. With p, each role says who holds it, by name.
func roleItems(roles []answer.Role, p *People) (core, experts []string) {
	for _, r := range roles {
		item := "• *" + esc(titleOr(r.Title, r.ID)) + "*"
		if r.Core && r.Expert {
			item += " (aussi soutien expert)"
		}
		item += p.listPeople(r.ID)
		if s := esc(firstSentence(oneLine(r.Summary))); s != "" {
			item += " : " + s
		}
		if !r.Core && r.Expert {
			experts = append(experts, item)
		} else {
			core = append(core, item)
		}
	}
	return core, experts
}

// taskItems lists the tasks some role owns, each with its owners in words,
// and apart the tasks the page gives no owner. With p, each owner says who
// holds the role, by name.
func taskItems(tasks []answer.Task, p *People) (owned, unowned []string) {
	for _, t := range tasks {
		title := esc(titleOr(t.Title, t.ID))
		if len(t.Owners) == 0 {
			unowned = append(unowned, "• "+title)
			continue
		}
		lines := []string{"*" + title + "*"}
		for _, ow := range t.Owners {
			lines = append(lines, "• "+esc(titleOr(ow.Title, ow.Role))+" : "+levelWords(ow.Level, ow.Note, ow.Locked)+p.listPeople(ow.Role))
		}
		owned = append(owned, strings.Join(lines, "\n"))
	}
	return owned, unowned
}

// helpMrkdwn is HelpText as mrkdwn: its indented lines are examples.
func helpMrkdwn(command string) string {
	var lines []string
	for _, l := range strings.Split(HelpText(oneLine(command)), "\n") {
		switch ex := strings.TrimSpace(l); {
		case ex == "":
		case strings.HasPrefix(l, "  "):
			lines = append(lines, "• `"+Escape(strings.ReplaceAll(ex, "`", "'"))+"`")
		case strings.HasSuffix(ex, ":"):
			lines = append(lines, "*"+Escape(ex)+"*")
		default:
			lines = append(lines, Escape(ex))
		}
	}
	return strings.Join(lines, "\n")
}

func notFound(query string) string {
	q := shorten(esc(query), 200)
	if q == "" {
		return "Je n'ai rien trouvé dans les pages de l'équipe."
	}
	return "Je n'ai rien trouvé sur « " + q + " » dans les pages de l'équipe."
}

func moreItems(n int) string { return "• … et " + plural(n, "autre", "autres") }
func moreRows(n int) string  { return "• … et " + plural(n, "autre ligne", "autres lignes") }
func moreRoles(n int) string { return "• … et " + plural(n, "autre rôle", "autres rôles") }
func moreTasks(n int) string { return "• … et " + plural(n, "autre tâche", "autres tâches") }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// cardText says the answer in plain words for notifications and screen
// readers, escaped like the blocks.
func cardText(a answer.Answer, command string) string {
	var s string
	switch {
	case a.Intent == answer.IntentRole && a.Role != nil:
		r := a.Role
		s = esc(titleOr(r.Title, r.ID))
		if sum := esc(r.Summary); sum != "" {
			s += " : " + sum
		} else {
			s += " (" + kind(r.Core, r.Expert) + ")"
		}
	case a.Intent == answer.IntentTask && a.Task != nil:
		s = esc(titleOr(a.Task.Title, a.Task.ID)) + " : " + ownersWords(a.Task.Owners)
	case a.Intent == answer.IntentListRoles:
		names := make([]string, 0, len(a.Roles))
		for _, r := range a.Roles {
			names = append(names, esc(titleOr(r.Title, r.ID)))
		}
		s = titleListRoles + " : " + strings.Join(names, ", ") + "."
		if len(names) == 0 {
			s = "Les pages de l'équipe ne décrivent aucun rôle."
		}
	case a.Intent == answer.IntentListTasks:
		lines := []string{titleListTasks + " :"}
		for _, t := range a.Tasks {
			lines = append(lines, "• "+esc(titleOr(t.Title, t.ID))+" : "+ownersWords(t.Owners))
		}
		s = joinWithin(lines, "\n", maxText-200)
	case a.Intent == answer.IntentHelp:
		s = Escape(HelpText(oneLine(command)))
	default:
		s = notFound(a.Query)
		if titles := refTitles(a.Suggestions); len(titles) > 0 {
			s += " Vouliez-vous dire : " + joinWithin(titles, ", ", 600) + " ?"
		}
	}
	if isGuess(a) {
		s = "Vouliez-vous dire… " + s
	}
	if titles := refTitles(a.Alternatives); len(titles) > 0 {
		if isGuess(a) {
			s += "\n" + guessOthers + " " + joinWithin(titles, ", ", 600)
		} else {
			s += "\nVoir aussi : " + joinWithin(titles, ", ", 600)
		}
	}
	return shorten(s, maxText)
}

// ownersWords says who owns a task in one line: "Responsable métier
// (responsable), Responsable produit (co-responsable)".
func ownersWords(owners []answer.Owner) string {
	if len(owners) == 0 {
		return "la page de l'équipe ne désigne personne pour cette tâche."
	}
	parts := make([]string, 0, len(owners))
	for _, o := range owners {
		p := esc(titleOr(o.Title, o.Role))
		if l := esc(o.Level.Label()); l != "" {
			p += " (" + strings.ToLower(l) + ")"
		}
		parts = append(parts, p)
	}
	return joinWithin(parts, ", ", 1000)
}

func refTitles(refs []answer.Ref) []string {
	var out []string
	for _, r := range refs {
		if t := esc(refTitle(r)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// joinWithin joins parts while the result stays within max characters, and
// says "…" for the parts left out.
func joinWithin(parts []string, sep string, max int) string {
	var b strings.Builder
	n := 0
	for i, p := range parts {
		add := utf8.RuneCountInString(p)
		if i > 0 {
			add += utf8.RuneCountInString(sep)
		}
		if n+add > max-2 {
			if i == 0 {
				return shorten(p, max)
			}
			b.WriteString(sep + "…")
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
		n += add
	}
	return b.String()
}

// levelWords says a role's part in words, as the terminal does:
// "Responsable (porte la politique publique), ne se délègue pas".
func levelWords(l team.Level, note string, locked bool) string {
	s := esc(l.Label())
	if s == "" {
		s = "part non précisée"
	}
	if n := esc(note); n != "" {
		s += " (" + n + ")"
	}
	if locked {
		s += ", " + LockedNote
	}
	return s
}

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

// pageURL is the page of a content file under baseURL, GitBook style:
// "designer.md" is baseURL/designer, "README.md" baseURL itself and
// "equipe/README.md" baseURL/equipe. False when either is unusable.
func pageURL(baseURL, source string) (string, bool) {
	base, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" || base.User != nil {
		return "", false
	}
	src := strings.TrimSpace(source)
	if src == "" || strings.Contains(src, "\\") || strings.HasPrefix(src, "/") || strings.Contains(src, "://") {
		return "", false
	}
	clean := path.Clean(src)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", false
	}
	if ext := path.Ext(clean); strings.EqualFold(ext, ".md") {
		clean = strings.TrimSuffix(clean, ext)
	}
	if strings.EqualFold(path.Base(clean), "README") {
		clean = path.Dir(clean)
	}
	s := base.String()
	if clean != "." && clean != "" {
		segs := strings.Split(clean, "/")
		for i, seg := range segs {
			segs[i] = url.PathEscape(seg)
		}
		s = strings.TrimRight(s, "/") + "/" + strings.Join(segs, "/")
	}
	if len(s) > maxURL {
		return "", false
	}
	return s, true
}

// isUserID says whether s is a Slack user id, the only thing ever written
// as a mention.
func isUserID(s string) bool {
	if len(s) < 2 || len(s) > 32 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, r := range s[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// oneLine folds runs of spaces, tabs and newlines: titles and notes are
// one-line texts, and a stray newline would break a bullet list.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// esc is oneLine then Escape: the form of every content text in a card.
func esc(s string) string {
	return Escape(oneLine(s))
}

func escAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = esc(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func titleOr(title, id string) string {
	if strings.TrimSpace(title) != "" {
		return title
	}
	return id
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// shorten keeps s within max characters, ending with "…" when it cuts. It
// never cuts an entity such as "&amp;" in half, which Slack would show raw.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	cut, n := len(s), 0
	for i := range s {
		if n == max-1 {
			cut = i
			break
		}
		n++
	}
	t := s[:cut]
	if amp := strings.LastIndexByte(t, '&'); amp >= 0 && !strings.Contains(t[amp:], ";") {
		t = t[:amp]
	}
	return strings.TrimRight(t, " \n") + "…"
}

func mrkdwnObject(s string) *slack.TextBlockObject {
	// Verbatim: Slack must not turn words of the pages into links or
	// mentions; only rolebot's own <@U…> is markup.
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

func plainObject(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func sectionBlock(id, text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwnObject(text), nil, nil, slack.SectionBlockOptionBlockID(id))
}

// composer assembles a card within Slack's limits. Parts are put in
// priority order into display slots; each takes what is left of the block
// and byte budget, so the result never exceeds a limit.
type composer struct {
	guess bool // the card is a guess: its alternatives are the other choices
	// followKey is the answer's key that the alternatives' and suggestions'
	// block ids carry (see CardOptions.FeedbackKey); empty for none.
	followKey string
	slots     [][]slack.Block
	blocks    int // blocks left
	bytes     int // JSON bytes left
	seq       map[string]int
}

func newComposer(slots, maxBlocks, maxBytes int) *composer {
	// "[" and "]", and a comma before each block but the first.
	return &composer{slots: make([][]slack.Block, slots), blocks: maxBlocks, bytes: maxBytes - 1, seq: map[string]int{}}
}

func (c *composer) result() []slack.Block {
	var out []slack.Block
	for _, s := range c.slots {
		out = append(out, s...)
	}
	return out
}

func cost(blks []slack.Block) int {
	n := 0
	for _, b := range blks {
		n += jsonLen(b) + 1
	}
	return n
}

// put adds blocks to a slot, all or none, if they fit what is left.
func (c *composer) put(slot int, blks ...slack.Block) bool {
	return c.putSized(slot, cost(blks), blks...)
}

// putSized is put for blocks whose cost is known already.
func (c *composer) putSized(slot, cost int, blks ...slack.Block) bool {
	if len(blks) > c.blocks || cost > c.bytes {
		return false
	}
	c.slots[slot] = append(c.slots[slot], blks...)
	c.blocks -= len(blks)
	c.bytes -= cost
	return true
}

// hold sets aside part of what is left for parts placed later, so that a
// long list cannot crowd them out; calling the returned func gives it back.
func (c *composer) hold(bytes, blocks int) (release func()) {
	bytes, blocks = min(bytes, c.bytes), min(blocks, c.blocks)
	c.bytes -= bytes
	c.blocks -= blocks
	return func() {
		c.bytes += bytes
		c.blocks += blocks
	}
}

// actionID gives each button of a kind an action id unique in the message.
func (c *composer) actionID(name string) string {
	c.seq[name]++
	if n := c.seq[name]; n > 1 {
		return name + ":" + strconv.Itoa(n)
	}
	return name
}

func (c *composer) header(slot int, id, title string) {
	t := shorten(esc(title), maxHeaderText)
	if t == "" {
		return
	}
	c.put(slot, slack.NewHeaderBlock(plainObject(t), slack.HeaderBlockOptionBlockID(id)))
}

// context adds a one-element context line, shortened to fit.
func (c *composer) context(slot int, id, text string) {
	fit, n := c.fitting(maxContextText, text, func(t string) slack.Block {
		return slack.NewContextBlock(id, mrkdwnObject(t))
	})
	if fit != nil {
		c.putSized(slot, n, fit)
	}
}

// fitSection adds a section, its text shortened to max characters and to
// what is left of the budget.
func (c *composer) fitSection(slot int, id, text string, max int) {
	fit, n := c.fitting(min(max, maxSectionText), text, func(t string) slack.Block { return sectionBlock(id, t) })
	if fit != nil {
		c.putSized(slot, n, fit)
	}
}

// fitting returns the block build makes from the longest prefix of text
// (at most max characters) that fits the budget, and its cost; nil when not
// even a useful part fits.
func (c *composer) fitting(max int, text string, build func(string) slack.Block) (slack.Block, int) {
	text = strings.TrimSpace(text)
	if text == "" || c.blocks < 1 {
		return nil, 0
	}
	fits := func(n int) (slack.Block, int, bool) {
		b := build(shorten(text, n))
		cost := jsonLen(b) + 1
		return b, cost, cost <= c.bytes
	}
	hi := min(max, utf8.RuneCountInString(text))
	if b, cost, ok := fits(hi); ok {
		return b, cost
	}
	const minUseful = 20
	lo := minUseful
	if _, _, ok := fits(lo); !ok {
		return nil, 0
	}
	for lo < hi-1 { // fits(lo) holds, fits(hi) does not
		mid := (lo + hi) / 2
		if _, _, ok := fits(mid); ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	b, cost, _ := fits(lo)
	return b, cost
}

// list renders items as lines of sections under an optional heading, in as
// many sections as needed up to maxSections, within the budget. The items
// left out are counted in a last line, so that a reader knows the list goes
// on.
func (c *composer) list(slot int, id, heading string, items []string, sep string, maxSections int, more func(int) string) {
	// Room kept in every section for the "… et N autres" line.
	reserve := more(len(items))
	reserveRunes := utf8.RuneCountInString(reserve) + 1
	reserveBytes := stringLen(reserve) + 2
	i := 0
	var last *slack.SectionBlock
	for s := 0; s < maxSections && i < len(items) && c.blocks > 0; s++ {
		bid := id
		if s > 0 {
			bid += "_" + strconv.Itoa(s+1)
		}
		var lines []string
		if s == 0 && heading != "" {
			lines = append(lines, heading)
		}
		overhead := jsonLen(sectionBlock(bid, "")) + 1
		fits := func(ls []string) bool {
			t := strings.Join(ls, sep)
			return utf8.RuneCountInString(t)+reserveRunes <= maxSectionText &&
				overhead+stringLen(t)-2+reserveBytes <= c.bytes
		}
		start := len(lines)
		for i < len(items) {
			if fits(append(lines, items[i])) {
				lines = append(lines, items[i])
				i++
				continue
			}
			if len(lines) == start {
				// A single item longer than a section: keep its beginning.
				if t := longestFit(items[i], func(t string) bool { return fits(append(lines, t)) }); t != "" {
					lines = append(lines, t)
					i++
				}
			}
			break
		}
		if len(lines) == start {
			break
		}
		text := strings.Join(lines, sep)
		b := sectionBlock(bid, text)
		// Only the text differs from the empty section overhead measured.
		if !c.putSized(slot, overhead+escapedLen(text), b) {
			i -= len(lines) - start
			break
		}
		last = b
	}
	if i < len(items) && last != nil {
		// The reserve guarantees room: swap the last section for one that
		// says how many items were left out.
		before := escapedLen(last.Text.Text)
		last.Text.Text += "\n" + more(len(items)-i)
		c.bytes -= escapedLen(last.Text.Text) - before
	}
}

// longestFit returns the longest shortened form of s that ok accepts, or ""
// when not even a useful beginning does.
func longestFit(s string, ok func(string) bool) string {
	const minUseful = 20
	lo, hi := minUseful, utf8.RuneCountInString(s)
	if hi <= lo || !ok(shorten(s, lo)) {
		return ""
	}
	for lo < hi-1 {
		mid := (lo + hi) / 2
		if ok(shorten(s, mid)) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return shorten(s, lo)
}

// buttons adds a label line and an actions block of buttons, dropping
// trailing buttons until both fit; nothing when no button does.
func (c *composer) buttons(slot int, labelID, label, id string, els []slack.BlockElement) {
	if len(els) > maxActionElements {
		els = els[:maxActionElements]
	}
	for n := len(els); n > 0; n-- {
		var blks []slack.Block
		if label != "" {
			blks = append(blks, slack.NewContextBlock(labelID, mrkdwnObject(label)))
		}
		blks = append(blks, slack.NewActionBlock(id, els[:n]...))
		if c.put(slot, blks...) {
			return
		}
	}
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

// shared says who shared a card in the channel. Only a real user id becomes
// a mention; anything else is shown as text.
func (c *composer) shared(o CardOptions) {
	by := strings.TrimSpace(o.SharedBy)
	switch {
	case by == "":
		return
	case isUserID(by):
		c.context(slotShared, blockShared, "Partagé par <@"+by+">")
	default:
		c.context(slotShared, blockShared, "Partagé par "+shorten(esc(by), 100))
	}
}

// actions adds the link to the page and, on a private preview, the share
// button.
func (c *composer) actions(a answer.Answer, o CardOptions, source string) {
	var els []slack.BlockElement
	if u, ok := pageURL(o.BaseURL, source); ok && source != "" {
		els = append(els, slack.NewButtonBlockElement(c.actionID(ActionLink), "", plainObject("Voir la page")).WithURL(u))
	}
	if ref, ok := RefOf(a); ok && o.Shareable {
		els = append(els, slack.NewButtonBlockElement(c.actionID(ActionShare), EncodeRef(ref), plainObject("Partager dans le canal")).WithStyle(slack.StylePrimary))
	}
	if len(els) > 0 {
		c.put(slotActions, slack.NewActionBlock(c.followBlockID(blockActions), els...))
	}
}
