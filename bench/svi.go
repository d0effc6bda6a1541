package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/autoguide"
	"github.com/gyro-ppl/gyro/infer/optim"
	"github.com/gyro-ppl/gyro/poutine"
)

// PyroSVIStepMillis is Pyro's time for one SVI step on logistic regression
// (N=10000, D=50, AutoNormal, Trace_ELBO, full batch), 2.75 ms, as quoted in
// gyro's issue 8 (a constant from the issue text, not measured here).
const PyroSVIStepMillis = 2.75

// NewSVIStep prepares SVI of the logistic-regression model on data with an
// AutoNormal guide, Trace_ELBO (one particle) and Adam(0.01), and returns
// its step. subsample > 0 scores a random minibatch of that many rows per
// step (poutine.SubsampleSize); 0 is full batch. The first step (which
// creates the parameters) has been taken.
func NewSVIStep(data *models.LogRegData, subsample int) (step func() error, err error) {
	var opts []poutine.PlateOption
	if subsample > 0 {
		opts = append(opts, poutine.SubsampleSize(subsample))
	}
	model := models.LogisticRegression(data, opts...)
	guide := autoguide.NewAutoNormal(model, autoguide.Options{Seed: 1})
	adam, err := optim.NewAdam(0.01)
	if err != nil {
		return nil, err
	}
	svi := infer.NewSVI(poutine.NewRuntime(1), model, guide.Guide, adam, &infer.TraceELBO{})
	ctx := context.Background()
	step = func() error {
		_, err := svi.Step(ctx)
		return err
	}
	if err := step(); err != nil {
		return nil, fmt.Errorf("bench: SVI step: %w", err)
	}
	return step, nil
}

// SVITable runs the svi group: one SVI step, full batch and with a
// subsample of 1000 rows, against one hand-written gradient of the same
// log density (timed in the same run) and Pyro's published figure.
func SVITable(opt Options) (*Table, error) {
	n, d := logRegSize(opt.Quick)
	sub := 1000
	if opt.Quick {
		sub = 100
	}
	m, data, err := SyntheticLogReg(n, d)
	if err != nil {
		return nil, err
	}
	full, err := NewSVIStep(data, 0)
	if err != nil {
		return nil, err
	}
	mini, err := NewSVIStep(data, sub)
	if err != nil {
		return nil, err
	}
	// The floor on a minibatch: the hand-written gradient on sub rows.
	ms, err := NewLogReg(sub, d, data.X[:sub*d], data.Y[:sub])
	if err != nil {
		return nil, err
	}
	x := LogRegPoint(d)
	g := make([]float64, len(x))
	var stepErr error
	opt.logf("SVI step, %s, full batch and subsample %d…", sizeLabel(n, d), sub)
	rounds, batch := opt.timing()
	tm := TimeCalls([]func(){must(full, &stepErr), func() { m.Floor(x, g) }, must(mini, &stepErr), func() { ms.Floor(x, g) }},
		make([]bool, 4), rounds, batch)
	if stepErr != nil {
		return nil, fmt.Errorf("bench: SVI step: %w", stepErr)
	}
	size := sizeLabel(n, d)
	rows := []Comparison{
		{Name: "SVI step (AutoNormal, Trace_ELBO, Adam), full batch", Size: size, Unit: "ns", Gyro: tm[0].NsPerOp, Ref: tm[1].NsPerOp,
			RefName: "one hand-written gradient (floor, same run)", Target: 2, AllocsPerOp: tm[0].AllocsPerOp},
		{Name: "SVI step (AutoNormal, Trace_ELBO, Adam), full batch", Size: size, Unit: "ns", Gyro: tm[0].NsPerOp, Ref: PyroSVIStepMillis * 1e6,
			RefName: "Pyro SVI step (2.75 ms: issue constant, not measured)", AllocsPerOp: tm[0].AllocsPerOp},
		{Name: fmt.Sprintf("SVI step, subsample_size=%d", sub), Size: size, Unit: "ns", Gyro: tm[2].NsPerOp, Ref: tm[3].NsPerOp,
			RefName: fmt.Sprintf("one hand-written gradient on %d rows (floor, same run)", sub), AllocsPerOp: tm[2].AllocsPerOp},
	}
	return ComparisonTable("svi", "SVI: one step of logistic regression with AutoNormal", rows,
		fmt.Sprintf("time: median over %d interleaved rounds of ~%v batches", rounds, batch),
		"an SVI step samples the guide, runs the model replayed against it, differentiates the ELBO and updates with Adam; the floor is only the log density's gradient",
		"the subsample floor reads contiguous rows; the SVI step also draws and gathers a random minibatch"), nil
}

func init() {
	register(Group{
		Name:   "svi",
		Help:   "SVI step on logistic regression N=10000 D=50 (AutoNormal, Trace_ELBO), full batch and subsample 1000, vs a hand-written gradient and Pyro's 2.75 ms",
		Budget: 15 * time.Second,
		Run: func(opt Options) ([]*Table, error) {
			t, err := SVITable(opt)
			if err != nil {
				return nil, err
			}
			return []*Table{t}, nil
		},
	})
}
