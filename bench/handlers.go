package bench

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gyro-ppl/gyro/dist"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

// PyroTrace100Micros is Pyro's time to trace the 100-site chain model and
// sum its log densities, 7,960 µs, as quoted in gyro's issue 8 (a constant
// from the issue text, not measured on this machine).
const PyroTrace100Micros = 7960.0

var chainNames = func() []string {
	n := make([]string, 100)
	for i := range n {
		n[i] = "z" + strconv.Itoa(i)
	}
	return n
}()

// Chain100 is the handler benchmark's model: 100 scalar sites
// z_i ~ Normal(z_{i−1}, 1), z_0 ~ Normal(0, 1).
func Chain100(r *poutine.Runtime) {
	prev := r.Scalar(0)
	one := r.Scalar(1)
	for i := 0; i < 100; i++ {
		prev = r.Sample(chainNames[i], dist.Normal(prev, one))
	}
}

// Chain100Five is Chain100 under five pass-through handlers (scale 1,
// mask true, condition and substitute on a site the model lacks, block
// hiding a site the model lacks): every message visits five handlers and
// the result is unchanged.
func Chain100Five() poutine.Model {
	none := map[string]*tensor.Dense{"absent": tensor.New(nil, []float64{0})}
	m := poutine.Block(Chain100, &poutine.BlockHandler{Hide: []string{"absent"}})
	m = poutine.Substitute(m, none)
	m = poutine.Condition(m, none)
	m = poutine.Mask(m, true)
	return poutine.Scale(m, 1)
}

// HandlerCalls returns the handler group's operations on their own
// runtimes, for the table and for go test -bench: trace + log_prob_sum of
// Chain100; a guide trace then trace(replay(condition(Chain100))) +
// log_prob_sum; and Chain100 run bare with an empty handler stack and
// under five handlers.
func HandlerCalls() (trace, replay, bare, five func() error) {
	r1 := poutine.NewRuntime(1)
	tc := poutine.TraceOf(Chain100)
	trace = func() error {
		r1.Reset()
		tr, err := tc.Get(r1)
		if err != nil {
			return err
		}
		tr.LogProbSum(r1.Tape, nil)
		return nil
	}

	r2 := poutine.NewRuntime(2)
	guide := poutine.TraceOf(Chain100)
	data := map[string]*tensor.Dense{"z99": tensor.New(nil, []float64{0.5})}
	model := poutine.TraceOf(poutine.Replay(poutine.Condition(Chain100, data), guide.Trace()))
	replay = func() error {
		r2.Reset()
		if _, err := guide.Get(r2); err != nil {
			return err
		}
		tr, err := model.Get(r2)
		if err != nil {
			return err
		}
		tr.LogProbSum(r2.Tape, nil)
		return nil
	}

	r3 := poutine.NewRuntime(3)
	bare = func() error {
		r3.Reset()
		return poutine.Catch(func() { Chain100(r3) })
	}
	r4 := poutine.NewRuntime(4)
	m5 := Chain100Five()
	five = func() error {
		r4.Reset()
		return poutine.Catch(func() { m5(r4) })
	}
	return
}

// must turns an operation that can fail into a timed call; the error is
// kept for the caller to report after timing.
func must(f func() error, errp *error) func() {
	return func() {
		if err := f(); err != nil && *errp == nil {
			*errp = err
		}
	}
}

// HandlersTable runs the handlers group.
func HandlersTable(opt Options) (*Table, error) {
	trace, replay, bare, five := HandlerCalls()
	var err error
	opt.logf("100-site chain: trace, replay(condition), bare and five handlers…")
	rounds, batch := opt.timing()
	tm := TimeCalls([]func(){must(trace, &err), must(replay, &err), must(bare, &err), must(five, &err)},
		make([]bool, 4), rounds, batch)
	if err != nil {
		return nil, fmt.Errorf("bench: handlers: %w", err)
	}
	pyro := PyroTrace100Micros * 1e3
	const pyroName = "Pyro trace + log_prob_sum (7,960 µs: issue constant, not measured)"
	rows := []Comparison{
		{Name: "trace + log_prob_sum", Size: "100 sites", Unit: "ns", Gyro: tm[0].NsPerOp, Ref: pyro, RefName: pyroName, AllocsPerOp: tm[0].AllocsPerOp},
		{Name: "guide trace, then trace(replay(condition)) + log_prob_sum", Size: "100 sites", Unit: "ns", Gyro: tm[1].NsPerOp, Ref: pyro,
			RefName: "Pyro trace + log_prob_sum alone (issue constant)", AllocsPerOp: tm[1].AllocsPerOp},
		{Name: "per site: model run, empty handler stack", Size: "100 sites", Unit: "ns", Gyro: tm[2].NsPerOp / 100, Ref: pyro / 100,
			RefName: "Pyro per site of a trace (issue constant ÷ 100)", AllocsPerOp: tm[2].AllocsPerOp},
		{Name: "per site: model run under 5 handlers", Size: "100 sites", Unit: "ns", Gyro: tm[3].NsPerOp / 100, Ref: tm[2].NsPerOp / 100,
			RefName: "gyro per site, empty stack (row above)", AllocsPerOp: tm[3].AllocsPerOp},
	}
	return ComparisonTable("handlers", "Effect handlers: the 100-site chain z_i ~ Normal(z_{i-1}, 1)", rows,
		fmt.Sprintf("time: median over %d interleaved rounds of ~%v batches", rounds, batch),
		"5 handlers: scale(1), mask(true), condition and substitute of an absent site, block of an absent site (pass-through)",
		"Pyro's figure is a constant quoted in the issue text (Pyro on CPython, its own machine): read the ratio as an order of magnitude"), nil
}

func init() {
	register(Group{
		Name:   "handlers",
		Help:   "effect-handler overhead on a 100-site model: trace, replay+condition, per-site cost with 0 and 5 handlers (vs Pyro's 7,960 µs trace)",
		Budget: 10 * time.Second,
		Run: func(opt Options) ([]*Table, error) {
			t, err := HandlersTable(opt)
			if err != nil {
				return nil, err
			}
			return []*Table{t}, nil
		},
	})
}
