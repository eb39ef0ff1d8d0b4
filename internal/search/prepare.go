package search

// Preparing the documents: what Build gathers from the roles' pages for each role and task
// (sentences, their synonyms, the role sentences about each task, denials) before bleve
// indexes them.

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rolebot/rolebot/internal/team"
)

// buildState is what Build gathers from the roles for the tasks.
type buildState struct {
	keys    taskKeys
	context [][]string // per task, the terms of the role sentences about it
	// addTerms holds the analysed terms of every phrase the synonyms add,
	// analysed once for all the sentences that hold it.
	addTerms map[string][]string
	// names holds, per role, the names its pages give it (learntNames).
	names [][]string
}

// withSynonyms returns a sentence's terms and those the synonyms add to its
// words, as a question holding them would be read ("recette" is also
// "tests").
func (st *buildState) withSynonyms(ix *Index, ws, terms []string) []string {
	out := terms
	for i := 0; i < len(ws); {
		n, adds := ix.synonyms.match(ws, i)
		for _, add := range adds {
			if out2 := st.addTerms[add]; len(out2) > 0 {
				if len(out) == len(terms) {
					out = slices.Clone(terms) // terms is the body's too
				}
				out = append(out, out2...)
			}
		}
		i += max(n, 1)
	}
	return out
}

// phraseSynonyms returns the terms the synonyms add to the phrases of
// several words in ws ("user stories" adds "us"), and to a word the forms
// of its own family ("former" adds "formation": they share familyPrefix
// letters).
func (st *buildState) phraseSynonyms(ix *Index, ws []string) []string {
	var out []string
	for i := 0; i < len(ws); {
		n, adds := ix.synonyms.match(ws, i)
		for _, add := range adds {
			if n > 1 || sharedPrefix(ws[i], add) >= familyPrefix {
				out = append(out, st.addTerms[add]...)
			}
		}
		i += max(n, 1)
	}
	return out
}

// prefixForms says whether one term is the other or a longer form of it
// that Index.expand finds: "budget" and "budgetair".
func prefixForms(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == b || utf8.RuneCountInString(a) >= minPrefix && strings.HasPrefix(b, a)
}

// familyPrefix is how many leading letters a word and a form the synonyms
// give it share to be of one family: "former", "formation".
const familyPrefix = 4

// aboutTask is a role page's sentence, as terms, about a task.
type aboutTask struct {
	task  int
	terms []string
}

// buildChunk is how many documents are analysed in parallel before being
// merged: enough to keep every CPU busy, few enough to hold little memory.
const buildChunk = 256

// prepared is a role or a task analysed, ready to be merged into the index.
type prepared struct {
	key   string // bleve's document id: "role:designer"
	id    string // the role's or task's id
	kind  string
	names [][]string                // a role's names, analysed
	terms [len(textFields)][]string // each field's terms
	words [len(textFields)][]string // each field's words, for typos
	about []aboutTask               // a role page's sentences about tasks
	// denies holds a role page's denials ("pas l'animateur des rituels"),
	// one list of terms per sentence.
	denies [][]string
	// says holds a role page's other sentences, its summary's among them,
	// one list of terms per sentence, with the synonyms' (Index.says): as
	// a question is read, "recette" is also "tests".
	says [][]string
}

// prepare analyses the document number i of t (roles, then tasks). It
// changes nothing in ix, so calls may run in parallel.
func (ix *Index) prepare(t *team.Team, st *buildState, sc *aboutScratch, i int) prepared {
	var p prepared
	var d doc
	if i < len(t.Roles) {
		r := &t.Roles[i]
		names := append([]string{r.Title, strings.ReplaceAll(r.ID, "-", " ")}, r.Aliases...)
		names = append(names, st.names[i]...)
		if in := ix.initials(r.Title); in != "" {
			names = append(names, in)
		}
		for _, n := range names {
			if terms := ix.terms(n); len(terms) > 0 {
				p.names = append(p.names, terms)
			}
		}
		p.key, p.id = roleKey(r.ID), r.ID
		pt := readPage(r)
		// Example questions count with the summary: a writer put them there
		// to say what the role answers.
		summary := r.Summary
		if len(r.Cards) > 0 {
			summary += " ; " + strings.Join(r.Cards, " ; ")
		}
		if len(pt.faq) > 0 {
			summary += " ; " + strings.Join(pt.faq, " ; ")
		}
		d = doc{Kind: "role", Name: strings.Join(names, " ; "), Summary: summary}
		// The body is analysed once, its sentences apart: each sentence's
		// terms also tell which tasks it speaks of.
		wss, termss := ix.sentencesOf(pt.does)
		for si := range termss {
			p.words[bodyAt] = append(p.words[bodyAt], wss[si]...)
			p.terms[bodyAt] = append(p.terms[bodyAt], termss[si]...)
			withSyn := st.withSynonyms(ix, wss[si], termss[si])
			for _, k := range st.keys.about(withSyn, sc) {
				p.about = append(p.about, aboutTask{task: k, terms: withSyn})
			}
			p.says = append(p.says, withSyn)
		}
		sws, sterms := ix.sentencesOf(sentences(summary))
		for si := range sterms {
			p.says = append(p.says, st.withSynonyms(ix, sws[si], sterms[si]))
		}
		for _, sen := range pt.denies {
			// With the synonyms' words, as a question is read: "pas
			// l'animateur" denies "qui anime ?".
			if terms := st.withSynonyms(ix, words(sen), ix.terms(sen)); len(terms) > 0 {
				p.denies = append(p.denies, terms)
			}
		}
	} else {
		k := &t.Tasks[i-len(t.Roles)]
		var notes []string
		for _, a := range k.Owners {
			notes = append(notes, a.Note)
		}
		p.key, p.id = taskKey(k.ID), k.ID
		d = doc{Kind: "task", Name: k.Title, Details: k.Details, Notes: strings.Join(notes, " ; ")}
	}
	p.kind = d.Kind
	// In the order of textFields.
	for fi, text := range [...]string{d.Name, d.Summary, d.Body, d.Details, d.Notes, d.Context} {
		if text != "" {
			p.words[fi] = words(text)
			p.terms[fi] = ix.terms(text)
		}
	}
	if k := i - len(t.Roles); k >= 0 {
		// Already analysed, and the words already learnt from the roles.
		p.terms[contextAt] = st.context[k]
		// What the synonyms read the title's phrases as counts as its
		// details: "rédiger les user stories" is also "US", the word a
		// question uses for it. Phrases and a word's own family only: a
		// word's equivalents ("rédiger", "write") would make every task
		// about writing answer for a role named "writer".
		own := slices.Concat(p.terms[nameAt], p.terms[detailsAt])
		extra := slices.DeleteFunc(st.phraseSynonyms(ix, words(d.Name+" "+d.Details)), func(e string) bool {
			// A form a question's word already reaches as a longer or
			// shorter form (Index.expand) adds nothing but weight.
			return slices.ContainsFunc(own, func(o string) bool { return prefixForms(o, e) })
		})
		if len(extra) > 0 {
			p.terms[detailsAt] = appendNew(slices.Clone(p.terms[detailsAt]), extra)
		}
	}
	return p
}

// merge adds a prepared document to the index's own tables and returns it
// as bleve indexes it (see preAnalyzed). Its distinct terms count in the
// document frequencies, which weigh the words of a question: a word few
// pages use says more.
func (ix *Index) merge(p *prepared) doc {
	ix.docs++
	seen := map[string]bool{}
	out := doc{Kind: p.kind}
	held := new([len(textFields)][]uint32)
	ix.fields[p.key] = held
	ix.keys = append(ix.keys, p.key)
	for fi, to := range [...]*string{&out.Name, &out.Summary, &out.Body, &out.Details, &out.Notes, &out.Context} {
		ix.learnWords(p.words[fi])
		terms := p.terms[fi]
		*to = strings.Join(terms, " ")
		held[fi] = slices.Clip(ix.internTerms(terms))
		for _, tid := range held[fi] {
			for int(tid) >= len(ix.fieldDF) {
				ix.fieldDF = append(ix.fieldDF, [len(textFields)]int32{})
			}
			ix.fieldDF[tid][fi]++
		}
		for _, t := range terms {
			if !seen[t] {
				seen[t] = true
				ix.df[t]++
				if p.kind == "role" {
					ix.roleDF[t]++
				}
			}
		}
	}
	for _, sen := range p.denies {
		ix.denials[p.key] = append(ix.denials[p.key], ix.internTerms(sen))
	}
	if p.kind == "role" {
		ix.says[p.key] = ix.flatSentences(p.says)
	}
	return out
}
