package search

import (
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
		"la", "les", "with", "avec", "a", "poser", "question", "questions", "ask", "quelles", "quels", "type", "types", "de", "des")
	helpKeys = set("aide", "aider", "help", "usage", "bonjour", "salut", "hello", "hi", "hey", "menu", "commandes", "commande",
		"exemples", "exemple", "fonctionne", "utiliser", "utilise", "use", "marche", "sais", "work", "works", "rolebot", "bot", "tu", "you")
	listWords = set("liste", "lister", "list", "les", "des", "de", "du", "d", "tous", "toutes", "tout", "all", "the", "quels", "quelles",
		"sont", "what", "are", "which", "l", "la", "le", "show", "montre", "montrer", "affiche", "afficher", "voir", "me", "moi", "donne",
		"of", "in", "dans", "notre", "nos", "votre", "vos", "our", "your", "entiere", "complete", "whole", "full", "each", "chaque",
		"ya", "y", "a", "il", "existe", "existent", "differents", "differentes", "different", "c", "cest", "quoi", "types", "sortes",
		"there", "is", "exist", "available", "disponibles", "possibles", "svp", "stp", "please", "et", "and", "leurs", "their")
	roleListKeys = set("liste", "list", "roles", "role", "equipe", "team", "membres", "members", "profils", "composition", "postes", "metiers")
	taskListKeys = set("matrice", "matrix", "taches", "tache", "tasks", "responsabilites", "responsibilities", "responsibility",
		"raci", "repartition", "tableau")
	whoWords    = set("qui", "who", "whom", "whose")
	whichWords  = set("quel", "quelle", "quels", "quelles", "which", "what")
	personWords = set("role", "roles", "poste", "postes", "personne", "personnes", "profil", "profils", "person", "people", "membre", "membres", "member", "members", "metier", "job")
	// structural words frame a question and say nothing of its subject.
	structural = set("qui", "que", "quoi", "quel", "quelle", "quels", "quelles", "who", "what", "which", "whom", "whose",
		"how", "comment", "est", "sont", "c", "cest", "ce", "fait", "fais", "font", "faire", "does", "do", "did", "doing",
		"role", "roles", "poste", "postes", "job", "jobs", "s", "t", "il", "elle", "ils", "elles", "on", "y", "en",
		"moi", "me", "dis", "dit", "dire", "explique", "expliquer", "tell", "about", "rolebot", "svp", "stp", "please",
		"chez", "nous", "equipe", "team", "in", "our", "notre", "the", "is", "are", "a", "an", "of", "le", "la", "les", "l", "d", "du", "de", "des")
	// weak words say that an owner is asked for, not what is owned.
	weak = set("responsable", "responsables", "responsible", "accountable", "owner", "owners", "owns", "own", "owned",
		"charge", "porte", "portent", "porter", "carry", "carries", "occupe", "occupent", "occuper", "gere", "gerent",
		"gerer", "handle", "handles", "manage", "manages", "assure", "assurent", "assurer", "decide", "decides", "decider",
		"garant", "garante", "garants", "choisit", "choisir", "choisissent", "choose", "chooses", "valide", "valider",
		"arbitre", "arbitrer", "in", "someone", "quelqu", "un", "personne", "principal", "principale", "main",
		"organise", "organisent", "organiser", "organize", "organizes", "organises", "prend", "prennent", "prendre",
		"takes", "take", "ecrit", "ecrivent", "ecrire", "redige", "redigent", "rediger", "write", "writes", "works", "travaille",
		"pilote", "pilotent", "piloter", "mene", "menent", "mener", "lead", "leads", "drive", "drives", "oversee", "oversees",
		"veille", "veillent", "veiller", "ensure", "ensures", "garantit", "garantir", "boulot", "travail", "taf", "job",
		"runs", "run", "charged", "care", "takes")
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

// special recognises help and the two lists, which need no search.
func special(ws []string) (answer.Intent, bool) {
	if len(ws) == 0 {
		return answer.IntentHelp, true
	}
	if all(ws, helpWords) && anyOf(ws, helpKeys) {
		return answer.IntentHelp, true
	}
	joined := " " + strings.Join(ws, " ") + " "
	if strings.Contains(joined, " qui fait quoi ") || strings.Contains(joined, " who does what ") {
		return answer.IntentListTasks, true
	}
	if all(ws, listWords, taskListKeys, roleListKeys) && anyOf(ws, taskListKeys) {
		return answer.IntentListTasks, true
	}
	if all(ws, listWords, roleListKeys) && anyOf(ws, roleListKeys) {
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
