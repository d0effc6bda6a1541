package dist

import (
	"math"
	"math/bits"

	"github.com/gyro-ppl/gyro/asm"
)

// RNG is gyro's random number generator: seedable and splittable, one per
// chain or goroutine (never a global). It is not safe for concurrent use.
//
// The stream is a 128-bit PCG with DXSM output (the same generator as
// math/rand/v2's PCG, bit for bit), stepped inline with no interface call
// per draw; the bulk samplers (FillNormal, FillGamma, …) keep its state in
// registers. Normal and exponential variates
// use 256-layer ziggurats on 64-bit words; the discrete and gamma-family
// samplers below are the standard fast algorithms (Marsaglia–Tsang gamma,
// Hörmann's PTRS Poisson and BTRS binomial). No method allocates.
//
// *RNG implements math/rand/v2's Source, so rand.New(g) gives the standard
// library's helpers on the same stream when needed. Do not copy an RNG
// value to get a second generator (the copies would share the bulk
// samplers' scratch buffer): use Split.
type RNG struct {
	hi, lo uint64 // 128-bit LCG state
	// scratch for the bulk samplers' vectorized passes, allocated on first
	// use (slices passed to the asm kernels would otherwise escape)
	scratch *rngScratch
}

type rngScratch struct {
	w             [2 * fillChunk]float64
	pIdx          [fillChunk]int32
	pU, pV, pLogV [fillChunk]float64
	pX2           [fillChunk]float64
	boost         [fillChunk]float64
}

func (g *RNG) buf() *rngScratch {
	if g.scratch == nil {
		g.scratch = new(rngScratch)
	}
	return g.scratch
}

// pcgNext steps the PCG-DXSM generator (the same stream as math/rand/v2's
// PCG with the same state): the 128-bit LCG state advances and the high
// word is scrambled into the output. It is a pure function of the state so
// that bulk samplers can keep the state in registers.
func pcgNext(hi, lo uint64) (out, nhi, nlo uint64) {
	const (
		mulHi = 2549297995355413924
		mulLo = 4865540595714422341
		incHi = 6364136223846793005
		incLo = 1442695040888963407
	)
	h, l := bits.Mul64(lo, mulLo)
	h += hi*mulLo + lo*mulHi
	l, c := bits.Add64(l, incLo, 0)
	h, _ = bits.Add64(h, incHi, c)
	const cheapMul = 0xda942042e4dd58b5
	out = h
	out ^= out >> 32
	out *= cheapMul
	out ^= out >> 48
	out *= l | 1
	return out, h, l
}

// next returns the next 64-bit word of the stream.
func (g *RNG) next() uint64 {
	out, h, l := pcgNext(g.hi, g.lo)
	g.hi, g.lo = h, l
	return out
}

// splitmix64 is the SplitMix64 finalizer, used to whiten seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// NewRNG returns a generator seeded with seed. Equal seeds give equal
// streams on every platform.
func NewRNG(seed uint64) *RNG {
	g := &RNG{}
	g.Seed(seed)
	return g
}

// Seed resets g to the stream NewRNG(seed) starts.
func (g *RNG) Seed(seed uint64) {
	g.hi, g.lo = splitmix64(seed), splitmix64(seed^0x6a09e667f3bcc909)
}

// Split returns a new generator whose stream is independent of g's, for
// giving each chain or goroutine its own stream. It advances g by two
// words, so a sequence of Splits from one seeded generator is
// deterministic. The child's 128-bit state is derived from those words
// through SplitMix64, so parent and child streams do not overlap in any
// practical sense.
func (g *RNG) Split() *RNG {
	h := &RNG{}
	g.SplitInto(h)
	return h
}

// SplitInto reseeds h as Split would have seeded a new generator
// (allocation-free form of Split).
func (g *RNG) SplitInto(h *RNG) {
	a, b := g.next(), g.next()
	h.hi, h.lo = splitmix64(a^0x243f6a8885a308d3), splitmix64(b^0x13198a2e03707344)
}

// Uint64 returns a uniformly random 64-bit value.
func (g *RNG) Uint64() uint64 { return g.next() }

// Float64 returns a uniform value in [0, 1) (53 random bits).
func (g *RNG) Float64() float64 { return float64(g.next()>>11) * 0x1p-53 }

// Float64Open returns a uniform value in the open interval (0, 1), safe
// to take the logarithm of.
func (g *RNG) Float64Open() float64 {
	return (float64(g.next()>>11) + 0.5) * 0x1p-53
}

// IntN returns a uniform integer in [0, n). It panics if n ≤ 0.
func (g *RNG) IntN(n int) int {
	if n <= 0 {
		panic("dist: RNG.IntN: n must be positive")
	}
	// Lemire's nearly-divisionless method.
	hi, lo := bits.Mul64(g.next(), uint64(n))
	if lo < uint64(n) {
		thresh := -uint64(n) % uint64(n)
		for lo < thresh {
			hi, lo = bits.Mul64(g.next(), uint64(n))
		}
	}
	return int(hi)
}

// Perm fills p with a uniformly random permutation of 0..len(p)-1.
func (g *RNG) Perm(p []int) {
	for i := range p {
		p[i] = i
	}
	g.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
}

// Shuffle permutes n elements uniformly (Fisher–Yates) using swap.
func (g *RNG) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, g.IntN(i+1))
	}
}

// ---------------------------------------------------------------------------
// ziggurats

// A 256-layer ziggurat for a monotone decreasing density f on [0, ∞).
// Layer i (0 ≤ i < 256) is drawn as x = U·w[i]; x < e[i] lies under the
// density in every case (fast path, ~99% of draws); layer 0 carries the
// tail beyond r; other layers resolve the wedge between f(x[i]) and
// f(x[i+1]).
type ziggurat struct {
	w  [256]float64 // layer widths (w[0] is the base width v/f(r))
	e  [256]float64 // e[i] = x[i+1]: below it a point is always accepted
	fx [257]float64 // f at the layer edges: fx[i] = f(x[i]), fx[256] = f(0)
	ws [256]float64 // w[i]·2⁻⁵³: scales a 53-bit integer to the layer
	k  [256]uint64  // ⌊2⁵³·e[i]/w[i]⌋: integer form of the fast-path test
	r  float64
}

func newZiggurat(r, v float64, f, finv func(float64) float64) *ziggurat {
	z := &ziggurat{r: r}
	var x [257]float64
	x[1] = r
	for i := 1; i < 255; i++ {
		x[i+1] = finv(v/x[i] + f(x[i]))
	}
	x[256] = 0
	x[0] = v / f(r)
	for i := 0; i < 256; i++ {
		z.w[i] = x[i]
		z.e[i] = x[i+1]
		z.fx[i] = f(x[i])
		z.ws[i] = x[i] * 0x1p-53
		z.k[i] = uint64(math.Floor(x[i+1] / x[i] * 0x1p53))
	}
	z.fx[0] = 0 // the base layer spans [0, f(r)]; only its tail is special
	z.fx[1] = f(r)
	z.fx[256] = f(0)
	return z
}

var (
	zigNorm = newZiggurat(3.6541528853610087963519472518,
		// v = r·f(r) + ∫_r^∞ f, f(x) = exp(-x²/2)
		3.6541528853610087963519472518*math.Exp(-0.5*3.6541528853610087963519472518*3.6541528853610087963519472518)+
			math.Sqrt(math.Pi/2)*math.Erfc(3.6541528853610087963519472518/math.Sqrt2),
		func(x float64) float64 { return math.Exp(-0.5 * x * x) },
		func(y float64) float64 { return math.Sqrt(-2 * math.Log(y)) })
	zigExp = newZiggurat(7.69711747013104971669,
		(7.69711747013104971669+1)*math.Exp(-7.69711747013104971669),
		func(x float64) float64 { return math.Exp(-x) },
		func(y float64) float64 { return -math.Log(y) })
)

// NormFloat64 returns a standard normal value (256-layer ziggurat).
func (g *RNG) NormFloat64() float64 {
	// bits 0-7 pick the layer, bit 8 is the sign, bits 11-63 the magnitude
	u := g.next()
	i := u & 255
	m := u >> 11
	if m < zigNorm.k[i] {
		return math.Float64frombits(math.Float64bits(float64(int64(m))*zigNorm.ws[i]) ^ (u&256)<<55)
	}
	return g.normSlow(u)
}

// normSlow finishes a normal draw whose first word u missed the ziggurat's
// fast path: the tail, the wedge test, and redraws.
func (g *RNG) normSlow(u uint64) float64 {
	z := zigNorm
	for {
		i := u & 255
		m := u >> 11
		x := float64(int64(m)) * z.ws[i]
		neg := u&256 != 0
		if m < z.k[i] {
			if neg {
				return -x
			}
			return x
		}
		if i == 0 {
			// tail beyond r (Marsaglia 1964)
			for {
				a := -math.Log(g.Float64Open()) / z.r
				b := -math.Log(g.Float64Open())
				if 2*b >= a*a {
					x = z.r + a
					break
				}
			}
		} else {
			// wedge: accept with probability (f(x) - f(x_i)) / (f(x_{i+1}) - f(x_i))
			y := z.fx[i] + g.Float64()*(z.fx[i+1]-z.fx[i])
			if y >= math.Exp(-0.5*x*x) {
				u = g.next()
				continue
			}
		}
		if neg {
			return -x
		}
		return x
	}
}

// ExpFloat64 returns a standard exponential value (256-layer ziggurat).
func (g *RNG) ExpFloat64() float64 {
	z := zigExp
	for {
		u := g.next()
		i := u & 255
		m := u >> 11
		if m < z.k[i] {
			return float64(int64(m)) * z.ws[i]
		}
		x := float64(int64(m)) * z.ws[i]
		if i == 0 {
			// memoryless tail
			return z.r + g.ExpFloat64()
		}
		y := z.fx[i] + g.Float64()*(z.fx[i+1]-z.fx[i])
		if y < math.Exp(-x) {
			return x
		}
	}
}

// pcgLeap advances the LCG state by two steps at once (multiplier mul²,
// increment inc·(mul+1), mod 2¹²⁸). Two interleaved states stepped this
// way produce exactly the sequential stream with two independent
// dependency chains, which doubles the bulk samplers' throughput.
func pcgLeap(hi, lo uint64) (nhi, nlo uint64) {
	const (
		mulHi = 1710491942223705148
		mulLo = 5953435361322512025
		incHi = 5220163216168088568
		incLo = 12402783752613479834
	)
	h, l := bits.Mul64(lo, mulLo)
	h += hi*mulLo + lo*mulHi
	l, c := bits.Add64(l, incLo, 0)
	h, _ = bits.Add64(h, incHi, c)
	return h, l
}

// pcgOut is PCG-DXSM's output function of a (new) state.
func pcgOut(hi, lo uint64) uint64 {
	const cheapMul = 0xda942042e4dd58b5
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	return hi * (lo | 1)
}

// fillBits fills dst with the next len(dst) words of the stream (as the
// bit patterns of float64s): exactly the words next would return, from two
// leap-frogged states held in registers.
func (g *RNG) fillBits(dst []float64) {
	if len(dst) == 0 {
		return
	}
	_, h0, l0 := pcgNext(g.hi, g.lo) // state of the first word
	_, h1, l1 := pcgNext(h0, l0)     // state of the second
	i := 0
	var hPrev, lPrev uint64
	for ; i+1 < len(dst); i += 2 {
		hPrev, lPrev = h1, l1
		dst[i] = math.Float64frombits(pcgOut(h0, l0))
		dst[i+1] = math.Float64frombits(pcgOut(h1, l1))
		h0, l0 = pcgLeap(h0, l0)
		h1, l1 = pcgLeap(h1, l1)
	}
	if i < len(dst) {
		dst[i] = math.Float64frombits(pcgOut(h0, l0))
		g.hi, g.lo = h0, l0
		return
	}
	// h0 has leapt past the last word's state: step h1's back is not
	// possible, but the last word came from the state before h1's leap.
	g.hi, g.lo = hPrev, lPrev
}

// fillChunk is the block size of the bulk samplers: random words for one
// block are generated first (a tight loop), then transformed in place.
const fillChunk = 256

// FillNormal fills dst with independent standard normal values, about
// twice as fast per value as calling NormFloat64 (the values differ): the
// random words of a block are generated first, the ziggurat's fast path
// runs over them without calls, and the ~1% of misses are finished after.
func (g *RNG) FillNormal(dst []float64) {
	z := zigNorm
	miss := &g.buf().pIdx
	for len(dst) > 0 {
		c := dst[:min(fillChunk, len(dst))]
		dst = dst[len(c):]
		g.fillBits(c)
		nm := 0
		for i, f := range c {
			u := math.Float64bits(f)
			k := u & 255
			m := u >> 11
			if m < z.k[k] {
				c[i] = math.Float64frombits(math.Float64bits(float64(int64(m))*z.ws[k]) ^ (u&256)<<55)
			} else {
				// keep the word in c[i] for the slow path below
				miss[nm] = int32(i)
				nm++
			}
		}
		for _, i := range miss[:nm] {
			c[i] = g.normSlow(math.Float64bits(c[i]))
		}
	}
}

// FillUniform fills dst with independent uniform values in [0, 1).
func (g *RNG) FillUniform(dst []float64) {
	for i := range dst {
		dst[i] = g.Float64()
	}
}

// ---------------------------------------------------------------------------
// continuous samplers

// samplerPanic reports an invalid sampler argument; the distributions check
// their parameters before sampling, so reaching it is a programming error.
func samplerPanic(routine, arg string, v float64) {
	Fail("RNG."+routine, arg, "invalid argument %v", v)
}

// Gamma returns a Gamma(alpha, 1) variate (shape alpha, unit rate) by
// Marsaglia and Tsang's squeeze method; for alpha < 1 it boosts a
// Gamma(alpha+1) draw by U^(1/alpha), computed in log space. Results that
// underflow are clamped to the smallest positive normal float64 (as
// PyTorch), so the value is always positive. It panics with *Error if
// alpha is not positive and finite.
func (g *RNG) Gamma(alpha float64) float64 {
	if alpha >= 1 {
		if alpha == math.Inf(1) {
			samplerPanic("Gamma", "alpha", alpha)
		}
		d := alpha - 1.0/3
		return g.gammaMT(d, 1/math.Sqrt(9*d))
	}
	if !(alpha > 0) {
		samplerPanic("Gamma", "alpha", alpha)
	}
	d := alpha + 1 - 1.0/3
	return g.gammaBoost(d, 1/math.Sqrt(9*d), 1/alpha)
}

// gammaBoost draws Gamma(alpha) for alpha < 1 as Gamma(alpha+1)·U^(1/alpha)
// (d, c are Marsaglia–Tsang's constants for alpha+1, inv = 1/alpha).
func (g *RNG) gammaBoost(d, c, inv float64) float64 {
	y := g.gammaMT(d, c)
	if inv < 16 {
		// U ≥ 2⁻⁵⁴ so U^(1/alpha) ≥ 2^(-54·16): no underflow
		return y * math.Exp(math.Log(g.Float64Open())*inv)
	}
	x := math.Exp(math.Log(y) + math.Log(g.Float64Open())*inv)
	if x < 0x1p-1022 {
		x = 0x1p-1022
	}
	return x
}

// gammaMT is Marsaglia–Tsang for alpha ≥ 1 with d = alpha-1/3, c = 1/√(9d).
func (g *RNG) gammaMT(d, c float64) float64 {
	for {
		x := g.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := g.Float64Open()
		x2 := x * x
		if u < 1-0.0331*x2*x2 {
			return d * v
		}
		if math.Log(u) < 0.5*x2+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// logGammaSmall returns log of a Gamma(alpha, 1) variate for 0 < alpha < 1
// without underflow: log G(alpha+1) + log(U)/alpha.
func (g *RNG) logGammaSmall(alpha float64) float64 {
	d := alpha + 1 - 1.0/3
	y := g.gammaMT(d, 1/math.Sqrt(9*d))
	return math.Log(y) + math.Log(g.Float64Open())/alpha
}

// LogGamma returns the logarithm of a Gamma(alpha, 1) variate. For small
// alpha it stays finite where the variate itself underflows (alpha = 1e-3
// gives values below 1e-300 with noticeable probability).
func (g *RNG) LogGamma(alpha float64) float64 {
	if alpha >= 1 {
		if alpha == math.Inf(1) {
			samplerPanic("LogGamma", "alpha", alpha)
		}
		d := alpha - 1.0/3
		return math.Log(g.gammaMT(d, 1/math.Sqrt(9*d)))
	}
	if !(alpha > 0) {
		samplerPanic("LogGamma", "alpha", alpha)
	}
	return g.logGammaSmall(alpha)
}

// FillGamma fills dst with independent Gamma(alpha, 1) variates, much
// faster per value than calling Gamma in a loop: the Marsaglia–Tsang
// constants are computed once, random words are generated in blocks, and
// the alpha < 1 boost U^(1/alpha) runs through the vectorized asm.Log and
// asm.Exp. It panics with *Error unless alpha is positive and finite.
func (g *RNG) FillGamma(dst []float64, alpha float64) {
	if !(alpha > 0) || math.IsInf(alpha, 1) {
		samplerPanic("FillGamma", "alpha", alpha)
	}
	if alpha >= 1 {
		d := alpha - 1.0/3
		g.fillGammaMT(dst, d, 1/math.Sqrt(9*d))
		return
	}
	d := alpha + 1 - 1.0/3
	c, inv := 1/math.Sqrt(9*d), 1/alpha
	tmp := &g.buf().boost
	for len(dst) > 0 {
		y := dst[:min(fillChunk, len(dst))]
		dst = dst[len(y):]
		g.fillGammaMT(y, d, c)
		u := tmp[:len(y)]
		g.fillBits(u)
		for i, f := range u {
			u[i] = (float64(math.Float64bits(f)>>11) + 0.5) * 0x1p-53
		}
		asm.Log(u, u)
		if inv < 16 {
			// U ≥ 2⁻⁵⁴, so U^(1/alpha) ≥ 2^(-54·16) does not underflow
			for i := range u {
				u[i] *= inv
			}
			asm.Exp(u, u)
			for i := range y {
				y[i] *= u[i]
			}
			continue
		}
		asm.Log(y, y)
		for i := range y {
			y[i] += u[i] * inv
		}
		asm.Exp(y, y)
		for i, v := range y {
			if v < 0x1p-1022 {
				y[i] = 0x1p-1022
			}
		}
	}
}

// fillGammaMT fills dst with Marsaglia–Tsang draws for constants d, c: two
// random words per value (normal, uniform) are generated per block; the
// logarithms of the second acceptance test (needed for about one value in
// ten) are batched through the vectorized asm.Log, and the rare rejections
// finish with the scalar loop.
func (g *RNG) fillGammaMT(dst []float64, d, c float64) {
	z := zigNorm
	sc := g.buf()
	w, pIdx, pU, pV, pLogV, pX2 := &sc.w, &sc.pIdx, &sc.pU, &sc.pV, &sc.pLogV, &sc.pX2
	for len(dst) > 0 {
		y := dst[:min(fillChunk, len(dst))]
		dst = dst[len(y):]
		g.fillBits(w[:2*len(y)])
		np := 0
		for i := range y {
			u := math.Float64bits(w[2*i])
			k := u & 255
			m := u >> 11
			var x float64
			if m < z.k[k] {
				x = math.Float64frombits(math.Float64bits(float64(int64(m))*z.ws[k]) ^ (u&256)<<55)
			} else {
				x = g.normSlow(u)
			}
			v := 1 + c*x
			if v <= 0 {
				y[i] = g.gammaMT(d, c)
				continue
			}
			v = v * v * v
			un := (float64(math.Float64bits(w[2*i+1])>>11) + 0.5) * 0x1p-53
			x2 := x * x
			y[i] = d * v
			if un >= 1-0.0331*x2*x2 {
				// squeeze failed: decide below with logarithms
				pIdx[np], pU[np], pV[np], pX2[np] = int32(i), un, v, x2
				np++
			}
		}
		if np == 0 {
			continue
		}
		asm.Log(pU[:np], pU[:np])
		asm.Log(pLogV[:np], pV[:np])
		for j := 0; j < np; j++ {
			if !(pU[j] < 0.5*pX2[j]+d*(1-pV[j]+pLogV[j])) {
				y[pIdx[j]] = g.gammaMT(d, c)
			}
		}
	}
}

// Beta returns a Beta(a, b) variate as X/(X+Y) with X ~ Gamma(a), Y ~
// Gamma(b); when either shape is below 1 the ratio is formed from the
// logarithms of the gamma variates, so tiny shapes give values near 0 or 1
// instead of 0/0. It panics with *Error unless a, b are positive and finite.
func (g *RNG) Beta(a, b float64) float64 {
	if a >= 1 && b >= 1 {
		x, y := g.Gamma(a), g.Gamma(b)
		return x / (x + y)
	}
	lx, ly := g.LogGamma(a), g.LogGamma(b)
	// x/(x+y) = σ(lx - ly)
	d := lx - ly
	if d >= 0 {
		return 1 / (1 + math.Exp(-d))
	}
	e := math.Exp(d)
	return e / (1 + e)
}

// Dirichlet fills dst with a Dirichlet(alpha) variate (len(dst) must equal
// len(alpha)), normalizing gamma variates; shapes below 1 are handled in
// log space so that the result is a proper simplex point even when every
// gamma variate would underflow. It panics with *Error on a length
// mismatch or a non-positive shape.
func (g *RNG) Dirichlet(dst, alpha []float64) {
	if len(dst) != len(alpha) {
		Fail("RNG.Dirichlet", "dst", "has length %d, alpha has %d", len(dst), len(alpha))
	}
	small := false
	for _, a := range alpha {
		if !(a > 0) || math.IsInf(a, 1) {
			samplerPanic("Dirichlet", "alpha", a)
		}
		if a < 1 {
			small = true
		}
	}
	if !small {
		s := 0.0
		for i, a := range alpha {
			dst[i] = g.Gamma(a)
			s += dst[i]
		}
		inv := 1 / s
		for i := range dst {
			dst[i] *= inv
		}
		return
	}
	m := math.Inf(-1)
	for i, a := range alpha {
		dst[i] = g.LogGamma(a)
		if dst[i] > m {
			m = dst[i]
		}
	}
	s := 0.0
	for i := range dst {
		dst[i] = math.Exp(dst[i] - m)
		s += dst[i]
	}
	inv := 1 / s
	for i := range dst {
		dst[i] *= inv
	}
}

// StudentT returns a standard Student's t variate with df degrees of
// freedom, Z·√(df/(2G)) with Z standard normal and G ~ Gamma(df/2).
// It panics with *Error unless df > 0.
func (g *RNG) StudentT(df float64) float64 {
	if !(df > 0) {
		samplerPanic("StudentT", "df", df)
	}
	z := g.NormFloat64()
	if math.IsInf(df, 1) {
		return z
	}
	return z * math.Sqrt(0.5*df/g.Gamma(0.5*df))
}

// Cauchy returns a standard Cauchy variate, tan(π(U-½)).
func (g *RNG) Cauchy() float64 {
	return math.Tan(math.Pi * (g.Float64Open() - 0.5))
}

// Laplace returns a standard Laplace variate (unit scale).
func (g *RNG) Laplace() float64 {
	u := g.Float64Open() - 0.5
	if u < 0 {
		return math.Log1p(2 * u)
	}
	return -math.Log1p(-2 * u)
}

// Logistic returns a standard logistic variate, log(U/(1-U)).
func (g *RNG) Logistic() float64 {
	u := g.Float64Open()
	return math.Log(u) - math.Log1p(-u)
}

// Gumbel returns a standard Gumbel variate, -log(-log U).
func (g *RNG) Gumbel() float64 {
	return -math.Log(-math.Log(g.Float64Open()))
}

// ---------------------------------------------------------------------------
// discrete samplers (values returned as float64 counts)

// Poisson returns a Poisson(lam) count. For lam < 10 it inverts the CDF by
// sequential search (one uniform); for lam ≥ 10 it uses Hörmann's
// transformed rejection with squeeze (PTRS, 1993), whose cost does not
// grow with lam. It panics with *Error unless lam ≥ 0 and finite.
func (g *RNG) Poisson(lam float64) float64 {
	if lam >= 10 {
		if math.IsInf(lam, 1) {
			samplerPanic("Poisson", "rate", lam)
		}
		return g.poissonPTRS(lam)
	}
	if !(lam >= 0) {
		samplerPanic("Poisson", "rate", lam)
	}
	if lam == 0 {
		return 0
	}
	p0 := math.Exp(-lam)
	for {
		u := g.Float64()
		p := p0
		k := 0.0
		for u > p {
			u -= p
			k++
			p *= lam / k
			if k > 200 { // rounding left u above the remaining mass: redraw
				break
			}
		}
		if k <= 200 {
			return k
		}
	}
}

func (g *RNG) poissonPTRS(lam float64) float64 {
	slam := math.Sqrt(lam)
	logLam := math.Log(lam)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	logInvAlpha := math.Log(1.1239 + 1.1328/(b-3.4))
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := g.Float64() - 0.5
		v := g.Float64Open()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lam + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+logInvAlpha-math.Log(a/(us*us)+b) <= -lam+k*logLam-lg {
			return k
		}
	}
}

// Binomial returns a Binomial(n, p) count (n a non-negative integer held
// in a float64, as PyTorch's total_count). For n·min(p, 1-p) < 10 it
// inverts the CDF; otherwise it uses Hörmann's BTRS transformed rejection
// (1993), whose cost is bounded in n. It panics with *Error for n not a
// non-negative integer or p outside [0, 1].
func (g *RNG) Binomial(n, p float64) float64 {
	if !(n >= 0) || n != math.Trunc(n) || math.IsInf(n, 1) {
		samplerPanic("Binomial", "total_count", n)
	}
	if !(p >= 0 && p <= 1) {
		samplerPanic("Binomial", "probs", p)
	}
	if n == 0 || p == 0 {
		return 0
	}
	if p == 1 {
		return n
	}
	if p > 0.5 {
		return n - g.binomialHalf(n, 1-p)
	}
	return g.binomialHalf(n, p)
}

// binomialHalf samples Binomial(n, p) for 0 < p ≤ ½.
func (g *RNG) binomialHalf(n, p float64) float64 {
	q := 1 - p
	if n*p < 10 {
		// inversion by sequential search from 0
		qn := math.Exp(n * math.Log1p(-p))
		r := p / q
		bound := math.Min(n, n*p+10*math.Sqrt(n*p*q+1))
		for {
			u := g.Float64()
			px := qn
			k := 0.0
			for u > px {
				u -= px
				k++
				if k > bound {
					break
				}
				px *= (n - k + 1) / k * r
			}
			if k <= bound {
				return k
			}
		}
	}
	spq := math.Sqrt(n * p * q)
	b := 1.15 + 2.53*spq
	a := -0.0873 + 0.0248*b + 0.01*p
	c := n*p + 0.5
	vr := 0.92 - 4.2/b
	alpha := (2.83 + 5.1/b) * spq
	lpq := math.Log(p / q)
	m := math.Floor((n + 1) * p)
	lm, _ := math.Lgamma(m + 1)
	lnm, _ := math.Lgamma(n - m + 1)
	h := lm + lnm
	for {
		u := g.Float64() - 0.5
		v := g.Float64Open()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + c)
		if k < 0 || k > n {
			continue
		}
		if us >= 0.07 && v <= vr {
			return k
		}
		lk, _ := math.Lgamma(k + 1)
		lnk, _ := math.Lgamma(n - k + 1)
		if math.Log(v*alpha/(a/(us*us)+b)) <= h-lk-lnk+(k-m)*lpq {
			return k
		}
	}
}

// Geometric returns the number of failures before the first success in
// Bernoulli(p) trials (PyTorch's Geometric), by inversion. It panics with
// *Error unless 0 < p ≤ 1.
func (g *RNG) Geometric(p float64) float64 {
	if !(p > 0 && p <= 1) {
		samplerPanic("Geometric", "probs", p)
	}
	if p == 1 {
		return 0
	}
	return math.Floor(math.Log(g.Float64Open()) / math.Log1p(-p))
}

// Categorical returns an index drawn with probability proportional to
// probs[i] (non-negative weights, not necessarily normalized), by inversion
// over the running sum. It panics with *Error if probs is empty, has a
// negative or NaN entry, or sums to zero.
func (g *RNG) Categorical(probs []float64) int {
	s := 0.0
	for _, p := range probs {
		if !(p >= 0) {
			samplerPanic("Categorical", "probs", p)
		}
		s += p
	}
	if !(s > 0) || math.IsInf(s, 1) {
		Fail("RNG.Categorical", "probs", "weights must have a positive finite sum, got %v", s)
	}
	u := g.Float64() * s
	last := 0
	for i, p := range probs {
		if p > 0 {
			last = i
			if u < p {
				return i
			}
			u -= p
		}
	}
	return last // rounding: u landed past the final positive weight
}

// CategoricalLogits returns an index drawn with probability proportional
// to exp(logits[i]). -Inf entries have probability zero. It panics with
// *Error if logits is empty, has a NaN or +Inf, or is all -Inf.
func (g *RNG) CategoricalLogits(logits []float64) int {
	m := math.Inf(-1)
	for _, l := range logits {
		if math.IsNaN(l) || math.IsInf(l, 1) {
			samplerPanic("CategoricalLogits", "logits", l)
		}
		if l > m {
			m = l
		}
	}
	if math.IsInf(m, -1) {
		Fail("RNG.CategoricalLogits", "logits", "every logit is -Inf (or there are none)")
	}
	s := 0.0
	for _, l := range logits {
		s += math.Exp(l - m)
	}
	u := g.Float64() * s
	last := 0
	for i, l := range logits {
		if p := math.Exp(l - m); p > 0 {
			last = i
			if u < p {
				return i
			}
			u -= p
		}
	}
	return last
}
