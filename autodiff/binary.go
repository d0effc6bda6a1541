package autodiff

import (
	"github.com/gyro-ppl/gyro/asm"
	"math"

	sp "github.com/gyro-ppl/gyro/internal/special"
)

func binaryF(op Op, x, y float64) float64 {
	switch op {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	case opPow:
		return math.Pow(x, y)
	case opLogAddExp:
		return sp.LogAddExp(x, y)
	case opXlogy:
		return sp.Xlogy(x, y)
	case opMaximum:
		if x > y || x != x {
			return x
		}
		return y
	case opMinimum:
		if x < y || x != x {
			return x
		}
		return y
	case opAtan2:
		return math.Atan2(x, y)
	case opLbeta:
		return sp.Lbeta(x, y)
	}
	panic("autodiff: unknown binary op " + opName(op))
}

// binaryD returns the partial derivatives of z = f(x, y).
func binaryD(op Op, x, y, z float64) (dx, dy float64) {
	switch op {
	case opAdd:
		return 1, 1
	case opSub:
		return 1, -1
	case opMul:
		return y, x
	case opDiv:
		return 1 / y, -z / y
	case opPow:
		if y == 0 {
			dx = 0
		} else {
			dx = y * math.Pow(x, y-1)
		}
		if x == 0 && y >= 0 {
			dy = 0
		} else {
			dy = z * math.Log(x)
		}
		return dx, dy
	case opLogAddExp:
		if math.IsInf(z, -1) {
			return 0.5, 0.5
		}
		return math.Exp(x - z), math.Exp(y - z)
	case opXlogy:
		if x == 0 {
			return 0, 0
		}
		return math.Log(y), x / y
	case opMaximum:
		if x > y {
			return 1, 0
		}
		if x < y {
			return 0, 1
		}
		return 0.5, 0.5
	case opMinimum:
		if x < y {
			return 1, 0
		}
		if x > y {
			return 0, 1
		}
		return 0.5, 0.5
	case opAtan2:
		r := x*x + y*y
		return y / r, -x / r
	case opLbeta:
		d := sp.Digamma(x + y)
		return sp.Digamma(x) - d, sp.Digamma(y) - d
	}
	panic("autodiff: unknown binary op " + opName(op))
}

// binary records z = f(a, b) elementwise with NumPy broadcasting.
func (t *Tape) binary(op Op, a, b V) V {
	t.check2(opName(op), a, b)
	na, nb := &t.nodes[a.i], &t.nodes[b.i]
	flags := (na.flags | nb.flags) & fGrad
	if na.ndim == 0 && nb.ndim == 0 {
		return t.newScalar(op, flags, a.i, b.i, binaryF(op, t.val[na.off], t.val[nb.off]))
	}
	sa, sb := t.shape(a.i), t.shape(b.i)
	var buf [MaxDims]int
	out := sa
	if !shapesEqual(sa, sb) {
		var ok bool
		out, ok = broadcastShape(&buf, sa, sb)
		if !ok {
			fail(opName(op), "shapes %v and %v cannot be broadcast together", cp(sa), cp(sb))
		}
	}
	v, z := t.newNode(op, flags, a.i, b.i, out)
	x, y := t.data(a.i), t.data(b.i)
	switch {
	case len(x) == len(z) && len(y) == len(z):
		binarySame(op, z, x, y)
	case len(x) == len(z) && len(y) == 1:
		binaryScalarRight(op, z, x, y[0])
	case len(y) == len(z) && len(x) == 1:
		binaryScalarLeft(op, z, x[0], y)
	default:
		if len(x) != len(z) {
			e := t.scratch(len(z))
			expandInto(e, out, x, sa)
			x = e
		}
		if len(y) != len(z) {
			e := t.scratch(len(z))
			expandInto(e, out, y, sb)
			y = e
		}
		binarySame(op, z, x, y)
		t.scratchReset()
	}
	return v
}

func binarySame(op Op, z, x, y []float64) {
	x = x[:len(z)]
	y = y[:len(z)]
	switch op {
	case opAdd:
		for i := range z {
			z[i] = x[i] + y[i]
		}
	case opSub:
		for i := range z {
			z[i] = x[i] - y[i]
		}
	case opMul:
		for i := range z {
			z[i] = x[i] * y[i]
		}
	case opDiv:
		for i := range z {
			z[i] = x[i] / y[i]
		}
	default:
		for i := range z {
			z[i] = binaryF(op, x[i], y[i])
		}
	}
}

func binaryScalarRight(op Op, z, x []float64, y float64) {
	x = x[:len(z)]
	switch op {
	case opAdd:
		for i := range z {
			z[i] = x[i] + y
		}
	case opSub:
		for i := range z {
			z[i] = x[i] - y
		}
	case opMul:
		for i := range z {
			z[i] = x[i] * y
		}
	case opDiv:
		for i := range z {
			z[i] = x[i] / y
		}
	default:
		for i := range z {
			z[i] = binaryF(op, x[i], y)
		}
	}
}

func binaryScalarLeft(op Op, z []float64, x float64, y []float64) {
	y = y[:len(z)]
	switch op {
	case opAdd:
		for i := range z {
			z[i] = x + y[i]
		}
	case opSub:
		for i := range z {
			z[i] = x - y[i]
		}
	case opMul:
		for i := range z {
			z[i] = x * y[i]
		}
	default:
		for i := range z {
			z[i] = binaryF(op, x, y[i])
		}
	}
}

func (t *Tape) backBinary(nd *node) {
	if nd.op == opWhere {
		t.backWhere(nd)
		return
	}
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	ga, gb := na.flags&fGrad != 0, nb.flags&fGrad != 0
	op := nd.op
	if nd.ndim == 0 {
		g := t.adj[nd.off]
		if g == 0 {
			return
		}
		x, y := t.val[na.off], t.val[nb.off]
		switch op {
		case opAdd:
			if ga {
				t.adj[na.off] += g
			}
			if gb {
				t.adj[nb.off] += g
			}
		case opSub:
			if ga {
				t.adj[na.off] += g
			}
			if gb {
				t.adj[nb.off] -= g
			}
		case opMul:
			if ga {
				t.adj[na.off] += g * y
			}
			if gb {
				t.adj[nb.off] += g * x
			}
		default:
			dx, dy := binaryD(op, x, y, t.val[nd.off])
			if ga {
				t.adj[na.off] += g * dx
			}
			if gb {
				t.adj[nb.off] += g * dy
			}
		}
		return
	}
	t.backBinaryTensor(nd, na, nb, ga, gb)
}

func (t *Tape) backBinaryTensor(nd, na, nb *node, ga, gb bool) {
	op := nd.op
	n := int(nd.size)
	g := t.adj[nd.off : nd.off+nd.size]
	z := t.val[nd.off : nd.off+nd.size]
	outShape := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
	sa := t.shp[na.shp : na.shp+int32(na.ndim)]
	sb := t.shp[nb.shp : nb.shp+int32(nb.ndim)]
	x := t.dataNode(na)
	y := t.dataNode(nb)
	fullA, fullB := int(na.size) == n, int(nb.size) == n
	if (op == opAdd || op == opSub) && (fullA || na.size == 1) && (fullB || nb.size == 1) {
		// add/sub of full-size and single-element inputs: no expansion
		t.backAddSubDirect(op, g, na, nb, ga, gb, fullA, fullB)
		return
	}
	if !fullA {
		e := t.scratch(n)
		expandInto(e, outShape, x, sa)
		x = e
	}
	if !fullB {
		e := t.scratch(n)
		expandInto(e, outShape, y, sb)
		y = e
	}
	x, y = x[:n], y[:n]
	if ga {
		var dst []float64
		if fullA {
			dst = t.adj[na.off : na.off+na.size]
		} else {
			dst = t.scratch(n)
			clear(dst)
		}
		switch op {
		case opAdd, opSub:
			for i := range dst {
				dst[i] += g[i]
			}
		case opMul:
			for i := range dst {
				if g[i] != 0 {
					dst[i] += g[i] * y[i]
				}
			}
		case opDiv:
			for i := range dst {
				if g[i] != 0 {
					dst[i] += g[i] / y[i]
				}
			}
		default:
			for i := range dst {
				if g[i] != 0 {
					dx, _ := binaryD(op, x[i], y[i], z[i])
					dst[i] += g[i] * dx
				}
			}
		}
		if !fullA {
			sumToAcc(t.adj[na.off:na.off+na.size], sa, dst, outShape)
		}
	}
	if gb {
		var dst []float64
		if fullB {
			dst = t.adj[nb.off : nb.off+nb.size]
		} else {
			dst = t.scratch(n)
			clear(dst)
		}
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] += g[i]
			}
		case opSub:
			for i := range dst {
				dst[i] -= g[i]
			}
		case opMul:
			for i := range dst {
				if g[i] != 0 {
					dst[i] += g[i] * x[i]
				}
			}
		default:
			for i := range dst {
				if g[i] != 0 {
					_, dy := binaryD(op, x[i], y[i], z[i])
					dst[i] += g[i] * dy
				}
			}
		}
		if !fullB {
			sumToAcc(t.adj[nb.off:nb.off+nb.size], sb, dst, outShape)
		}
	}
	t.scratchReset()
}

func (t *Tape) dataNode(n *node) []float64 {
	if n.flags&fExt != 0 {
		return t.ext[n.off]
	}
	return t.val[n.off : n.off+n.size]
}

// Add is a + b with broadcasting.
func (t *Tape) Add(a, b V) V { return t.binary(opAdd, a, b) }

// Sub is a - b with broadcasting.
func (t *Tape) Sub(a, b V) V { return t.binary(opSub, a, b) }

// Mul is a·b elementwise with broadcasting.
func (t *Tape) Mul(a, b V) V { return t.binary(opMul, a, b) }

// Div is a/b elementwise with broadcasting.
func (t *Tape) Div(a, b V) V { return t.binary(opDiv, a, b) }

// Pow is a^b elementwise with broadcasting. The derivative in b at a = 0 is
// taken as 0 (as PyTorch).
func (t *Tape) Pow(a, b V) V { return t.binary(opPow, a, b) }

// LogAddExp is log(exp(a)+exp(b)), stable.
func (t *Tape) LogAddExp(a, b V) V { return t.binary(opLogAddExp, a, b) }

// Xlogy is a·log(b) with 0·log(0) = 0 (scipy.special.xlogy); where a = 0
// both partial derivatives are 0 (as PyTorch).
func (t *Tape) Xlogy(a, b V) V { return t.binary(opXlogy, a, b) }

// Maximum is max(a, b) elementwise; at ties the gradient is split equally.
func (t *Tape) Maximum(a, b V) V { return t.binary(opMaximum, a, b) }

// Minimum is min(a, b) elementwise; at ties the gradient is split equally.
func (t *Tape) Minimum(a, b V) V { return t.binary(opMinimum, a, b) }

// Atan2 is atan2(a, b) elementwise.
func (t *Tape) Atan2(a, b V) V { return t.binary(opAtan2, a, b) }

// Lbeta is log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a+b) for a, b > 0,
// elementwise with broadcasting (one node, not the five of the composite).
// The value is gonum's mathext.Lbeta (Cephes' algorithm, accurate when a or
// b is large, where the composite cancels badly); the partial derivatives
// are ψ(a) - ψ(a+b) and ψ(b) - ψ(a+b).
func (t *Tape) Lbeta(a, b V) V { return t.binary(opLbeta, a, b) }

// Where selects a where cond is nonzero and b elsewhere, with broadcasting
// over all three. cond carries no gradient. Unlike a·cond + b·(1-cond), a
// NaN or Inf in the branch not taken does not leak into the value or the
// gradient.
func (t *Tape) Where(cond, a, b V) V {
	t.check("Where", cond, a, b)
	nc, na, nb := &t.nodes[cond.i], &t.nodes[a.i], &t.nodes[b.i]
	flags := (na.flags | nb.flags) & fGrad
	if nc.ndim == 0 && na.ndim == 0 && nb.ndim == 0 {
		z := t.val[nb.off]
		if t.val[nc.off] != 0 {
			z = t.val[na.off]
		}
		v := t.newScalar(opWhere, flags, a.i, b.i, z)
		t.nodes[v.i].c = cond.i
		return v
	}
	sc, sa, sb := t.shape(cond.i), t.shape(a.i), t.shape(b.i)
	var b1, b2 [MaxDims]int
	s1, ok := broadcastShape(&b1, sa, sb)
	if !ok {
		fail("Where", "shapes %v and %v cannot be broadcast together", cp(sa), cp(sb))
	}
	out, ok := broadcastShape(&b2, s1, sc)
	if !ok {
		fail("Where", "condition shape %v cannot be broadcast with %v", cp(sc), cp(s1))
	}
	v, z := t.newNode(opWhere, flags, a.i, b.i, out)
	t.nodes[v.i].c = cond.i
	n := len(z)
	c, x, y := t.expanded(cond.i, out, n), t.expanded(a.i, out, n), t.expanded(b.i, out, n)
	for i := range z {
		if c[i] != 0 {
			z[i] = x[i]
		} else {
			z[i] = y[i]
		}
	}
	t.scratchReset()
	return v
}

// expanded returns node i's data broadcast to shape out (n elements),
// copying into scratch only when needed.
func (t *Tape) expanded(i int32, out []int, n int) []float64 {
	d := t.data(i)
	if len(d) == n {
		return d
	}
	e := t.scratch(n)
	expandInto(e, out, d, t.shape(i))
	return e
}

func (t *Tape) backWhere(nd *node) {
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	ga, gb := na.flags&fGrad != 0, nb.flags&fGrad != 0
	if nd.ndim == 0 {
		g := t.adj[nd.off]
		if t.val[t.nodes[nd.c].off] != 0 {
			if ga {
				t.adj[na.off] += g
			}
		} else if gb {
			t.adj[nb.off] += g
		}
		return
	}
	n := int(nd.size)
	out := t.shp[nd.shp : nd.shp+int32(nd.ndim)]
	g := t.adj[nd.off : nd.off+nd.size]
	c := t.expanded(nd.c, out, n)
	for pass := 0; pass < 2; pass++ {
		in, want := na, true
		if pass == 1 {
			in, want = nb, false
		}
		if in.flags&fGrad == 0 {
			continue
		}
		full := int(in.size) == n
		var dst []float64
		if full {
			dst = t.adj[in.off : in.off+in.size]
		} else {
			dst = t.scratch(n)
			clear(dst)
		}
		for i := range dst {
			if (c[i] != 0) == want {
				dst[i] += g[i]
			}
		}
		if !full {
			sumToAcc(t.adj[in.off:in.off+in.size], t.shp[in.shp:in.shp+int32(in.ndim)], dst, out)
		}
	}
	t.scratchReset()
}

// backAddSubDirect is the adjoint of a ± b when each input is full-size or
// a single element: full inputs take g (or −g) elementwise, single ones its
// sum.
func (t *Tape) backAddSubDirect(op Op, g []float64, na, nb *node, ga, gb, fullA, fullB bool) {
	sign := 1.0
	if op == opSub {
		sign = -1
	}
	sum := 0.0
	if (ga && !fullA) || (gb && !fullB) {
		for _, gi := range g {
			sum += gi
		}
	}
	if ga {
		if fullA {
			asm.DaxpyUnitary(1, g, t.adj[na.off:na.off+na.size])
		} else {
			t.adj[na.off] += sum
		}
	}
	if gb {
		if fullB {
			asm.DaxpyUnitary(sign, g, t.adj[nb.off:nb.off+nb.size])
		} else {
			t.adj[nb.off] += sign * sum
		}
	}
}
