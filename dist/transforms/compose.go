package transforms

import (
	"fmt"
	"strings"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// ForwardLogDeter is implemented by transforms that compute y and the
// log-det-Jacobian together more cheaply than Forward then
// LogAbsDetJacobian (Compose, which otherwise recomputes its intermediate
// values).
type ForwardLogDeter interface {
	ForwardLogDet(x ad.V) (y, logDet ad.V)
}

// ForwardWithLogDet returns y = tr.Forward(x) and the log-det-Jacobian,
// using the transform's fused path when it has one. Inference calls it for
// every constrained site.
func ForwardWithLogDet(tr Transform, x ad.V) (y, logDet ad.V) {
	if f, ok := tr.(ForwardLogDeter); ok {
		return f.ForwardLogDet(x)
	}
	y = tr.Forward(x)
	return y, tr.LogAbsDetJacobian(x, y)
}

// ---------------------------------------------------------------------------
// Compose

// ComposeTransform applies Parts in order (PyTorch's ComposeTransform):
// y = Parts[n-1](…Parts[0](x)). Its event dimensions are the largest the
// parts need, propagated through the shape-changing parts as PyTorch does.
type ComposeTransform struct {
	Parts              []Transform
	domainED, codomED  int
	domain, codomain   constraints.Constraint
	domainI, codomainI constraints.IndependentConstraint
}

// Compose returns the composition of parts (allocated: build it once).
// With no parts it is the identity.
func Compose(parts ...Transform) *ComposeTransform {
	c := &ComposeTransform{Parts: append([]Transform(nil), parts...)}
	if len(parts) == 0 {
		c.domain, c.codomain = constraints.Real, constraints.Real
		return c
	}
	ed := parts[len(parts)-1].Codomain().EventDim()
	for i := len(parts) - 1; i >= 0; i-- {
		p := parts[i]
		ed += p.Domain().EventDim() - p.Codomain().EventDim()
		ed = max(ed, p.Domain().EventDim())
	}
	c.domainED = ed
	c.domain = parts[0].Domain()
	if ed > c.domain.EventDim() {
		c.domainI = constraints.IndependentConstraint{Base: c.domain, N: ed - c.domain.EventDim()}
		c.domain = &c.domainI
	}
	ed = parts[0].Domain().EventDim()
	for _, p := range parts {
		ed += p.Codomain().EventDim() - p.Domain().EventDim()
		ed = max(ed, p.Codomain().EventDim())
	}
	c.codomED = ed
	c.codomain = parts[len(parts)-1].Codomain()
	if ed > c.codomain.EventDim() {
		c.codomainI = constraints.IndependentConstraint{Base: c.codomain, N: ed - c.codomain.EventDim()}
		c.codomain = &c.codomainI
	}
	return c
}

func (c *ComposeTransform) Name() string {
	var b strings.Builder
	b.WriteString("ComposeTransform(")
	for i, p := range c.Parts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name())
	}
	b.WriteString(")")
	return b.String()
}
func (c *ComposeTransform) Domain() constraints.Constraint   { return c.domain }
func (c *ComposeTransform) Codomain() constraints.Constraint { return c.codomain }

func (c *ComposeTransform) Forward(x ad.V) ad.V {
	for _, p := range c.Parts {
		x = p.Forward(x)
	}
	return x
}

func (c *ComposeTransform) Inverse(y ad.V) ad.V {
	for i := len(c.Parts) - 1; i >= 0; i-- {
		y = c.Parts[i].Inverse(y)
	}
	return y
}

// LogAbsDetJacobian sums the parts' terms, each summed down to the
// composite's event dimensions (it recomputes the intermediate values; use
// ForwardLogDet to avoid that).
func (c *ComposeTransform) LogAbsDetJacobian(x, _ ad.V) ad.V {
	_, l := c.ForwardLogDet(x)
	return l
}

// ForwardLogDet computes y and the log-det-Jacobian in one pass.
func (c *ComposeTransform) ForwardLogDet(x ad.V) (ad.V, ad.V) {
	if len(c.Parts) == 0 {
		return x, zerosBatch(x, 0)
	}
	t := x.Tape()
	ed := c.domainED
	var total ad.V
	for _, p := range c.Parts {
		y, l := ForwardWithLogDet(p, x)
		l = sumRightmost("ComposeTransform", l, ed-p.Domain().EventDim())
		if total.Valid() {
			total = t.Add(total, l)
		} else {
			total = l
		}
		ed += p.Codomain().EventDim() - p.Domain().EventDim()
		x = y
	}
	return x, total
}

// Sign is the product of the parts' signs (0 if any is 0).
func (c *ComposeTransform) Sign() int {
	s := 1
	for _, p := range c.Parts {
		s *= p.Sign()
	}
	return s
}

func (c *ComposeTransform) ForwardShape(shape []int) (Shape, error) {
	s := makeShape(shape)
	for _, p := range c.Parts {
		var err error
		if s, err = p.ForwardShape(s.Slice()); err != nil {
			return Shape{}, err
		}
	}
	return s, nil
}

func (c *ComposeTransform) InverseShape(shape []int) (Shape, error) {
	s := makeShape(shape)
	for i := len(c.Parts) - 1; i >= 0; i-- {
		var err error
		if s, err = c.Parts[i].InverseShape(s.Slice()); err != nil {
			return Shape{}, err
		}
	}
	return s, nil
}

// ---------------------------------------------------------------------------
// Inverse

type inverseT struct{ T Transform }

// Inverse returns the inverse of tr (PyTorch's tr.inv): Forward and Inverse
// swap, and the log-det-Jacobian is the negated one of tr at (y, x).
// Inverse(Inverse(tr)) is tr.
func Inverse(tr Transform) Transform {
	if i, ok := tr.(*inverseT); ok {
		return i.T
	}
	return &inverseT{T: tr}
}

func (i *inverseT) Name() string                     { return "_InverseTransform(" + i.T.Name() + ")" }
func (i *inverseT) Domain() constraints.Constraint   { return i.T.Codomain() }
func (i *inverseT) Codomain() constraints.Constraint { return i.T.Domain() }
func (i *inverseT) Forward(x ad.V) ad.V              { return i.T.Inverse(x) }
func (i *inverseT) Inverse(y ad.V) ad.V              { return i.T.Forward(y) }
func (i *inverseT) LogAbsDetJacobian(x, y ad.V) ad.V {
	return x.Tape().Neg(i.T.LogAbsDetJacobian(y, x))
}
func (i *inverseT) Sign() int                               { return i.T.Sign() }
func (i *inverseT) ForwardShape(shape []int) (Shape, error) { return i.T.InverseShape(shape) }
func (i *inverseT) InverseShape(shape []int) (Shape, error) { return i.T.ForwardShape(shape) }

// ---------------------------------------------------------------------------
// Independent

// IndependentTransform wraps Base, treating N more rightmost dimensions as
// event dimensions: the log-det-Jacobian sums over them (PyTorch's
// IndependentTransform).
type IndependentTransform struct {
	Base               Transform
	N                  int
	domainI, codomainI constraints.IndependentConstraint
}

// Independent returns Base with n more event dimensions (allocated). n = 0
// returns base.
func Independent(base Transform, n int) Transform {
	if n < 0 {
		fail("IndependentTransform", "negative reinterpreted_batch_ndims %d", n)
	}
	if n == 0 {
		return base
	}
	return &IndependentTransform{Base: base, N: n,
		domainI:   constraints.IndependentConstraint{Base: base.Domain(), N: n},
		codomainI: constraints.IndependentConstraint{Base: base.Codomain(), N: n}}
}

func (it *IndependentTransform) Name() string {
	return fmt.Sprintf("IndependentTransform(%s, %d)", it.Base.Name(), it.N)
}
func (it *IndependentTransform) Domain() constraints.Constraint   { return &it.domainI }
func (it *IndependentTransform) Codomain() constraints.Constraint { return &it.codomainI }
func (it *IndependentTransform) Forward(x ad.V) ad.V              { return it.Base.Forward(x) }
func (it *IndependentTransform) Inverse(y ad.V) ad.V              { return it.Base.Inverse(y) }
func (it *IndependentTransform) LogAbsDetJacobian(x, y ad.V) ad.V {
	return sumRightmost("IndependentTransform", it.Base.LogAbsDetJacobian(x, y), it.N)
}
func (it *IndependentTransform) ForwardLogDet(x ad.V) (ad.V, ad.V) {
	y, l := ForwardWithLogDet(it.Base, x)
	return y, sumRightmost("IndependentTransform", l, it.N)
}
func (it *IndependentTransform) Sign() int { return it.Base.Sign() }
func (it *IndependentTransform) ForwardShape(shape []int) (Shape, error) {
	if len(shape) < it.Domain().EventDim() {
		return Shape{}, fmt.Errorf("transforms: %s: shape %v has too few dimensions", it.Name(), cp(shape))
	}
	return it.Base.ForwardShape(shape)
}
func (it *IndependentTransform) InverseShape(shape []int) (Shape, error) {
	if len(shape) < it.Codomain().EventDim() {
		return Shape{}, fmt.Errorf("transforms: %s: shape %v has too few dimensions", it.Name(), cp(shape))
	}
	return it.Base.InverseShape(shape)
}
