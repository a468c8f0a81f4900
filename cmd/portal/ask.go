package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

const askSynopsis = `ask [flags] QUESTION...

Ask the assistant a question and print its answer with numbered sources, or with --json the
API's answer JSON. It runs as the operator, an admin who sees everything; --as USER answers as
that local user (login name) would see it. --conversation ID continues an earlier answer's
conversation (the id --json prints). The server holds the search index open while it runs:
then use POST /api/v1/assistant/chat instead`

func runAsk(ctx context.Context, args []string, env func(string) string, _ io.Reader, stdout, stderr io.Writer) error {
	cfg := catalogConfig()
	fs, envErr := cfg.newFlagSet("ask", askSynopsis, stderr, env, commandSettings["ask"]...)
	asJSON := fs.Bool("json", false, "print the answer as the API's JSON")
	asUser := fs.String("as", "", "answer as this local user would see it (admins only; the operator is one)")
	conv := fs.String("conversation", "", "continue this conversation")
	var question string
	err := parseCommand(&cfg, fs, envErr, args, func() error {
		question = strings.TrimSpace(strings.Join(fs.Args(), " "))
		if question == "" {
			return usageError("ask needs a QUESTION")
		}
		return nil
	})
	if err != nil {
		return err
	}
	// ask stores the turn in a conversation, so it writes and may upgrade the schema like index.
	a, err := newApp(ctx, &cfg, stderr, upgradeSchema)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx, err = askerContext(operatorContext(ctx), a, *asUser)
	if err != nil {
		return err
	}
	logger := a.logger
	ix, err := a.searchIndex(ctx, false)
	if err != nil {
		return err
	}
	composer, err := assistantComposer(&cfg, logger)
	if err != nil {
		return err
	}
	svc, err := assistant.New(assistant.Deps{Catalog: a.catalog, Search: ix, Store: a.db, Composer: composer, Logger: logger})
	if err != nil {
		return err
	}
	registerIncidents(a.incidentService(), ix, svc)
	if err := a.registerCostSkills(svc); err != nil {
		return err
	}
	ans, err := svc.Ask(ctx, assistant.Question{Message: question, ConversationID: *conv}, nil)
	if err != nil {
		return askError(err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
	}
	return printAnswer(stdout, ans)
}

// askerContext is the operator's ctx, or with a user name that user's principal: their
// role and their catalog groups, as a session of theirs would have.
func askerContext(ctx context.Context, a *app, name string) (context.Context, error) {
	if name == "" {
		return ctx, nil
	}
	if !auth.FromContext(ctx).Role.AtLeast(auth.RoleAdmin) {
		return nil, errors.New("ask --as: only admins may answer as another user")
	}
	authSvc, err := a.authService()
	if err != nil {
		return nil, err
	}
	users, err := authSvc.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("ask --as %s: %w", name, err)
	}
	for _, u := range users {
		if u.Name != name {
			continue
		}
		if u.Disabled {
			return nil, fmt.Errorf("ask --as %s: the user is disabled", name)
		}
		var groups []string
		if u.UserRef != "" {
			gs, err := a.catalog.GroupsOf(ctx, u.UserRef)
			if err != nil && !errors.Is(err, catalog.ErrNotFound) {
				return nil, fmt.Errorf("ask --as %s: %w", name, err)
			}
			for _, g := range gs {
				groups = append(groups, strings.ToLower(g))
			}
		}
		kind := auth.KindUser
		if u.ServiceAccount {
			kind = auth.KindService
		}
		p := auth.Principal{Kind: kind, Subject: u.ID, Name: u.Name, UserRef: u.UserRef, Groups: groups, Role: u.Role, Via: "cli-as"}
		return auth.NewContext(ctx, p), nil
	}
	return nil, usageError("ask --as %s: no such local user (portal user list shows them)", name)
}

// askError words an Ask error for the command line.
func askError(err error) error {
	switch {
	case errors.Is(err, assistant.ErrInvalid):
		return usageError("ask: %s", strings.TrimSuffix(err.Error(), ": "+assistant.ErrInvalid.Error()))
	case errors.Is(err, assistant.ErrNotFound):
		return errors.New("ask: no such conversation of yours")
	}
	return fmt.Errorf("ask: %w", err)
}

// printAnswer prints the answer, a notice if any, and the numbered sources.
func printAnswer(w io.Writer, a assistant.Answer) error {
	var b strings.Builder
	b.WriteString(a.Answer + "\n")
	if a.Notice != "" {
		b.WriteString("\nNote: " + a.Notice + "\n")
	}
	if len(a.Citations) > 0 {
		b.WriteString("\nSources:\n")
		for _, c := range a.Citations {
			fmt.Fprintf(&b, "  [%d] %s  %s\n", c.N, c.Title, c.URL)
		}
	}
	fmt.Fprintf(&b, "\nconversation %s\n", a.ConversationID)
	_, err := io.WriteString(w, b.String())
	return err
}
