package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
)

// newAuthService builds the auth service over the database, with the catalog as the
// directory of users and groups.
func newAuthService(cfg *Config, db *store.DB, dir *catalog.Service) (*auth.Service, error) {
	static, err := cfg.staticTokens()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	role, err := auth.ParseRole(cfg.OIDCRole)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	credTTL := cfg.CredentialTTL
	if credTTL == 0 {
		credTTL = -1 // 0 here means no cache, which auth.Options spells negative
	}
	return auth.NewService(auth.Options{Store: db, Directory: dir, StaticTokens: static,
		SessionTTL: cfg.SessionTTL, OIDCRole: role, CredentialTTL: credTTL}), nil
}

// errNoLogin is why serve refuses to start: nobody could ever sign in.
var errNoLogin = errors.New("no way to log in: add a user ('portal user add NAME'), create a token " +
	"('portal token create'), set PORTAL_STATIC_TOKENS or PORTAL_OIDC_ISSUER, or run with --demo")

// checkLogin returns errNoLogin unless some principal could authenticate: demo mode, a
// static token, OIDC, an enabled user with a password, or a live API token.
func checkLogin(ctx context.Context, cfg *Config, svc *auth.Service) error {
	if cfg.Demo || len(cfg.StaticTokens) > 0 || cfg.OIDCIssuer != "" {
		return nil
	}
	users, err := svc.Users(ctx)
	if err != nil {
		return fmt.Errorf("check users: %w", err)
	}
	enabled := map[string]bool{}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		if u.PasswordHash != "" {
			return nil
		}
		enabled[u.ID] = true
	}
	tokens, err := svc.Tokens(ctx, "")
	if err != nil {
		return fmt.Errorf("check tokens: %w", err)
	}
	now := time.Now()
	for _, t := range tokens {
		if enabled[t.UserID] && t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now)) {
			return nil
		}
	}
	return errNoLogin
}

// demoAdmin is the service account whose token demo mode prints at start.
const demoAdmin = "demo-admin"

// printDemoToken creates a fresh admin token for the demo and prints it once. It expires
// after a day so restarted demos don't leave live tokens behind.
func printDemoToken(ctx context.Context, svc *auth.Service, w io.Writer) error {
	_, err := svc.AddUser(ctx, auth.NewUser{Name: demoAdmin, Role: auth.RoleAdmin, ServiceAccount: true})
	if err != nil && !errors.Is(err, auth.ErrConflict) {
		return fmt.Errorf("demo admin: %w", err)
	}
	raw, _, err := svc.CreateToken(ctx, demoAdmin, "demo-"+time.Now().UTC().Format("20060102T150405"), auth.ScopeAdmin, 24*time.Hour)
	if err != nil {
		return fmt.Errorf("demo admin token: %w", err)
	}
	_, err = fmt.Fprintf(w, "Demo mode: the browser is signed in as a guest developer.\nAdmin token (shown once, valid 24h): %s\n", raw)
	return err
}
