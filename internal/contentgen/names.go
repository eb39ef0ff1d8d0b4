package contentgen

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rolebot/rolebot/internal/team"
)

// The tables below are read-only: they are the raw material of role and task
// titles, combined as job × domain × speciality (roles) and verb × object ×
// domain × speciality (tasks).

// job is a job word in its masculine and feminine forms (equal when the word
// is epicene).
type job struct{ m, f string }

var jobs = []job{
	{"Responsable", "Responsable"},
	{"Chargé", "Chargée"},
	{"Architecte", "Architecte"},
	{"Référent", "Référente"},
	{"Gestionnaire", "Gestionnaire"},
	{"Chef de projet", "Cheffe de projet"},
	{"Analyste", "Analyste"},
	{"Coordinateur", "Coordinatrice"},
	{"Administrateur", "Administratrice"},
	{"Conseiller", "Conseillère"},
	{"Expert", "Experte"},
	{"Juriste", "Juriste"},
	{"Contrôleur", "Contrôleuse"},
	{"Auditeur", "Auditrice"},
	{"Ingénieur", "Ingénieure"},
	{"Animateur", "Animatrice"},
	{"Pilote", "Pilote"},
	{"Correspondant", "Correspondante"},
	{"Délégué", "Déléguée"},
	{"Directeur", "Directrice"},
	{"Urbaniste", "Urbaniste"},
	{"Acheteur", "Acheteuse"},
	{"Statisticien", "Statisticienne"},
	{"Instructeur", "Instructrice"},
	{"Planificateur", "Planificatrice"},
	{"Rédacteur", "Rédactrice"},
	{"Formateur", "Formatrice"},
	{"Documentaliste", "Documentaliste"},
	{"Comptable", "Comptable"},
	{"Technicien", "Technicienne"},
}

// domain is a field of public action. de is how a title or a task names it
// ("de la paie"); fem and plural are its head noun's, for the adjectives of
// a speciality; fixed domains already carry an adjective and take only
// complements; words are the domain's own vocabulary.
type domain struct {
	de          string
	head        string
	fem, plural bool
	fixed       bool
	words       []string
}

var domains = []domain{
	{"de la paie", "paie", true, false, false, []string{"bulletins", "cotisations", "rémunérations", "primes", "indemnités"}},
	{"des achats", "achats", false, true, false, []string{"fournisseurs", "commandes", "devis", "bons de commande", "catalogues"}},
	{"des données", "données", true, true, false, []string{"jeux de données", "référentiels", "catalogues", "métadonnées", "flux"}},
	{"du budget", "budget", false, false, false, []string{"crédits", "engagements", "dotations", "reports", "programmes"}},
	{"des ressources humaines", "ressources humaines", true, true, true, []string{"recrutements", "carrières", "effectifs", "mobilités", "entretiens annuels"}},
	{"de la formation", "formation", true, false, false, []string{"stagiaires", "modules", "certifications", "catalogues", "sessions"}},
	{"de l'immobilier", "immobilier", false, false, false, []string{"bâtiments", "baux", "travaux", "surfaces", "loyers"}},
	{"des subventions", "subventions", true, true, false, []string{"dossiers", "bénéficiaires", "versements", "conventions", "appels à projets"}},
	{"des marchés publics", "marchés publics", false, true, true, []string{"consultations", "cahiers des charges", "candidatures", "avenants", "attributions"}},
	{"des archives", "archives", true, true, false, []string{"versements", "inventaires", "bordereaux", "numérisations", "délais de conservation"}},
	{"du courrier", "courrier", false, false, false, []string{"plis", "accusés de réception", "numérisations", "tournées", "recommandés"}},
	{"de l'accueil des usagers", "accueil", false, false, true, []string{"réclamations", "rendez-vous", "guichets", "délais", "demandes"}},
	{"des systèmes d'information", "systèmes d'information", false, true, true, []string{"applications", "serveurs", "licences", "annuaires", "interfaces"}},
	{"de la sécurité", "sécurité", true, false, false, []string{"vulnérabilités", "habilitations", "homologations", "sauvegardes", "journaux"}},
	{"de la communication", "communication", true, false, false, []string{"campagnes", "communiqués", "réseaux sociaux", "publications", "intranet"}},
	{"du contentieux", "contentieux", false, false, false, []string{"recours", "requêtes", "jugements", "mémoires", "audiences"}},
	{"des statistiques", "statistiques", true, true, false, []string{"enquêtes", "séries", "échantillons", "nomenclatures", "publications"}},
	{"des données de santé", "santé", true, true, true, []string{"patients", "établissements", "soins", "dossiers médicaux", "pseudonymisation"}},
	{"de l'éducation", "éducation", true, false, false, []string{"élèves", "établissements", "rentrées", "enseignants", "examens"}},
	{"des transports", "transports", false, true, false, []string{"lignes", "trafic", "billettique", "gares", "horaires"}},
	{"de l'environnement", "environnement", false, false, false, []string{"déchets", "biodiversité", "émissions", "qualité de l'air", "autorisations"}},
	{"de l'agriculture", "agriculture", true, false, false, []string{"exploitations", "parcelles", "aides", "récoltes", "contrôles"}},
	{"du logement", "logement", false, false, false, []string{"bailleurs", "loyers", "demandeurs", "attributions", "rénovations"}},
	{"de l'emploi", "emploi", false, false, false, []string{"demandeurs d'emploi", "offres", "accompagnements", "insertion", "contrats aidés"}},
	{"de la fiscalité", "fiscalité", true, false, false, []string{"impôts", "déclarations", "contribuables", "recouvrement", "exonérations"}},
	{"des douanes", "douanes", true, true, false, []string{"dédouanements", "marchandises", "frontières", "déclarations", "contrôles"}},
	{"de la justice", "justice", true, false, false, []string{"juridictions", "greffes", "procédures", "audiences", "décisions"}},
	{"de l'état civil", "état civil", false, false, true, []string{"actes", "naissances", "mariages", "registres", "mentions"}},
	{"des élections", "élections", true, true, false, []string{"scrutins", "listes électorales", "bureaux de vote", "résultats", "procurations"}},
	{"de la culture", "culture", true, false, false, []string{"musées", "patrimoine", "spectacles", "bibliothèques", "labels"}},
	{"du sport", "sport", false, false, false, []string{"fédérations", "licences", "équipements", "compétitions", "clubs"}},
	{"de l'énergie", "énergie", true, false, false, []string{"consommations", "réseaux", "rénovations", "tarifs", "compteurs"}},
	{"des retraites", "retraites", true, true, false, []string{"pensions", "droits", "liquidations", "trimestres", "simulations"}},
	{"des prestations sociales", "prestations sociales", true, true, true, []string{"allocations", "droits", "versements", "bénéficiaires", "indus"}},
	{"des titres sécurisés", "titres sécurisés", false, true, true, []string{"passeports", "permis", "cartes d'identité", "demandes", "empreintes"}},
	{"des collectivités", "collectivités", true, true, false, []string{"communes", "dotations", "élus", "intercommunalités", "délibérations"}},
	{"de la recherche", "recherche", true, false, false, []string{"laboratoires", "projets", "publications", "financements", "thèses"}},
	{"de l'aménagement", "aménagement", false, false, false, []string{"territoires", "permis de construire", "zonages", "projets urbains", "friches"}},
	{"de la mobilité", "mobilité", true, false, false, []string{"trajets", "vélos", "covoiturage", "flottes", "bornes"}},
	{"des partenariats", "partenariats", false, true, false, []string{"conventions", "partenaires", "mécénats", "accords", "comités"}},
}

// speciality narrows a domain: an adjective in its four forms (masculine
// singular, feminine singular, masculine plural, feminine plural) or, when
// complement is set, a complement that never changes.
type speciality struct {
	forms      [4]string
	complement bool
}

func adj(ms, fs, mp, fp string) speciality { return speciality{forms: [4]string{ms, fs, mp, fp}} }
func compl(s string) speciality            { return speciality{forms: [4]string{s, s, s, s}, complement: true} }

var specialities = []speciality{
	adj("numérique", "numérique", "numériques", "numériques"),
	adj("national", "nationale", "nationaux", "nationales"),
	adj("régional", "régionale", "régionaux", "régionales"),
	adj("territorial", "territoriale", "territoriaux", "territoriales"),
	adj("international", "internationale", "internationaux", "internationales"),
	adj("européen", "européenne", "européens", "européennes"),
	adj("interministériel", "interministérielle", "interministériels", "interministérielles"),
	adj("mutualisé", "mutualisée", "mutualisés", "mutualisées"),
	adj("ultramarin", "ultramarine", "ultramarins", "ultramarines"),
	compl("en outre-mer"),
	compl("en administration centrale"),
	compl("des services déconcentrés"),
	compl("du ministère"),
	compl("à l'international"),
	compl("en région"),
}

// form is the speciality as it follows domain d; "" when it cannot.
func (s speciality) form(d *domain) string {
	if d.fixed && !s.complement {
		return ""
	}
	i := 0
	if d.fem {
		i++
	}
	if d.plural {
		i += 2
	}
	return s.forms[i]
}

// sites tell apart the titles generated once every job × domain ×
// speciality has been used, for folders of more pages than that.
var sites = []string{"Lyon", "Lille", "Rennes", "Nantes", "Bordeaux", "Toulouse", "Marseille", "Strasbourg",
	"Dijon", "Metz", "Rouen", "Orléans", "Limoges", "Poitiers", "Besançon", "Amiens", "Caen", "Nancy", "Nîmes", "Pau"}

// verb is a task's verb: the infinitive that starts a task title and the
// third person that asks about it ("Valider", "valide").
type verb struct{ inf, third string }

// object is what a task acts on, with the verbs that fit it and its English
// name ("" when the built-in synonyms do not know it).
type object struct {
	np    string
	en    string
	verbs []verb
}

var (
	vValider     = verb{"Valider", "valide"}
	vSuivre      = verb{"Suivre", "suit"}
	vPreparer    = verb{"Préparer", "prépare"}
	vArbitrer    = verb{"Arbitrer", "arbitre"}
	vDefinir     = verb{"Définir", "définit"}
	vTenir       = verb{"Tenir à jour", "tient à jour"}
	vMettre      = verb{"Mettre à jour", "met à jour"}
	vPartager    = verb{"Partager", "partage"}
	vPiloter     = verb{"Piloter", "pilote"}
	vOrganiser   = verb{"Organiser", "organise"}
	vAnimer      = verb{"Animer", "anime"}
	vRediger     = verb{"Rédiger", "rédige"}
	vPublier     = verb{"Publier", "publie"}
	vMesurer     = verb{"Mesurer", "mesure"}
	vConduire    = verb{"Conduire", "conduit"}
	vDocumenter  = verb{"Documenter", "documente"}
	vPrioriser   = verb{"Prioriser", "priorise"}
	vTester      = verb{"Tester", "teste"}
	vDeployer    = verb{"Déployer", "déploie"}
	vSecuriser   = verb{"Sécuriser", "sécurise"}
	vControler   = verb{"Contrôler", "contrôle"}
	vNegocier    = verb{"Négocier", "négocie"}
	vAssurer     = verb{"Assurer", "assure"}
	vConcevoir   = verb{"Concevoir", "conçoit"}
	vMaintenir   = verb{"Maintenir", "maintient"}
	vEtablir     = verb{"Établir", "établit"}
	vReduire     = verb{"Réduire", "réduit"}
	vCoordonner  = verb{"Coordonner", "coordonne"}
	vPresenter   = verb{"Présenter", "présente"}
	vCartographi = verb{"Cartographier", "cartographie"}
)

var objects = []object{
	{"le budget", "budget", []verb{vValider, vSuivre, vPreparer, vArbitrer}},
	{"la feuille de route", "roadmap", []verb{vDefinir, vTenir, vPartager, vPresenter}},
	{"les indicateurs", "KPIs", []verb{vDefinir, vSuivre, vMesurer, vPublier}},
	{"le backlog", "backlog", []verb{vPrioriser, vTenir, vArbitrer}},
	{"le plan de déploiement", "deployment", []verb{vPreparer, vPiloter, vValider}},
	{"le support aux utilisateurs", "support", []verb{vAssurer, vOrganiser, vPiloter}},
	{"le plan de communication", "communication", []verb{vRediger, vPiloter, vValider}},
	{"les réunions de suivi", "meetings", []verb{vAnimer, vOrganiser, vPreparer}},
	{"les tableaux de bord", "dashboards", []verb{vConcevoir, vPublier, vMettre, vMaintenir}},
	{"le plan de formation", "training", []verb{vDefinir, vPiloter, vRediger}},
	{"l'audit de sécurité", "audit", []verb{vConduire, vPreparer, vSuivre}},
	{"la gestion des incidents", "incidents", []verb{vAssurer, vCoordonner, vDocumenter}},
	{"la supervision des applications", "monitoring", []verb{vAssurer, vMettre, vDocumenter}},
	{"les ateliers utilisateurs", "workshops", []verb{vAnimer, vOrganiser, vPreparer}},
	{"les maquettes", "mockups", []verb{vConcevoir, vTester, vValider}},
	{"les tests utilisateurs", "user tests", []verb{vConduire, vOrganiser, vDocumenter}},
	{"la dette technique", "technical debt", []verb{vSuivre, vReduire, vCartographi}},
	{"la conformité RGPD", "GDPR", []verb{vAssurer, vControler, vDocumenter}},
	{"la déclaration d'accessibilité", "accessibility", []verb{vRediger, vPublier, vMettre}},
	{"le dossier d'homologation", "homologation", []verb{vPreparer, vConduire, vTenir}},
	{"la recette", "acceptance testing", []verb{vOrganiser, vConduire, vValider}},
	{"les démos", "demos", []verb{vPreparer, vAnimer, vPresenter}},
	{"la documentation", "documentation", []verb{vRediger, vTenir, vPublier}},
	{"l'infrastructure", "infrastructure", []verb{vMaintenir, vSecuriser, vDeployer}},
	{"les marchés de prestations", "", []verb{vNegocier, vPreparer, vSuivre}},
	{"la cartographie des risques", "", []verb{vEtablir, vMettre, vPresenter}},
	{"les contrats", "", []verb{vNegocier, vRediger, vControler}},
	{"le rapport annuel", "", []verb{vRediger, vPublier, vPresenter}},
	{"les procédures", "", []verb{vRediger, vDocumenter, vMettre}},
	{"le plan de continuité", "", []verb{vEtablir, vTester, vMaintenir}},
	{"les comités de pilotage", "", []verb{vPreparer, vAnimer, vOrganiser}},
	{"les habilitations", "", []verb{vControler, vValider, vMettre}},
}

// offTopic are words no generated folder may use: Questions asks about
// them to get "none" answers, so invented names must never spell them.
var offTopic = []string{"piscine", "municipale", "meteo", "brest", "demain", "croissant", "beurre",
	"pizzeria", "quartier", "rugby", "match", "tarte", "tatin", "vacances", "plage", "dimanche"}

// bannedWords is offTopic as a set.
func bannedWords() map[string]bool {
	m := map[string]bool{}
	for _, w := range offTopic {
		m[w] = true
	}
	return m
}

// offTopicQuestions use only words of offTopic and question words.
var offTopicQuestions = []string{
	"piscine municipale le dimanche",
	"météo à Brest demain",
	"prix du croissant au beurre",
	"qui a gagné le match de rugby ?",
	"meilleure pizzeria du quartier",
}

// syllables build invented names of applications and systems that sound
// French: "Kervalo", "SIRAPE".
var syllables = []string{"ka", "ri", "bo", "lan", "mer", "tis", "sol", "ven", "dor", "pla", "cal", "gen", "nor",
	"vel", "ris", "tal", "mon", "chan", "bre", "gal", "lis", "sa", "pi", "zo", "ter", "val", "mi", "ro", "lu",
	"sen", "cor", "fi", "ne", "do", "ra", "vi", "an", "or", "el", "is", "mar", "po", "si", "ta", "ly", "dra",
	"gor", "phe", "tra", "qui", "ble", "nel", "sor", "ban", "cle", "ma", "mé", "lé", "ré", "té"}

// roleName is a planned role: everything but its page's text.
type roleName struct {
	title, id string
	alt       string // the title in the other gender; "" when the job is epicene
	short     string // "Chargée paie": the shortcut colleagues use
	acronym   string
	fem       bool
	dom       *domain
	spec      string
}

// taskName is a planned task.
type taskName struct {
	title   string
	details string
	verb    verb
	obj     *object
	dom     *domain
	spec    string
}

// phrase is the domain as a task or a title names it: "des achats numériques".
func (t taskName) phrase() string { return join(t.dom.de, t.spec) }

func join(a, b string) string {
	if b == "" {
		return a
	}
	return a + " " + b
}

// plan is a folder's names: the roles, then the matrix tasks followed by the
// other tasks. It depends on the Size only, so that Questions sees the same
// names as Folder without writing pages.
type plan struct {
	size   Size
	roles  []roleName
	tasks  []taskName
	matrix int // tasks[:matrix] are the matrix rows
	tools  []string
}

// titleCombos is how many role titles exist without a site.
func titleCombos() int {
	n := 0
	for i := range domains {
		n += len(jobs) * (1 + specCount(&domains[i]))
	}
	return n
}

func specCount(d *domain) int {
	n := 0
	for _, s := range specialities {
		if s.form(d) != "" {
			n++
		}
	}
	return n
}

// combo is one job × domain × speciality; spec -1 is none.
type combo struct{ job, dom, spec int }

func newPlan(s Size) *plan {
	r := rand.New(rand.NewPCG(uint64(s.Seed), streamPlan))
	p := &plan{size: s}

	var combos []combo
	for d := range domains {
		for j := range jobs {
			combos = append(combos, combo{j, d, -1})
			for sp := range specialities {
				if specialities[sp].form(&domains[d]) != "" {
					combos = append(combos, combo{j, d, sp})
				}
			}
		}
	}
	r.Shuffle(len(combos), func(i, j int) { combos[i], combos[j] = combos[j], combos[i] })
	ids := map[string]bool{}
	for i := 0; len(p.roles) < s.Pages && i < len(combos)*(1+len(sites)); i++ {
		c := combos[i%len(combos)]
		site := ""
		if k := i / len(combos); k > 0 {
			site = "à " + sites[k-1]
		}
		rn := newRoleName(r, c, site)
		if rn.id == "" || ids[rn.id] {
			continue
		}
		ids[rn.id] = true
		p.roles = append(p.roles, rn)
	}

	// Tasks are drawn at random: their combinations far outnumber any
	// folder's tasks, so repeats are rare and simply drawn again.
	others := min(3+s.Tasks/100, 12)
	taskIDs := map[string]bool{}
	for tries := 0; len(p.tasks) < s.Tasks+others && tries < 50*(s.Tasks+others); tries++ {
		o := &objects[r.IntN(len(objects))]
		d := &domains[r.IntN(len(domains))]
		spec := ""
		if r.IntN(3) > 0 {
			spec = specialities[r.IntN(len(specialities))].form(d)
		}
		t := taskName{verb: o.verbs[r.IntN(len(o.verbs))], obj: o, dom: d, spec: spec}
		t.title = t.verb.inf + " " + o.np + " " + t.phrase()
		id := team.Slug(t.title)
		if taskIDs[id] {
			continue
		}
		taskIDs[id] = true
		if r.IntN(4) == 0 {
			ws := pickN(r, d.words, 2)
			t.details = ws[0] + ", " + ws[1]
		}
		p.tasks = append(p.tasks, t)
	}
	p.matrix = min(s.Tasks, len(p.tasks))

	// Tools shared by many pages, as a ministry's big applications are; a
	// few are very common, most are seen on a handful of pages.
	banned := bannedWords()
	for range 8 + s.Pages/25 {
		p.tools = append(p.tools, inventName(r, banned))
	}
	return p
}

// Streams of the random generator: one for the plan, one per page, one for
// the questions, so that each is the same whatever the others draw.
const (
	streamPlan      = 1
	streamQuestions = 2
	streamTeam      = 3
	streamPages     = 1 << 32
)

func newRoleName(r *rand.Rand, c combo, site string) roleName {
	j, d := jobs[c.job], &domains[c.dom]
	spec := ""
	if c.spec >= 0 {
		spec = specialities[c.spec].form(d)
	}
	fem := r.IntN(2) == 0
	form, other := j.m, j.f
	if fem {
		form, other = j.f, j.m
	}
	rest := join(join(d.de, spec), site)
	rn := roleName{title: form + " " + rest, fem: fem, dom: d, spec: spec}
	rn.id = team.Slug(rn.title)
	if other != form {
		rn.alt = other + " " + rest
	}
	rn.short = form + " " + d.head
	rn.acronym = acronym(rn.title)
	return rn
}

// acronym is the initials of a title's significant words: "Responsable des
// achats numériques" gives "RAN".
func acronym(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return r == ' ' || r == '\'' || r == '-' }) {
		switch strings.ToLower(w) {
		case "de", "des", "du", "la", "le", "les", "l", "d", "en", "à", "au", "aux", "et":
			continue
		}
		r, _ := utf8.DecodeRuneInString(team.Fold(w))
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// inventName makes a name of two or three syllables, such as "Kervalo", that
// is none of the banned words.
func inventName(r *rand.Rand, banned map[string]bool) string {
	for {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		s := b.String()
		if utf8.RuneCountInString(s) < 5 || banned[team.Fold(s)] {
			continue
		}
		first, n := utf8.DecodeRuneInString(s)
		return string(unicode.ToUpper(first)) + s[n:]
	}
}

// pickN returns n distinct elements of list in random order (fewer if the
// list is shorter).
func pickN[T any](r *rand.Rand, list []T, n int) []T {
	n = min(n, len(list))
	idx := r.Perm(len(list))[:n]
	out := make([]T, n)
	for i, k := range idx {
		out[i] = list[k]
	}
	return out
}

// article is "le ", "la " or "l'" before a noun phrase.
func article(fem bool, np string) string {
	if startsWithVowel(np) {
		return "l'"
	}
	if fem {
		return "la "
	}
	return "le "
}

// deNP contracts "de" with a noun phrase's article: "de" + "le budget" gives
// "du budget".
func deNP(np string) string {
	switch {
	case strings.HasPrefix(np, "le "):
		return "du " + np[3:]
	case strings.HasPrefix(np, "les "):
		return "des " + np[4:]
	case strings.HasPrefix(np, "la "), strings.HasPrefix(np, "l'"):
		return "de " + np
	}
	return de(np)
}

// de is "de " or "d'" before a word.
func de(w string) string {
	if startsWithVowel(w) {
		return "d'" + w
	}
	return "de " + w
}

func startsWithVowel(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.ToLower(team.Fold(s)))
	return strings.ContainsRune("aeiouyh", r)
}

// lowerFirst lowers a title's first letter, to use it inside a sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
