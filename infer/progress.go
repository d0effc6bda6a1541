package infer

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gyro-ppl/gyro/infer/mcmc"
)

// progress is MCMC's progress bar: chains publish their counters with
// atomics (no locks on the sampling path) and one goroutine redraws the
// bar a few times a second.
type progress struct {
	w      io.Writer
	total  int
	warmup int
	chains []chainProgress
	quit   chan struct{}
	wg     sync.WaitGroup
	t0     time.Time
}

type chainProgress struct {
	iter atomic.Int64
	div  atomic.Int64
	eps  atomic.Uint64 // float64 bits
	_    [40]byte      // keep chains' counters on separate cache lines
}

// newProgress returns nil (a no-op bar) unless opts ask for one and the
// output is a terminal (or ForceProgress is set).
func newProgress(opts MCMCOptions, chains int) *progress {
	if !opts.Progress {
		return nil
	}
	w := opts.ProgressTo
	if w == nil {
		w = os.Stderr
	}
	if !opts.ForceProgress {
		f, ok := w.(*os.File)
		if !ok {
			return nil
		}
		fi, err := f.Stat()
		if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			return nil
		}
	}
	return &progress{w: w, total: opts.NumWarmup + opts.NumSamples, warmup: opts.NumWarmup, chains: make([]chainProgress, chains)}
}

func (p *progress) update(c, iter int, st mcmc.Stats, warm bool) {
	if p == nil {
		return
	}
	cp := &p.chains[c]
	cp.iter.Store(int64(iter))
	if st.Divergent && !warm {
		cp.div.Add(1)
	}
	cp.eps.Store(math.Float64bits(st.StepSize))
}

// start launches the redraw goroutine and returns the function that stops
// it (drawing the final state and a newline).
func (p *progress) start() func() {
	if p == nil {
		return func() {}
	}
	p.quit = make(chan struct{})
	p.t0 = time.Now()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.quit:
				p.draw(true)
				return
			case <-tick.C:
				p.draw(false)
			}
		}
	}()
	return func() {
		close(p.quit)
		p.wg.Wait()
	}
}

func (p *progress) draw(final bool) {
	// One short line for all chains (so it never wraps on an 80-column
	// terminal): the slowest chain's progress, the total rate, each
	// chain's step size and the divergences.
	el := time.Since(p.t0).Seconds()
	minIt, sumIt := p.total, 0
	var div int64
	var eps strings.Builder
	for c := range p.chains {
		cp := &p.chains[c]
		it := int(cp.iter.Load())
		minIt = min(minIt, it)
		sumIt += it
		div += cp.div.Load()
		if c < 4 {
			fmt.Fprintf(&eps, " %.2g", math.Float64frombits(cp.eps.Load()))
		} else if c == 4 {
			eps.WriteString(" …")
		}
	}
	phase := "sample"
	if minIt < p.warmup {
		phase = "warmup"
	}
	const width = 20
	fill := width * minIt / max(p.total, 1)
	rate := 0.0
	if el > 0 {
		rate = float64(sumIt) / el
	}
	line := fmt.Sprintf("%s [%s%s] %d/%d %.0f it/s step%s div %d",
		phase, strings.Repeat("#", fill), strings.Repeat(" ", width-fill), minIt, p.total, rate, eps.String(), div)
	if final {
		fmt.Fprintf(p.w, "\r%s\n", line)
	} else {
		fmt.Fprintf(p.w, "\r%s\033[K", line)
	}
}
