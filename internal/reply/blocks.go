package reply

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
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
