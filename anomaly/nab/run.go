package nab

import (
	"sync"

	"github.com/nextportal/portal/anomaly"
)

// Run scores every file of the corpus with a fresh detector from newDetector, point by point
// in file order, on up to workers goroutines.
func (c *Corpus) Run(newDetector func() anomaly.Detector, workers int) Scores {
	out := make(Scores, len(c.Files))
	results := make([][]float64, len(c.Files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f := &c.Files[i]
				d := newDetector()
				s := make([]float64, len(f.Values))
				for j, v := range f.Values {
					s[j] = d.Score(f.Times[j], v)
				}
				results[i] = s
			}
		}()
	}
	for i := range c.Files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, f := range c.Files {
		out[f.Name] = results[i]
	}
	return out
}
