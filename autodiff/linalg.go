package autodiff

import "github.com/gyro-ppl/gyro/asm"

// Linear algebra.
const (
	opDot    Op = opLinalgBase + iota // 1-d · 1-d → scalar
	opMatVec                          // (m×n)·(n) → (m)
	opLinalgEnd0
)

func init() {
	registerOpName(opDot, "Dot")
	registerOpName(opMatVec, "MatVec")
}

// Dot is the inner product of two 1-d values of equal length.
func (t *Tape) Dot(a, b V) V {
	t.check2("Dot", a, b)
	sa, sb := a.Shape(), b.Shape()
	if len(sa) != 1 || len(sb) != 1 || sa[0] != sb[0] {
		fail("Dot", "needs two 1-d values of equal length, got shapes %v and %v", cp(sa), cp(sb))
	}
	s := asm.DdotUnitary(t.data(a.i), t.data(b.i))
	return t.newScalar(opDot, (a.node().flags|b.node().flags)&fGrad, a.i, b.i, s)
}

// MatVec is the matrix-vector product A·x for A of shape (m, n) and x of
// shape (n), giving shape (m).
func (t *Tape) MatVec(A, x V) V {
	t.check2("MatVec", A, x)
	sa, sx := A.Shape(), x.Shape()
	if len(sa) != 2 || len(sx) != 1 || sa[1] != sx[0] {
		fail("MatVec", "needs a matrix (m, n) and a vector (n), got shapes %v and %v", cp(sa), cp(sx))
	}
	m, n := sa[0], sa[1]
	var out [1]int
	out[0] = m
	v, y := t.newNode(opMatVec, (A.node().flags|x.node().flags)&fGrad, A.i, x.i, out[:])
	asm.DgemvN(m, n, 1, t.data(A.i), n, t.data(x.i), 0, y)
	return v
}

func (t *Tape) backLinalg(i int32, nd *node) {
	if nd.op >= opLinalgEnd0 {
		t.backLinalgMore(i, nd)
		return
	}
	na, nb := &t.nodes[nd.a], &t.nodes[nd.b]
	switch nd.op {
	case opDot:
		g := t.adj[nd.off]
		if na.flags&fGrad != 0 {
			asm.DaxpyUnitary(g, t.dataNode(nb), t.adj[na.off:na.off+na.size])
		}
		if nb.flags&fGrad != 0 {
			asm.DaxpyUnitary(g, t.dataNode(na), t.adj[nb.off:nb.off+nb.size])
		}
	case opMatVec:
		m, n := int(t.shp[na.shp]), int(t.shp[na.shp+1])
		g := t.adj[nd.off : nd.off+nd.size]
		if nb.flags&fGrad != 0 { // dx += Aᵀ g
			asm.DgemvT(m, n, 1, t.dataNode(na), n, g, 1, t.adj[nb.off:nb.off+nb.size])
		}
		if na.flags&fGrad != 0 { // dA += g xᵀ
			x := t.dataNode(nb)
			gA := t.adj[na.off : na.off+na.size]
			for r := 0; r < m; r++ {
				if g[r] != 0 {
					asm.DaxpyUnitary(g[r], x, gA[r*n:(r+1)*n])
				}
			}
		}
	default:
		unknownOp(nd)
	}
}
