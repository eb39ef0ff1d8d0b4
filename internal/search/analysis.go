package search

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	regexpchar "github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/rolebot/rolebot/internal/team"
)

// analyzerName is the one analysis chain used at index and at query time.
const analyzerName = "rolebot_fr"

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
		{"char filter", "rolebot_inclusive", m.AddCustomCharFilter, map[string]interface{}{
			"type": regexpchar.Name, "regexp": inclusivePattern, "replace": "",
		}},
		{"token map", "rolebot_stop_words", m.AddCustomTokenMap, map[string]interface{}{
			"type": tokenmap.Name, "tokens": stopWords(),
		}},
		{"token filter", "rolebot_stop", m.AddCustomTokenFilter, map[string]interface{}{
			"type": stop.Name, "stop_token_map": "rolebot_stop_words",
		}},
		{"analyzer", analyzerName, m.AddCustomAnalyzer, map[string]interface{}{
			"type":          custom.Name,
			"char_filters":  []interface{}{"rolebot_inclusive", asciifolding.Name},
			"tokenizer":     unicode.Name,
			"token_filters": []interface{}{lowercase.Name, fr.ElisionName, "rolebot_stop", fr.SnowballStemmerName},
		}},
	}
	for _, s := range steps {
		if err := s.add(s.name, s.conf); err != nil {
			return fmt.Errorf("register %s %s: %w", s.kind, s.name, err)
		}
	}
	return nil
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
