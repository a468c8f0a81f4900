package indexer_test

import (
	"slices"
	"testing"

	"github.com/nextportal/portal/indexer"
)

func TestHashed(t *testing.T) {
	h := indexer.NewHashed(512)
	if h.Dims() != 512 || h.Model() != "hashed-tfidf-512" {
		t.Fatalf("Dims, Model = %d, %q, want 512, hashed-tfidf-512", h.Dims(), h.Model())
	}
	texts := []string{
		"Rotate the orders database password without downtime",
		"Retry failed Kafka messages with exponential backoff and a dead-letter topic",
		"rotating the order database's passwords",
	}
	vs := mustEmbed(t, h, texts...)
	checkUnit(t, h, vs)
	again := mustEmbed(t, indexer.NewHashed(512), texts[0])[0]
	if !slices.Equal(vs[0], again) {
		t.Error("same text gave different vectors")
	}
	if c := cosine(vs[0], vs[1]); c > 0.2 {
		t.Errorf("cosine of unrelated texts = %.3f, want <= 0.2", c)
	}
	if c := cosine(vs[0], vs[2]); c < 0.6 {
		t.Errorf("cosine of texts sharing stems = %.3f, want >= 0.6", c)
	}
	empty := mustEmbed(t, h, "the and of")[0]
	if slices.ContainsFunc(empty, func(x float32) bool { return x != 0 }) {
		t.Error("a text of stopwords gave a nonzero vector")
	}
}

func TestHashedRetrieval(t *testing.T) {
	ranks := rankOf(t, indexer.NewHashed(1024), demoSections(t))
	t.Logf("hashed ranks: %v", ranks)
	for i, r := range ranks {
		if r > 10 {
			t.Errorf("query %q: target %s at rank %d, want top 10", retrievalQueries[i].query, retrievalQueries[i].want, r)
		}
	}
}
