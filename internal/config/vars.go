package config

// Var describes one environment variable that rolebot reads, for the help
// subcommand and the documentation.
type Var struct {
	// Name is the variable's name, such as SLACK_APP_TOKEN.
	Name string
	// Default is the value used when the variable is unset or empty; empty
	// when there is none.
	Default string
	// Example is a typical value.
	Example string
	// ServeOnly is true for the variables only serve reads (the tokens).
	ServeOnly bool
	// Doc says what the variable is for, in one line of French.
	Doc string
}

// Vars lists every variable of Config, in the order of its fields. A test
// keeps it in step with the struct tags.
func Vars() []Var {
	return []Var{
		{Name: "SLACK_APP_TOKEN", Example: "xapp-1-…", ServeOnly: true,
			Doc: "Jeton d'application Slack (xapp-…, portée connections:write) qui ouvre la connexion Socket Mode ; requis par serve."},
		{Name: "SLACK_APP_TOKEN_FILE", Example: "/var/run/secrets/rolebot/app-token", ServeOnly: true,
			Doc: "Fichier qui contient SLACK_APP_TOKEN (secret monté) ; à la place de SLACK_APP_TOKEN, pas en plus."},
		{Name: "SLACK_BOT_TOKEN", Example: "xoxb-…", ServeOnly: true,
			Doc: "Jeton de bot Slack (xoxb-…) qui appelle l'API Web ; requis par serve."},
		{Name: "SLACK_BOT_TOKEN_FILE", Example: "/var/run/secrets/rolebot/bot-token", ServeOnly: true,
			Doc: "Fichier qui contient SLACK_BOT_TOKEN (secret monté) ; à la place de SLACK_BOT_TOKEN, pas en plus."},
		{Name: "SLACK_API_URL", Default: "https://slack.com/api/", Example: "https://slack.com/api/",
			Doc: "Adresse de base de l'API Web de Slack ; un / final est ajouté s'il manque."},
		{Name: "CONTENT_DIR", Example: "/content",
			Doc: "Dossier de contenu (pages GitBook) lu et surveillé ; vide : le contenu intégré au binaire."},
		{Name: "CONTENT_BASE_URL", Example: "https://equipe.gitbook.io/produit/",
			Doc: "Adresse http(s) du GitBook publié, pour lier chaque fiche à sa page ; vide : pas de lien."},
		{Name: "CONTENT_GIT_URL", Example: "https://github.com/equipe/guide.git",
			Doc: "Dépôt git du contenu, tel que Git Sync de GitBook l'écrit (https:// ou file://) ; à la place de CONTENT_DIR."},
		{Name: "CONTENT_GIT_BRANCH", Example: "main",
			Doc: "Branche suivie ; vide : la branche par défaut du dépôt."},
		{Name: "CONTENT_GIT_PATH", Example: "equipes/produit",
			Doc: "Dossier de l'équipe, relatif à la racine GitBook (root de .gitbook.yaml, sinon le haut du dépôt) ; vide : cette racine."},
		{Name: "CONTENT_GIT_TOKEN", Example: "glpat-…",
			Doc: "Jeton d'accès au dépôt en HTTPS (envoyé comme mot de passe) ; jamais journalisé."},
		{Name: "CONTENT_GIT_TOKEN_FILE", Example: "/var/run/secrets/rolebot/git-token",
			Doc: "Fichier qui contient CONTENT_GIT_TOKEN ; à la place de CONTENT_GIT_TOKEN, pas en plus."},
		{Name: "CONTENT_GIT_INTERVAL", Default: "1m", Example: "30s",
			Doc: "Intervalle entre deux récupérations du dépôt (au moins 1s)."},
		{Name: "CONTENT_GIT_WEBHOOK_SECRET", Example: "un-secret-partagé",
			Doc: "Secret du webhook de push (POST /webhook/git, signature GitHub ou jeton GitLab) ; vide : pas de webhook."},
		{Name: "HTTP_ADDR", Default: ":8080", Example: "127.0.0.1:8080",
			Doc: "Adresse d'écoute du serveur de santé et de métriques (/healthz, /readyz, /metrics)."},
		{Name: "LOG_LEVEL", Default: "info", Example: "debug",
			Doc: "Niveau des journaux : debug, info, warn ou error."},
		{Name: "LOG_FORMAT", Default: "json", Example: "text",
			Doc: "Format des journaux : json ou text."},
		{Name: "ROLEBOT_COMMAND", Default: "/role", Example: "/qui",
			Doc: "Commande slash à laquelle rolebot répond ; la même que dans le manifeste de l'app Slack."},
		{Name: "WORKERS", Default: "8", Example: "16",
			Doc: "Nombre de questions traitées en même temps (au moins 1)."},
		{Name: "SHUTDOWN_TIMEOUT", Default: "10s", Example: "30s",
			Doc: "Délai laissé aux réponses en cours après SIGTERM, avant l'arrêt."},
		{Name: "QUEUE_AGE_WARNING", Default: "2m", Example: "5m",
			Doc: "Âge de la plus ancienne réponse en attente au-delà duquel serve écrit un avertissement ; /readyz reste à 200 pendant que la file se vide."},
		{Name: "DATABASE_URL", Example: "postgres://rolebot:…@db:5432/rolebot",
			Doc: "Base des équipes : vide pour SQLite dans DATA_DIR, sqlite:///chemin/fichier.db, ou postgres://… (plusieurs réplicas) ; le mot de passe n'est jamais affiché."},
		{Name: "DATABASE_URL_FILE", Example: "/var/run/secrets/rolebot/database-url",
			Doc: "Fichier qui contient DATABASE_URL (secret monté) ; à la place de DATABASE_URL, pas en plus."},
		{Name: "DATA_DIR", Default: "./data", Example: "/data",
			Doc: "Dossier des données de rolebot, créé s'il manque : la base SQLite par défaut (rolebot.db) et la copie locale du dépôt de contenu."},
		{Name: "ADMIN_USER_IDS", Example: "U012AB3CD,U045EF6GH",
			Doc: "Identifiants Slack (séparés par des virgules) autorisés à modifier l'équipe de tout canal."},
		{Name: "FEEDBACK_RETENTION", Default: "90d", Example: "30d",
			Doc: "Durée de conservation des questions posées et des avis (données personnelles), en jours (90d) ou en durée Go (720h) ; au-delà, ils sont effacés."},
		{Name: "REPORT_CHANNEL", Example: "C012AB3CD",
			Doc: "Identifiant du canal où publier chaque semaine le rapport des manques du contenu ; vide : pas de publication."},
		{Name: "REPORT_SCHEDULE", Default: "lundi 9h", Example: "vendredi 16h30 Europe/Paris",
			Doc: "Jour et heure de la publication hebdomadaire du rapport (français ou anglais : lundi 9h, monday 9am), à l'heure de Paris sauf fuseau IANA donné."},
	}
}

// Environ builds the environment Load and LoadContentOnly read from a
// lookup function such as os.Getenv: it holds the variables of Vars that
// getenv gives a non-empty value (an empty variable is thus reported as
// missing, not empty). With the whole process environment at hand,
// env.ToMap(os.Environ()) does as well.
func Environ(getenv func(string) string) map[string]string {
	m := map[string]string{}
	for _, v := range Vars() {
		if s := getenv(v.Name); s != "" {
			m[v.Name] = s
		}
	}
	return m
}
