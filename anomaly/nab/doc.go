// Package nab scores anomaly detectors on the Numenta Anomaly Benchmark exactly the way NAB's
// own scorer does (numenta/NAB nab/sweeper.py, nab/optimizer.py and nab/runner.py at
// ea702d75): anomaly windows, the scaled sigmoid of the earliest detection in each window,
// false positives weighted by their distance past the previous window, a probationary period
// of the first 15% of each file (at most 750 rows), the three application profiles, one
// threshold per detector and profile optimised over the whole corpus, and normalisation
// between the null detector (0) and a perfect one (100).
//
// The threshold sweep sorts the corpus's scores once, so optimising a detector costs
// O(n log n) for n rows.
package nab
