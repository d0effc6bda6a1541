package optim_test

import (
	"testing"

	"github.com/gyro-ppl/gyro/infer/optim"
)

// BenchmarkStep times one step over 1e4 parameters held as one tensor
// (ns/op is per step of all 1e4 values).
func BenchmarkStep(b *testing.B) {
	const n = 10000
	for _, c := range configs {
		b.Run(c.name, func(b *testing.B) {
			o, err := c.make()
			if err != nil {
				b.Fatal(err)
			}
			p := optim.Param{Name: "theta", Data: make([]float64, n), Grad: make([]float64, n)}
			for i := range p.Grad {
				p.Data[i] = float64(i%7) * 0.1
				p.Grad[i] = float64(i%13)*0.01 - 0.05
			}
			ps := []optim.Param{p}
			if err := o.StepParams(ps); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(8 * n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := o.StepParams(ps); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStepManyParams times Adam over 1e4 values split into 100
// parameters of 100, the per-parameter overhead case.
func BenchmarkStepManyParams(b *testing.B) {
	o := optim.Must(optim.NewAdam(1e-3))
	ps := make([]optim.Param, 100)
	for i := range ps {
		ps[i] = optim.Param{Name: "p" + string(rune('A'+i/26)) + string(rune('a'+i%26)), Data: make([]float64, 100), Grad: make([]float64, 100)}
		for j := range ps[i].Grad {
			ps[i].Grad[j] = 0.01 * float64(j%5)
		}
	}
	if err := o.StepParams(ps); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := o.StepParams(ps); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClipGradNorm(b *testing.B) {
	p := optim.Param{Name: "theta", Data: make([]float64, 10000), Grad: make([]float64, 10000)}
	for i := range p.Grad {
		p.Grad[i] = float64(i%13)*0.01 - 0.05
	}
	ps := []optim.Param{p}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := optim.ClipGradNorm(ps, 1e9); err != nil {
			b.Fatal(err)
		}
	}
}
