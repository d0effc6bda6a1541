package mcmc

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gyro-ppl/gyro/blas"
)

// metric is a Euclidean metric: a diagonal or dense inverse mass matrix
// M⁻¹ and what sampling momenta p ~ N(0, M) needs.
type metric struct {
	d     int
	dense bool
	// diag: inv[i] = M⁻¹ᵢᵢ and sd[i] = 1/sqrt(inv[i]).
	// dense: inv is M⁻¹ (d×d, row-major) and chol is its lower Cholesky
	// factor L (M⁻¹ = L Lᵀ); momenta are p = L⁻ᵀ u with u ~ N(0, I).
	inv     []float64
	sd      []float64
	chol    []float64
	scratch []float64 // dense: d*d workspace for setInverse
	tmp     []float64 // dense: d workspace for kinetic
}

func newMetric(d int, dense bool) *metric {
	m := &metric{d: d, dense: dense}
	if dense {
		m.inv = make([]float64, d*d)
		m.chol = make([]float64, d*d)
		m.scratch = make([]float64, d*d)
		m.tmp = make([]float64, d)
		for i := 0; i < d; i++ {
			m.inv[i*d+i] = 1
			m.chol[i*d+i] = 1
		}
	} else {
		m.inv = make([]float64, d)
		m.sd = make([]float64, d)
		for i := range m.inv {
			m.inv[i] = 1
			m.sd[i] = 1
		}
	}
	return m
}

// setInverse installs a new inverse mass matrix (length d for diagonal,
// d*d for dense), checking it is usable.
func (m *metric) setInverse(inv []float64) error {
	if m.dense {
		if len(inv) != m.d*m.d {
			return errors.New("mcmc: dense inverse mass matrix must have dim*dim entries")
		}
		// Accept rounding-level asymmetry; use the symmetric part.
		d := m.d
		sym := m.scratch
		for i := 0; i < d; i++ {
			for j := 0; j <= i; j++ {
				a, b := inv[i*d+j], inv[j*d+i]
				if math.IsNaN(a) || math.IsInf(a, 0) || math.IsNaN(b) || math.IsInf(b, 0) {
					return fmt.Errorf("mcmc: dense inverse mass matrix has a non-finite entry at (%d, %d)", i, j)
				}
				if math.Abs(a-b) > 1e-10*math.Max(math.Abs(a), math.Abs(b)) {
					return fmt.Errorf("mcmc: dense inverse mass matrix is not symmetric at (%d, %d): %v vs %v", i, j, a, b)
				}
				sym[i*d+j] = 0.5 * (a + b)
				sym[j*d+i] = sym[i*d+j]
			}
		}
		if err := cholesky(m.chol, sym, d); err != nil {
			return err
		}
		copy(m.inv, sym)
		return nil
	}
	if len(inv) != m.d {
		return errors.New("mcmc: diagonal inverse mass matrix must have dim entries")
	}
	for i, v := range inv {
		if !(v > 0) || math.IsInf(v, 0) {
			return errors.New("mcmc: diagonal inverse mass matrix entries must be positive and finite")
		}
		m.inv[i] = v
		m.sd[i] = 1 / math.Sqrt(v)
	}
	return nil
}

// cholesky writes the lower Cholesky factor of the symmetric d×d matrix a
// into l (both row-major).
func cholesky(l, a []float64, d int) error {
	clear(l)
	for j := 0; j < d; j++ {
		s := a[j*d+j]
		for k := 0; k < j; k++ {
			s -= l[j*d+k] * l[j*d+k]
		}
		if !(s > 0) || math.IsInf(s, 0) {
			return errors.New("mcmc: dense inverse mass matrix is not positive definite")
		}
		ljj := math.Sqrt(s)
		l[j*d+j] = ljj
		for i := j + 1; i < d; i++ {
			s := a[i*d+j]
			for k := 0; k < j; k++ {
				s -= l[i*d+k] * l[j*d+k]
			}
			l[i*d+j] = s / ljj
		}
	}
	return nil
}

// kinetic returns ½ pᵀ M⁻¹ p.
func (m *metric) kinetic(p []float64) float64 {
	var s float64
	if m.dense {
		blas.Dgemv(blas.NoTrans, m.d, m.d, 1, m.inv, m.d, p, 1, 0, m.tmp, 1)
		for i, v := range m.tmp {
			s += p[i] * v
		}
		return 0.5 * s
	}
	for i, v := range m.inv {
		s += v * p[i] * p[i]
	}
	return 0.5 * s
}

// sharp writes p♯ = M⁻¹ p into dst.
func (m *metric) sharp(dst, p []float64) {
	if m.dense {
		blas.Dgemv(blas.NoTrans, m.d, m.d, 1, m.inv, m.d, p, 1, 0, dst, 1)
		return
	}
	for i, v := range m.inv {
		dst[i] = v * p[i]
	}
}

// addSharp performs q += eps · M⁻¹ p.
func (m *metric) addSharp(q []float64, eps float64, p []float64) {
	if m.dense {
		blas.Dgemv(blas.NoTrans, m.d, m.d, eps, m.inv, m.d, p, 1, 1, q, 1)
		return
	}
	for i, v := range m.inv {
		q[i] += eps * v * p[i]
	}
}

// sampleMomentum draws p ~ N(0, M).
func (m *metric) sampleMomentum(rng *rand.Rand, p []float64) {
	if m.dense {
		// Solve Lᵀ p = u by back substitution.
		d := m.d
		for i := range p {
			p[i] = rng.NormFloat64()
		}
		for i := d - 1; i >= 0; i-- {
			s := p[i]
			for k := i + 1; k < d; k++ {
				s -= m.chol[k*d+i] * p[k]
			}
			p[i] = s / m.chol[i*d+i]
		}
		return
	}
	for i, s := range m.sd {
		p[i] = s * rng.NormFloat64()
	}
}
