package dist

import (
	"math"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/dist/constraints"
)

// VonMisesDist is the von Mises (circular normal) distribution (Pyro's
// VonMises(loc, concentration)). Values and Loc are angles in radians and
// may be any real number (they are interpreted modulo 2π); samples lie in
// [-π, π).
type VonMisesDist struct {
	Loc, Concentration ad.V
	uvBase
}

var vonMisesPool = NewPool[VonMisesDist]()

// VonMises returns VonMises(loc, concentration); concentration must be
// positive.
func VonMises(loc, concentration ad.V) *VonMisesDist {
	d := vonMisesPool.Get(loc.Tape())
	d.init("VonMises", loc, concentration)
	uvCheck("VonMises", "loc", loc, uvFiniteReal, "finite")
	uvCheck("VonMises", "concentration", concentration, uvPositive, "positive")
	d.Loc, d.Concentration = loc, concentration
	return d
}

// Name is Pyro's class name.
func (d *VonMisesDist) Name() string { return "VonMises" }

// Support is the set of values LogProb accepts.
func (d *VonMisesDist) Support() constraints.Constraint { return constraints.Real }

// HasRSample reports whether RSample is available.
func (d *VonMisesDist) HasRSample() bool { return false }

func vonMisesK(in [4]float64, need uint8, m *uvMemo) (float64, [4]float64) {
	dx, k := in[0]-in[1], in[2]
	var g [4]float64
	c := math.Cos(dx)
	if need&3 != 0 {
		s := math.Sin(dx)
		g[0] = -k * s
		g[1] = k * s
	}
	if need&4 != 0 {
		g[2] = c - m.get(1, k, 0, uvI1I0m)
	}
	// κ cos(x-μ) - log(2π I₀(κ)), with log I₀ computed exactly (PyTorch uses
	// a polynomial approximation good to about 1e-7).
	return k*c - uvLog2PiConst - m.get(0, k, 0, uvLogI0m), g
}

func uvLogI0m(k, _ float64) float64 { return uvLogI0(k) }
func uvI1I0m(k, _ float64) float64  { return uvI1I0(k) }

const uvLog2PiConst = 1.83787706640934548356065947281123527972279494727556

// LogProb is κ·cos(x - loc) - log(2π·I₀(κ)).
func (d *VonMisesDist) LogProb(x ad.V) ad.V {
	return uvFused(d, &d.memo, vonMisesK, realSupport, [4]ad.V{x, d.Loc, d.Concentration}, 3)
}

// vonMisesDraw is Best and Fisher's (1979) rejection sampler.
func vonMisesDraw(rng *RNG, in [4]float64) float64 {
	loc, k := in[0], in[1]
	var r float64
	if k < 1e-5 {
		r = 1/k + k
	} else {
		tau := 1 + math.Sqrt(1+4*k*k)
		rho := (tau - math.Sqrt(2*tau)) / (2 * k)
		r = (1 + rho*rho) / (2 * rho)
	}
	var f float64
	for {
		u1, u2 := rng.Float64(), rng.Float64()
		z := math.Cos(math.Pi * u1)
		f = (1 + r*z) / (r + z)
		c := k * (r - f)
		if c*(2-c)-u2 > 0 || (u2 > 0 && math.Log(c/u2)+1-c >= 0) {
			break
		}
	}
	th := math.Acos(math.Max(-1, math.Min(1, f)))
	if rng.Float64() < 0.5 {
		th = -th
	}
	a := math.Mod(th+loc+math.Pi, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a - math.Pi
}

// Sample draws angles in [-π, π) of shape sampleShape + batch.
func (d *VonMisesDist) Sample(rng *RNG, sampleShape ...int) ad.V {
	return uvDraw(d.t, rng, sampleShape, d.batch.Slice(), [4]ad.V{d.Loc, d.Concentration}, 2, vonMisesDraw)
}

// RSample panics: VonMises has no reparameterized sampler (as PyTorch).
func (d *VonMisesDist) RSample(rng *RNG, sampleShape ...int) ad.V {
	uvNoRSample(d.Name())
	return ad.V{}
}

// Mean is loc (the circular mean).
func (d *VonMisesDist) Mean() ad.V { return d.expand(d.Loc) }

func uvI1I0Map(in [4]float64) float64 { return 1 - uvI1I0(in[0]) }

// Variance is the circular variance 1 - I₁(κ)/I₀(κ) (constant: no gradient).
func (d *VonMisesDist) Variance() ad.V {
	return uvMap(d.t, d.batch.Slice(), [4]ad.V{d.Concentration}, 1, uvI1I0Map)
}

// Expand broadcasts the parameters to batchShape.
func (d *VonMisesDist) Expand(batchShape ...int) Distribution {
	t := d.t
	return VonMises(t.Expand(d.Loc, batchShape...), t.Expand(d.Concentration, batchShape...))
}
