package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rolebot/rolebot/internal/team"
)

// The names a role goes by beyond its title, id and front matter aliases,
// learnt from any folder's own pages: what the pages' prose says people
// call it ("Elle est souvent appelée « PO »", "On l'appelle parfois « l'ops
// »"), its title in the other grammatical gender ("chef de produit" for
// "Cheffe de produit"), and the head noun of its title when no other role
// shares it ("designer" for "Designer de services"). Nothing here depends
// on a folder's words beyond French and English ways of saying "is called".

// nameCues mark a sentence that says what people call the role, in folded
// words: the object pronoun "l'" is the role the page is about ("on
// l'appelle", "le menu l'étiquette"), and so is the subject of a sentence
// opening on the role or a pronoun (checked by namingSentence).
var (
	objectCues = []string{" l appelle ", " l appellent ", " l appelait ", " l appelaient ", " l appelle aussi ",
		" l etiquette ", " l on appelle ", " l on appelait ", " qu on appelle ", " l surnomme ",
		// The indirect object: "Au GHT, on lui dit parfois « la cheffe de
		// produit »"; "on la surnomme « la capitaine »".
		" on lui dit ", " on la surnomme ", " on le surnomme "}
	subjectCues = []string{" appele ", " appelee ", " appeles ", " appelees ", " surnomme ", " surnommee ", " dit ",
		" dite ", " also called ", " also known as ", " known as ", " aka ", " called ", " s appelait ", " s appelle "}
	// subjectOpenings are how a sentence about the page's role opens
	// when it does not name it: "Elle est souvent appelée…", "On dit
	// aussi…", "Ce rôle s'appelait…".
	subjectOpenings = []string{" il ", " elle ", " on ", " ce role ", " this role ", " he ", " she ", " they "}
	// nameStops end an unquoted list of names: what follows explains.
	nameStops = []string{" dans ", " par ", " mais ", " quand ", " lorsqu", " parce ", " car ", " pour ", " in ", " by ",
		" but ", " when ", " because ", " depuis ", " since "}
	// nameFillers are the adverbs between a cue and the names.
	nameFillers = set("aussi", "parfois", "souvent", "encore", "egalement", "plutot", "au", "depart", "d", "abord",
		"also", "sometimes", "often", "simplement", "familierement", "couramment")
)

// maxAliasWords is the longest name a sentence may give: longer is prose.
const maxAliasWords = 4

// namingSentence says whether a folded sentence tells what the role
// titled title is called, and returns what follows the cue.
func namingSentence(f, title string) (string, bool) {
	for _, c := range objectCues {
		if i := strings.Index(f, c); i >= 0 {
			return f[i+len(c)-1:], true
		}
	}
	opens := strings.HasPrefix(f, title)
	if ws := strings.Fields(f); len(ws) > 1 && aliasDeterminers[ws[0]] {
		// "L'intrapreneur (on dit souvent « l'intra ») est…"
		opens = opens || strings.HasPrefix(f[len(ws[0])+1:], title)
	}
	for _, o := range subjectOpenings {
		opens = opens || strings.HasPrefix(f, o)
	}
	if !opens {
		return "", false
	}
	for _, c := range subjectCues {
		if i := strings.Index(f, c); i >= 0 {
			return f[i+len(c)-1:], true
		}
	}
	return "", false
}

// quoted returns the segments of s between French or English quotes, or in
// bold: "« PO »", "“ops”", "**devops**".
func quoted(s string) []string {
	var out []string
	for _, q := range [][2]string{{"«", "»"}, {"“", "”"}, {"\"", "\""}, {"**", "**"}} {
		rest := s
		for {
			i := strings.Index(rest, q[0])
			if i < 0 {
				break
			}
			rest = rest[i+len(q[0]):]
			j := strings.Index(rest, q[1])
			if j < 0 {
				break
			}
			out = append(out, rest[:j])
			rest = rest[j+len(q[1]):]
		}
	}
	return out
}

// proseAliases returns the names a role page's sentences say people call
// the role by: the quoted names of a naming sentence, or, with no quotes,
// the list after its cue ("On l'appelle parfois gestionnaire de produit,
// responsable produit ou PO").
func proseAliases(r *team.Role) []string {
	title := folded(r.Title)
	var out []string
	look := func(sen string) {
		// Cheap checks first: most sentences name nothing.
		low := strings.ToLower(sen)
		if !strings.Contains(low, "appel") && !strings.Contains(low, "dit") && !strings.Contains(low, "surnom") &&
			!strings.Contains(low, "called") && !strings.Contains(low, "known") && !strings.Contains(low, "aka") &&
			!strings.Contains(low, "étiquette") && !strings.Contains(low, "etiquette") {
			return
		}
		// Commas and colons are lost in folding: a list's
		// commas become "ou", an explanation's colon a stop.
		f := folded(strings.NewReplacer(",", " ou ", ":", " mais ", "(", " mais ").Replace(sen))
		after, ok := namingSentence(f, title)
		if !ok {
			return
		}
		if qs := quoted(sen); len(qs) > 0 {
			// Only the quotes after the cue: the cue's own words come in
			// the folded sentence's order, so find the first quoted name
			// there.
			for _, q := range qs {
				if fq := folded(q); strings.Contains(after, fq) {
					out = append(out, q)
				}
			}
			return
		}
		out = append(out, nameList(after)...)
	}
	for _, sen := range append(sentences(r.Intro), sentences(r.Lead)...) {
		look(sen)
	}
	// An acronym in parentheses in the title or the intro's first
	// sentence: "Responsable sécurité (RSSI)", "Le responsable de la
	// sécurité des systèmes d'information (RSSI) est…".
	first := sentences(r.Intro)
	for _, text := range append([]string{r.Title}, first[:min(1, len(first))]...) {
		out = append(out, acronyms(text)...)
	}
	for i := range r.Sections {
		s := &r.Sections[i]
		if isNegative(s) || isFAQ(s) {
			continue
		}
		for _, sen := range append(sentences(s.Text), s.Items...) {
			look(sen)
		}
	}
	return out
}

// nameList splits the folded words after a naming cue into names: "aussi
// product manager, responsable produit ou chef de produit".
func nameList(after string) []string {
	for _, stop := range nameStops {
		if i := strings.Index(after, stop); i >= 0 {
			after = after[:i+1]
		}
	}
	ws := strings.Fields(after)
	for len(ws) > 0 && nameFillers[ws[0]] {
		ws = ws[1:]
	}
	var out []string
	var cur []string
	flush := func() bool {
		if len(cur) == 0 || len(cur) > maxAliasWords {
			return false
		}
		out = append(out, strings.Join(cur, " "))
		cur = nil
		return true
	}
	for _, w := range ws {
		if w == "ou" || w == "or" || w == "et" || w == "and" {
			if !flush() {
				return out
			}
			continue
		}
		cur = append(cur, w)
	}
	flush()
	return out
}

// aliasDeterminers open a name written as prose: "l'ops", "la devops".
var aliasDeterminers = set("l", "le", "la", "les", "un", "une", "the", "a", "an", "d", "des", "du")

// cleanAlias drops a name's determiners and marks: "l'ops" is "ops",
// "(PM)" is "PM".
func cleanAlias(a string) string {
	ws := strings.FieldsFunc(a, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '/'
	})
	for len(ws) > 0 && aliasDeterminers[strings.ToLower(team.Fold(ws[0]))] {
		ws = ws[1:]
	}
	if len(ws) == 0 || len(ws) > maxAliasWords {
		return ""
	}
	return strings.Join(ws, " ")
}

// genderForms gives a lower-case word's other grammatical gender, as French
// job titles make it ("cheffe" / "chef", "référente" / "référent",
// "rédactrice" / "rédacteur", "chargée" / "chargé"), or "" for none (one
// form for both: "architecte", "juriste").
func genderForms(w string) string {
	for _, p := range [][2]string{{"ffe", "f"}, {"trice", "teur"}, {"euse", "eur"}, {"eure", "eur"}, {"ente", "ent"},
		{"ère", "er"}, {"ienne", "ien"}, {"ée", "é"},
		{"teur", "trice"}, {"eur", "eure"}, {"ent", "ente"}, {"ier", "ière"}, {"ien", "ienne"}, {"é", "ée"}, {"f", "ffe"}} {
		if base, ok := strings.CutSuffix(w, p[0]); ok && utf8.RuneCountInString(base) >= 2 {
			return base + p[1]
		}
	}
	return ""
}

// otherGender is a title with its head noun, its first word, in the other
// gender: "Cheffe de produit" is also "chef de produit" (the words after
// it qualify the job: "déploiement" has no gender to change).
func otherGender(title string) string {
	ws := strings.Fields(strings.ToLower(title))
	if len(ws) == 0 || utf8.RuneCountInString(ws[0]) < minHeadNoun {
		return ""
	}
	o := genderForms(ws[0])
	if o == "" {
		return ""
	}
	ws[0] = o
	return strings.Join(ws, " ")
}

// agentEndings are the endings of French agent nouns, in either gender,
// folded: "développeur", "développeuse", "auditrice", "ingénieure". A title
// opening on one names a job, though the synonyms open longer phrases with
// it ("développeuse principale"): English qualifiers ("product", "data")
// never end so. A short word that merely ends so ("matrice", "fleur") is
// left out by minAgentStem.
// Each with its masculine singular form, which agentFold gives.
var agentEndings = [][2]string{{"trice", "teur"}, {"euse", "eur"}, {"eure", "eur"}, {"eur", "eur"}}

// minAgentStem is the fewest letters an agent noun has before its ending:
// "auditrice", "lectrice" are agent nouns; "matrice", "actrice", "motrice",
// "fleur" are not read as such.
const minAgentStem = 3

// agentNoun says whether a folded word ends as a French agent noun.
func agentNoun(w string) bool {
	return slices.ContainsFunc(agentEndings, func(e [2]string) bool {
		base, ok := strings.CutSuffix(w, e[0])
		return ok && len(base) >= minAgentStem
	})
}

// agentFold folds a folded agent noun to its masculine singular, the way
// a title's head noun is compared with a question's word: "conservatrices"
// and "conservatrice" are "conservateur", "développeuse" "développeur",
// "ingénieure" "ingénieur". Only ever compared with a title's head noun
// that is an agent noun itself (agentHeads); a word shorter than
// minAgentStem before its ending ("matrice", "actrice") is left as it is.
func agentFold(w string) string {
	if len(w) > minHeadNoun {
		w = strings.TrimSuffix(w, "s")
	}
	for _, e := range agentEndings {
		if base, ok := strings.CutSuffix(w, e[0]); ok && len(base) >= minAgentStem {
			return base + e[1]
		}
	}
	return w
}

// agentHeads returns, by role id, the head noun of each title that opens on
// an agent noun no other title's head folds to, folded to the masculine
// singular: "Conservatrice référente des collections" is "conservateur".
// The stemmer cuts "conservatrice" and "conservateur" to "conservation"'s
// term, so the role's analysed names cannot tell the job from the task;
// the question's word as written can (nameMatch).
func agentHeads(t *team.Team) map[string]string {
	byHead := map[string][]string{}
	for i := range t.Roles {
		ws := words(t.Roles[i].Title)
		if len(ws) == 0 || utf8.RuneCountInString(ws[0]) < minHeadNoun || !agentNoun(ws[0]) || weak[ws[0]] || structural[ws[0]] {
			continue
		}
		h := agentFold(ws[0])
		byHead[h] = append(byHead[h], t.Roles[i].ID)
	}
	out := map[string]string{}
	for h, ids := range byHead {
		if len(ids) == 1 {
			out[ids[0]] = h
		}
	}
	return out
}

// namesHead says whether a concept is the role's agent head noun
// (agentHeads) in either gender and number: as one word written so, or as
// the French the synonyms give for it ("curator" is "conservateur",
// "accessibility auditor" "auditrice accessibilité").
func (ix *Index) namesHead(roleID string, c concept) bool {
	h, ok := ix.heads[roleID]
	if !ok || c.weak || len(c.words) == 0 {
		return false
	}
	if len(c.words) == 1 && agentFold(c.words[0]) == h {
		return true
	}
	return slices.ContainsFunc(ix.synonyms.adds[strings.Join(c.words, " ")], func(a string) bool {
		first, _, _ := strings.Cut(a, " ")
		return agentFold(first) == h
	})
}

// minHeadNoun is the length of the shortest head noun of a title that
// names its role alone: shorter words are too often other words.
const minHeadNoun = 4

// learntNames returns, per role (in t.Roles' order), the names its pages
// give it beyond its title, id and front matter aliases. A name that names
// another role too (its title, id, aliases, or what the synonyms read it
// as) is left out: it would tell neither apart.
func (ix *Index) learntNames(t *team.Team, keys taskKeys) [][]string {
	// Every role's own names, as terms, to find clashes.
	own := make([][]string, len(t.Roles))
	owner := map[string][]int{} // joined terms → roles named so
	for i := range t.Roles {
		r := &t.Roles[i]
		for _, n := range append([]string{r.Title, strings.ReplaceAll(r.ID, "-", " ")}, r.Aliases...) {
			if k := strings.Join(ix.terms(n), " "); k != "" && !slices.Contains(owner[k], i) {
				owner[k] = append(owner[k], i)
				own[i] = append(own[i], k)
			}
		}
	}
	clashes := func(i int, name string) bool {
		k := strings.Join(ix.terms(name), " ")
		if k == "" || slices.Contains(own[i], k) {
			return true // nothing to add
		}
		for _, j := range owner[k] {
			if j != i {
				return true
			}
		}
		// What the synonyms read it as: "UX designer" is "designer".
		ws := words(name)
		if n, adds := ix.synonyms.match(ws, 0); n == len(ws) {
			for _, a := range adds {
				for _, j := range owner[strings.Join(ix.terms(a), " ")] {
					if j != i {
						return true
					}
				}
			}
		}
		return false
	}
	// Head nouns: the first word of each title, when no other title holds
	// it and no task's title or details do (then it is a job's name, not
	// the team's subject).
	titleWords := map[string]int{}
	for i := range t.Roles {
		for _, w := range slices.Compact(slices.Sorted(slices.Values(words(t.Roles[i].Title)))) {
			titleWords[w]++
		}
	}
	out := make([][]string, len(t.Roles))
	for i := range t.Roles {
		r := &t.Roles[i]
		var cands []string
		for _, a := range proseAliases(r) {
			if c := cleanAlias(a); c != "" {
				cands = append(cands, c)
			}
		}
		if o := otherGender(r.Title); o != "" {
			cands = append(cands, o)
		}
		// The title without its acronym is a name too, however long:
		// "c'est qui le délégué à la protection des données ?" names
		// "Délégué à la protection des données (DPO)".
		if bare := withoutParens(r.Title); bare != r.Title && bare != "" {
			cands = append(cands, bare)
		}
		if ws := words(r.Title); len(ws) > 1 {
			head := ws[0]
			if utf8.RuneCountInString(head) >= minHeadNoun && titleWords[head] == 1 && !weak[head] && !structural[head] &&
				(agentNoun(head) || !ix.qualifier(head)) {
				// Each gender's form on its own: the stemmer may merge one
				// with a task's word and not the other ("développeuse" is
				// "développement"'s term, "développeur" is a term of its own).
				forms := []string{head}
				if o := genderForms(strings.ToLower(strings.Fields(r.Title)[0])); o != "" {
					forms = append(forms, o)
				}
				for _, f := range forms {
					if !slices.ContainsFunc(ix.terms(f), func(term string) bool { return len(keys[term]) > 0 }) {
						cands = append(cands, f)
					}
				}
			}
		}
		for _, c := range cands {
			if !clashes(i, c) && !slices.Contains(out[i], c) {
				out[i] = append(out[i], c)
			}
		}
	}
	return out
}

// qualifier says whether the synonyms use a word to open a name of
// several words ("product owner", "data lead"): a word that qualifies
// others, as English puts it first, is no job's name alone.
func (ix *Index) qualifier(w string) bool {
	return slices.ContainsFunc(ix.synonyms.rules[w], func(p string) bool { return strings.Contains(p, " ") })
}

// acronyms returns the acronyms written in parentheses in a text: "(RSSI)",
// "(PO)".
func acronyms(text string) []string {
	var out []string
	for rest := text; ; {
		i := strings.IndexByte(rest, '(')
		if i < 0 {
			return out
		}
		rest = rest[i+1:]
		j := strings.IndexByte(rest, ')')
		if j < 0 {
			return out
		}
		if a := rest[:j]; isAcronym(a) {
			out = append(out, a)
		}
		rest = rest[j+1:]
	}
}

// withoutParens returns a text less what it holds in parentheses,
// trimmed: "Responsable sécurité (RSSI)" is "Responsable sécurité".
func withoutParens(text string) string {
	var b strings.Builder
	depth := 0
	for _, r := range text {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// isAcronym says whether a word is written in capitals, of 2 to 6 letters.
func isAcronym(a string) bool {
	n := utf8.RuneCountInString(a)
	if n < 2 || n > 6 {
		return false
	}
	for _, r := range a {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}
