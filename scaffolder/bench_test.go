package scaffolder_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nextportal/portal/scaffolder"
)

// BenchmarkFetchTemplateTask runs whole tasks (create, claim, fetch:template of a 200-file
// skeleton into a fresh workspace, finish, remove the workspace) and reports tasks/minute.
func BenchmarkFetchTemplateTask(b *testing.B) {
	env := newBenchEnv(b)
	files := map[string]string{"template.yaml": templateYAML("bench", `    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.name }}
          owner: group:default/team-a
`)}
	for i := range 200 {
		var body strings.Builder
		fmt.Fprintf(&body, "# file %d of ${{ values.name }}\nowner: ${{ values.owner }}\n", i)
		for j := range 20 {
			fmt.Fprintf(&body, "line %d: {%% if values.name %%}${{ values.name | upper }}{%% endif %%} and some plain text to copy\n", j)
		}
		files[fmt.Sprintf("skeleton/dir%d/${{ values.name }}-%d.txt", i%10, i)] = body.String()
	}
	env.writeTemplateB(b, "bench", files)
	ctx := developer(b.Context())
	b.ResetTimer()
	for b.Loop() {
		if _, err := env.svc.Create(ctx, "template:default/bench", map[string]any{"name": "svc"}, nil); err != nil {
			b.Fatal(err)
		}
		ran, err := env.svc.RunNext(b.Context())
		if err != nil || !ran {
			b.Fatalf("RunNext = %v, %v", ran, err)
		}
	}
	b.StopTimer()
	tasks, _, err := env.svc.Tasks(ctx, scaffolder.TaskFilter{Limit: 1})
	if err != nil || len(tasks) != 1 || tasks[0].Status != scaffolder.StatusCompleted {
		b.Fatalf("last task = %+v, %v", tasks, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Minutes(), "tasks/min")
}
