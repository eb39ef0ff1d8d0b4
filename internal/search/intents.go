package search

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rolebot/rolebot/internal/answer"
)

// Vocabularies of the special intents, in folded words.
var (
	helpWords = set("aide", "aider", "help", "usage", "bonjour", "salut", "hello", "hi", "hey", "merci", "thanks",
		"menu", "commandes", "commande", "exemples", "exemple", "moi", "me", "svp", "stp", "please", "ca", "marche",
		"utiliser", "utilise", "use", "how", "to", "comment", "rolebot", "bot", "quoi", "faire", "peux", "tu", "can", "you",
		"do", "what", "que", "fonctionne", "fais", "sais", "savoir", "je", "j", "t", "te", "s", "on", "il", "does", "this",
		"that", "work", "works", "i", "es", "est", "ce", "c", "cest", "qu", "qui", "who", "are", "is", "the", "a", "l", "le",
		"la", "les", "with", "avec", "a", "poser", "question", "questions", "ask", "quelles", "quels", "type", "types", "de", "des",
		"demander", "demande",
		// "bonjour rolebot, tu peux m'aider ?", "tu peux faire quoi pour moi ?",
		// "aide-moi stp, je comprends pas", "comment je te pose une question ?".
		"m", "pour", "for", "pas", "comprends", "comprend", "toi", "pose", "une", "un", "besoin", "need")
	helpKeys = set("aide", "aider", "help", "usage", "bonjour", "salut", "hello", "hi", "hey", "menu", "commandes", "commande",
		"exemples", "exemple", "fonctionne", "utiliser", "utilise", "use", "marche", "sais", "work", "works", "rolebot", "bot", "tu", "you",
		"demander", "demande", "poser", "pose", "comprends", "comprend")
	listWords = set("liste", "lister", "list", "les", "des", "de", "du", "d", "tous", "toutes", "tout", "all", "the", "quels", "quelles",
		"sont", "what", "are", "which", "l", "la", "le", "show", "montre", "montrer", "affiche", "afficher", "voir", "me", "moi", "donne",
		"of", "in", "dans", "notre", "nos", "votre", "vos", "our", "your", "entiere", "complete", "whole", "full", "each", "chaque",
		"ya", "y", "a", "il", "existe", "existent", "differents", "differentes", "different", "c", "cest", "quoi", "types", "sortes",
		"there", "is", "exist", "available", "disponibles", "possibles", "svp", "stp", "please", "et", "and", "leurs", "their",
		"combien", "t", "how", "many",
		// "les tâches pour porter un produit", "what tasks does the team cover?",
		// "all the tasks and who owns them".
		"pour", "for", "porter", "carrying", "carry", "cover", "covers", "couvre", "couvrent", "involve", "involves",
		"them", "eux",
		// "les rôles dispo", "les soutiens experts et les autres rôles",
		// "ça implique quoi comme tâches ?".
		"dispo", "dispos", "autres", "other", "others", "implique", "impliquent", "comme", "ca",
		// "what roles do we have?", "quels rôles avons-nous ?", "on a quels rôles ici ?".
		"we", "have", "has", "got", "do", "does", "nous", "avons", "vous", "avez", "on", "here", "ici")
	roleListKeys = set("liste", "list", "roles", "role", "equipe", "team", "membres", "members", "profils", "composition", "postes", "metiers")
	taskListKeys = set("matrice", "matrix", "taches", "tache", "tasks", "responsabilites", "responsibilities", "responsibility",
		"raci", "repartition", "tableau")
	whoWords    = set("qui", "who", "whom", "whose")
	whichWords  = set("quel", "quelle", "quels", "quelles", "which", "what")
	personWords = set("role", "roles", "poste", "postes", "personne", "personnes", "profil", "profils", "person", "people", "membre", "membres", "member", "members", "metier", "job")
	// structural words frame a question and say nothing of its subject;
	// the last line holds fillers and the English verbs of "who keeps
	// track of", "who provides", "right?" (and "…, non ?").
	structural = set("vraiment", "exactement", "normalement", "generalement", "habituellement", "typiquement", "really",
		"actually", "exactly", "usually", "normally", "typically", "right", "alors", "donc", "hein", "non", "keep", "keeps", "kept",
		"provide", "provides", "provided", "get", "gets", "whole", "entire", "rolebot", "bot", "est-ce", "toute", "all",
		"qui", "que", "quoi", "quel", "quelle", "quels", "quelles", "who", "what", "which", "whom", "whose",
		"how", "comment", "est", "sont", "c", "cest", "ce", "fait", "fais", "font", "faire", "does", "do", "did", "doing",
		"role", "roles", "poste", "postes", "job", "jobs", "s", "t", "il", "elle", "ils", "elles", "on", "y", "en",
		"moi", "me", "dis", "dit", "dire", "explique", "expliquer", "tell", "about", "rolebot", "svp", "stp", "please",
		"chez", "nous", "equipe", "team", "in", "our", "notre", "the", "is", "are", "a", "an", "of", "le", "la", "les", "l", "d", "du", "de", "des",
		// How a yes/no question singles a role out ("le PO est-il seul
		// responsable de la vision ?", "is the coach the one who runs the
		// rituals?", "c'est bien lui qui…", "a kind of designer?"): the
		// question is the task's, or the role's, not these words'.
		"seul", "seule", "seuls", "seules", "uniquement", "juste", "bien", "lui", "celui", "celle", "vrai",
		"only", "alone", "just", "one", "ones", "kind", "sort", "genre", "sorte",
		// Prepositions the stop words lack: "communique auprès des usagers".
		"aupres", "envers", "via",
		// Modal verbs: "le PO peut-il porter…", "should the designer…".
		"peut", "peuvent", "pourrait", "dois", "doit", "doivent", "devrait", "can", "could", "should", "must", "may",
		// The near future and what one is supposed to do, like the modal
		// verbs: "qui va discuter avec les lycéens…", "à quoi vont
		// ressembler les pages", "qui est censé le surveiller ?", "who is
		// supposed to…"; and adverbs of manner that only insist: "qui
		// programme le site concrètement".
		"va", "vont", "vais", "allons", "allez", "cense", "censee", "censes", "censees", "suppose", "supposee",
		"supposed", "concretement", "precisement", "going", "will", "would")
	// fillers are everyday words that carry no concept of a team's work,
	// so a question is read by the rest: a filler counted as a content
	// word no page uses made a who-question about a real task look like
	// one the pages do not answer ("who prioritises what goes into the
	// next sprint?", "Who decides what goes to the top of the to-do
	// list?"). Each is here for a reason that holds on any folder:
	//   - filler nouns: "the comitology stuff", "les trucs de budget",
	//     "la liste des trucs à faire", "the whole thing";
	//   - motion verbs of a placement ("what goes into", "ce qui passe
	//     en premier"): the place says what is asked, the verb nothing;
	//   - "next", "top", "prochain": a position in a list or time, the
	//     list's noun carries the concept;
	//   - English contractions split at the apostrophe ("I'll", "we've",
	//     "they're"): what is left is no word;
	//   - "give", a light verb: "who gives us the green light" asks who
	//     gives it.
	// Unlike the structural words they stay in the synonyms' phrases ("go
	// live", "goes down", "top management"): a question's filler is
	// dropped only when no phrase holds it, and a phrase is not cut down
	// to one word by them (a rule "liste des trucs à faire" became
	// "liste", which made "liste des rôles" the backlog task).
	fillers = set("truc", "trucs", "machin", "machins", "bidule", "bidules", "stuff", "thing", "things",
		"goes", "go", "went",
		"next", "top", "prochain", "prochaine", "prochains", "prochaines",
		"ll", "ve", "re", "gives", "give", "gave", "given",
		// English participles that describe a role's place, not what it
		// does: "the accessibility expert supporting the team", "the data
		// protection person helping us".
		"supporting", "helping", "assisting")
	// weak words say that an owner is asked for, not what is owned.
	weak = set("responsable", "responsables", "responsible", "accountable", "owner", "owners", "owns", "own", "owned",
		"charge", "porte", "portent", "porter", "carry", "carries", "occupe", "occupent", "occuper", "gere", "gerent",
		"gerer", "handle", "handles", "manage", "manages", "assure", "assurent", "assurer", "decide", "decides", "decider",
		"garant", "garante", "garants", "choisit", "choisir", "choisissent", "choose", "chooses", "valide", "valider",
		"arbitre", "arbitrer", "in", "someone", "quelqu", "personne", "principal", "principale", "main",
		"organise", "organisent", "organiser", "organize", "organizes", "organises", "prend", "prennent", "prendre",
		"takes", "take", "ecrit", "ecrivent", "ecrire", "redige", "redigent", "rediger", "write", "writes", "works", "travaille",
		"pilote", "pilotent", "piloter", "mene", "menent", "mener", "lead", "leads", "drive", "drives", "oversee", "oversees",
		"veille", "veillent", "veiller", "ensure", "ensures", "garantit", "garantir", "boulot", "travail", "taf", "job",
		"runs", "run", "charged", "care", "takes",
		// Asking about a part in a task is asking who owns it.
		"participe", "participent", "participer", "participates", "participate", "involved", "implique",
		"contribue", "contribuent", "contribuer", "contributes", "contribute",
		// "à qui revient le choix…", "à qui incombe…": whose part it is.
		"revient", "reviennent", "incombe", "incombent")
	// interrogative words make a question of a phrase.
	interrogative = set("qui", "que", "quoi", "quel", "quelle", "quels", "quelles", "who", "what", "which", "whom", "whose",
		"how", "comment", "pourquoi", "why", "ou", "where", "quand", "when", "fait", "fais", "font", "faire", "does", "do", "did")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// Small talk: greetings, thanks and how-are-you, answered with help
// whatever their mix ("salut ça va ?", "merci !", "bonne journée"): a
// message made only of these words and of helpWords, holding one of
// smallTalkKeys, is small talk.
var (
	smallTalk = set("coucou", "bonsoir", "yo", "re", "ca", "va", "vas", "bien", "bonne", "bon", "journee", "soiree", "apres", "midi",
		"day", "nice", "good", "morning", "evening", "lot", "much", "cool", "super", "top", "ok", "okay", "parfait", "bravo",
		"genial", "au", "revoir", "bye", "ciao", "tchao", "plus", "thank", "thx", "beaucoup", "sers", "sert", "servir", "serves",
		"for", "a", "tout", "le", "monde", "all", "everyone", "there", "hola", "salutations", "bienvenue", "welcome",
		"that", "it", "helped", "helpful", "useful", "utile")
	smallTalkKeys = set("bonjour", "salut", "hello", "hi", "hey", "coucou", "bonsoir", "yo", "merci", "thanks", "thank", "thx",
		"bye", "revoir", "ciao", "tchao", "bravo", "journee", "soiree", "morning", "evening", "sers", "sert", "servir", "hola",
		"salutations", "ca", "helped", "helpful")
	// listFrames may stand around a list's key word without making it
	// a question about one role or task: "qui compose l'équipe ?",
	// "who's on the team?", "which roles does a product team have?".
	listFrames = set("qui", "who", "s", "on", "compose", "composent", "composee", "composition", "typical", "typique", "type",
		"have", "has", "does", "do", "a", "an", "un", "une", "fait", "font", "partie", "part", "rolebot", "bot", "avec", "with",
		"each", "one", "chacun", "chacune", "chaque", "profils", "est", "sont", "ce", "en", "un", "se", "trouve", "trouvent",
		"existants", "existe", "me", "give", "moi", "please", "can", "you", "peux", "tu", "tell", "dis", "dire", "une",
		// The team page's groups of cards: "tous les rôles, soutiens
		// experts compris", "including the expert supports".
		"soutien", "soutiens", "expert", "experts", "experte", "expertes", "appui", "appuis", "support", "supports",
		"compris", "inclus", "incluses", "included", "including", "core", "coeur")
	// taskListFrames may stand around the matrix's key words only: "toutes
	// les tâches et leurs responsables" lists the matrix, "qui est
	// responsable de l'équipe ?" does not list the roles.
	taskListFrames = set("responsables", "responsable", "owners", "owner", "owns", "own", "porteurs", "qui", "who", "possede",
		"attribuees", "assigned", "repartis", "reparties")
)

// codeLike matches markup and code in a question ("<script>", "alert(1)",
// "{{x}}", "a=1;"; not "la conformité (RGAA)"): not a question to a team's pages, whatever words it
// holds. Slack markup is gone by then (clean); Slack's own escapes of "<"
// and ">" count as markup too.
var codeLike = regexp.MustCompile(`</?[a-zA-Z]|&lt;|&gt;|[{}]|\w\(['"\d)]|\w=\S|;\s*$|\$\(|javascript:`)

// codeMarks are the characters codeLike needs: most questions have none,
// and skip the expression.
const codeMarks = "<>&{}(=;$:"

// Questions about people's facts: the pages describe roles, never who
// holds them, nor their names, contacts or pay, so a question asking for
// one is not answered from them ("comment s'appelle notre PO ?", "quel est
// le salaire d'un développeur ?"), even when it names a role.
var personalFacts = set("appelle", "appellent", "name", "names", "nom", "noms", "prenom", "prenoms", "email", "emails",
	"mail", "mails", "courriel", "adresse", "address", "telephone", "phone", "numero", "salaire", "salaires", "salary",
	"remuneration", "paye", "paie", "payed", "paid", "contacter", "joindre", "reach", "linkedin",
	"gagne", "gagnent", "earn", "earns", "wage", "wages")

// quantityWords ask for a count or an amount: "combien d'élèves…",
// "how many farmers…". durationWords are the amounts the role pages do
// give: "combien de temps un coach reste sur un produit ?".
var (
	quantityWords = set("combien")
	quantityPairs = [][2]string{{"how", "many"}, {"how", "much"}}
	durationWords = set("temps", "jours", "jour", "heures", "semaines", "mois", "ans", "annees", "long", "often")
)

// asksQuantity says whether a question asks how many or how much of
// something other than time.
func asksQuantity(ws []string) bool {
	for i, w := range ws {
		q := quantityWords[w]
		for _, pair := range quantityPairs {
			q = q || i+1 < len(ws) && w == pair[0] && ws[i+1] == pair[1]
		}
		if !q {
			continue
		}
		// The counted thing is among the next three words ("combien de
		// temps", "how much time").
		if slices.ContainsFunc(ws[i+1:min(i+4, len(ws))], func(n string) bool { return durationWords[n] || n == "time" }) {
			return false
		}
		return true
	}
	return false
}

// whenWords ask for a date or a time, which the pages never give: "quand
// a lieu le prochain comité ?".
var whenWords = set("quand", "when", "date", "dates", "heure", "horaire", "horaires")

// asksDate says whether a question asks which date something is
// ("quelle est la date du prochain comité ?", "what is the date of…"),
// whatever a task's title says of dates: the pages give none.
func asksDate(ws []string) bool {
	if len(ws) < 3 || !whichWords[ws[0]] {
		return false
	}
	for i := 1; i+1 < len(ws); i++ {
		if determiners[ws[i]] && whenWords[ws[i+1]] {
			return true
		}
	}
	return false
}

// special recognises help, small talk, the two lists and the questions
// the pages cannot answer whatever they say, none of which need a search.
// teamWords are the team page's title words ("equipe", "produit"): a
// list of roles may name the team ("les rôles de l'équipe produit").
// taskWord says whether a word is in a title or a task's details: a team
// whose matrix has "Mettre à jour l'annuaire (noms, numéros)" is asked
// about it, and the words of personalFacts and whenWords it uses are its
// subject, not out of scope.
func special(ws []string, raw string, teamWords map[string]bool, taskWord func(string) bool) (answer.Intent, bool) {
	if strings.ContainsAny(raw, codeMarks) && codeLike.MatchString(raw) {
		return answer.IntentNone, true
	}
	if len(ws) == 0 {
		if t := strings.TrimSpace(raw); t != "" && t != "?" {
			// "???", "!!": something was sent, but no word of it can be
			// read. An empty mention, or a lone "?" (what is this?), asks
			// for help; this says nothing.
			return answer.IntentNone, true
		}
		return answer.IntentHelp, true
	}
	if all(ws, helpWords) && anyOf(ws, helpKeys) {
		return answer.IntentHelp, true
	}
	if all(ws, helpWords, smallTalk) && anyOf(ws, smallTalkKeys) {
		return answer.IntentHelp, true
	}
	if asksDate(ws) {
		return answer.IntentNone, true
	}
	// "quand" asks for a date unless the question asks who: "qui répare
	// quand le site est en panne ?" asks for an owner, "quand aller voir
	// la DPO ?" when to turn to someone.
	asksWho := anyOf(ws, whoWords) || holdsFrame(ws, consultFrames)
	if slices.ContainsFunc(ws, func(w string) bool { return (personalFacts[w] || whenWords[w] && !asksWho) && !taskWord(w) }) {
		return answer.IntentNone, true
	}
	joined := " " + strings.Join(ws, " ") + " "
	if strings.Contains(joined, " qui fait quoi ") || strings.Contains(joined, " who does what ") {
		return answer.IntentListTasks, true
	}
	if all(ws, listWords, listFrames, taskListFrames, teamWords, taskListKeys, roleListKeys) && anyOf(ws, taskListKeys) {
		return answer.IntentListTasks, true
	}
	if all(ws, listWords, listFrames, teamWords, roleListKeys) && anyOf(ws, roleListKeys) {
		return answer.IntentListRoles, true
	}
	return "", false
}

func all(ws []string, sets ...map[string]bool) bool {
	for _, w := range ws {
		found := false
		for _, s := range sets {
			if s[w] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func anyOf(ws []string, s map[string]bool) bool {
	return slices.ContainsFunc(ws, func(w string) bool { return s[w] })
}
