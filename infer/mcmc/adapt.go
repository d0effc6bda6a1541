package mcmc

import (
	"errors"
	"math"

	"github.com/gyro-ppl/gyro/blas"
)

// dualAveraging is Nesterov dual averaging of log ε (Hoffman & Gelman
// 2014) exactly as Stan's stepsize_adaptation.
type dualAveraging struct {
	mu, delta, gamma, kappa, t0 float64
	counter                     float64
	sBar, xBar                  float64
}

func (a *dualAveraging) restart() { a.counter, a.sBar, a.xBar = 0, 0, 0 }

// learn updates the running averages with one acceptance statistic and
// returns the next step size exp(x).
func (a *dualAveraging) learn(acceptStat float64) float64 {
	a.counter++
	if acceptStat > 1 {
		acceptStat = 1
	}
	eta := 1 / (a.counter + a.t0)
	a.sBar = (1-eta)*a.sBar + eta*(a.delta-acceptStat)
	x := a.mu - a.sBar*math.Sqrt(a.counter)/a.gamma
	xEta := math.Pow(a.counter, -a.kappa)
	a.xBar = (1-xEta)*a.xBar + xEta*x
	return math.Exp(x)
}

// final is the step size used after warm-up, exp(x̄).
func (a *dualAveraging) final() float64 { return math.Exp(a.xBar) }

// windows is Stan's windowed_adaptation schedule: an initial fast buffer,
// slow windows doubling in length from a base window, and a terminal fast
// buffer; the last slow window is stretched to the terminal buffer.
type windows struct {
	numWarmup              int
	initBuf, termBuf, base int
	counter                int
	size, next             int
	active                 bool // false when no metric adaptation happens
}

// newWindows sets the schedule as Stan's set_window_params: no adaptation
// for fewer than 20 warm-up iterations; when the three stages do not fit,
// they are rescaled to 15% / 75% / 10% of the warm-up (truncated to whole
// iterations). Stan's code path for the rescaled case forgets to restart
// the window counter, which leaves the metric unadapted; gyro restarts it,
// which is what the documented behaviour describes.
func newWindows(numWarmup, initBuf, termBuf, base int) windows {
	w := windows{numWarmup: numWarmup}
	if numWarmup < 20 {
		return w
	}
	if initBuf+base+termBuf > numWarmup {
		initBuf = int(0.15 * float64(numWarmup))
		termBuf = int(0.10 * float64(numWarmup))
		base = numWarmup - (initBuf + termBuf)
	}
	w.initBuf, w.termBuf, w.base = initBuf, termBuf, base
	w.size = base
	w.next = initBuf + base - 1
	w.active = true
	return w
}

func (w *windows) inWindow() bool {
	return w.active && w.counter >= w.initBuf && w.counter < w.numWarmup-w.termBuf && w.counter != w.numWarmup
}

func (w *windows) endOfWindow() bool {
	return w.active && w.counter == w.next && w.counter != w.numWarmup
}

func (w *windows) computeNext() {
	last := w.numWarmup - w.termBuf - 1
	if w.next == last {
		return
	}
	w.size *= 2
	w.next = w.counter + w.size
	if w.next == last {
		return
	}
	if w.next+2*w.size >= w.numWarmup-w.termBuf {
		w.next = last
	}
}

// welford accumulates the sample mean and (co)variance of positions.
type welford struct {
	d     int
	dense bool
	n     float64
	mean  []float64
	m2    []float64 // d (diag) or d*d (dense)
	delta []float64
	dev   []float64 // dense: q − updated mean
}

func newWelford(d int, dense bool) *welford {
	w := &welford{d: d, dense: dense, mean: make([]float64, d), delta: make([]float64, d)}
	if dense {
		w.m2 = make([]float64, d*d)
		w.dev = make([]float64, d)
	} else {
		w.m2 = make([]float64, d)
	}
	return w
}

func (w *welford) restart() {
	w.n = 0
	clear(w.mean)
	clear(w.m2)
}

func (w *welford) add(q []float64) {
	w.n++
	for i, v := range q {
		w.delta[i] = v - w.mean[i]
		w.mean[i] += w.delta[i] / w.n
	}
	if w.dense {
		// m2 += (q − mean_new)(q − mean_old)ᵀ, a rank-one update.
		for i, v := range q {
			w.dev[i] = v - w.mean[i]
		}
		blas.Dger(w.d, w.d, 1, w.dev, 1, w.delta, 1, w.m2, w.d)
		return
	}
	for i, v := range q {
		w.m2[i] += (v - w.mean[i]) * w.delta[i]
	}
}

// regularized writes Stan's regularized estimate
// (n/(n+5))·Σ̂ + 1e-3·(5/(n+5))·I into dst, Σ̂ the unbiased sample
// (co)variance.
func (w *welford) regularized(dst []float64) error {
	n := w.n
	if n < 2 {
		return errors.New("mcmc: metric adaptation window holds fewer than 2 draws")
	}
	scale := n / (n + 5) / (n - 1)
	shrink := 1e-3 * 5 / (n + 5)
	for i, v := range w.m2 {
		dst[i] = scale * v
	}
	if w.dense {
		d := w.d
		for i := 0; i < d; i++ {
			dst[i*d+i] += shrink
		}
		// Symmetrize against rounding.
		for i := 0; i < d; i++ {
			for j := 0; j < i; j++ {
				m := 0.5 * (dst[i*d+j] + dst[j*d+i])
				dst[i*d+j], dst[j*d+i] = m, m
			}
		}
	} else {
		for i := range dst {
			dst[i] += shrink
		}
	}
	for _, v := range dst {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("mcmc: numerical overflow in metric adaptation (extreme values on the unconstrained space: is the posterior improper or too wide?)")
		}
	}
	return nil
}
