package infer

import (
	"errors"
	"fmt"
	"math"
	"sort"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/tensor"
)

// Marginal is Pyro's EmpiricalMarginal: the weighted empirical distribution
// of the values collected for one site (or several sites of one shape,
// stacked) over the draws of an inference run. Draw i has probability
// exp(LogWeights[i]) / Σ_j exp(LogWeights[j]); equal values are not merged
// (LogProb adds their probabilities, as Pyro's Empirical).
type Marginal struct {
	// Sites are the sites the values come from.
	Sites []string
	// EventShape is the shape of one value: the site's value shape, or
	// (len(Sites),) + that shape for several sites (stacked as Pyro does).
	EventShape []int
	// Values holds the N values, draw-major: value i is
	// Values[i*size:(i+1)*size] with size the product of EventShape.
	Values []float64
	// LogWeights are the unnormalized log weights of the draws (all zero for
	// unweighted draws such as MCMC's or Predictive's).
	LogWeights []float64

	size  int
	probs []float64 // normalized
	cdf   []float64
}

// EmpiricalMarginal builds the marginal of the named sites from samples
// (site → tensor of shape (N,) + value shape, as Importance.Samples,
// Predictive.Run or MCMC return) and the draws' log weights (nil: equal
// weights). With no site named, samples must hold exactly one site. Several
// sites must have equal value shapes; their values are stacked along a new
// leading event dimension. Errors name the site or argument at fault:
// a missing site, mismatched draw counts or shapes, a NaN or +Inf log
// weight, or weights that are all zero.
func EmpiricalMarginal(samples map[string]*tensor.Dense, logWeights []float64, sites ...string) (*Marginal, error) {
	if len(sites) == 0 {
		if len(samples) != 1 {
			return nil, fmt.Errorf("infer: EmpiricalMarginal: name the site (samples hold %d sites)", len(samples))
		}
		for name := range samples {
			sites = []string{name}
		}
	}
	var first *tensor.Dense
	for _, name := range sites {
		t := samples[name]
		if t == nil {
			return nil, fmt.Errorf("infer: EmpiricalMarginal: site %q: no samples", name)
		}
		if len(t.Shape()) == 0 || t.Shape()[0] == 0 {
			return nil, fmt.Errorf("infer: EmpiricalMarginal: site %q: samples of shape %v have no leading draw dimension", name, t.Shape())
		}
		if first == nil {
			first = t
		} else if !shapeEq(t.Shape(), first.Shape()) {
			return nil, fmt.Errorf("infer: EmpiricalMarginal: site %q: samples of shape %v differ from site %q's %v (several sites must have equal shapes)", name, t.Shape(), sites[0], first.Shape())
		}
	}
	n := first.Shape()[0]
	vs := first.Shape()[1:]
	size := shapeSize(vs)
	m := &Marginal{Sites: append([]string(nil), sites...), size: size * len(sites)}
	if len(sites) > 1 {
		m.EventShape = append([]int{len(sites)}, vs...)
	} else {
		m.EventShape = cpShape(vs)
	}
	m.Values = make([]float64, n*m.size)
	for k, name := range sites {
		d := samples[name].Contiguous().Data()
		for i := 0; i < n; i++ {
			copy(m.Values[i*m.size+k*size:i*m.size+(k+1)*size], d[i*size:(i+1)*size])
		}
	}
	if err := m.setWeights(n, logWeights); err != nil {
		return nil, err
	}
	return m, nil
}

// NewMarginal builds a marginal directly from values (N × the product of
// eventShape, draw-major) and log weights (nil: equal weights).
func NewMarginal(site string, eventShape []int, values, logWeights []float64) (*Marginal, error) {
	size := shapeSize(eventShape)
	if size == 0 || len(values) == 0 || len(values)%size != 0 {
		return nil, fmt.Errorf("infer: NewMarginal: site %q: %d values do not hold a whole number (at least 1) of values of shape %v", site, len(values), eventShape)
	}
	m := &Marginal{Sites: []string{site}, EventShape: cpShape(eventShape), Values: append([]float64(nil), values...), size: size}
	if err := m.setWeights(len(values)/size, logWeights); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Marginal) setWeights(n int, logWeights []float64) error {
	if logWeights == nil {
		m.LogWeights = make([]float64, n)
	} else {
		if len(logWeights) != n {
			return fmt.Errorf("infer: EmpiricalMarginal: %d log weights for %d draws", len(logWeights), n)
		}
		for i, x := range logWeights {
			if math.IsNaN(x) || math.IsInf(x, 1) {
				return fmt.Errorf("infer: EmpiricalMarginal: log weight %d is %v", i, x)
			}
		}
		m.LogWeights = append([]float64(nil), logWeights...)
	}
	lse := logSumExp(m.LogWeights)
	if math.IsInf(lse, -1) {
		return errors.New("infer: EmpiricalMarginal: every weight is zero (all log weights are -Inf)")
	}
	m.probs = make([]float64, n)
	m.cdf = make([]float64, n)
	acc := 0.0
	for i, x := range m.LogWeights {
		m.probs[i] = math.Exp(x - lse)
		acc += m.probs[i]
		m.cdf[i] = acc
	}
	return nil
}

// N is the number of draws.
func (m *Marginal) N() int { return len(m.LogWeights) }

// Probs are the normalized weights of the draws (aliases m: do not modify).
func (m *Marginal) Probs() []float64 { return m.probs }

// Value returns draw i's value (aliases m.Values).
func (m *Marginal) Value(i int) []float64 { return m.Values[i*m.size : (i+1)*m.size] }

// Mean is the weighted mean Σ p_i v_i, elementwise (shape EventShape).
func (m *Marginal) Mean() []float64 {
	out := make([]float64, m.size)
	for i, p := range m.probs {
		v := m.Value(i)
		for j := range out {
			out[j] += p * v[j]
		}
	}
	return out
}

// Variance is the weighted variance Σ p_i (v_i − mean)², elementwise (as
// Pyro's Empirical: no small-sample correction).
func (m *Marginal) Variance() []float64 {
	mean := m.Mean()
	out := make([]float64, m.size)
	for i, p := range m.probs {
		v := m.Value(i)
		for j := range out {
			d := v[j] - mean[j]
			out[j] += p * d * d
		}
	}
	return out
}

// Sample draws one value by the weights into dst (grown as needed) and
// returns it.
func (m *Marginal) Sample(rng *dist.RNG, dst []float64) []float64 {
	u := rng.Float64() * m.cdf[len(m.cdf)-1]
	i := sort.SearchFloat64s(m.cdf, u)
	// skip zero-probability draws that share the cumulative value
	for i < len(m.probs)-1 && (m.probs[i] == 0 || m.cdf[i] <= u) {
		i++
	}
	if cap(dst) < m.size {
		dst = make([]float64, m.size)
	}
	dst = dst[:m.size]
	copy(dst, m.Value(i))
	return dst
}

// LogProb is the log of the total probability of the draws equal to value
// (−Inf when none is), as Pyro's Empirical.log_prob. value must have
// EventShape's number of elements.
func (m *Marginal) LogProb(value []float64) (float64, error) {
	if len(value) != m.size {
		return 0, fmt.Errorf("infer: Marginal.LogProb: value has %d elements, the event shape %v has %d", len(value), m.EventShape, m.size)
	}
	p := 0.0
	for i, pi := range m.probs {
		v := m.Value(i)
		eq := true
		for j := range v {
			if v[j] != value[j] {
				eq = false
				break
			}
		}
		if eq {
			p += pi
		}
	}
	return math.Log(p), nil
}

// Quantile returns the weighted q-quantile of each element (shape
// EventShape): the smallest value whose cumulative weight reaches q.
func (m *Marginal) Quantile(q float64) ([]float64, error) {
	if !(q >= 0 && q <= 1) {
		return nil, fmt.Errorf("infer: Marginal.Quantile: q must be in [0, 1], got %v", q)
	}
	n := m.N()
	idx := make([]int, n)
	out := make([]float64, m.size)
	for j := range out {
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return m.Values[idx[a]*m.size+j] < m.Values[idx[b]*m.size+j] })
		acc := 0.0
		out[j] = m.Values[idx[n-1]*m.size+j]
		for _, i := range idx {
			acc += m.probs[i]
			if acc >= q*(1-1e-12) && m.probs[i] > 0 {
				out[j] = m.Values[i*m.size+j]
				break
			}
		}
	}
	return out, nil
}

// Dist returns the marginal as a dist.Empirical distribution on tape t
// (valid until t is Reset), for use inside models.
func (m *Marginal) Dist(t *ad.Tape) dist.Distribution {
	sh := append([]int{m.N()}, m.EventShape...)
	return dist.Empirical(t.ConstRef(sh, m.Values), t.ConstRef([]int{m.N()}, m.LogWeights))
}
