package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nextportal/portal/auth"
)

// openAuth parses flags, runs checkArgs (before anything touches the database), builds the
// app and returns its auth service for the user and token commands. Close the app when done.
func openAuth(ctx context.Context, cfg *Config, fs *flag.FlagSet, envErr error, args []string, stderr io.Writer, checkArgs func() error) (*auth.Service, *app, error) {
	if err := parseCommand(cfg, fs, envErr, args, checkArgs); err != nil {
		return nil, nil, err
	}
	a, err := newApp(ctx, cfg, stderr, upgradeSchema)
	if err != nil {
		return nil, nil, err
	}
	svc, err := a.authService()
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return svc, a, nil
}

// audit records a CLI change; a failure to record is reported, not hidden.
func audit(ctx context.Context, svc *auth.Service, action, target string) error {
	return svc.Record(ctx, auth.AuditEvent{At: time.Now(), Actor: "system:cli", Action: action, Target: target, Remote: "cli"})
}

const userUsage = `Usage: portal user <command> [flags]

Commands:
  add NAME        create a local user (--role, --email, --user-ref, --password-stdin, --service-account)
  list            list users
  disable NAME    disable a user: their sessions and tokens stop working (on a running
                  server within --credential-ttl, 1s by default)
  enable NAME     enable a disabled user
`

func runUser(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, userUsage)
		return nil
	}
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("user "+args[0], "user "+args[0]+" [flags]", stderr, env, commandSettings["user"]...)
	switch args[0] {
	case "add":
		role := fs.String("role", "developer", "role: viewer, developer or admin")
		email := fs.String("email", "", "email address")
		userRef := fs.String("user-ref", "", "catalog User entity (default user:default/NAME)")
		fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input (else one is generated and printed once)")
		service := fs.Bool("service-account", false, "a service account: no password, tokens only")
		var r auth.Role
		svc, a, err := openAuth(ctx, &cfg, fs, envErr, args[1:], stderr, func() (err error) {
			if fs.NArg() != 1 {
				return usageError("user add takes one NAME, got %d arguments", fs.NArg())
			}
			if r, err = auth.ParseRole(*role); err != nil {
				return usageError("%v", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		defer a.Close()
		nu := auth.NewUser{Name: fs.Arg(0), Email: *email, UserRef: *userRef, Role: r, ServiceAccount: *service}
		if nu.UserRef == "" && !*service {
			nu.UserRef = "user:default/" + fs.Arg(0)
		}
		generated := false
		switch {
		case *service:
		case *fromStdin:
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("read password: %w", err)
			}
			nu.Password = strings.TrimRight(line, "\r\n")
		default:
			nu.Password, generated = randomPassword(), true
		}
		u, err := svc.AddUser(ctx, nu)
		if err != nil {
			return fmt.Errorf("add user %s: %w", fs.Arg(0), err)
		}
		if err := audit(ctx, svc, "user.add", u.Name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s added (role %s)\n", u.Name, u.Role)
		if generated {
			fmt.Fprintf(stdout, "password (shown once): %s\n", nu.Password)
		}
		return nil
	case "list":
		svc, a, err := openAuth(ctx, &cfg, fs, envErr, args[1:], stderr, nArgs(fs, "user list", 0, ""))
		if err != nil {
			return err
		}
		defer a.Close()
		users, err := svc.Users(ctx)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tUSER REF\tKIND\tSTATUS")
		for _, u := range users {
			kind, status := "person", "enabled"
			if u.ServiceAccount {
				kind = "service"
			}
			if u.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, dash(u.UserRef), kind, status)
		}
		return tw.Flush()
	case "disable", "enable":
		svc, a, err := openAuth(ctx, &cfg, fs, envErr, args[1:], stderr, nArgs(fs, "user "+args[0], 1, "NAME"))
		if err != nil {
			return err
		}
		defer a.Close()
		if err := svc.SetDisabled(ctx, fs.Arg(0), args[0] == "disable"); err != nil {
			return fmt.Errorf("%s user %s: %w", args[0], fs.Arg(0), err)
		}
		if err := audit(ctx, svc, "user."+args[0], fs.Arg(0)); err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "user %s %sd\n", fs.Arg(0), args[0])
		return err
	}
	return usageError("unknown user command %q", args[0])
}

const tokenUsage = `Usage: portal token <command> [flags]

Commands:
  create --user NAME   create an API token (--name, --scope read|write|admin, --ttl); printed once
  list [--user NAME]   list tokens (never the tokens themselves)
  revoke ID            revoke a token
`

func runToken(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		io.WriteString(stdout, tokenUsage)
		return nil
	}
	ctx = operatorContext(ctx)
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("token "+args[0], "token "+args[0]+" [flags]", stderr, env, commandSettings["token"]...)
	switch args[0] {
	case "create":
		user := fs.String("user", "", "the user the token acts as (required)")
		name := fs.String("name", "cli", "a name to recognise the token by")
		scope := fs.String("scope", "read", "scope: read, write or admin (capped by the user's role)")
		ttl := fs.Duration("ttl", 90*24*time.Hour, "lifetime; 0 means it never expires")
		var sc auth.Scope
		svc, a, err := openAuth(ctx, &cfg, fs, envErr, args[1:], stderr, func() (err error) {
			if *user == "" || fs.NArg() > 0 {
				return usageError("token create needs --user NAME and no arguments")
			}
			if sc, err = auth.ParseScope(*scope); err != nil {
				return usageError("%v", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		defer a.Close()
		raw, t, err := svc.CreateToken(ctx, *user, *name, sc, *ttl)
		if err != nil {
			return fmt.Errorf("create token for %s: %w", *user, err)
		}
		if err := audit(ctx, svc, "token.create", t.ID); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "token %s (%s, scope %s) created; it is shown once:\n", t.ID, t.Name, t.Scope)
		_, err = fmt.Fprintln(stdout, raw)
		return err
	case "list":
		user := fs.String("user", "", "only this user's tokens")
		svc, a, err := openAuth(ctx, &cfg, fs, envErr, args[1:], stderr, nArgs(fs, "token list", 0, ""))
		if err != nil {
			return err
		}
		defer a.Close()
		tokens, err := svc.Tokens(ctx, *user)
		if err != nil {
			return fmt.Errorf("list tokens: %w", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tSCOPE\tCREATED\tEXPIRES\tLAST USED\tSTATUS")
		now := time.Now()
		for _, t := range tokens {
			status := "active"
			switch {
			case t.RevokedAt != nil:
				status = "revoked"
			case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
				status = "expired"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Scope, t.CreatedAt.Format(time.DateTime),
				timeOrDash(t.ExpiresAt), timeOrDash(t.LastUsedAt), status)
		}
		return tw.Flush()
	case "revoke":
		svc, a, err := openAuth(ctx, &cfg, fs, envErr, args[1:], stderr, nArgs(fs, "token revoke", 1, "ID"))
		if err != nil {
			return err
		}
		defer a.Close()
		if err := svc.RevokeToken(ctx, auth.System(), fs.Arg(0)); err != nil {
			return fmt.Errorf("revoke token %s: %w", fs.Arg(0), err)
		}
		if err := audit(ctx, svc, "token.revoke", fs.Arg(0)); err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "token %s revoked\n", fs.Arg(0))
		return err
	}
	return usageError("unknown token command %q", args[0])
}

// randomPassword returns a 24-character password from 18 random bytes.
func randomPassword() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateTime)
}
