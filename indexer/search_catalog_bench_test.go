package indexer_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkSearchCatalog measures hybrid Service.Search as a viewer over a catalog-like
// corpus: 10,000 generated entities in the shape of ../shared/peers/gen-entities.py (the
// generator of the Backstage comparison, issue 12), with one- and two-word terms and
// Backstage's page size of 25, on the engine storetest.New picks. It is the uncached
// work behind GET /api/search/query.
func BenchmarkSearchCatalog(b *testing.B) {
	if testing.Short() {
		b.Skip("indexes 10,000 entities first")
	}
	db := storetest.New(b)
	svc := newTestService(b, db, nil)
	src := &sliceSource{name: indexer.SourceCatalog, docs: catalogDocs(10000)}
	if _, err := svc.Index(auth.NewContext(b.Context(), auth.System()), []indexer.Source{src}, nil); err != nil {
		b.Fatal(err)
	}
	viewer := auth.NewContext(b.Context(), auth.Principal{Kind: auth.KindService, Subject: "bench", Name: "bench",
		Role: auth.RoleViewer, Scope: auth.ScopeRead})
	for _, terms := range [][]string{{"artist", "payments", "ledger"}, {"payments service", "artist api", "checkout worker"}} {
		b.Run(fmt.Sprintf("words=%d", len(strings.Fields(terms[0]))), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU(b)
			for i := 0; b.Loop(); i++ {
				q := terms[i%len(terms)]
				res, err := svc.Search(viewer, indexer.Query{Text: q, Mode: indexer.ModeHybrid, Limit: 25})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Results) == 0 {
					b.Fatalf("no results for %q", q)
				}
			}
			// CPU time, unlike ns/op, does not grow when others share the machine.
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the CPU time the process has used so far (user and system), in ns.
func processCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// catalogDocs returns n entity documents shaped like gen-entities.py's mix (users, groups,
// systems, resources, APIs and mostly components) with texts shaped like the catalog
// source's: name and title, description, summary, tags, relations, links, annotations.
// Deterministic; every tenth is restricted to a group.
func catalogDocs(n int) []indexer.Document {
	wordsA := strings.Fields("payments billing checkout search catalog inventory identity auth profile playback " +
		"podcast artist recommendation analytics ledger shipping pricing orders notification messaging media upload " +
		"metadata royalty fraud risk experiment feature config gateway routing geo maps weather events audit " +
		"reporting tracking session cart wishlist review rating ads campaign")
	wordsB := strings.Fields("service api worker backend frontend ui processor indexer scheduler proxy adapter sync " +
		"exporter importer store cache bridge engine collector portal")
	tags := strings.Fields("java go python typescript kotlin rust data web mobile ml infra security pci gdpr grpc " +
		"rest kafka postgres redis critical internal public batch realtime")
	first := strings.Fields("ada alan amelia ben carla chen dmitri elena farah gustavo hana ivan jonas kai lena maria")
	last := strings.Fields("andersson baker costa dubois eriksen fischer garcia hansen ito jensen kowalski larsen")
	rnd := rand.New(rand.NewPCG(42, 7))
	pick := func(ws []string) string { return ws[rnd.IntN(len(ws))] }
	title := func(name string) string {
		parts := strings.Split(name, "-")
		for i, p := range parts {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
		return strings.Join(parts, " ")
	}
	docs := make([]indexer.Document, n)
	for i := range docs {
		var kind, name, text string
		owner := fmt.Sprintf("group:default/%s-team-%02d", pick(wordsA), i%40)
		system := fmt.Sprintf("%s-system-%04d", pick(wordsA), i%300)
		tagList := []string{pick(tags), pick(tags)}
		switch r := i % 100; {
		case r < 10:
			kind = "user"
			f, l := pick(first), pick(last)
			name = fmt.Sprintf("%s.%s%05d", f, l, i)
			text = fmt.Sprintf("%s\n\nA user, member of %s.\nDisplay name: %s %s.\nEmail: %s@example.com.",
				name, owner, title(f), title(l), name)
		case r < 12:
			kind = "group"
			name = fmt.Sprintf("%s-team-%02d", pick(wordsA), i%40)
			text = fmt.Sprintf("%s (%s Team)\n\nThe %s Team group\n\nA team group.\nLinks: Chat channel (https://chat.example.com/channels/%s).",
				name, title(name), title(name), name)
		case r < 15:
			kind = "system"
			name = fmt.Sprintf("%s-system-%04d", pick(wordsA), i)
			text = fmt.Sprintf("%s\n\n%s system\n\nA product system owned by %s.\nTags: %s.", name, title(name), owner,
				strings.Join(tagList, ", "))
		case r < 20:
			kind = "resource"
			name = fmt.Sprintf("%s-database-%05d", pick(wordsA), i)
			text = fmt.Sprintf("%s\n\n%s (database)\n\nA database resource owned by %s, part of %s.\nTags: database.",
				name, title(name), owner, system)
		case r < 40:
			kind = "api"
			name = fmt.Sprintf("%s-openapi-api-%05d", pick(wordsA), i)
			text = fmt.Sprintf("%s (%s)\n\nThe %s (openapi)\n\nA production openapi API owned by %s, part of %s.\nTags: rest, %s.\n"+
				"Provided by: component:default/%s-%s-%d.\nLinks: API docs (https://docs.example.com/apis/%s).",
				name, title(name), title(name), owner, system, tagList[0], pick(wordsA), pick(wordsB), i, name)
		default:
			kind = "component"
			name = fmt.Sprintf("%s-%s-%d", pick(wordsA), pick(wordsB), i)
			text = fmt.Sprintf("%s (%s)\n\n%s: service owned by %s, part of %s\n\nA production service component owned by %s, part of %s.\n"+
				"Tags: %s.\nConsumes APIs: api:default/%s-openapi-api-%05d.\nDepends on: component:default/%s-%s-%d.\n"+
				"Links: Dashboard (https://grafana.example.com/d/%s).\nRepository: example-org/%s.\nPagerDuty service: P%06X.",
				name, title(name), title(name), owner, system, owner, system, strings.Join(tagList, ", "),
				pick(wordsA), rnd.IntN(n), pick(wordsA), pick(wordsB), rnd.IntN(n), name, name, rnd.IntN(1<<24))
		}
		ref := kind + ":default/" + name
		docs[i] = indexer.Document{
			ID: "entity:" + ref, Kind: indexer.KindEntity, Source: indexer.SourceCatalog, EntityRef: ref,
			Title: title(name), Text: text, URL: "/catalog/default/" + kind + "/" + name,
			Fields: map[string][]string{indexer.FieldKind: {kind}, indexer.FieldOwner: {owner}, indexer.FieldTags: tagList},
		}
		if i%10 == 3 {
			docs[i].Visibility = auth.VisibilityRestricted
			docs[i].Allowed = []string{owner}
		}
	}
	return docs
}
