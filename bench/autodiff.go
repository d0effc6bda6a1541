package bench

import (
	"fmt"
	"time"

	ad "github.com/gyro-ppl/gyro/autodiff"
	"github.com/gyro-ppl/gyro/examples/models"
)

// SyntheticLogReg returns the seeded synthetic logistic-regression data of
// the benchmarks (examples/models.SyntheticLogReg with seed 1) wrapped as a
// LogReg.
func SyntheticLogReg(n, d int) (*LogReg, *models.LogRegData, error) {
	data, _, err := models.SyntheticLogReg(n, d, 1)
	if err != nil {
		return nil, nil, err
	}
	m, err := NewLogReg(data.N, data.D, data.X, data.Y)
	return m, data, err
}

// logRegSize is the size of the logistic-regression benchmarks: N=10000,
// D=50 (quick: N=1000, D=10).
func logRegSize(quick bool) (n, d int) {
	if quick {
		return 1000, 10
	}
	return 10000, 50
}

func sizeLabel(n, d int) string { return fmt.Sprintf("N=%d D=%d", n, d) }

// AutodiffTable runs the autodiff group: the tape's gradient of the
// logistic-regression log density against the hand-written floors, the
// eight-schools gradient against its hand-written twin, and the per-op cost
// of a chain of 100 scalar ops.
func AutodiffTable(opt Options) (*Table, error) {
	n, d := logRegSize(opt.Quick)
	m, _, err := SyntheticLogReg(n, d)
	if err != nil {
		return nil, err
	}
	x := LogRegPoint(d)
	gT, gF := make([]float64, len(x)), make([]float64, len(x))
	tp := ad.NewTape()
	size := sizeLabel(n, d)
	var rows []Comparison

	opt.logf("logistic regression gradient, %s…", size)
	tape := func() { m.Tape(tp, x, gT) }
	floor := func() { m.Floor(x, gF) }
	fused := func() { m.FloorFused(x, gF) }
	rounds, batch := opt.timing()
	tm := TimeCalls([]func(){tape, floor, fused}, []bool{false, false, false}, rounds, batch)
	rows = append(rows,
		Comparison{Name: "logistic regression: tape value+gradient", Size: size, Unit: "ns", Gyro: tm[0].NsPerOp,
			Ref: tm[1].NsPerOp, RefName: "hand-written floor (asm gemv, vectorized softplus/sigmoid)", AllocsPerOp: tm[0].AllocsPerOp},
		Comparison{Name: "logistic regression: tape value+gradient", Size: size, Unit: "ns", Gyro: tm[0].NsPerOp,
			Ref: tm[2].NsPerOp, RefName: "hand-written, one pass over X in L1 blocks", AllocsPerOp: tm[0].AllocsPerOp})

	opt.logf("eight schools gradient…")
	es := EightSchoolsPoint
	g1, g2 := make([]float64, len(es)), make([]float64, len(es))
	a, b := timePair(opt, func() { ad.ValueAndGrad(tp, EightSchoolsTape, es, g1) }, func() { EightSchoolsHand(es, g2) })
	rows = append(rows, Comparison{Name: "eight schools NC: tape value+gradient", Size: "10 params", Unit: "ns",
		Gyro: a.NsPerOp, Ref: b.NsPerOp, RefName: "hand-written Go gradient", AllocsPerOp: a.AllocsPerOp})

	opt.logf("100 scalar ops chain…")
	xc := []float64{0.3, 0.9}
	gc1, gc2, buf := make([]float64, 2), make([]float64, 2), make([]float64, 50)
	a, b = timePair(opt, func() { ad.ValueAndGrad(tp, ScalarChainTape, xc, gc1) }, func() { ScalarChainHand(xc, gc2, buf) })
	rows = append(rows, Comparison{Name: "100 scalar ops (mul, tanh, add, mulconst): forward+backward per op", Size: "100 ops", Unit: "ns",
		Gyro: a.NsPerOp / 100, Ref: b.NsPerOp / 100, RefName: "hand-written forward+reverse pass", AllocsPerOp: a.AllocsPerOp})

	// The figures compared must be the same function: check before reporting.
	if err := sameGrad("logistic regression", m.Tape(tp, x, gT), m.Floor(x, gF), gT, gF, 1e-9); err != nil {
		return nil, err
	}
	if err := sameGrad("eight schools", ad.ValueAndGrad(tp, EightSchoolsTape, es, g1), EightSchoolsHand(es, g2), g1, g2, 1e-10); err != nil {
		return nil, err
	}
	if err := sameGrad("scalar chain", ad.ValueAndGrad(tp, ScalarChainTape, xc, gc1), ScalarChainHand(xc, gc2, buf), gc1, gc2, 1e-10); err != nil {
		return nil, err
	}
	return ComparisonTable("autodiff", "Autodiff: tape gradients vs hand-written gradients (same function, same run)", rows,
		fmt.Sprintf("time: median over %d interleaved rounds of ~%v batches; the tape figure includes recording the graph", rounds, batch),
		"the hand-written gradients are checked equal to the tape's before the table is printed"), nil
}

// sameGrad reports an error when two evaluations of one density disagree.
func sameGrad(name string, v1, v2 float64, g1, g2 []float64, tol float64) error {
	close := func(a, b float64) bool { return abs(a-b) <= tol*(1+abs(a)+abs(b)) }
	if !close(v1, v2) {
		return fmt.Errorf("bench: %s: tape value %v, hand-written %v", name, v1, v2)
	}
	for i := range g1 {
		if !close(g1[i], g2[i]) {
			return fmt.Errorf("bench: %s: tape grad[%d] = %v, hand-written %v", name, i, g1[i], g2[i])
		}
	}
	return nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func init() {
	register(Group{
		Name:   "autodiff",
		Help:   "tape gradients (logistic regression N=10000 D=50, eight schools, 100 scalar ops) vs hand-written floors",
		Budget: 15 * time.Second,
		Run: func(opt Options) ([]*Table, error) {
			t, err := AutodiffTable(opt)
			if err != nil {
				return nil, err
			}
			return []*Table{t}, nil
		},
	})
}
