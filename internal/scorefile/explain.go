package scorefile

import (
	"fmt"
	"io"
	"math"

	"kaohe/internal/score"
)

// explainHeader is the header of the explanation file.
var explainHeader = []string{"entity", "node", "kind", "value", "normalised", "weight", "contribution", "finding", "status", "note"}

// WriteExplain writes every entity's total broken into contributions, one
// line per entity and item of score.Output.Explain: first each leaf (kind
// "leaf": raw value, normalised score, the entity's effective weight and
// the contribution), then the bonus, deduction, finding, cap and veto
// lines (value = the points as recorded). An entity's contributions add
// up to its total.
func WriteExplain(w io.Writer, out *score.Output) error {
	c := &csvWriter{}
	c.record(explainHeader...)
	if err := c.flushTo(w); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	err := writeRows(w, len(out.Entities), 256, func(c *csvWriter, lo, hi int) {
		for i := lo; i < hi; i++ {
			ex := out.Explain(i)
			for _, it := range ex.Items {
				c.str(ex.Entity)
				c.str(it.Indicator)
				c.str(it.Kind)
				if it.Kind == "leaf" {
					c.num(float64(it.Raw))
					c.num(float64(it.Normalised))
					c.num(float64(it.Weight))
				} else {
					c.num(it.Points)
					c.num(math.NaN())
					c.num(math.NaN())
				}
				c.num(it.Contribution)
				c.str(it.Finding)
				c.str(string(it.Status))
				c.str(it.Note)
				c.end()
			}
		}
	})
	if err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	return nil
}
