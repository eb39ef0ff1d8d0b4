package reply

import (
	"net/url"
	"path"
	"strings"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
)

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
