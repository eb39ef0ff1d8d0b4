// Package search understands questions about a team: it indexes the roles
// and tasks of a team.Team with bleve and turns a question, in French or
// English, into an answer.Answer.
package search

import (
	"context"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/rolebot/rolebot/internal/team"
)

// Fields of an indexed document. Roles fill name (title, aliases and id),
// summary and body; tasks fill name (title), details and notes (the cells'
// words).
const (
	fieldKind    = "kind"
	fieldName    = "name"
	fieldSummary = "summary"
	fieldBody    = "body"
	fieldDetails = "details"
	fieldNotes   = "notes"
	// fieldContext holds, for a task, the role pages' sentences about it:
	// what the content says the task means beyond its title.
	fieldContext = "context"
)

// textFields are searched for every question.
var textFields = [...]string{fieldName, fieldSummary, fieldBody, fieldDetails, fieldNotes, fieldContext}

// Positions of the fields in textFields.
const (
	nameAt = iota
	summaryAt
	bodyAt
	detailsAt
	notesAt
	contextAt
)

// doc is what bleve indexes for a role or a task.
type doc struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Summary string `json:"summary,omitempty"`
	Body    string `json:"body,omitempty"`
	Details string `json:"details,omitempty"`
	Notes   string `json:"notes,omitempty"`
	Context string `json:"context,omitempty"`
}

// Index answers questions about one team. It is safe for concurrent use and
// never changes once built: a new content version gets a new Index.
type Index struct {
	team     *team.Team
	bleve    bleve.Index
	analyzer analysis.Analyzer
	synonyms *Synonyms
	df       map[string]int        // term → number of documents holding it
	roleDF   map[string]int        // term → number of role pages holding it
	docs     int                   // number of documents
	names    map[string][][]string // role id → its names, analysed
	// heads maps a role id to its title's head noun when that is an agent
	// noun, folded to the masculine singular (agentHeads).
	heads   map[string]string
	vocab   map[string]*int // folded word → occurrences, for typos
	byFirst lexicon         // vocabulary by first letter
	// termsByFirst lists the indexed terms by first letter: typos are
	// looked for among the terms that share it.
	termsByFirst lexicon
	// termIDs numbers the indexed terms, and fields holds, per document and
	// text field, the sorted ids of its terms: which words of a question a
	// candidate holds, and where, is read here instead of from bleve's term
	// vectors, which took a third of the memory at 10,000 pages.
	termIDs map[string]uint32
	fields  map[string]*[len(textFields)][]uint32
	keys    []string // the documents' keys, in index order
	// askBleve makes a small folder's questions go through bleve too, for
	// the test that shows both ways find the same candidates.
	askBleve bool
	// fieldDF counts, per term id and text field, the documents whose
	// field holds the term.
	fieldDF [][len(textFields)]int32
	// denials holds, per role document, the sentences of its page that say
	// what the role is not, as sorted term ids: a question they answer
	// lowers that role (Index.denied).
	denials map[string][][]uint32
	// says holds, per role document, the other sentences of its page and
	// summary, as sorted term ids (flatSentences): whether the page ever
	// says two things a question asks about together (Index.pairedOn).
	says map[string][]uint32
	// synForms holds, per phrase of the synonyms, its forms in this folder
	// (resolveSynonyms).
	synForms map[string]synForms
	// synExpand holds the expansions (Index.expand, no typos) of the terms
	// of synForms' alternatives.
	synExpand map[string]map[string]float64
	// teamWords are the words of the team page's title: "les rôles de
	// l'équipe produit" asks for the list, not for a task about "produit".
	teamWords map[string]bool
	// glued maps two-word names typed as one word to their words
	// (gluedNames).
	glued map[string][2]string
}

// Options tunes an Index.
type Options struct {
	// Synonyms are added to the built-in list (a content folder's own).
	Synonyms *Synonyms
}

// Build indexes a team in memory.
func Build(ctx context.Context, t *team.Team, opts Options) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	// An empty path keeps scorch in memory; unlike NewMemOnly it supports
	// every query and is several times faster.
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	built := false
	defer func() {
		if !built {
			_ = bi.Close() // a failed or cancelled build leaves no index running
		}
	}()
	an, err := frenchAnalyzer(m)
	if err != nil {
		return nil, err
	}
	syn := BuiltinSynonyms()
	syn.Merge(opts.Synonyms)
	ix := &Index{team: t, bleve: bi, analyzer: an, synonyms: syn, df: map[string]int{}, roleDF: map[string]int{}, names: map[string][][]string{},
		vocab: map[string]*int{}, byFirst: lexicon{}, termIDs: map[string]uint32{}, fields: map[string]*[len(textFields)][]uint32{},
		denials: map[string][][]uint32{}, says: map[string][]uint32{}}

	// Each batch becomes one in-memory segment, and every term of a question
	// is looked up in each: at most about eight, whatever the size. Larger
	// segments waste more memory (their buffers grow by doubling).
	batchSize := max(500, (len(t.Roles)+len(t.Tasks))/8+1)
	batch := bi.NewBatch()
	// Analysis is most of the work: documents are analysed in parallel, a
	// chunk at a time, then merged in order, so that the index is the same
	// whatever the number of CPUs.
	// Roles first, then tasks: a task's context is the role pages'
	// sentences about it, gathered while the roles are merged.
	n := len(t.Roles) + len(t.Tasks)
	st := &buildState{keys: ix.newTaskKeys(t), context: make([][]string, len(t.Tasks)), addTerms: map[string][]string{}}
	st.names = ix.learntNames(t, st.keys)
	ix.heads = agentHeads(t)
	for _, adds := range syn.adds {
		for _, a := range adds {
			if _, ok := st.addTerms[a]; !ok {
				st.addTerms[a] = ix.terms(a)
			}
		}
	}
	chunk := make([]prepared, min(n, buildChunk))
	for _, span := range [][2]int{{0, len(t.Roles)}, {len(t.Roles), n}} {
		for start := span[0]; start < span[1]; start += len(chunk) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			part := chunk[:min(len(chunk), span[1]-start)]
			var next atomic.Int64
			var wg sync.WaitGroup
			for range min(runtime.GOMAXPROCS(0), len(part)) {
				wg.Go(func() {
					sc := newAboutScratch(len(t.Tasks))
					for i := int(next.Add(1) - 1); i < len(part); i = int(next.Add(1) - 1) {
						part[i] = ix.prepare(t, st, sc, start+i)
					}
				})
			}
			wg.Wait()
			for i := range part {
				p := &part[i]
				if p.names != nil {
					ix.names[p.id] = append(ix.names[p.id], p.names...)
				}
				for _, ab := range p.about {
					st.context[ab.task] = appendNew(st.context[ab.task], ab.terms)
				}
				if err := batch.Index(p.key, ix.merge(p)); err != nil {
					return nil, fmt.Errorf("index %s: %w", p.key, err)
				}
				part[i] = prepared{}
				if batch.Size() >= batchSize {
					if err := bi.Batch(batch); err != nil {
						return nil, fmt.Errorf("index batch: %w", err)
					}
					batch.Reset()
				}
			}
		}
	}
	if err := bi.Batch(batch); err != nil {
		return nil, fmt.Errorf("index batch: %w", err)
	}
	// Question words may be mistyped too ("s'ocupe"): they join the
	// vocabulary that typos are corrected against.
	// So are the synonyms' words ("budjet" is "budget", which only the
	// synonyms know).
	for _, list := range []map[string]bool{structural, weak, whoWords, whichWords, syn.words} {
		for _, w := range slices.Sorted(maps.Keys(list)) { // in order: typo ties go to the first
			ix.learn(w)
		}
	}
	// The team's title words, and the words the synonyms read as them
	// ("product team" is "équipe produit").
	ix.teamWords = set(words(t.Title)...)
	for from, adds := range syn.adds {
		for _, a := range adds {
			if ix.teamWords[a] && !strings.Contains(from, " ") {
				ix.teamWords[from] = true
			}
		}
	}
	ix.glued = gluedNames(t, syn)
	ix.termsByFirst = lexicon{}
	for t := range ix.df {
		ix.termsByFirst.add(t)
	}
	ix.synForms = ix.resolveSynonyms(st.addTerms)
	built = true
	return ix, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// Team is the team this index answers about.
func (ix *Index) Team() *team.Team { return ix.team }

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzer(m); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = preAnalyzed
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range textFields {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = preAnalyzed
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false // Index.fields says which words matched
		fm.DocValues = false          // nothing is sorted or faceted by a text field
		dm.AddFieldMappingsAt(f, fm)
	}
	kind := bleve.NewKeywordFieldMapping()
	kind.Store = false
	kind.IncludeInAll = false
	kind.DocValues = false
	dm.AddFieldMappingsAt(fieldKind, kind)
	m.DefaultMapping = dm
	return m, nil
}

func roleKey(id string) string { return "role:" + id }
func taskKey(id string) string { return "task:" + id }

// initials is what people write a role of several words by: "RM" for
// "Responsable métier", "ERU" for "Expert en recherche utilisateur" (the
// analysed words: small words do not count). A one-word title has none.
func (ix *Index) initials(title string) string {
	terms := ix.terms(title)
	if len(terms) < 2 {
		return ""
	}
	var b strings.Builder
	for _, t := range terms {
		r, _ := utf8.DecodeRuneInString(t)
		b.WriteRune(r)
	}
	return b.String()
}

// Common words are left out of the search for candidates, in the fields
// where more than commonShare of the documents, and at least commonMin of
// them, hold them: "usagers" in the text of most of 10,000 role pages would
// make bleve visit them all for a word that cannot tell them apart. The
// reranking still sees them (Index.matched), and a small folder never has
// such words.
const (
	commonShare = 0.05
	commonMin   = 200
)

// fieldCount is the number of documents whose text field number field holds
// term.
func (ix *Index) fieldCount(term string, field int) int {
	tid, ok := ix.termIDs[term]
	if !ok || int(tid) >= len(ix.fieldDF) {
		return 0
	}
	return int(ix.fieldDF[tid][field])
}

// common reports whether a word held in a field by n documents is too
// common there to look candidates up by.
func (ix *Index) common(n int) bool {
	return n >= commonMin && float64(n) > commonShare*float64(ix.docs)
}

// idf is the weight of a term: rare terms weigh more.
func (ix *Index) idf(term string) float64 {
	return math.Log(1 + float64(ix.docs+1)/float64(ix.df[term]+1))
}

// terms analyses text with the index's chain.
func (ix *Index) terms(text string) []string {
	var out []string
	for _, tok := range ix.analyzer.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// words splits text into accent-folded, lower-case words of letters and
// digits: the form synonyms and intent words are compared in.
func words(text string) []string {
	text = strings.ToLower(team.Fold(text))
	if mayBeInclusive([]byte(text)) {
		text = inclusiveMarks.ReplaceAllString(text, "")
	}
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// appendNew appends the terms of add that to lacks: a task's context is a
// set of terms (only which terms a field holds counts).
func appendNew(to, add []string) []string {
	for _, t := range add {
		if !slices.Contains(to, t) {
			to = append(to, t)
		}
	}
	return to
}

// internTerms gives each term its id, making one for a term not seen yet,
// and returns the ids sorted without repeats.
func (ix *Index) internTerms(terms []string) []uint32 {
	ids := make([]uint32, 0, len(terms))
	for _, t := range terms {
		tid, ok := ix.termIDs[t]
		if !ok {
			tid = uint32(len(ix.termIDs))
			ix.termIDs[t] = tid
		}
		ids = append(ids, tid)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
