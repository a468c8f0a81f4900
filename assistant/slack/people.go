package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// cachedUser is the portal identity of a Slack user, remembered for Config.UserCacheTTL.
type cachedUser struct {
	principal auth.Principal
	linked    bool // a portal user matched the Slack user's email
	until     time.Time
}

// via marks principals established through Slack.
const via = "slack"

// identity returns who a Slack user is in the portal: users.info gives their email, and
// the portal user with that email is the principal the answer is made for. A Slack user
// with no matching portal user (or no email) is unlinked: an anonymous principal with a
// stable Subject, so they keep their own conversations but see public entities only.
func (b *Bot) identity(ctx context.Context, team, user string) (cachedUser, error) {
	key := team + "/" + user
	now := b.cfg.Now()
	b.mu.Lock()
	c, ok := b.users[key]
	b.mu.Unlock()
	if ok && now.Before(c.until) {
		return c, nil
	}
	info, err := b.api.GetUserInfoContext(ctx, user)
	if err != nil {
		return cachedUser{}, fmt.Errorf("slack users.info %s: %w", user, err)
	}
	c = cachedUser{principal: Unlinked(team, user, info.Name), until: now.Add(b.cfg.UserCacheTTL)}
	if info.Profile.Email != "" && !info.IsBot && !info.Deleted {
		p, err := b.people.PrincipalByEmail(ctx, info.Profile.Email, via)
		switch {
		case err == nil:
			c.principal, c.linked = p, true
		case !errors.Is(err, errkind.NotFound):
			return cachedUser{}, fmt.Errorf("portal user of slack user %s: %w", user, err)
		}
	}
	b.mu.Lock()
	if len(b.users) > 10000 { // bound the cache; a cold cache only costs users.info calls
		clear(b.users)
	}
	b.users[key] = c
	b.mu.Unlock()
	return c, nil
}

// Unlinked is the principal of a Slack user with no portal account: anonymous, so every
// visibility check treats it as a stranger (public entities only), with a Subject that
// keeps its conversations apart from everyone else's.
func Unlinked(team, user, name string) auth.Principal {
	return auth.Principal{Kind: auth.KindAnonymous, Subject: "slack:" + team + "/" + user, Name: name, Via: via}
}
