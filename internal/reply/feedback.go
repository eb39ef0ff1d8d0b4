package reply

import (
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/store"
)

// Feedback on an answer: the buttons under it, their values, and the comment modal that a
// "pas utile" opens. The values carry the answer's key (store.Shown.Key); they come back from the
// outside world, so DecodeFeedback checks them before use.
const (
	// ActionFeedback is the action id of the feedback buttons, Slack's feedback_buttons element
	// and the plain fallback buttons alike.
	ActionFeedback = "rolebot_feedback"
	// BlockFeedback is the block id of the block that holds them.
	BlockFeedback = "rolebot_feedback"
	// FeedbackCallbackID is the comment modal's callback id (its view_submission carries it).
	FeedbackCallbackID = "rolebot_feedback_comment"
	// Block and action ids of the modal's comment input.
	blockFeedbackComment  = "rolebot_feedback_comment"
	actionFeedbackComment = "rolebot_feedback_comment_input"
)

// Prefixes of the feedback buttons' values: "utile:KEY", "pas_utile:KEY".
const (
	valueUseful    = "utile:"
	valueNotUseful = "pas_utile:"
)

// Texts of the feedback, in French.
const (
	// FeedbackThanks acknowledges a click, privately.
	FeedbackThanks = "Merci pour votre avis !"
	// FeedbackAlready answers a second click of the same person on the same answer.
	FeedbackAlready = "Vous aviez déjà donné votre avis sur cette réponse : il est gardé tel quel."
	// FeedbackUnknown answers a click on an answer rolebot no longer knows (purged after
	// FEEDBACK_RETENTION) or a forged value.
	FeedbackUnknown = "Cette réponse est trop ancienne pour recevoir un avis ; posez la question à nouveau."
	// FeedbackCommentAgain answers a second "pas utile" of someone who has not commented yet:
	// the comment modal opens again.
	FeedbackCommentAgain = "Votre avis « pas utile » est déjà enregistré : vous pouvez encore y ajouter un commentaire."
	// FeedbackCommentThanks closes the modal once a comment is kept.
	FeedbackCommentThanks = "Merci, votre commentaire aidera à compléter les pages."
)

// FeedbackValue is the value of a feedback button for the answer key.
func FeedbackValue(key string, useful bool) string {
	if useful {
		return valueUseful + key
	}
	return valueNotUseful + key
}

// DecodeFeedback reads a feedback button's value back; false for anything FeedbackValue would not
// write (a forged value, another button's value).
func DecodeFeedback(v string) (key string, useful, ok bool) {
	if k, found := strings.CutPrefix(v, valueUseful); found {
		key, useful = k, true
	} else if k, found := strings.CutPrefix(v, valueNotUseful); found {
		key = k
	} else {
		return "", false, false
	}
	if !store.ValidAnswerKey(key) {
		return "", false, false
	}
	return key, useful, true
}

// FeedbackBlock is the block that asks for feedback under an answer: Slack's own feedback
// buttons in a context_actions block (as a struct of its own, cheaper to marshal: feedbackblocks.go).
func FeedbackBlock(key string) slack.Block { return newFeedbackBlock(key) }

// FeedbackFallbackBlock is FeedbackBlock as two plain buttons in an actions block, for a surface
// that refuses context_actions (an older client, a view): the same action id and values.
func FeedbackFallbackBlock(key string) slack.Block { return newFallbackBlock(key) }

// FeedbackModal is the modal that a "pas utile" opens (views.open, with the click's trigger_id,
// within 3 s): an optional comment of at most store.MaxCommentRunes characters. Its
// private_metadata carries the answer's key, which FeedbackComment reads back.
func FeedbackModal(key string) slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(plainObject("Ce qui manquait, ce que vous cherchiez…"), actionFeedbackComment)
	input.Multiline = true
	input.MaxLength = store.MaxCommentRunes
	block := slack.NewInputBlock(blockFeedbackComment, plainObject("Qu'est-ce qui n'allait pas ?"),
		plainObject("Facultatif ; "+strconv.Itoa(store.MaxCommentRunes)+" caractères au plus. Lu par les personnes qui rédigent les pages."), input)
	block.Optional = true
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      FeedbackCallbackID,
		Title:           plainObject("Votre avis"),
		Submit:          plainObject("Envoyer"),
		Close:           plainObject("Annuler"),
		PrivateMetadata: key,
		Blocks:          slack.Blocks{BlockSet: []slack.Block{block}},
	}
}

// FeedbackComment reads a submitted comment modal: the answer's key and the comment (possibly
// empty). False when the view is not FeedbackModal's or its key is not one.
func FeedbackComment(v slack.View) (key, comment string, ok bool) {
	if v.CallbackID != FeedbackCallbackID || !store.ValidAnswerKey(v.PrivateMetadata) {
		return "", "", false
	}
	if v.State != nil {
		if a, found := v.State.Values[blockFeedbackComment][actionFeedbackComment]; found {
			comment = a.Value
		}
	}
	return v.PrivateMetadata, comment, true
}

// FeedbackCommentErrors is the view_submission answer (response_action "errors") for a comment
// the store refused as too long: the modal stays open, the message under the input.
func FeedbackCommentErrors() *slack.ViewSubmissionResponse {
	return slack.NewErrorsViewSubmissionResponse(map[string]string{
		blockFeedbackComment: "Votre commentaire dépasse " + strconv.Itoa(store.MaxCommentRunes) + " caractères : raccourcissez-le.",
	})
}

// ValidFeedbackKey reports whether key can be an answer's key in the feedback buttons.
func ValidFeedbackKey(key string) bool { return store.ValidAnswerKey(key) }

// followSep separates a block id from the answer's key it carries: it is in no key
// (store.ValidAnswerKey), so the key is what follows the first one.
const followSep = "/"

// followBlockID is the block id of a card's block whose buttons open or share it (its
// alternatives, suggestions, roles of a list, its actions): id alone, or id with the answer's
// key when the card carries feedback.
func (c *composer) followBlockID(id string) string {
	if c.followKey == "" {
		return id
	}
	return id + followSep + c.followKey
}

// FollowedKey reads the key of the answer whose alternative, suggestion or role of a list was
// clicked from the block id the click came from; false for another block or a block id that
// carries no valid key (it comes from the outside world).
func FollowedKey(blockID string) (string, bool) {
	return keyIn(blockID, blockAlternatives, blockSuggestions, blockRoleButtons)
}

// SharedKey reads the key of the answer whose share button was clicked from the block id the
// click came from, for the card shared to carry the same answer's feedback buttons; false as
// for FollowedKey.
func SharedKey(blockID string) (string, bool) {
	return keyIn(blockID, blockActions)
}

// keyIn reads the answer's key from a block id that followBlockID made of one of ids.
func keyIn(blockID string, ids ...string) (string, bool) {
	id, key, found := strings.Cut(blockID, followSep)
	if !found || !slices.Contains(ids, id) || !store.ValidAnswerKey(key) {
		return "", false
	}
	return key, true
}

// WithFallbackFeedback returns blocks with Slack's feedback buttons (FeedbackBlock) replaced by
// the plain ones (FeedbackFallbackBlock), for a surface that refused them; false when blocks hold
// no feedback buttons. Card keeps room for the plain ones, so the message still fits.
func WithFallbackFeedback(blocks []slack.Block) ([]slack.Block, bool) {
	for i, b := range blocks {
		key, ok := feedbackKey(b)
		if !ok {
			continue
		}
		out := slices.Clone(blocks)
		out[i] = FeedbackFallbackBlock(key)
		return out, true
	}
	return blocks, false
}

// feedbackKey is the answer's key of Slack's feedback buttons in b: as FeedbackBlock builds
// them, or as slack-go reads them back; false for another block.
func feedbackKey(b slack.Block) (string, bool) {
	switch b := b.(type) {
	case *feedbackBlock:
		if ValidFeedbackKey(b.key) {
			return b.key, true
		}
	case *slack.ContextActionsBlock:
		if b.BlockID != BlockFeedback || b.Elements == nil {
			return "", false
		}
		for _, e := range b.Elements.ElementSet {
			if fb, ok := e.(*slack.FeedbackButtonsBlockElement); ok && fb.PositiveButton != nil {
				if key, _, ok := DecodeFeedback(fb.PositiveButton.Value); ok {
					return key, true
				}
			}
		}
	}
	return "", false
}

// blockFeedbackNotice is the block id of FeedbackNotice's text.
const blockFeedbackNotice = "rolebot_feedback_notice"

// FeedbackNotice is the comment modal replaced by a line of text (a view_submission answered
// with response_action "update"): the thanks once a comment is kept, or why it was not.
func FeedbackNotice(text string) *slack.ModalViewRequest {
	return &slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plainObject("Votre avis"),
		Close:  plainObject("Fermer"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{sectionBlock(blockFeedbackNotice, esc(text))}},
	}
}
