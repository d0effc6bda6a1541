package dist

import (
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/gyro-ppl/gyro/tensor"
)

// uvF is a float64 that also decodes "inf", "-inf" and "nan" strings.
type uvF float64

func (f *uvF) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"inf"`:
		*f = uvF(math.Inf(1))
	case `"-inf"`:
		*f = uvF(math.Inf(-1))
	case `"nan"`:
		*f = uvF(math.NaN())
	default:
		var x float64
		if err := json.Unmarshal(b, &x); err != nil {
			return err
		}
		*f = uvF(x)
	}
	return nil
}

type uvRefArr struct {
	Shape []int `json:"shape"`
	Raw   []uvF `json:"data"`
	Data  []float64
}

type uvRefCase struct {
	Dist    string              `json:"dist"`
	Params  map[string]uvRefArr `json:"params"`
	Value   uvRefArr            `json:"value"`
	LogProb uvRefArr            `json:"logprob"`
	Torch   []uvF               `json:"torch"`
}

func uvLoadRef(t *testing.T) []uvRefCase {
	t.Helper()
	b, err := os.ReadFile("testdata/univariate_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []uvRefCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	conv := func(a *uvRefArr) {
		a.Data = make([]float64, len(a.Raw))
		for i, x := range a.Raw {
			a.Data[i] = float64(x)
		}
	}
	for i := range f.Cases {
		c := &f.Cases[i]
		for k, a := range c.Params {
			conv(&a)
			c.Params[k] = a
		}
		conv(&c.Value)
		conv(&c.LogProb)
	}
	return f.Cases
}

// uvRelErr is |got-want| relative to max(|want|, 1e-300); infinities must
// match exactly.
func uvRelErr(got, want float64) float64 {
	if math.IsInf(want, 0) || math.IsNaN(want) {
		if got == want || (math.IsNaN(got) && math.IsNaN(want)) {
			return 0
		}
		return math.Inf(1)
	}
	d := math.Abs(got - want)
	if d == 0 {
		return 0
	}
	return d / math.Max(math.Abs(want), 1e-300)
}

// TestUnivariateReference checks dist.New + dist.LogProbOf against mpmath
// references (60 digits) in ordinary and extreme regimes, and reports
// PyTorch's own error on the same inputs.
func TestUnivariateReference(t *testing.T) {
	cases := uvLoadRef(t)
	worst := map[string]float64{}
	worstTorch := map[string]float64{}
	for ci, c := range cases {
		params := map[string]*tensor.Dense{}
		for k, a := range c.Params {
			params[k] = tensor.New(a.Shape, a.Data)
		}
		d, err := New(c.Dist, params)
		if err != nil {
			t.Errorf("case %d: New(%s): %v", ci, c.Dist, err)
			continue
		}
		lp, err := LogProbOf(d, tensor.New(c.Value.Shape, c.Value.Data))
		if err != nil {
			t.Errorf("case %d: %s LogProbOf: %v", ci, c.Dist, err)
			continue
		}
		if !uvShapesEqual(lp.Shape(), c.LogProb.Shape) {
			t.Errorf("case %d: %s: shape %v, want %v", ci, c.Dist, lp.Shape(), c.LogProb.Shape)
			continue
		}
		got := lp.Data()
		for i, want := range c.LogProb.Data {
			e := uvRelErr(got[i], want)
			worst[c.Dist] = math.Max(worst[c.Dist], e)
			tol := 2e-13
			switch c.Dist {
			case "BetaBinomial":
				// log C(n,k) + log B(k+a, n-k+b) for n = 1e6, a = b = 1e3 sums terms
				// of size 1e4 to a result of size 10
				tol = 5e-13
			case "LogNormal":
				// loc = 700, scale = 1e-3: the density's sensitivity to the last
				// bit of log(x) is z/scale ≈ 8e3, so one rounding of log(x) (as in
				// any float64 evaluation, PyTorch's included) costs ~1e-12
				tol = 2e-12
			}
			if e > tol {
				t.Errorf("case %d: %s params %v value %v [%d]: got %.17g, want %.17g (rel err %.2g)",
					ci, c.Dist, c.Params, c.Value.Data, i, got[i], want, e)
			}
			if c.Torch != nil {
				worstTorch[c.Dist] = math.Max(worstTorch[c.Dist], uvRelErr(float64(c.Torch[i]), want))
			}
		}
	}
	names := make([]string, 0, len(worst))
	for n := range worst {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if tw, ok := worstTorch[n]; ok {
			t.Logf("%-30s max rel err %.2g   (torch 1.13 on the same inputs: %.2g)", n, worst[n], tw)
		} else {
			t.Logf("%-30s max rel err %.2g", n, worst[n])
		}
	}
}
