package transforms

import (
	"fmt"
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// Elementwise (scalar) transforms: the hot path of every NUTS gradient for
// a constrained site, so each log-det-Jacobian is a node or three.

const (
	float64Tiny = 0x1p-1022
	float64Eps  = 0x1p-52
)

// clampUnit keeps a probability inside (tiny, 1-eps) before a logit, as
// PyTorch's SigmoidTransform inverse does.
func clampUnit(y ad.V) ad.V { return y.Tape().Clamp(y, float64Tiny, 1-float64Eps) }

// logSigmoidPrime is log σ'(x) = log σ(x) + log σ(-x) = x - 2·softplus(x).
func logSigmoidPrime(x ad.V) ad.V {
	t := x.Tape()
	return t.Sub(x, t.MulConst(t.Softplus(x), 2))
}

// ---------------------------------------------------------------------------

type identity struct{ sameShape }

// Identity is the identity map on the reals (PyTorch's identity_transform);
// its log-det-Jacobian is zero.
var Identity Transform = identity{}

func (identity) Name() string                     { return "IdentityTransform" }
func (identity) Domain() constraints.Constraint   { return constraints.Real }
func (identity) Codomain() constraints.Constraint { return constraints.Real }
func (identity) Forward(x ad.V) ad.V              { return x }
func (identity) Inverse(y ad.V) ad.V              { return y }
func (identity) LogAbsDetJacobian(x, _ ad.V) ad.V { return zerosBatch(x, 0) }
func (identity) Sign() int                        { return 1 }

// ---------------------------------------------------------------------------

type expT struct{ sameShape }

// Exp is y = exp(x), from the reals onto the positive reals; its
// log-det-Jacobian is x itself (no node recorded).
var Exp Transform = expT{}

func (expT) Name() string                     { return "ExpTransform" }
func (expT) Domain() constraints.Constraint   { return constraints.Real }
func (expT) Codomain() constraints.Constraint { return constraints.Positive }
func (expT) Forward(x ad.V) ad.V              { return x.Tape().Exp(x) }
func (expT) Inverse(y ad.V) ad.V              { return y.Tape().Log(y) }
func (expT) LogAbsDetJacobian(x, _ ad.V) ad.V { return x }
func (expT) Sign() int                        { return 1 }

// ---------------------------------------------------------------------------

type sigmoidT struct{ sameShape }

// Sigmoid is y = 1/(1+exp(-x)), from the reals onto the unit interval;
// log-det-Jacobian x - 2·softplus(x). The inverse clamps y into
// [tiny, 1-eps] first (as PyTorch).
var Sigmoid Transform = sigmoidT{}

func (sigmoidT) Name() string                     { return "SigmoidTransform" }
func (sigmoidT) Domain() constraints.Constraint   { return constraints.Real }
func (sigmoidT) Codomain() constraints.Constraint { return constraints.UnitInterval }
func (sigmoidT) Forward(x ad.V) ad.V              { return x.Tape().Sigmoid(x) }
func (sigmoidT) Inverse(y ad.V) ad.V              { return y.Tape().Logit(clampUnit(y)) }
func (sigmoidT) LogAbsDetJacobian(x, _ ad.V) ad.V { return logSigmoidPrime(x) }
func (sigmoidT) Sign() int                        { return 1 }

// ---------------------------------------------------------------------------

type tanhT struct{ sameShape }

var tanhCodomain = constraints.Interval(-1, 1)

// Tanh is y = tanh(x), onto [-1, 1]; log-det-Jacobian
// 2·(log 2 - x - softplus(-2x)). The inverse clamps |y| ≤ 1-eps.
var Tanh Transform = tanhT{}

func (tanhT) Name() string                     { return "TanhTransform" }
func (tanhT) Domain() constraints.Constraint   { return constraints.Real }
func (tanhT) Codomain() constraints.Constraint { return tanhCodomain }
func (tanhT) Forward(x ad.V) ad.V              { return x.Tape().Tanh(x) }
func (tanhT) Inverse(y ad.V) ad.V {
	t := y.Tape()
	return t.Atanh(t.Clamp(y, -1+float64Eps, 1-float64Eps))
}
func (tanhT) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	s := t.Add(x, t.Softplus(t.MulConst(x, -2)))
	return t.MulConst(t.AddConst(s, -math.Ln2), -2)
}
func (tanhT) Sign() int { return 1 }

// ---------------------------------------------------------------------------

type softplusT struct{ sameShape }

// Softplus is y = log(1+exp(x)), onto the positive reals (Pyro's
// SoftplusTransform); log-det-Jacobian log σ(x). The inverse is
// y + log(-expm1(-y)), accurate for small and large y.
var Softplus Transform = softplusT{}

func (softplusT) Name() string                     { return "SoftplusTransform" }
func (softplusT) Domain() constraints.Constraint   { return constraints.Real }
func (softplusT) Codomain() constraints.Constraint { return constraints.SoftplusPositive }
func (softplusT) Forward(x ad.V) ad.V              { return x.Tape().Softplus(x) }
func (softplusT) Inverse(y ad.V) ad.V {
	t := y.Tape()
	return t.Add(y, t.Log(t.Neg(t.Expm1(t.Neg(y)))))
}
func (softplusT) LogAbsDetJacobian(x, _ ad.V) ad.V { return x.Tape().LogSigmoid(x) }
func (softplusT) Sign() int                        { return 1 }

// ---------------------------------------------------------------------------
// Affine

// AffineTransform is y = loc + scale·x with broadcasting (PyTorch's
// AffineTransform). Loc and Scale are either tape values (LocV, ScaleV;
// differentiable) or floats. EventDim is the number of rightmost dimensions
// treated as one event (the log-det-Jacobian sums over them).
type AffineTransform struct {
	Loc, Scale   float64
	LocV, ScaleV ad.V
	EventDim     int
	sameShape
}

var affinePool = newPool[AffineTransform]()

// Affine returns y = loc + scale·x with tape-valued parameters, from a
// per-tape pool (no allocation in steady state). eventDim is usually 0.
func Affine(loc, scale ad.V, eventDim int) *AffineTransform {
	if !loc.Valid() || !scale.Valid() || loc.Tape() != scale.Tape() {
		fail("AffineTransform", "loc and scale must be valid values on one tape")
	}
	a := affinePool.get(loc.Tape())
	a.LocV, a.ScaleV, a.EventDim = loc, scale, eventDim
	a.sameShape = sameShape{eventDim}
	return a
}

// AffineConst returns y = loc + scale·x with float parameters (allocated:
// build it once, outside the hot path). scale must be nonzero.
func AffineConst(loc, scale float64, eventDim int) *AffineTransform {
	if scale == 0 || math.IsNaN(scale) || math.IsNaN(loc) {
		fail("AffineTransform", "invalid loc %v or scale %v", loc, scale)
	}
	return &AffineTransform{Loc: loc, Scale: scale, EventDim: eventDim, sameShape: sameShape{eventDim}}
}

func (a *AffineTransform) Name() string { return "AffineTransform" }
func (a *AffineTransform) Domain() constraints.Constraint {
	switch a.EventDim {
	case 0:
		return constraints.Real
	case 1:
		return constraints.RealVector
	case 2:
		return realMatrix
	}
	return constraints.Independent(constraints.Real, a.EventDim)
}
func (a *AffineTransform) Codomain() constraints.Constraint { return a.Domain() }

func (a *AffineTransform) Forward(x ad.V) ad.V {
	t := x.Tape()
	var y ad.V
	if a.ScaleV.Valid() {
		y = t.Mul(x, a.ScaleV)
	} else if a.Scale != 1 {
		y = t.MulConst(x, a.Scale)
	} else {
		y = x
	}
	if a.LocV.Valid() {
		return t.Add(a.LocV, y)
	}
	if a.Loc != 0 {
		return t.AddConst(y, a.Loc)
	}
	return y
}

func (a *AffineTransform) Inverse(y ad.V) ad.V {
	t := y.Tape()
	var x ad.V
	if a.LocV.Valid() {
		x = t.Sub(y, a.LocV)
	} else if a.Loc != 0 {
		x = t.AddConst(y, -a.Loc)
	} else {
		x = y
	}
	if a.ScaleV.Valid() {
		return t.Div(x, a.ScaleV)
	}
	if a.Scale != 1 {
		return t.MulConst(x, 1/a.Scale)
	}
	return x
}

// LogAbsDetJacobian is log|scale| broadcast to x's shape, summed over
// EventDim dimensions.
func (a *AffineTransform) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	var l ad.V
	if a.ScaleV.Valid() {
		l = t.Log(t.Abs(a.ScaleV))
		if !shapeEq(l.Shape(), x.Shape()) {
			l = t.Add(l, t.Const(x.Shape(), nil))
		}
	} else {
		l = t.Const(x.Shape(), nil)
		if v := math.Log(math.Abs(a.Scale)); v != 0 {
			d := l.Data()
			for i := range d {
				d[i] = v
			}
		}
	}
	return sumRightmost("AffineTransform", l, a.EventDim)
}

// Sign is the sign of the scale when every element shares it, else 0.
func (a *AffineTransform) Sign() int {
	if !a.ScaleV.Valid() {
		if a.Scale > 0 {
			return 1
		}
		return -1
	}
	pos, neg := false, false
	for _, v := range a.ScaleV.Data() {
		pos = pos || v > 0
		neg = neg || v < 0
	}
	switch {
	case pos && !neg:
		return 1
	case neg && !pos:
		return -1
	}
	return 0
}

func shapeEq(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Power

// PowerTransform is y = x^Exponent on the positive reals (PyTorch's
// PowerTransform); log-det-Jacobian log|Exponent·y/x|.
type PowerTransform struct {
	Exponent  float64
	ExponentV ad.V
	sameShape
}

var powerPool = newPool[PowerTransform]()

// Power returns y = x^exponent with a tape-valued exponent (pooled).
func Power(exponent ad.V) *PowerTransform {
	p := powerPool.get(exponent.Tape())
	p.ExponentV = exponent
	return p
}

// PowerConst returns y = x^exponent for a nonzero float exponent
// (allocated).
func PowerConst(exponent float64) *PowerTransform {
	if exponent == 0 || math.IsNaN(exponent) {
		fail("PowerTransform", "exponent must be nonzero, got %v", exponent)
	}
	return &PowerTransform{Exponent: exponent}
}

func (p *PowerTransform) Name() string                     { return "PowerTransform" }
func (p *PowerTransform) Domain() constraints.Constraint   { return constraints.Positive }
func (p *PowerTransform) Codomain() constraints.Constraint { return constraints.Positive }
func (p *PowerTransform) Forward(x ad.V) ad.V {
	t := x.Tape()
	if p.ExponentV.Valid() {
		return t.Pow(x, p.ExponentV)
	}
	return t.PowConst(x, p.Exponent)
}
func (p *PowerTransform) Inverse(y ad.V) ad.V {
	t := y.Tape()
	if p.ExponentV.Valid() {
		return t.Pow(y, t.Reciprocal(p.ExponentV))
	}
	return t.PowConst(y, 1/p.Exponent)
}
func (p *PowerTransform) LogAbsDetJacobian(x, y ad.V) ad.V {
	t := x.Tape()
	r := t.Div(y, x)
	if p.ExponentV.Valid() {
		r = t.Mul(r, p.ExponentV)
	} else {
		r = t.MulConst(r, p.Exponent)
	}
	return t.Log(t.Abs(r))
}
func (p *PowerTransform) Sign() int {
	if p.ExponentV.Valid() {
		return (&AffineTransform{ScaleV: p.ExponentV}).Sign()
	}
	if p.Exponent > 0 {
		return 1
	}
	return -1
}

// ---------------------------------------------------------------------------
// bounded: the fused forms of biject_to for half-lines and intervals

// BoundedTransform maps the reals onto a constraints.Bounded region with
// float or tape-valued bounds, as torch's biject_to does (written as one
// transform so that its log-det-Jacobian does not recompute the forward
// map):
//
//	lower bound only:  y = lo + exp(x)          (Exp then Affine(lo, 1))
//	upper bound only:  y = hi - exp(x)          (Exp then Affine(hi, -1))
//	both:              y = lo + (hi-lo)·σ(x)    (Sigmoid then Affine(lo, hi-lo))
type BoundedTransform struct {
	C constraints.Bounded // a copy of the constraint (its bounds)
	sameShape
}

var boundedPool = newPool[BoundedTransform]()

func (b *BoundedTransform) Name() string {
	switch {
	case b.C.HasLower() && b.C.HasUpper():
		return "ComposeTransform(SigmoidTransform, AffineTransform)"
	default:
		return "ComposeTransform(ExpTransform, AffineTransform)"
	}
}
func (b *BoundedTransform) Domain() constraints.Constraint   { return constraints.Real }
func (b *BoundedTransform) Codomain() constraints.Constraint { return &b.C }
func (b *BoundedTransform) Sign() int {
	if !b.C.HasLower() {
		return -1
	}
	return 1
}

// width returns hi-lo as a value (tensor bounds) or a float.
func (b *BoundedTransform) width(t *ad.Tape) (ad.V, float64) {
	lv, l := b.C.LowerV, b.C.Lower
	hv, h := b.C.UpperV, b.C.Upper
	switch {
	case lv.Valid() && hv.Valid():
		return t.Sub(hv, lv), 0
	case lv.Valid():
		return t.Neg(t.AddConst(lv, -h)), 0
	case hv.Valid():
		return t.AddConst(hv, -l), 0
	}
	return ad.V{}, h - l
}

func addBound(t *ad.Tape, y ad.V, bv ad.V, b float64) ad.V {
	if bv.Valid() {
		return t.Add(bv, y)
	}
	if b != 0 {
		return t.AddConst(y, b)
	}
	return y
}

func subBound(t *ad.Tape, y ad.V, bv ad.V, b float64) ad.V {
	if bv.Valid() {
		return t.Sub(y, bv)
	}
	if b != 0 {
		return t.AddConst(y, -b)
	}
	return y
}

func (b *BoundedTransform) Forward(x ad.V) ad.V {
	t := x.Tape()
	hasLo, hasHi := b.C.HasLower(), b.C.HasUpper()
	switch {
	case hasLo && hasHi:
		s := t.Sigmoid(x)
		wv, w := b.width(t)
		if wv.Valid() {
			s = t.Mul(s, wv)
		} else if w != 1 {
			s = t.MulConst(s, w)
		}
		return addBound(t, s, b.C.LowerV, b.C.Lower)
	case hasLo:
		return addBound(t, t.Exp(x), b.C.LowerV, b.C.Lower)
	case hasHi:
		return addBound(t, t.Neg(t.Exp(x)), b.C.UpperV, b.C.Upper)
	}
	return x
}

func (b *BoundedTransform) Inverse(y ad.V) ad.V {
	t := y.Tape()
	hasLo, hasHi := b.C.HasLower(), b.C.HasUpper()
	switch {
	case hasLo && hasHi:
		u := subBound(t, y, b.C.LowerV, b.C.Lower)
		wv, w := b.width(t)
		if wv.Valid() {
			u = t.Div(u, wv)
		} else if w != 1 {
			u = t.MulConst(u, 1/w)
		}
		return t.Logit(clampUnit(u))
	case hasLo:
		return t.Log(subBound(t, y, b.C.LowerV, b.C.Lower))
	case hasHi:
		return t.Log(t.Neg(subBound(t, y, b.C.UpperV, b.C.Upper)))
	}
	return y
}

func (b *BoundedTransform) LogAbsDetJacobian(x, _ ad.V) ad.V {
	t := x.Tape()
	if !(b.C.HasLower() && b.C.HasUpper()) {
		return x
	}
	l := logSigmoidPrime(x)
	wv, w := b.width(t)
	if wv.Valid() {
		return t.Add(l, t.Log(wv))
	}
	if w != 1 {
		return t.AddConst(l, math.Log(w))
	}
	return l
}

func (b *BoundedTransform) String() string { return fmt.Sprintf("%s onto %s", b.Name(), b.C.Name()) }
