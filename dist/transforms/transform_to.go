package transforms

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// BijectToOn is BijectTo with float-bounded constraints' transforms drawn
// from tape t's pool instead of allocated, so that calling it on every run
// of a model allocates nothing. The transform is valid until t.Reset.
func BijectToOn(t *ad.Tape, c constraints.Constraint) (Transform, error) {
	if b, ok := c.(*constraints.Bounded); ok && !b.LowerV.Valid() && !b.UpperV.Valid() {
		tr, need, err := boundedSpecial(b)
		if err != nil || !need {
			return tr, err
		}
		p := boundedPool.get(t)
		p.C = *b
		return p, nil
	}
	return BijectTo(c)
}

// TransformTo returns a transform from unconstrained space onto c that need
// not be bijective, as torch.distributions.transform_to (which Pyro uses for
// constrained parameters, pyro.param): simplex maps through Softmax, sphere
// (Pyro) through Normalize, and every other constraint as BijectTo.
func TransformTo(c constraints.Constraint) (Transform, error) {
	switch c {
	case constraints.Simplex:
		return Softmax, nil
	case constraints.Sphere:
		return Normalize, nil
	}
	return BijectTo(c)
}

// ---------------------------------------------------------------------------

type softmaxT struct{ sameShape }

// Softmax maps R^K onto the K-simplex, y = exp(x - logsumexp(x))
// (PyTorch's SoftmaxTransform). It is not injective (adding a constant to
// x changes nothing): Inverse returns log y, one preimage, and
// LogAbsDetJacobian panics with *autodiff.Error (PyTorch raises). Use
// StickBreaking where a density in unconstrained space is needed.
var Softmax Transform = softmaxT{sameShape{1}}

func (softmaxT) Name() string                     { return "SoftmaxTransform" }
func (softmaxT) Domain() constraints.Constraint   { return constraints.RealVector }
func (softmaxT) Codomain() constraints.Constraint { return constraints.Simplex }
func (softmaxT) Sign() int                        { return 0 }
func (softmaxT) Forward(x ad.V) ad.V {
	t := x.Tape()
	lastDim("SoftmaxTransform", x)
	return t.Exp(t.Sub(x, t.LogSumExpAxis(x, -1, true)))
}
func (softmaxT) Inverse(y ad.V) ad.V { return y.Tape().Log(y) }
func (softmaxT) LogAbsDetJacobian(_, _ ad.V) ad.V {
	fail("SoftmaxTransform", "not bijective: it has no log-det-Jacobian (use StickBreaking)")
	return ad.V{}
}

type normalizeT struct{ sameShape }

// Normalize maps nonzero vectors onto the unit sphere, y = x/‖x‖ (Pyro's
// Normalize, transform_to(sphere)). Not injective: Inverse returns y
// itself, and LogAbsDetJacobian panics with *autodiff.Error.
var Normalize Transform = normalizeT{sameShape{1}}

func (normalizeT) Name() string                     { return "Normalize" }
func (normalizeT) Domain() constraints.Constraint   { return constraints.RealVector }
func (normalizeT) Codomain() constraints.Constraint { return constraints.Sphere }
func (normalizeT) Sign() int                        { return 0 }
func (normalizeT) Forward(x ad.V) ad.V {
	t := x.Tape()
	lastDim("Normalize", x)
	return t.Div(x, t.Sqrt(t.SumAxis(t.Square(x), -1, true)))
}
func (normalizeT) Inverse(y ad.V) ad.V { return y }
func (normalizeT) LogAbsDetJacobian(_, _ ad.V) ad.V {
	fail("Normalize", "not bijective: it has no log-det-Jacobian")
	return ad.V{}
}
