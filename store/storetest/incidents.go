package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/incident"
)

// IncidentStore is what the incident contract needs: incidents, and the anomalies they
// are folded from.
type IncidentStore interface {
	incident.Store
	anomaly.Store
}

// Incidents runs the incident.Store contract against stores from newStore, which must
// return an empty, migrated store for each call.
func Incidents(t *testing.T, newStore func(t *testing.T) IncidentStore) {
	t.Run("UpsertAndTimeline", func(t *testing.T) { testIncidentUpsert(t, newStore(t)) })
	t.Run("BadIncidentChangesNothing", func(t *testing.T) { testIncidentInvalid(t, newStore(t)) })
	t.Run("ListFiltersAndPages", func(t *testing.T) { testIncidentList(t, newStore(t)) })
	t.Run("ChangedFollowsEveryWrite", func(t *testing.T) { testIncidentChanged(t, newStore(t)) })
	t.Run("ChangedConcurrentWritersNeverSkipped", func(t *testing.T) { testIncidentChangedConcurrent(t, newStore(t)) })
	t.Run("FoldAnomaliesOnce", func(t *testing.T) { testFoldAnomalies(t, newStore(t)) })
	t.Run("FoldFailureMovesNothing", func(t *testing.T) { testFoldFailure(t, newStore(t)) })
}

var incT0 = time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)

// put creates or updates an incident by fingerprint with one event.
func putIncident(t *testing.T, s incident.Store, inc incident.Incident) incident.Incident {
	t.Helper()
	got, err := s.Upsert(t.Context(), inc.Source, inc.Fingerprint, func(cur *incident.Incident, found bool) ([]incident.Event, error) {
		kind := incident.EventUpdated
		if !found {
			kind = incident.EventOpened
		} else {
			inc.ID = cur.ID
		}
		*cur = inc
		return []incident.Event{{At: inc.UpdatedAt, Kind: kind, Text: inc.Title, Actor: "test"}}, nil
	})
	if err != nil {
		t.Fatalf("Upsert(%s): %v", inc.Fingerprint, err)
	}
	return got
}

func sampleIncident(id string, n int) incident.Incident {
	at := incT0.Add(time.Duration(n) * time.Minute)
	return incident.Incident{ID: id, Title: "incident " + id, Summary: "summary of " + id, Severity: incident.SeverityWarning,
		Status: incident.StatusOpen, Source: incident.SourceEvents, Fingerprint: "fp-" + id,
		Entities: []string{"component:default/x"}, Labels: map[string]string{"team": "a"},
		Links: []incident.Link{{Title: "runbook", URL: "https://example.com/rb"}}, OpenedAt: at, UpdatedAt: at, LastSeenAt: at, Count: 1}
}

func testIncidentUpsert(t *testing.T, s IncidentStore) {
	ctx := t.Context()
	if _, err := s.Incident(ctx, "nope"); !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("Incident(nope) error = %v, want ErrNotFound", err)
	}
	if _, err := s.Update(ctx, "nope", func(*incident.Incident, bool) ([]incident.Event, error) {
		t.Error("Update(nope) called fn")
		return nil, nil
	}); !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("Update(nope) error = %v, want ErrNotFound", err)
	}
	first := putIncident(t, s, sampleIncident("a", 0))
	upd := sampleIncident("other-id-ignored", 0)
	upd.Title, upd.Severity, upd.Count, upd.Fingerprint, upd.Summary = "incident a, worse", incident.SeverityCritical, 2, "fp-a", "summary of a"
	upd.UpdatedAt = incT0.Add(time.Minute)
	second := putIncident(t, s, upd)
	if second.ID != "a" || second.Seq <= first.Seq {
		t.Errorf("second upsert = id %s seq %d, want id a and seq above %d", second.ID, second.Seq, first.Seq)
	}
	got, err := s.Incident(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	want := sampleIncident("a", 0)
	want.Title, want.Severity, want.Count, want.UpdatedAt, want.Seq = "incident a, worse", incident.SeverityCritical, 2, incT0.Add(time.Minute), second.Seq
	want.Timeline = []incident.Event{
		{At: incT0, Kind: incident.EventOpened, Text: "incident a", Actor: "test"},
		{At: incT0.Add(time.Minute), Kind: incident.EventUpdated, Text: "incident a, worse", Actor: "test"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Incident(a) diff (-want +got):\n%s", d)
	}
	// No event: nothing is written, the Seq stays.
	same, err := s.Update(ctx, "a", func(inc *incident.Incident, found bool) ([]incident.Event, error) {
		if !found {
			t.Error("Update(a): found = false")
		}
		inc.Title = "not stored"
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Incident(ctx, "a"); again.Seq != second.Seq || again.Title != "incident a, worse" {
		t.Errorf("after a no-event update: seq %d title %q, want %d %q (returned %q)", again.Seq, again.Title, second.Seq, "incident a, worse", same.Title)
	}
	// Resolve through Update.
	res, err := s.Update(ctx, "a", func(inc *incident.Incident, _ bool) ([]incident.Event, error) {
		inc.Status, inc.ResolvedAt = incident.StatusResolved, incT0.Add(time.Hour)
		return []incident.Event{{At: incT0.Add(time.Hour), Kind: incident.EventResolved, Text: "fixed"}}, nil
	})
	if err != nil || res.Seq <= second.Seq || len(res.Timeline) != 3 {
		t.Fatalf("Update(resolve) = seq %d, %d events, %v; want seq above %d and 3 events", res.Seq, len(res.Timeline), err, second.Seq)
	}
	got, _ = s.Incident(ctx, "a")
	if got.Status != incident.StatusResolved || !got.ResolvedAt.Equal(incT0.Add(time.Hour)) {
		t.Errorf("resolved incident = %s at %v", got.Status, got.ResolvedAt)
	}
}

func testIncidentInvalid(t *testing.T, s IncidentStore) {
	ctx := t.Context()
	putIncident(t, s, sampleIncident("a", 0))
	before, _ := s.Incident(ctx, "a")
	for _, tt := range []struct {
		name   string
		change func(*incident.Incident)
	}{
		{"no title", func(i *incident.Incident) { i.Title = "" }},
		{"bad severity", func(i *incident.Incident) { i.Severity = "meh" }},
		{"bad status", func(i *incident.Incident) { i.Status = "closed" }},
		{"too many entities", func(i *incident.Incident) {
			for n := range incident.MaxEntities + 1 {
				i.Entities = append(i.Entities, fmt.Sprintf("component:default/e%d", n))
			}
		}},
	} {
		_, err := s.Update(ctx, "a", func(inc *incident.Incident, _ bool) ([]incident.Event, error) {
			tt.change(inc)
			return []incident.Event{{At: incT0, Kind: incident.EventNote, Text: "x"}}, nil
		})
		if !errors.Is(err, incident.ErrInvalid) {
			t.Errorf("%s: Update error = %v, want ErrInvalid", tt.name, err)
		}
	}
	after, _ := s.Incident(ctx, "a")
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("refused updates changed the incident:\n%s", d)
	}
	// An error from fn stores nothing either.
	boom := errors.New("boom")
	if _, err := s.Upsert(ctx, incident.SourceEvents, "fp-new", func(inc *incident.Incident, _ bool) ([]incident.Event, error) {
		*inc = sampleIncident("new", 1)
		return nil, boom
	}); !errors.Is(err, boom) {
		t.Errorf("Upsert with failing fn error = %v, want boom", err)
	}
	if _, err := s.Incident(ctx, "new"); !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("failed Upsert stored the incident: %v", err)
	}
}

func testIncidentList(t *testing.T, s IncidentStore) {
	ctx := t.Context()
	for i := range 7 {
		inc := sampleIncident(fmt.Sprintf("i%d", i), i)
		if i%2 == 1 {
			inc.Status = incident.StatusResolved
			inc.ResolvedAt = inc.OpenedAt.Add(time.Minute)
		}
		if i == 3 {
			inc.Severity = incident.SeverityCritical
			inc.Entities = []string{"component:default/y", "component:default/x"}
		}
		if i == 5 {
			inc.Entities = []string{"component:default/z"}
			inc.Source = incident.SourceAlertmanager
		}
		putIncident(t, s, inc)
	}
	ids := func(list []incident.Incident) []string {
		out := []string{}
		for _, i := range list {
			out = append(out, i.ID)
		}
		return out
	}
	tests := []struct {
		name string
		q    incident.Query
		want []string
	}{
		{"all newest first", incident.Query{}, []string{"i6", "i5", "i4", "i3", "i2", "i1", "i0"}},
		{"open", incident.Query{Status: incident.StatusOpen}, []string{"i6", "i4", "i2", "i0"}},
		{"high or worse", incident.Query{Severity: incident.SeverityHigh}, []string{"i3"}},
		{"warning or worse", incident.Query{Severity: incident.SeverityWarning, Limit: 2}, []string{"i6", "i5"}},
		{"entity y", incident.Query{Entity: "component:default/y"}, []string{"i3"}},
		{"entity x", incident.Query{Entity: "component:default/x", Status: incident.StatusResolved}, []string{"i3", "i1"}},
		{"entities z or y", incident.Query{Entities: []string{"component:default/z", "component:default/y"}}, []string{"i5", "i3"}},
		{"source", incident.Query{Source: incident.SourceAlertmanager}, []string{"i5"}},
		{"page after i4", incident.Query{AfterOpened: incT0.Add(4 * time.Minute), AfterID: "i4", Limit: 2}, []string{"i3", "i2"}},
	}
	for _, tt := range tests {
		got, err := s.Incidents(ctx, tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if d := cmp.Diff(tt.want, ids(got)); d != "" {
			t.Errorf("%s: Incidents diff (-want +got):\n%s", tt.name, d)
		}
	}
	got, _ := s.Incidents(ctx, incident.Query{Entity: "component:default/y"})
	if len(got) == 1 && (len(got[0].Entities) != 2 || got[0].Timeline != nil) {
		t.Errorf("listed incident = entities %v, timeline %v; want both entities and no timeline", got[0].Entities, got[0].Timeline)
	}
}

func testIncidentChanged(t *testing.T, s IncidentStore) {
	ctx := t.Context()
	a := putIncident(t, s, sampleIncident("a", 0))
	b := putIncident(t, s, sampleIncident("b", 1))
	a2 := putIncident(t, s, sampleIncident("a", 0)) // updates a: now after b
	got, err := s.Changed(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "b" || got[1].ID != "a" || got[0].Seq != b.Seq || got[1].Seq != a2.Seq {
		t.Fatalf("Changed(0) = %+v; want b then a", got)
	}
	if !(a.Seq < b.Seq && b.Seq < a2.Seq) {
		t.Errorf("seqs a %d, b %d, a again %d: want strictly increasing", a.Seq, b.Seq, a2.Seq)
	}
	if got, _ := s.Changed(ctx, b.Seq, 10); len(got) != 1 || got[0].ID != "a" {
		t.Errorf("Changed(after b) = %v, want [a]", got)
	}
	if got, _ := s.Changed(ctx, 0, 1); len(got) != 1 || got[0].ID != "b" {
		t.Errorf("Changed(limit 1) = %v, want [b]", got)
	}
	if got, _ := s.Changed(ctx, a2.Seq, 10); len(got) != 0 {
		t.Errorf("Changed(after all) = %v, want none", got)
	}
}

// testIncidentChangedConcurrent runs writers beside a follower that moves its cursor to the
// highest Seq it read: with the seq assigned in commit order, it sees every incident.
func testIncidentChangedConcurrent(t *testing.T, s IncidentStore) {
	const writers, each = 6, 15
	var wg sync.WaitGroup
	done := make(chan struct{})
	seen := map[string]int64{}
	var cursor int64
	follow := func() {
		for {
			got, err := s.Changed(t.Context(), cursor, 50)
			if err != nil {
				t.Error(err)
				return
			}
			for _, inc := range got {
				if inc.Seq <= cursor {
					t.Errorf("Changed(%d) returned seq %d", cursor, inc.Seq)
				}
				cursor = inc.Seq
				seen[inc.ID] = inc.Seq
			}
			if len(got) == 0 {
				return
			}
		}
	}
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		for {
			select {
			case <-done:
				follow()
				return
			default:
				follow()
			}
		}
	}()
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				inc := sampleIncident(fmt.Sprintf("w%d-%d", w, i), i)
				if _, err := s.Upsert(t.Context(), inc.Source, inc.Fingerprint, func(cur *incident.Incident, _ bool) ([]incident.Event, error) {
					*cur = inc
					return []incident.Event{{At: inc.OpenedAt, Kind: incident.EventOpened, Text: "x"}}, nil
				}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	<-followed
	if len(seen) != writers*each {
		t.Errorf("the follower saw %d incidents, want %d", len(seen), writers*each)
	}
}

// scoreAnomalies stores anomalies for series through the anomaly store's Score, the way the
// detectors do: one per point of pts whose value is at least 100.
func scoreAnomalies(t *testing.T, s IncidentStore, series string, pts []anomaly.Point) {
	t.Helper()
	mustSeries(t, s, series, pts...)
	_, err := s.Score(t.Context(), series, 0, func(ser anomaly.Series, _ time.Time, _ func() ([]anomaly.Point, error), pending []anomaly.Point) ([]anomaly.Anomaly, error) {
		var out []anomaly.Anomaly
		for _, p := range pending {
			if p.V >= 100 {
				out = append(out, anomaly.Anomaly{Series: ser.Name, Entity: ser.Entity, Detector: "test", At: p.T, Value: p.V, Score: 0.99})
			}
		}
		return out, nil
	})
	if err != nil {
		t.Fatalf("Score(%s): %v", series, err)
	}
}

func spikes(from, n int) []anomaly.Point {
	out := make([]anomaly.Point, n)
	for i := range out {
		out[i] = anomaly.Point{T: mins(from + i), V: 100 + float64(i)}
	}
	return out
}

func testFoldAnomalies(t *testing.T, s IncidentStore) {
	ctx := t.Context()
	scoreAnomalies(t, s, "lat", spikes(0, 30))
	scoreAnomalies(t, s, "err", spikes(0, 5))
	type call struct {
		series, entity string
		n              int
		latest         string
	}
	var calls []call
	fold := func(series, entity string, as []anomaly.Anomaly, latest *incident.Incident) ([]incident.Write, error) {
		c := call{series: series, entity: entity, n: len(as)}
		if latest != nil {
			c.latest = latest.ID
		}
		calls = append(calls, c)
		inc := sampleIncident("inc-"+series, 0)
		inc.Source, inc.Series, inc.Fingerprint, inc.Count = incident.SourceAnomaly, series, "fp-"+series, len(as)
		if latest != nil {
			inc = *latest
			inc.Count += len(as)
		}
		return []incident.Write{{Incident: inc, Events: []incident.Event{{At: incT0, Kind: incident.EventUpdated, Text: "x"}}}}, nil
	}
	n, err := s.FoldAnomalies(ctx, 20, fold)
	if err != nil || n != 20 {
		t.Fatalf("FoldAnomalies = %d, %v; want 20", n, err)
	}
	n, err = s.FoldAnomalies(ctx, 100, fold)
	if err != nil || n != 15 {
		t.Fatalf("second FoldAnomalies = %d, %v; want 15", n, err)
	}
	if n, err := s.FoldAnomalies(ctx, 100, fold); err != nil || n != 0 {
		t.Fatalf("third FoldAnomalies = %d, %v; want 0 (all folded)", n, err)
	}
	want := []call{
		{"lat", "component:default/x", 20, ""},
		{"lat", "component:default/x", 10, "inc-lat"},
		{"err", "component:default/x", 5, ""},
	}
	if d := cmp.Diff(want, calls, cmp.AllowUnexported(call{})); d != "" {
		t.Errorf("fold calls diff (-want +got):\n%s", d)
	}
	got, err := s.Incident(ctx, "inc-lat")
	if err != nil || got.Count != 30 || len(got.Timeline) != 2 {
		t.Errorf("inc-lat = count %d, %d events, %v; want 30 and 2", got.Count, len(got.Timeline), err)
	}
	if got, _ := s.OpenAnomalyIncidents(ctx, incT0.Add(time.Minute), 10); len(got) != 2 {
		t.Errorf("OpenAnomalyIncidents = %d, want 2", len(got))
	}
	if got, _ := s.OpenAnomalyIncidents(ctx, incT0, 10); len(got) != 0 {
		t.Errorf("OpenAnomalyIncidents(before their last anomaly) = %d, want 0", len(got))
	}
}

func testFoldFailure(t *testing.T, s IncidentStore) {
	ctx := t.Context()
	scoreAnomalies(t, s, "lat", spikes(0, 3))
	boom := errors.New("boom")
	_, err := s.FoldAnomalies(ctx, 10, func(series, _ string, _ []anomaly.Anomaly, _ *incident.Incident) ([]incident.Write, error) {
		inc := sampleIncident("half", 0)
		inc.Source, inc.Series = incident.SourceAnomaly, series
		return []incident.Write{{Incident: inc, Events: []incident.Event{{At: incT0, Kind: incident.EventOpened, Text: "x"}}}}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("FoldAnomalies error = %v, want boom", err)
	}
	if _, err := s.Incident(ctx, "half"); !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("a failed fold stored an incident: %v", err)
	}
	n, err := s.FoldAnomalies(ctx, 10, func(string, string, []anomaly.Anomaly, *incident.Incident) ([]incident.Write, error) { return nil, nil })
	if err != nil || n != 3 {
		t.Errorf("FoldAnomalies after a failure = %d, %v; want the 3 anomalies again", n, err)
	}
}
