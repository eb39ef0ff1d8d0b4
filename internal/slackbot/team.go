package slackbot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/rolebot/rolebot/internal/answer"
	"github.com/rolebot/rolebot/internal/reply"
	"github.com/rolebot/rolebot/internal/team"
)

// intentTeam names `/role équipe` in logs and metrics.
const intentTeam answer.Intent = "team"

// storeTimeout bounds one call to the store on the answer path: a database
// that hangs delays an answer by this much at most, then the answer goes
// out without people.
const storeTimeout = time.Second

// Budgets of the lookups in Slack's directory on the answer path, past
// which an answer goes out with what is known: display names shown by id,
// no edit button. Both are cached, so they are spent on a cold cache only.
const (
	namesBudget     = time.Second
	editCheckBudget = 500 * time.Millisecond
	// submitBudget bounds the checks of a modal's submission (rights and
	// people, in Slack's directory), which is answered in its ack: Slack
	// waits 3 s for it, and the save may take storeTimeout more.
	submitBudget = 1500 * time.Millisecond
)

// maxDMChannels bounds the teams a direct message's answer reads: the
// asker's channels with a team, in the store's order.
const maxDMChannels = 20

// Texts of the teams (no user input in them).
const (
	teamsDisabled   = "Les équipes ne sont pas disponibles : rolebot tourne sans base de données."
	teamUnavailable = "L'équipe de ce canal est momentanément indisponible. Réessayez dans un instant."
	teamSaveFailed  = "L'équipe n'a pas pu être enregistrée (base de données indisponible). Réessayez dans un instant."
	teamNotAnnounce = "L'équipe est enregistrée, mais je n'ai pas pu l'annoncer dans le canal : invitez-moi dans le canal (/invite @rolebot)."
	modalBusy       = "Je suis débordé, réessayez dans un instant."
)

// isTeamCommand tells the texts of `/role équipe`.
func isTeamCommand(text string) bool {
	switch strings.ToLower(strings.Join(strings.Fields(team.Fold(text)), " ")) {
	case "equipe", "equipes", "l'equipe", "mon equipe", "team", "teams", "roster":
		return true
	}
	return false
}

// readTeam reads a channel's team, bounded by storeTimeout.
func (b *Bot) readTeam(ctx context.Context, channel string) (Team, error) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	t, err := b.teams.Team(ctx, channel)
	if err != nil {
		b.storeFailed("team", err)
		return nil, err
	}
	return t, nil
}

// storeFailed counts and logs a failed store call.
func (b *Bot) storeFailed(op string, err error) {
	b.metrics.StoreErrors.WithLabelValues(op).Inc()
	b.log.Warn("base de données indisponible", "op", op, "error", err.Error())
}

// teamRoles lists the content's roles, core roles first, with who holds
// each in t. Roles of t the content no longer has are left out: they keep
// their people in the store.
func (b *Bot) teamRoles(t Team) []reply.TeamRole {
	roles := answer.ListRoles(b.store.Current().Index.Team())
	out := make([]reply.TeamRole, 0, len(roles))
	for _, r := range roles {
		out = append(out, reply.TeamRole{ID: r.ID, Title: r.Title, People: t[r.ID]})
	}
	return out
}

// people says who holds the roles of a for a card read in channel by
// asker: nil without a team, Unavailable when the store fails. In a
// direct message, the teams of the asker's channels.
func (b *Bot) people(ctx context.Context, channel, asker string, a answer.Answer) *reply.People {
	if b.teams == nil || !peopleIntent(a.Intent) {
		return nil
	}
	var p *reply.People
	if isChannel(channel) {
		t, err := b.readTeam(ctx, channel)
		if err != nil {
			return &reply.People{Unavailable: true}
		}
		p = &reply.People{Holders: holders(t, "")}
	} else {
		p = b.dmPeople(ctx, asker)
	}
	if p == nil || (len(p.Holders) == 0 && !p.Unavailable) {
		return nil
	}
	switch a.Intent {
	case answer.IntentListRoles, answer.IntentListTasks:
		nctx, cancel := context.WithTimeout(ctx, namesBudget)
		p.Names = b.dir.names(nctx, listedPeople(p, a))
		cancel()
	case answer.IntentRole:
		if a.Role != nil && len(p.Holders[a.Role.ID]) == 0 && isChannel(channel) {
			ok, _, known := b.cachedMayEdit(asker, channel)
			if !known {
				ectx, cancel := context.WithTimeout(ctx, editCheckBudget)
				ok, _ = b.mayEdit(ectx, asker, channel)
				cancel()
			}
			if ok {
				p.EditChannel = channel
			}
		}
	}
	return p
}

// peopleIntent tells the answers that name people.
func peopleIntent(i answer.Intent) bool {
	switch i {
	case answer.IntentRole, answer.IntentTask, answer.IntentListRoles, answer.IntentListTasks:
		return true
	}
	return false
}

// dmPeople gathers the teams of the channels the asker belongs to, each
// holder with its channel; nil when none has a team.
func (b *Bot) dmPeople(ctx context.Context, user string) *reply.People {
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	channels, err := b.teams.Channels(sctx)
	cancel()
	if err != nil {
		b.storeFailed("channels", err)
		return &reply.People{DM: true, Unavailable: true}
	}
	if len(channels) == 0 {
		return nil
	}
	mine, err := b.dir.userChannels(ctx, user)
	if err != nil {
		b.log.Warn("canaux de l'utilisateur inconnus : réponse sans les équipes", "user", user, "error", err.Error())
		return nil
	}
	p := &reply.People{DM: true, Holders: map[string][]reply.Holder{}}
	n := 0
	for _, ch := range channels {
		if _, in := slices.BinarySearch(mine, ch); !in {
			continue
		}
		if n == maxDMChannels {
			break
		}
		n++
		t, err := b.readTeam(ctx, ch)
		if err != nil {
			return &reply.People{DM: true, Unavailable: true}
		}
		for role, hs := range holders(t, ch) {
			p.Holders[role] = append(p.Holders[role], hs...)
		}
	}
	return p
}

// holders turns a team into the holders of each role, with channel.
func holders(t Team, channel string) map[string][]reply.Holder {
	out := make(map[string][]reply.Holder, len(t))
	for role, users := range t {
		for _, u := range users {
			out[role] = append(out[role], reply.Holder{User: u, Channel: channel})
		}
	}
	return out
}

// listedPeople lists the users a list answer shows, to look their names up.
func listedPeople(p *reply.People, a answer.Answer) []string {
	var roles []string
	for _, r := range a.Roles {
		roles = append(roles, r.ID)
	}
	for _, t := range a.Tasks {
		for _, o := range t.Owners {
			roles = append(roles, o.Role)
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range roles {
		for _, h := range p.Holders[r] {
			if !seen[h.User] {
				seen[h.User] = true
				out = append(out, h.User)
			}
		}
	}
	return out
}

// showTeam answers `/role équipe`: the channel's team, privately, with the
// edit button for those who may edit.
func (b *Bot) showTeam(ctx context.Context, j job) {
	cmd := j.slash
	r := result{intent: intentTeam, question: cmd.Text, user: cmd.UserID, channel: cmd.ChannelID}
	var msg reply.Message
	switch {
	case b.teams == nil:
		msg = reply.Message{Text: teamsDisabled}
	case !isChannel(cmd.ChannelID):
		msg = reply.Message{Text: refuseNoChannel}
	default:
		t, err := b.readTeam(ctx, cmd.ChannelID)
		ok, refusal := b.mayEdit(ctx, cmd.UserID, cmd.ChannelID)
		msg = reply.TeamCard(reply.TeamView{
			Channel: cmd.ChannelID, Roles: b.teamRoles(t), CanEdit: ok, Refusal: refusal, Unavailable: err != nil,
		})
	}
	r.err = b.respond(ctx, cmd.ResponseURL, msg, false)
	b.done(ctx, j.surface, j.received, r)
}

// openTeamModal answers the button "Modifier l'équipe": it opens the modal
// first, within the trigger's 3 s, then checks the rights it could not
// tell from its caches, and replaces the modal with a refusal if need be.
func (b *Bot) openTeamModal(ctx context.Context, j job) {
	cb, act := j.interaction, j.action
	channel, user := act.Value, cb.User.ID
	r := result{intent: intentTeam, user: user, channel: channel}
	if b.teams == nil || !isChannel(channel) {
		r.err = b.privately(ctx, cb, reply.Message{Text: teamsDisabled}, false)
		b.done(ctx, j.surface, j.received, r)
		return
	}
	if ok, refusal, known := b.cachedMayEdit(user, channel); known && !ok {
		r.err = b.privately(ctx, cb, reply.Message{Text: refusal}, false)
		b.done(ctx, j.surface, j.received, r)
		return
	}
	t, err := b.readTeam(ctx, channel)
	if err != nil {
		// An empty modal would erase the team on submission.
		r.err = b.privately(ctx, cb, reply.Message{Text: teamUnavailable}, false)
		b.done(ctx, j.surface, j.received, r)
		return
	}
	var viewID string
	r.err = b.call(ctx, "views.open", func(ctx context.Context) error {
		resp, err := b.api.OpenViewContext(ctx, cb.TriggerID, reply.TeamModal(channel, b.teamRoles(t)))
		if err == nil {
			viewID = resp.ID
		}
		return err
	})
	if r.err == nil {
		if ok, refusal := b.mayEdit(ctx, user, channel); !ok {
			r.err = b.call(ctx, "views.update", func(ctx context.Context) error {
				_, err := b.api.UpdateViewContext(ctx, reply.RefusalModal(refusal), "", "", viewID)
				return err
			})
		}
	}
	b.done(ctx, j.surface, j.received, r)
}

// Errors shown under a modal's inputs.
const (
	errUnknownRole = "Ce rôle n'existe plus dans les pages de l'équipe : fermez cette fenêtre et rouvrez-la."
	errNotAUser    = "%s n'est pas une personne de cet espace de travail."
	errBotUser     = "%s est un bot : seules des personnes tiennent un rôle."
	errDeactivated = "Le compte de %s est désactivé."
	errCheckUser   = "Je n'ai pas pu vérifier %s (Slack ne répond pas). Réessayez dans un instant."
)

// submitTeam validates and saves a submitted team's modal, and answers in
// the ack: errors under the inputs, or nothing, which closes the modal.
// Nothing is written unless every input is valid. The change is then
// announced in the channel in one message.
func (b *Bot) submitTeam(ctx context.Context, j job) {
	cb := j.submission
	channel, user := cb.View.PrivateMetadata, cb.User.ID
	r := result{intent: intentTeam, user: user, channel: channel}
	acked := false
	ack := func(errs map[string]string) {
		acked = true
		var payload any
		if len(errs) > 0 {
			payload = map[string]any{"response_action": "errors", "errors": errs}
		}
		b.ack(ctx, j.sm, j.req, j.received, payload)
	}
	defer func() {
		if !acked { // a panic: close the modal rather than let Slack time out
			ack(nil)
		}
	}()
	first := firstInput(cb.View)
	if b.teams == nil {
		ack(map[string]string{first: teamsDisabled})
		b.done(ctx, j.surface, j.received, r)
		return
	}
	checks, cancelChecks := context.WithTimeout(ctx, submitBudget)
	defer cancelChecks()
	if ok, refusal := b.mayEdit(checks, user, channel); !ok {
		ack(map[string]string{first: refusal})
		b.done(ctx, j.surface, j.received, r)
		return
	}
	current, err := b.readTeam(ctx, channel)
	if err != nil {
		ack(map[string]string{first: teamSaveFailed})
		r.err = err
		b.done(ctx, j.surface, j.received, r)
		return
	}
	next, errs := b.validateTeam(checks, cb.View.State, current)
	if len(errs) > 0 {
		ack(errs)
		b.done(ctx, j.surface, j.received, r)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	changes, err := b.teams.SetTeam(sctx, channel, user, next)
	cancel()
	if err != nil {
		b.storeFailed("set_team", err)
		ack(map[string]string{first: teamSaveFailed})
		r.err = err
		b.done(ctx, j.surface, j.received, r)
		return
	}
	ack(nil)
	if len(changes) > 0 {
		msg := reply.TeamChanges(user, b.replyChanges(changes))
		if err := b.post(ctx, channel, "", msg); err != nil {
			b.log.Warn("changement d'équipe non annoncé dans le canal", "channel", channel, "error", err.Error())
			r.err = b.post(ctx, user, "", reply.Message{Text: teamNotAnnounce})
		}
	}
	b.done(ctx, j.surface, j.received, r)
}

// validateTeam reads the modal's state into the roles to save: each role
// of the modal with its people, an empty list for a role cleared (SetTeam
// leaves the roles it is not given as they are: those the modal could not
// show, those the content no longer has). Errors are by block id.
func (b *Bot) validateTeam(ctx context.Context, state *slack.ViewState, current Team) (Team, map[string]string) {
	next := Team{}
	errs := map[string]string{}
	if state == nil {
		return next, errs
	}
	t := b.store.Current().Index.Team()
	blockIDs := make([]string, 0, len(state.Values))
	for id := range state.Values {
		blockIDs = append(blockIDs, id)
	}
	slices.Sort(blockIDs)
	for _, blockID := range blockIDs {
		role, ok := reply.RoleOfBlock(blockID)
		if !ok {
			continue
		}
		if _, known := t.Role(role); !known {
			errs[blockID] = errUnknownRole
			continue
		}
		var users []string
		for _, v := range state.Values[blockID] {
			for _, u := range v.SelectedUsers {
				if !slices.Contains(users, u) {
					users = append(users, u)
				}
			}
		}
		for _, u := range users {
			if slices.Contains(current[role], u) {
				continue // already there: checked when named
			}
			if msg := b.checkPerson(ctx, u); msg != "" {
				errs[blockID] = msg
				break
			}
		}
		if users == nil {
			users = []string{}
		}
		next[role] = users
	}
	return next, errs
}

// checkPerson says why u cannot hold a role, or "".
func (b *Bot) checkPerson(ctx context.Context, u string) string {
	shown := reply.Escape(u)
	if len(shown) > 40 {
		shown = shown[:40] + "…"
	}
	p, err := b.dir.person(ctx, u)
	switch {
	case err != nil:
		return strings.Replace(errCheckUser, "%s", shown, 1)
	case !p.exists:
		return strings.Replace(errNotAUser, "%s", shown, 1)
	case p.bot:
		return strings.Replace(errBotUser, "%s", firstNonEmpty(p.name, shown), 1)
	case p.deleted:
		return strings.Replace(errDeactivated, "%s", firstNonEmpty(p.name, shown), 1)
	}
	return ""
}

// firstInput is the block id of a modal's first input, where errors that
// concern the whole modal are shown.
func firstInput(v slack.View) string {
	for _, blk := range v.Blocks.BlockSet {
		if in, ok := blk.(*slack.InputBlock); ok {
			return in.BlockID
		}
	}
	if v.State != nil {
		ids := make([]string, 0, len(v.State.Values))
		for id := range v.State.Values {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if len(ids) > 0 {
			return ids[0]
		}
	}
	return ""
}

// replyChanges gives changes the roles' titles, in a stable order: roles
// in content order, additions first.
func (b *Bot) replyChanges(changes []Change) []reply.TeamChange {
	t := b.store.Current().Index.Team()
	out := make([]reply.TeamChange, 0, len(changes))
	for _, c := range changes {
		title := c.Role
		if r, ok := t.Role(c.Role); ok {
			title = r.Title
		}
		out = append(out, reply.TeamChange{Role: c.Role, Title: title, User: c.User, Added: c.Added})
	}
	slices.SortStableFunc(out, func(x, y reply.TeamChange) int {
		if x.Added != y.Added {
			if x.Added {
				return -1
			}
			return 1
		}
		return 0
	})
	return out
}

// myTeams lists, for the Home tab, the channels where user holds a role.
func (b *Bot) myTeams(ctx context.Context, user string) reply.MyTeams {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	ms, err := b.teams.TeamsOf(ctx, user)
	if err != nil {
		b.storeFailed("teams_of", err)
		return reply.MyTeams{Unavailable: true}
	}
	t := b.store.Current().Index.Team()
	var out []reply.ChannelRoles
	at := map[string]int{}
	for _, m := range ms {
		r, ok := t.Role(m.Role)
		if !ok {
			continue // a role gone from the content is not shown
		}
		i, seen := at[m.Channel]
		if !seen {
			i = len(out)
			at[m.Channel] = i
			out = append(out, reply.ChannelRoles{Channel: m.Channel})
		}
		out[i].Titles = append(out[i].Titles, r.Title)
	}
	return reply.MyTeams{Channels: out}
}
