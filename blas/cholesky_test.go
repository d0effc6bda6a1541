package blas_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
	"gonum.org/v1/gonum/lapack/gonum"
)

// randSPD returns a random symmetric positive definite n×n matrix with
// leading dimension lda (= B·Bᵀ + n·I), with NaN in the padding.
func randSPD(r *rand.Rand, n, lda int) []float64 {
	b := make([]float64, n*n)
	for i := range b {
		b[i] = r.Float64()*2 - 1
	}
	a := make([]float64, max(0, (n-1)*lda+n))
	for i := range a {
		a[i] = math.NaN()
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += b[i*n+k] * b[j*n+k]
			}
			if i == j {
				s += float64(n)
			}
			a[i*lda+j] = s
		}
	}
	return a
}

func TestDpotrfDpotrs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lp := gonum.Implementation{}
	sizes := []int{0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 200}
	for _, n := range sizes {
		for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
			lda := n + n%3
			if lda == 0 {
				lda = 1
			}
			a := randSPD(r, n, lda)
			// Poison the triangle that must be neither read nor written.
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					if i != j && (ul == blas.Upper) != (j > i) {
						a[i*lda+j] = math.Inf(1)
					}
				}
			}
			want := append([]float64(nil), a...)
			got := append([]float64(nil), a...)
			okWant := lp.Dpotrf(ul, n, want, lda)
			okGot := blas.Dpotrf(ul, n, got, lda)
			ctx := fmt.Sprintf("n=%d ul=%v lda=%d", n, ul, lda)
			if !okWant || !okGot {
				t.Fatalf("%s: Dpotrf ok = %v, gonum %v", ctx, okGot, okWant)
			}
			for i := range got {
				w, g := want[i], got[i]
				if math.IsNaN(w) || math.IsInf(w, 0) {
					if math.Float64bits(w) != math.Float64bits(g) {
						t.Fatalf("%s: slot %d outside the triangle changed: %v -> %v", ctx, i, w, g)
					}
					continue
				}
				if math.Abs(w-g) > 1e-12*float64(n+1)*(1+math.Abs(w)) {
					t.Fatalf("%s: slot %d = %v, gonum %v", ctx, i, g, w)
				}
			}
			// Solve with 3 right-hand sides and compare with gonum.
			nrhs, ldb := 3, 5
			bw := make([]float64, max(0, (n-1)*ldb+nrhs))
			for i := range bw {
				bw[i] = r.Float64()
			}
			bg := append([]float64(nil), bw...)
			lp.Dpotrs(ul, n, nrhs, want, lda, bw, ldb)
			blas.Dpotrs(ul, n, nrhs, got, lda, bg, ldb)
			for i := range bg {
				if math.Abs(bw[i]-bg[i]) > 1e-11*(1+math.Abs(bw[i])) {
					t.Fatalf("%s: Dpotrs slot %d = %v, gonum %v", ctx, i, bg[i], bw[i])
				}
			}
		}
	}
}

func TestDpotrfNotPD(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 3, 10, 64, 65, 150} {
		for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
			for _, bad := range []int{0, n / 2, n - 1} {
				a := randSPD(r, n, n)
				// Make the leading minor of order bad+1 indefinite.
				a[bad*n+bad] = -1e6
				if blas.Dpotrf(ul, n, a, n) {
					t.Errorf("n=%d ul=%v: indefinite at %d reported positive definite", n, ul, bad)
				}
				a = randSPD(r, n, n)
				a[bad*n+bad] = math.NaN()
				if blas.Dpotrf(ul, n, a, n) {
					t.Errorf("n=%d ul=%v: NaN at %d reported positive definite", n, ul, bad)
				}
			}
		}
	}
	// A singular (positive semi-definite) matrix.
	a := []float64{1, 1, 1, 1}
	if blas.Dpotrf(blas.Lower, 2, a, 2) {
		t.Error("singular matrix reported positive definite")
	}
}

func TestCholeskyInvalid(t *testing.T) {
	z := make([]float64, 16)
	for _, c := range []struct {
		name, arg string
		f         func()
	}{
		{"Dpotrf", "ul", func() { blas.Dpotrf(blas.Uplo(0), 2, z, 2) }},
		{"Dpotrf", "n", func() { blas.Dpotrf(blas.Upper, -1, z, 2) }},
		{"Dpotrf", "lda", func() { blas.Dpotrf(blas.Upper, 3, z, 2) }},
		{"Dpotrf", "a", func() { blas.Dpotrf(blas.Upper, 5, z, 5) }},
		{"Dpotrs", "ul", func() { blas.Dpotrs(blas.Uplo(0), 2, 1, z, 2, z, 1) }},
		{"Dpotrs", "n", func() { blas.Dpotrs(blas.Upper, -2, 1, z, 2, z, 1) }},
		{"Dpotrs", "nrhs", func() { blas.Dpotrs(blas.Upper, 2, -1, z, 2, z, 1) }},
		{"Dpotrs", "lda", func() { blas.Dpotrs(blas.Upper, 2, 1, z, 1, z, 1) }},
		{"Dpotrs", "ldb", func() { blas.Dpotrs(blas.Upper, 2, 3, z, 2, z, 2) }},
		{"Dpotrs", "b", func() { blas.Dpotrs(blas.Upper, 4, 5, z, 4, z, 5) }},
	} {
		func() {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, c.name) || !strings.Contains(msg, c.arg) {
					t.Errorf("%s bad %s: panic %q", c.name, c.arg, msg)
				}
			}()
			c.f()
		}()
	}
}

func TestCholeskyAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{8, 64, 65, 200} {
		a0 := randSPD(r, n, n)
		a := make([]float64, len(a0))
		b := make([]float64, n*2)
		blas.Dpotrf(blas.Lower, n, append(a[:0], a0...), n) // warm pools
		allocs := testing.AllocsPerRun(20, func() {
			copy(a, a0)
			if !blas.Dpotrf(blas.Lower, n, a, n) {
				t.Fatal("not PD")
			}
			blas.Dpotrs(blas.Lower, n, 2, a, n, b, 2)
		})
		if allocs != 0 {
			t.Errorf("n=%d: %v allocs per Dpotrf+Dpotrs", n, allocs)
		}
	}
}

func ExampleDpotrf() {
	// A = [4 2; 2 3] = L·Lᵀ with L = [2 0; 1 √2].
	a := []float64{4, 2, 2, 3}
	if !blas.Dpotrf(blas.Lower, 2, a, 2) {
		fmt.Println("not positive definite")
		return
	}
	fmt.Printf("L = [%.4f 0; %.4f %.4f]\n", a[0], a[2], a[3])
	// Solve A·x = [2 1].
	x := []float64{2, 1}
	blas.Dpotrs(blas.Lower, 2, 1, a, 2, x, 1)
	fmt.Printf("x = [%.4f %.4f]\n", x[0], x[1])
	// Output:
	// L = [2.0000 0; 1.0000 1.4142]
	// x = [0.5000 0.0000]
}
