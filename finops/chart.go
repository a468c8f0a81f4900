package finops

import (
	"fmt"
	"image/color"
	"io"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WriteOutlookChart draws o as an SVG of 9 × 3.2 inches: the last days of daily cost as a
// line, the forecast dashed with its 95% interval as a band, and, when dailyBudget > 0, the
// budget's daily rate (the month's budget over its days) as a red line.
func WriteOutlookChart(w io.Writer, title string, o Outlook, days int, dailyBudget float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Tick.Marker = plot.TimeTicks{Format: "Jan 02"}
	p.Y.Label.Text = "cost per day (" + o.Currency + ")"
	p.Y.Min = 0
	x := func(d time.Time) float64 { return float64(d.Unix()) }
	start := max(len(o.History)-days, 0)
	hist := make(plotter.XYs, 0, len(o.History)-start)
	for i := start; i < len(o.History); i++ {
		hist = append(hist, plotter.XY{X: x(o.First.AddDate(0, 0, i)), Y: o.History[i]})
	}
	fc := o.Forecast
	if n := len(fc.Point); n > 0 {
		band := make(plotter.XYs, 0, 2*n)
		line := make(plotter.XYs, 0, n+1)
		if len(hist) > 0 {
			line = append(line, hist[len(hist)-1])
		}
		for k := range n {
			line = append(line, plotter.XY{X: x(o.AsOf.AddDate(0, 0, k)), Y: fc.Point[k]})
			band = append(band, plotter.XY{X: x(o.AsOf.AddDate(0, 0, k)), Y: max(fc.Upper[k], 0)})
		}
		for k := n - 1; k >= 0; k-- {
			band = append(band, plotter.XY{X: x(o.AsOf.AddDate(0, 0, k)), Y: max(fc.Lower[k], 0)})
		}
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return fmt.Errorf("cost chart: %w", err)
		}
		poly.Color = color.RGBA{R: 120, G: 160, B: 230, A: 90}
		poly.LineStyle.Width = 0
		p.Add(poly)
		p.Legend.Add("95% interval", poly)
		l, err := plotter.NewLine(line)
		if err != nil {
			return fmt.Errorf("cost chart: %w", err)
		}
		l.Color = color.RGBA{R: 40, G: 90, B: 170, A: 255}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add("forecast ("+fc.Model+")", l)
	}
	if len(hist) > 0 {
		l, err := plotter.NewLine(hist)
		if err != nil {
			return fmt.Errorf("cost chart: %w", err)
		}
		l.Color = color.RGBA{R: 20, G: 20, B: 20, A: 255}
		p.Add(l)
		p.Legend.Add("daily cost", l)
	}
	if dailyBudget > 0 && len(hist) > 0 {
		last := x(o.AsOf)
		if n := len(fc.Point); n > 0 {
			last = x(o.AsOf.AddDate(0, 0, n-1))
		}
		b, err := plotter.NewLine(plotter.XYs{{X: hist[0].X, Y: dailyBudget}, {X: last, Y: dailyBudget}})
		if err != nil {
			return fmt.Errorf("cost chart: %w", err)
		}
		b.Color = color.RGBA{R: 200, G: 30, B: 30, A: 255}
		b.Width = vg.Points(1.5)
		p.Add(b)
		p.Legend.Add("budget per day", b)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.ThumbnailWidth = vg.Points(16)
	wt, err := p.WriterTo(9*vg.Inch, 3.2*vg.Inch, "svg")
	if err != nil {
		return fmt.Errorf("cost chart: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("cost chart: write: %w", err)
	}
	return nil
}
