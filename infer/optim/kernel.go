package optim

import "math"

var sqrt = math.Sqrt

// adamConsts are the per-step constants of the Adam element update shared by
// Adam, AdamW (with wd = 0 after the decoupled shrink) and ClippedAdam (with
// bc2s = 1 and the clamp bounds). The field order is the assembly kernel's
// layout: keep adam_amd64.s in step.
type adamConsts struct {
	b1, a1, b2, a2 float64 // β1, 1−β1, β2, 1−β2
	wd             float64 // L2 weight decay added to the gradient (0: none)
	negStep        float64 // −lr/(1−β1^k) (ClippedAdam: −lr·√(1−β2^k)/(1−β1^k))
	bc2s           float64 // √(1−β2^k) (ClippedAdam: 1)
	eps            float64
	lo, hi         float64 // gradient clamp (Adam: −Inf, +Inf)
}

// adamKernel updates x, m and v in place for every index of x:
//
//	gi = clamp(g, lo, hi) (+ wd·x when wd ≠ 0)
//	m  = m·b1 + a1·gi
//	v  = v·b2 + (a2·gi)·gi
//	x  = x + (negStep·m) / (√v / bc2s + eps)
//
// in exactly this operation order (no fused multiply-add), so every
// implementation gives the same bits. g, m and v have at least len(x)
// elements. It is set to the fastest implementation at init (adam_amd64.go).
var adamKernel = adamGeneric

func adamGeneric(x, g, m, v []float64, c *adamConsts) {
	g = g[:len(x)]
	m = m[:len(x)]
	v = v[:len(x)]
	b1, a1, b2, a2, wd, ns, bc2s, eps, lo, hi := c.b1, c.a1, c.b2, c.a2, c.wd, c.negStep, c.bc2s, c.eps, c.lo, c.hi
	for i := range x {
		gi := g[i]
		if gi < lo {
			gi = lo
		}
		if gi > hi {
			gi = hi
		}
		if wd != 0 {
			gi += wd * x[i]
		}
		m[i] = m[i]*b1 + a1*gi
		v[i] = v[i]*b2 + a2*gi*gi
		x[i] += ns * m[i] / (sqrt(v[i])/bc2s + eps)
	}
}
