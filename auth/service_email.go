package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// PrincipalByEmail returns the principal of the person with that email, for integrations
// that know people by a verified email (the Slack bot): a local person account with that
// email first, else the catalog User with that spec.profile.email exactly as an OIDC login
// of it would be (its local account's role, or Options.OIDCRole). Via is set to via.
// ErrNotFound when nobody has the email; a disabled account is ErrNotFound too, so it
// answers nothing a stranger would not get.
func (s *Service) PrincipalByEmail(ctx context.Context, email, via string) (Principal, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return Principal{}, errkind.Errorf(ErrNotFound, "no user has an empty email")
	}
	users, err := s.o.Store.Users(ctx)
	if err != nil {
		return Principal{}, fmt.Errorf("find user by email: %w", err)
	}
	for _, u := range users {
		if u.ServiceAccount || !strings.EqualFold(u.Email, email) {
			continue
		}
		if u.Disabled {
			return Principal{}, errkind.Errorf(ErrNotFound, "no enabled user has this email")
		}
		return s.principalOf(ctx, u, via)
	}
	ref, err := s.resolveIdentity(ctx, email, "")
	if errors.Is(err, errNoCatalogUser) {
		return Principal{}, errkind.Errorf(ErrNotFound, "no user has this email")
	}
	if err != nil {
		return Principal{}, err
	}
	p, err := s.oidcPrincipal(ctx, ref)
	if errors.Is(err, ErrUnauthenticated) {
		return Principal{}, errkind.Errorf(ErrNotFound, "no enabled user has this email")
	}
	if err != nil {
		return Principal{}, err
	}
	p.Via = via
	return p, nil
}
