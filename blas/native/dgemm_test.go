package native

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/gyro-ppl/gyro/asm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// naiveGemm is the reference: C = alpha*op(A)*op(B) + beta*C by the
// definition, with beta == 0 overwriting.
func naiveGemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float64
				if tA == blas.NoTrans {
					av = a[i*lda+p]
				} else {
					av = a[p*lda+i]
				}
				if tB == blas.NoTrans {
					bv = b[p*ldb+j]
				} else {
					bv = b[j*ldb+p]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

// nanSlice fills a slice with NaN: the padding between rows (beyond the
// used columns) must come back untouched.
func nanMatrix(rng *rand.Rand, r, c, ld int) []float64 {
	s := make([]float64, max(0, (r-1)*ld+c)+ld)
	for i := range s {
		s[i] = math.NaN()
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			s[i*ld+j] = rng.NormFloat64()
		}
	}
	return s
}

var transes = []blas.Transpose{blas.NoTrans, blas.Trans}

// forEachGemmKernel runs f once with every supported micro-kernel active.
func forEachGemmKernel(t *testing.T, f func(t *testing.T)) {
	for _, g := range asm.GemmKernels() {
		restore, err := asm.Select("DgemmKernel", g.Name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(g.Name, f)
		restore()
	}
}

func TestDgemm(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 65, 100, 129}
	if testing.Short() {
		sizes = []int{0, 1, 3, 7, 16, 17, 33, 65}
	}
	forEachGemmKernel(t, func(t *testing.T) {
		t.Run("packed", func(t *testing.T) {
			old := smallMax
			smallMax = 0 // every size through the packed path
			defer func() { smallMax = old }()
			testDgemmSizes(t, sizes)
		})
		t.Run("default", func(t *testing.T) { testDgemmSizes(t, sizes) })
	})
}

func testDgemmSizes(t *testing.T, sizes []int) {
	rng := rand.New(rand.NewPCG(3, 4))
	var impl Implementation
	for _, tA := range transes {
		for _, tB := range transes {
			for _, m := range sizes {
				for _, n := range sizes {
					for _, k := range sizes {
						// Sweep alpha/beta and the padding over the
						// size grid instead of taking the full product.
						h := m*31 + n*7 + k
						alpha := []float64{0, 1, -0.5}[h%3]
						beta := []float64{0, 1, -0.5}[(h/3)%3]
						pad := []int{0, 1, 5}[(h/9)%3]
						testOneGemm(t, rng, impl, tA, tB, m, n, k, alpha, beta, pad)
					}
				}
			}
		}
	}
}

// TestDgemmBlocks crosses the kc and nc block boundaries.
func TestDgemmBlocks(t *testing.T) {
	forEachGemmKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, tc := range [][3]int{{9, 250, 300}, {40, 481, 257}, {300, 30, 513}, {61, 245, 600}} {
			for _, tA := range transes {
				for _, tB := range transes {
					testOneGemm(t, rng, Implementation{}, tA, tB, tc[0], tc[1], tc[2], 1.5, -0.5, 3)
				}
			}
		}
	})
}

func testOneGemm(t *testing.T, rng *rand.Rand, impl Implementation, tA, tB blas.Transpose, m, n, k int, alpha, beta float64, pad int) {
	t.Helper()
	ra, ca := m, k
	if tA != blas.NoTrans {
		ra, ca = k, m
	}
	rb, cb := k, n
	if tB != blas.NoTrans {
		rb, cb = n, k
	}
	lda, ldb, ldc := max(1, ca)+pad, max(1, cb)+pad, max(1, n)+pad
	a := nanMatrix(rng, ra, ca, lda)
	b := nanMatrix(rng, rb, cb, ldb)
	c := nanMatrix(rng, m, n, ldc)
	if beta == 0 && m > 0 && n > 0 {
		c[0] = math.NaN() // beta == 0 must overwrite NaN
	}
	want := append([]float64(nil), c...)
	impl.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	naiveGemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	for i := range c {
		got, w := c[i], want[i]
		if math.IsNaN(w) && (i%ldc >= n || i/ldc >= m) {
			if !math.IsNaN(got) {
				t.Fatalf("tA=%c tB=%c m=%d n=%d k=%d: wrote padding at %d", tA, tB, m, n, k, i)
			}
			continue
		}
		if math.Abs(got-w) > 1e-12*(1+float64(k))*(1+math.Abs(w)) || math.IsNaN(got) != math.IsNaN(w) {
			t.Fatalf("tA=%c tB=%c m=%d n=%d k=%d alpha=%g beta=%g ld+%d: c[%d,%d]=%v want %v",
				tA, tB, m, n, k, alpha, beta, pad, i/ldc, i%ldc, got, w)
		}
	}
}

func TestDgemmAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{8, 64, 300} {
		a, b, c := randSlice(rng, n*n), randSlice(rng, n*n), randSlice(rng, n*n)
		var impl Implementation
		impl.Dgemm(blas.NoTrans, blas.Trans, n, n, n, 1, a, n, b, n, 0, c, n)
		allocs := testing.AllocsPerRun(20, func() {
			impl.Dgemm(blas.NoTrans, blas.Trans, n, n, n, 1, a, n, b, n, 0.5, c, n)
		})
		if allocs != 0 {
			t.Errorf("n=%d: %v allocations per Dgemm, want 0", n, allocs)
		}
	}
}

var benchSizes = []int{8, 16, 32, 64, 128, 256, 512, 1024}

type dgemmer interface {
	Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
}

func benchDgemm(b *testing.B, impl dgemmer, n int) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y, z := randSlice(rng, n*n), randSlice(rng, n*n), randSlice(rng, n*n)
	b.ReportAllocs()
	for b.Loop() {
		impl.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, x, n, y, n, 0, z, n)
	}
	flops := 2 * float64(n) * float64(n) * float64(n) * float64(b.N)
	b.ReportMetric(flops/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
}

// BenchmarkDgemm measures square NoTrans×NoTrans products, n = 8…1024,
// with the native backend and with gonum's pure-Go Dgemm (single-threaded
// for n < 128 only: gonum parallelizes larger products over GOMAXPROCS, so
// run with -cpu 1 for a one-thread comparison).
func BenchmarkDgemm(b *testing.B) {
	for _, n := range benchSizes {
		b.Run("native/n="+strconv.Itoa(n), func(b *testing.B) { benchDgemm(b, Implementation{}, n) })
	}
	for _, n := range benchSizes {
		b.Run("gonum/n="+strconv.Itoa(n), func(b *testing.B) { benchDgemm(b, gonum.Implementation{}, n) })
	}
}
