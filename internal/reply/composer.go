package reply

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

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
