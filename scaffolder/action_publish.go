package scaffolder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/nextportal/portal/internal/errkind"
)

// repoPart is what an owner or repository name may hold: it becomes a folder name.
var repoPart = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

func publishActions() []*Action {
	return []*Action{{
		ID: "publish:git", Description: "Initializes a git repository of the content in the workspace and publishes it to a local bare repository. Actions such as publish:github can be mapped to this one by configuration.",
		Schema: ActionSchema{
			Input: obj(map[string]any{
				"repoUrl":          prop("string", "Repository location, as the RepoUrlPicker gives it: host?owner=o&repo=r"),
				"defaultBranch":    prop("string", "Sets the default branch on the repository. The default value is 'main'"),
				"sourcePath":       prop("string", "Path within the workspace that will be used as the repository root."),
				"gitCommitMessage": prop("string", "Sets the commit message on the repository. The default value is 'initial commit'"),
				"gitAuthorName":    prop("string", "Sets the default author name for the commit. The default value is 'Scaffolder'"),
				"gitAuthorEmail":   prop("string", "Sets the default author email for the commit."),
				"description":      prop("string", "Repository description"),
			}, "repoUrl"),
			Output: obj(map[string]any{
				"remoteUrl":       prop("string", "A URL to the repository with the provider"),
				"repoContentsUrl": prop("string", "A URL to the root of the repository"),
				"commitHash":      prop("string", "The git commit hash of the initial commit"),
			}),
		},
		SupportsDryRun: true,
		Handler:        publishGit,
	}}
}

// publishGit commits the workspace (or its sourcePath) and pushes it to a new bare
// repository under the repos folder, then checks it out beside it so that catalog:register
// can register its catalog-info.yaml as a file location.
func publishGit(ctx context.Context, ac *ActionContext) error {
	parts, err := ParseRepoURL(ac.str("repoUrl", ""))
	if err != nil {
		return err
	}
	owner, _ := parts["owner"].(string)
	if owner == "" {
		owner, _ = parts["organization"].(string)
	}
	if owner == "" {
		owner, _ = parts["workspace"].(string)
	}
	repo, _ := parts["repo"].(string)
	host, _ := parts["host"].(string)
	for _, p := range []string{host, owner, repo} {
		if !repoPart.MatchString(p) {
			return errkindf("publish:git: %q is not a valid host, owner or repository name", truncate(p, 100))
		}
	}
	if ac.svc.cfg.ReposDir == "" {
		return errkindf("publish:git: no repository folder is configured (PORTAL_SCAFFOLDER_REPOS_DIR)")
	}
	bare := filepath.Join(ac.svc.cfg.ReposDir, host, owner, repo+".git")
	checkout := filepath.Join(ac.svc.cfg.ReposDir, "checkouts", host, owner, repo)
	ac.Output("remoteUrl", fileURL(bare))
	ac.Output("repoContentsUrl", fileURL(checkout))
	if ac.DryRun {
		ac.Output("commitHash", "dry-run")
		ac.Log("Dry run: would publish to %s", fileURL(bare))
		return nil
	}
	if _, err := os.Stat(bare); err == nil {
		return errkind.Errorf(ErrConflict, "publish:git: repository %s/%s/%s exists already", host, owner, repo)
	}
	src, err := cleanRel(ac.str("sourcePath", "."))
	if err != nil {
		return err
	}
	srcDir := filepath.Join(ac.Workspace.Dir(), filepath.FromSlash(src))
	branch := plumbing.NewBranchReferenceName(ac.str("defaultBranch", "main"))
	hash, err := commitAndPush(ctx, srcDir, bare, branch, ac.str("gitCommitMessage", "initial commit"),
		&object.Signature{Name: ac.str("gitAuthorName", "Scaffolder"), Email: ac.str("gitAuthorEmail", "scaffolder@nextportal.local"), When: time.Now()})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(checkout), 0o755); err != nil {
		return fmt.Errorf("publish:git: %w", err)
	}
	if _, err := git.PlainCloneContext(ctx, checkout, false, &git.CloneOptions{URL: bare, ReferenceName: branch}); err != nil {
		return fmt.Errorf("publish:git: check out %s: %w", bare, err)
	}
	ac.Output("commitHash", hash)
	ac.Log("Published to %s (commit %s)", fileURL(bare), hash)
	return nil
}

func commitAndPush(ctx context.Context, dir, bare string, branch plumbing.ReferenceName, msg string, sig *object.Signature) (string, error) {
	if _, err := git.PlainInit(bare, true); err != nil {
		return "", fmt.Errorf("publish:git: create %s: %w", bare, err)
	}
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: branch}})
	if errors.Is(err, git.ErrRepositoryAlreadyExists) {
		r, err = git.PlainOpen(dir)
	}
	if err != nil {
		return "", fmt.Errorf("publish:git: init: %w", err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return "", fmt.Errorf("publish:git: %w", err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", fmt.Errorf("publish:git: add: %w", err)
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		return "", fmt.Errorf("publish:git: commit: %w", err)
	}
	if _, err := r.CreateRemote(&gitconfig.RemoteConfig{Name: "origin", URLs: []string{bare}}); err != nil {
		return "", fmt.Errorf("publish:git: remote: %w", err)
	}
	spec := gitconfig.RefSpec(string(branch) + ":" + string(branch))
	if err := r.PushContext(ctx, &git.PushOptions{RemoteName: "origin", RefSpecs: []gitconfig.RefSpec{spec}}); err != nil {
		return "", fmt.Errorf("publish:git: push: %w", err)
	}
	// The bare repository's HEAD names the default branch, so clones check it out.
	br, err := git.PlainOpen(bare)
	if err == nil {
		err = br.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch))
	}
	if err != nil {
		return "", fmt.Errorf("publish:git: set HEAD: %w", err)
	}
	return h.String(), nil
}
