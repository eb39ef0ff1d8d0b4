package search

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/rolebot/rolebot/internal/team"
)

// analyzerName is the one analysis chain used at index and at query time.
// It runs once per text: documents reach bleve already analysed, as terms
// separated by spaces, which bleve's own analyzer (preAnalyzed) only splits.
const analyzerName = "rolebot_fr"

// preAnalyzed is what bleve indexes the text fields with: they hold terms
// the French chain made, joined by spaces. Analysing every page once instead
// of twice (once to count terms, once in bleve) halves the build time.
const preAnalyzed = "rolebot_pre"

// inclusivePattern matches the marks of French inclusive writing, so that
// "référent·e·s" and "chef.fe" index as one word ("referentes", "cheffe").
const inclusivePattern = `[·‧⋅•]|\.(?:e|es|fe|fes|se|ses|ice|ices|rice|rices)\b`

// addAnalyzer registers the French chain on m: inclusive writing joined,
// accents folded, tokens lower-cased, elisions ("l'", "qu'") cut, French and
// English stop words dropped, and words stemmed.
//
// The Snowball French stemmer is used rather than the "light" one: measured on
// the evaluation set, it joins the verb and noun forms people mix in
// questions (prépare/préparation, automatise/automatisation,
// communique/communication, designer/designeuse), which the light one keeps
// apart.
func addAnalyzer(m *mapping.IndexMappingImpl) error {
	steps := []struct {
		kind string
		name string
		add  func(string, map[string]interface{}) error
		conf map[string]interface{}
	}{
		{"token map", "rolebot_stop_words", m.AddCustomTokenMap, map[string]interface{}{
			"type": tokenmap.Name, "tokens": stopWords(),
		}},
		{"token filter", "rolebot_stop", m.AddCustomTokenFilter, map[string]interface{}{
			"type": stop.Name, "stop_token_map": "rolebot_stop_words",
		}},
		{"analyzer", analyzerName, m.AddCustomAnalyzer, map[string]interface{}{
			"type":          custom.Name,
			"char_filters":  []interface{}{asciifolding.Name}, // and inclusiveFilter first, see frenchAnalyzer
			"tokenizer":     unicode.Name,
			"token_filters": []interface{}{lowercase.Name, fr.ElisionName, "rolebot_stop", fr.SnowballStemmerName},
		}},
		{"analyzer", preAnalyzed, m.AddCustomAnalyzer, map[string]interface{}{
			"type":      custom.Name,
			"tokenizer": whitespace.Name,
		}},
	}
	for _, s := range steps {
		if err := s.add(s.name, s.conf); err != nil {
			return fmt.Errorf("register %s %s: %w", s.kind, s.name, err)
		}
	}
	return nil
}

// frenchAnalyzer is the chain registered on m as analyzerName, with
// inclusive writing joined first.
func frenchAnalyzer(m *mapping.IndexMappingImpl) (analysis.Analyzer, error) {
	base, ok := m.AnalyzerNamed(analyzerName).(*analysis.DefaultAnalyzer)
	if !ok {
		return nil, fmt.Errorf("analyzer %s is not registered", analyzerName)
	}
	an := *base
	an.CharFilters = append([]analysis.CharFilter{inclusiveFilter{}}, base.CharFilters...)
	// The stemmer is last (addAnalyzer): wrapped to leave alone the words
	// it would merge with an English one.
	filters := slices.Clone(base.TokenFilters)
	filters[len(filters)-1] = keepUnstemmed{stem: filters[len(filters)-1], keep: stemCollisions}
	an.TokenFilters = filters
	return &an, nil
}

// stemCollisions are French words the Snowball stemmer cuts down to an
// English word that role pages use in aliases: "production" becomes
// "product" ("product owner", "product coach"), so that "qui surveille la
// production ?" found every role called a product something. They are
// indexed and searched unstemmed.
var stemCollisions = map[string]bool{"production": true, "productions": true}

// keepUnstemmed stems every token but those in keep.
type keepUnstemmed struct {
	stem analysis.TokenFilter
	keep map[string]bool
}

// Filter implements analysis.TokenFilter.
func (k keepUnstemmed) Filter(input analysis.TokenStream) analysis.TokenStream {
	var kept []*analysis.Token
	for _, t := range input {
		if k.keep[string(t.Term)] {
			kept = append(kept, t)
		}
	}
	if kept == nil {
		return k.stem.Filter(input)
	}
	for _, t := range input {
		if !k.keep[string(t.Term)] {
			k.stem.Filter(analysis.TokenStream{t})
		}
	}
	return input
}

// inclusiveMarks joins inclusive writing the way the analysis chain does.
var inclusiveMarks = regexp.MustCompile(inclusivePattern)

// inclusiveFilter is a char filter removing the marks of inclusive writing.
// Unlike bleve's regexp filter it looks for them before running the
// expression, which on a long page costs more than the rest of the chain.
type inclusiveFilter struct{}

// Filter implements analysis.CharFilter.
func (inclusiveFilter) Filter(input []byte) []byte {
	if !mayBeInclusive(input) {
		return input
	}
	return inclusiveMarks.ReplaceAll(input, nil)
}

// mayBeInclusive reports whether b holds a middle dot, or a full stop
// followed by an inclusive ending as a whole word (".e", ".fes", ".rices"):
// what inclusivePattern matches, so ".fr" or "v1.2" need no regexp.
func mayBeInclusive(b []byte) bool {
	// One search per mark: each is vectorised, unlike ContainsAny over
	// non-ASCII runes, which decodes the text rune by rune.
	for _, mark := range inclusiveDots {
		if bytes.Contains(b, mark) {
			return true
		}
	}
	for i := bytes.IndexByte(b, '.'); i >= 0; {
		rest := b[i+1:]
		for _, end := range inclusiveEndings {
			if bytes.HasPrefix(rest, []byte(end)) && (len(rest) == len(end) || !isWordByte(rest[len(end)])) {
				return true
			}
		}
		j := bytes.IndexByte(rest, '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// inclusiveDots are the middle dots of inclusive writing.
var inclusiveDots = [][]byte{[]byte("·"), []byte("‧"), []byte("⋅"), []byte("•")}

// inclusiveEndings are the endings inclusivePattern joins after a full stop.
var inclusiveEndings = []string{"e", "es", "fe", "fes", "se", "ses", "ice", "ices", "rice", "rices"}

// isWordByte is \w for an ASCII byte, as \b in inclusivePattern sees it.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// stopWords is bleve's French list, accent-folded (the chain folds before it
// filters), and the English list, since people ask in both languages.
func stopWords() []interface{} {
	seen := map[string]bool{}
	// "co" is what is left of "co-responsable" or "co-conception" once split.
	out := []interface{}{"co", "autour", "pendant", "depuis", "vers", "chez", "sans", "sous", "selon", "entre", "parmi",
		"plutot", "aussi", "tout", "toute", "tous", "toutes", "comme", "donc", "alors", "quand", "puis", "ainsi"}
	for _, list := range [][]byte{fr.FrenchStopWords, en.EnglishStopWords} {
		tm := analysis.NewTokenMap()
		if err := tm.LoadBytes(list); err != nil {
			continue // the lists are compiled in: a failure here cannot happen
		}
		for w := range tm {
			w = strings.ToLower(team.Fold(w))
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}
