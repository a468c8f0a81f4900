package scaffolder

import (
	"context"
	"strings"
	"time"
)

// maxWait bounds debug:wait.
const maxWait = 10 * time.Minute

func debugActions() []*Action {
	return []*Action{
		{
			ID: "debug:log", Description: "Writes a message into the log and/or lists all files in the workspace.",
			Schema: ActionSchema{Input: obj(map[string]any{
				"message":       prop("string", "Message to output."),
				"listWorkspace": map[string]any{"type": []any{"boolean", "string"}, "title": "List all files in the workspace, if true (with-filenames) or with-contents"},
			})},
			SupportsDryRun: true,
			Handler: func(_ context.Context, ac *ActionContext) error {
				if msg := ac.str("message", ""); msg != "" {
					ac.Log("%s", msg)
				}
				mode := ac.Input["listWorkspace"]
				if mode == nil || mode == false {
					return nil
				}
				withData := mode == "with-contents"
				files, err := ac.Workspace.Files(withData)
				if err != nil {
					return err
				}
				var b strings.Builder
				b.WriteString("Workspace:")
				for _, f := range files {
					b.WriteString("\n  - " + f.Path)
					if withData {
						b.WriteString(":\n" + truncate(string(f.Data), 4000))
					}
				}
				ac.Log("%s", b.String())
				return nil
			},
		},
		{
			ID: "debug:wait", Description: "Waits for a certain period of time.",
			Schema: ActionSchema{Input: obj(map[string]any{
				"minutes":      prop("number", "Waiting period in minutes."),
				"seconds":      prop("number", "Waiting period in seconds."),
				"milliseconds": prop("number", "Waiting period in milliseconds."),
			})},
			SupportsDryRun: true,
			Handler: func(ctx context.Context, ac *ActionContext) error {
				num := func(k string) float64 { f, _ := ac.Input[k].(float64); return f }
				d := time.Duration(num("minutes")*float64(time.Minute) + num("seconds")*float64(time.Second) + num("milliseconds")*float64(time.Millisecond))
				if d < 0 || d > maxWait {
					return errkindf("debug:wait: waiting time must be between 0 and %s", maxWait)
				}
				ac.Log("Waiting %s", d)
				t := time.NewTimer(d)
				defer t.Stop()
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-t.C:
					return nil
				}
			},
		},
	}
}
