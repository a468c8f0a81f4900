package anomaly

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Chart formats WriteChart draws.
const (
	ChartSVG = "svg"
	ChartPNG = "png"
)

// WriteChart draws the series' points as a line with its anomalies marked as red rings, in
// format (ChartSVG or ChartPNG), 8 × 3 inches.
func WriteChart(w io.Writer, format string, s Series, pts []Point, anomalies []Anomaly) error {
	if format != ChartSVG && format != ChartPNG {
		return fmt.Errorf("chart format %q: want svg or png", format)
	}
	p := plot.New()
	p.Title.Text = s.Name
	if s.Entity != "" {
		p.Title.Text += " (" + s.Entity + ")"
	}
	p.X.Tick.Marker = plot.TimeTicks{Format: "01-02 15:04"}
	p.Y.Label.Text = "value"
	line := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		line[i] = plotter.XY{X: float64(pt.T.Unix()), Y: pt.V}
	}
	if len(line) > 0 {
		l, err := plotter.NewLine(line)
		if err != nil {
			return fmt.Errorf("chart %s: %w", s.Name, err)
		}
		l.Color = color.RGBA{R: 40, G: 90, B: 170, A: 255}
		p.Add(l)
	}
	if len(anomalies) > 0 {
		marks := make(plotter.XYs, len(anomalies))
		for i, a := range anomalies {
			marks[i] = plotter.XY{X: float64(a.At.Unix()), Y: a.Value}
		}
		sc, err := plotter.NewScatter(marks)
		if err != nil {
			return fmt.Errorf("chart %s: %w", s.Name, err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{R: 220, A: 255}, Radius: vg.Points(5), Shape: draw.RingGlyph{}}
		p.Add(sc)
		p.Legend.Add("anomaly", sc)
	}
	wt, err := p.WriterTo(8*vg.Inch, 3*vg.Inch, format)
	if err != nil {
		return fmt.Errorf("chart %s: %w", s.Name, err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("chart %s: write: %w", s.Name, err)
	}
	return nil
}
