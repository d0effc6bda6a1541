package dist

import (
	"fmt"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/tensor"
)

// New builds the distribution called name (Pyro's class name, e.g.
// "Normal") from parameters given by Pyro's names (e.g. "loc", "scale"), for
// front ends and test fixtures working with plain tensors. Scalar
// parameters such as total_count may be 0-d or one-element tensors. The
// distribution lives on a fresh tape of its own.
func New(name string, params map[string]*tensor.Dense) (Distribution, error) {
	regMu.RLock()
	c, ok := registry[name]
	regMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("dist: unknown distribution %q", name)
	}
	t := ad.NewTape()
	p := make(Params, len(params))
	for k, v := range params {
		if v == nil {
			return nil, &Error{Dist: name, Param: k, Msg: "nil tensor"}
		}
		c := v.Contiguous()
		p[k] = t.Const(c.Shape(), c.Data())
	}
	var d Distribution
	err := Catch(func() {
		var e error
		d, e = c(t, p)
		if e != nil {
			panic(&Error{Dist: name, Msg: e.Error()})
		}
	})
	if err != nil {
		if de, ok := err.(*Error); ok && de.Param == "" && de.Dist == name {
			// constructor errors are already complete messages
			return nil, fmt.Errorf("%s", de.Msg)
		}
		return nil, err
	}
	return d, nil
}

// LogProbOf evaluates d's log density at value outside any model and returns
// it as a batch-shaped tensor (sample_shape + batch_shape). A value outside
// the support, or of a shape that does not broadcast with the distribution,
// is an error naming the distribution.
func LogProbOf(d Distribution, value *tensor.Dense) (*tensor.Dense, error) {
	if d == nil || value == nil {
		return nil, fmt.Errorf("dist: LogProbOf: nil distribution or value")
	}
	t := d.Tape()
	c := value.Contiguous()
	var out *tensor.Dense
	err := Catch(func() {
		x := t.Const(c.Shape(), c.Data())
		if ok, bad := d.Support().Check(c.Data(), c.Shape()); !ok {
			Fail(d.Name(), "value", "%v at flat index %d is outside the support %s", c.Data()[bad], bad, d.Support().Name())
		}
		lp := d.LogProb(x)
		out = tensor.New(append([]int(nil), lp.Shape()...), append([]float64(nil), lp.Data()...))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
