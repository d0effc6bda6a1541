package dist

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

type mvRefTensor struct {
	Shape []int     `json:"shape"`
	Data  mvRefData `json:"data"`
}

// mvRefData decodes numbers and the strings "nan", "inf", "-inf".
type mvRefData []float64

func (d *mvRefData) UnmarshalJSON(b []byte) error {
	var raw []any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*d = make([]float64, len(raw))
	for i, r := range raw {
		switch x := r.(type) {
		case float64:
			(*d)[i] = x
		case string:
			switch x {
			case "nan":
				(*d)[i] = math.NaN()
			case "inf":
				(*d)[i] = math.Inf(1)
			case "-inf":
				(*d)[i] = math.Inf(-1)
			default:
				return fmt.Errorf("bad number %q", x)
			}
		default:
			return fmt.Errorf("bad element %v", r)
		}
	}
	return nil
}

type mvRefCase struct {
	Name     string                 `json:"name"`
	ID       string                 `json:"id"`
	Params   map[string]mvRefTensor `json:"params"`
	Value    mvRefTensor            `json:"value"`
	LogProb  mvRefTensor            `json:"log_prob"`
	Mean     *mvRefTensor           `json:"mean"`
	Variance *mvRefTensor           `json:"variance"`
	Entropy  *mvRefTensor           `json:"entropy"`
}

func mvLoadRef(t *testing.T) []mvRefCase {
	t.Helper()
	b, err := os.ReadFile("testdata/multivariate_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []mvRefCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

func mvConst(tp *ad.Tape, r mvRefTensor) ad.V { return tp.Const(r.Shape, r.Data) }

// mvClose compares with a relative tolerance and an absolute floor; NaN
// matches NaN and infinities must match exactly.
func mvClose(got, want, rel, abs float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= rel*math.Abs(want)+abs
}

// mvRefTol is the tolerance per case: relative 1e-12 by default, looser where
// the reference formula itself cancels catastrophically.
var mvRefTol = map[string][2]float64{
	"dirichlet-huge":   {1e-10, 1e-10},
	"dirichlet-tiny":   {1e-12, 1e-10},
	"multinomial-1e6":  {1e-12, 1e-8},
	"dirmult-large":    {1e-9, 1e-8},
	"mvn-nearsingular": {1e-6, 1e-6},
	"mvt-normal-like":  {1e-9, 1e-9},
	"lkj-d3big":        {1e-10, 1e-10},
}

func mvCompare(t *testing.T, id, what string, got ad.V, want mvRefTensor, rel, abs float64) {
	t.Helper()
	if !mvShapeEq(got.Shape(), want.Shape) {
		t.Errorf("%s %s: shape %v, want %v", id, what, got.Shape(), want.Shape)
		return
	}
	for i, w := range want.Data {
		if g := got.Data()[i]; !mvClose(g, w, rel, abs) {
			t.Errorf("%s %s[%d] = %.17g, want %.17g (rel err %.3g)", id, what, i, g, w, math.Abs(g-w)/math.Abs(w))
		}
	}
}

func TestMultivariateReference(t *testing.T) {
	tp := ad.NewTape()
	seen := map[string]bool{}
	for _, c := range mvLoadRef(t) {
		ctor, ok := registry[c.Name]
		if !ok {
			t.Errorf("%s: %s is not registered", c.ID, c.Name)
			continue
		}
		seen[c.Name] = true
		tp.Reset()
		p := Params{}
		for k, v := range c.Params {
			p[k] = mvConst(tp, v)
		}
		d, err := ctor(tp, p)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		tol, ok := mvRefTol[c.ID]
		if !ok {
			tol = [2]float64{1e-12, 1e-13}
		}
		var lp ad.V
		if err := Catch(func() { lp = d.LogProb(mvConst(tp, c.Value)) }); err != nil {
			t.Errorf("%s: LogProb: %v", c.ID, err)
			continue
		}
		mvCompare(t, c.ID, "log_prob", lp, c.LogProb, tol[0], tol[1])
		if c.Mean != nil {
			mvCompare(t, c.ID, "mean", d.Mean(), *c.Mean, 1e-12, 1e-14)
		}
		if c.Variance != nil {
			mvCompare(t, c.ID, "variance", d.Variance(), *c.Variance, 1e-11, 1e-14)
		}
		if c.Entropy != nil && c.Name != "Multinomial" { // PyTorch enumerates; gyro has no closed form
			if e, ok := EntropierOf(d); ok {
				// Entropies that involve digamma are limited by
				// gonum's mathext.Digamma (≈4e-11 relative).
				mvCompare(t, c.ID, "entropy", e.Entropy(), *c.Entropy, math.Max(tol[0], 1e-10), tol[1])
			} else {
				t.Errorf("%s: no Entropy", c.ID)
			}
		}
	}
}
