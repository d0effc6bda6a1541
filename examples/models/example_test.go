package models_test

import (
	"fmt"

	"github.com/gyro-ppl/gyro/examples/models"
	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/poutine"
	"github.com/gyro-ppl/gyro/tensor"
)

func ExampleEightSchoolsNonCentered() {
	path, err := models.DataPath(models.EightSchoolsFile)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, err := models.LoadEightSchools(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	model := models.EightSchoolsNonCentered(data)
	tr, err := poutine.TraceOf(model).Get(poutine.NewRuntime(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range tr.Sites() {
		fmt.Println(s.Name, s.Fn.Name(), s.Value.Shape(), "observed:", s.IsObserved)
	}
	// Output:
	// mu Normal [] observed: false
	// tau HalfCauchy [] observed: false
	// theta_tilde Normal [8] observed: false
	// y Normal [8] observed: true
}

func ExampleCoordNames() {
	path, _ := models.DataPath(models.RadonFile)
	data, err := models.LoadRadon(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := infer.NewModelPotential(models.RadonVaryingInterceptNC(data), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	names := models.CoordNames(p)
	fmt.Println(p.Dim(), names[0], names[84], names[85:])
	// Output: 89 alpha_raw[1] alpha_raw[85] [beta mu_alpha sigma_alpha sigma_y]
}

func ExampleStanName() {
	fmt.Println(models.StanName("theta_tilde", 2), models.StanName("mu"), models.StanName("locs", 1, 0))
	// Output: theta_tilde[3] mu locs[2,1]
}

func ExampleLogisticRegression() {
	// Four rows, one feature; score rows 0 and 3 only: their log
	// likelihood is scaled by 4/2.
	data := &models.LogRegData{N: 4, D: 1, X: []float64{1, -1, 2, 0}, Y: []float64{1, 0, 1, 0}}
	model := models.LogisticRegression(data, poutine.Subsample([]int{0, 3}))
	at := map[string]*tensor.Dense{"w": tensor.New([]int{1}, []float64{0}), "b": tensor.New(nil, []float64{0})}
	r := poutine.NewRuntime(1)
	tr, err := poutine.TraceOf(poutine.Condition(model, at)).Get(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	tr.ComputeLogProb(nil)
	y := tr.Get("y")
	fmt.Printf("rows scored: %v, scale %v, log likelihood %.4f (= 2·2·log ½)\n", y.Value.Shape(), y.Scale, y.LogProbSum.Value())
	// Output: rows scored: [2], scale 2, log likelihood -2.7726 (= 2·2·log ½)
}

func ExampleGaussianMixture() {
	data, _, err := models.SyntheticGMM(100, [][]float64{{-3}, {3}}, nil, 1, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	model, err := models.GaussianMixture(data, models.GMMConfig{K: 2, Concentration: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := infer.NewModelPotential(model, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range p.Sites() {
		fmt.Println(s.Name, "shape", s.Shape, "unconstrained", s.UShape)
	}
	// Output:
	// weights shape [2] unconstrained [1]
	// locs shape [2 1] unconstrained [2 1]
}
