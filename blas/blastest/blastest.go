package blastest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/blas"
)

// Options adjusts Test.
type Options struct {
	// Tol is the relative tolerance per summed term (default 1e-14).
	Tol float64
	// LooseMessages accepts any panic on invalid arguments, without checking
	// that the message names the routine and the argument (gonum's messages
	// do not name the routine).
	LooseMessages bool
	// Short skips the largest sizes.
	Short bool
	// Skip maps subtest names ("Dger", "Invalid", …) to the reason they
	// are skipped, for known deviations of third-party implementations.
	Skip map[string]string
}

// Test runs the conformance suite on impl. Panic messages must name the
// routine and the argument.
func Test(t *testing.T, impl blas.Backend) { TestWith(t, impl, Options{}) }

// TestWith runs the conformance suite on impl with options.
func TestWith(t *testing.T, impl blas.Backend, opt Options) {
	if opt.Tol == 0 {
		opt.Tol = 1e-14
	}
	if testing.Short() {
		opt.Short = true
	}
	s := &suite{impl: impl, opt: opt}
	for _, c := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"Ddot", s.ddot}, {"Daxpy", s.daxpy}, {"Dscal", s.dscal}, {"Dnrm2", s.dnrm2},
		{"Dasum", s.dasum}, {"Idamax", s.idamax}, {"Dcopy", s.dcopy}, {"Dswap", s.dswap},
		{"Dgemv", s.dgemv}, {"Dger", s.dger}, {"Dsymv", s.dsymv}, {"Dtrmv", s.dtrmv}, {"Dtrsv", s.dtrsv},
		{"Dgemm", s.dgemm}, {"Dsyrk", s.dsyrk}, {"Dtrmm", s.dtrmm}, {"Dtrsm", s.dtrsm},
		{"NaN", s.nanProp}, {"Invalid", s.invalid},
	} {
		if why, ok := opt.Skip[c.name]; ok {
			t.Run(c.name, func(t *testing.T) { t.Skip(why) })
			continue
		}
		t.Run(c.name, c.f)
	}
}

type suite struct {
	impl blas.Backend
	opt  Options
}

func (s *suite) rng(salt uint64) *rand.Rand { return rand.New(rand.NewPCG(0x9e3779b97f4a7c15, salt)) }

// sentinel is a quiet NaN with a payload no arithmetic produces: a slot
// holding it must keep it bit for bit.
var sentinel = math.Float64frombits(0x7ff8_0000_dead_beef)

func isSentinel(v float64) bool { return math.Float64bits(v) == 0x7ff8_0000_dead_beef }

// Sizes.
var (
	l1Sizes  = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257, 1000, 4099}
	incs     = []int{1, 2, 3, -1, -2, -3}
	l2Dims   = []int{0, 1, 2, 3, 4, 7, 8, 16, 17, 33, 65}
	l3Dims   = []int{0, 1, 2, 3, 5, 8, 17, 33}
	l3DimsSq = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 65}
)

// vlen is the minimal length of a vector of n elements with stride inc.
func vlen(n, inc int) int {
	if n == 0 {
		return 0
	}
	return 1 + (n-1)*abs(inc)
}

// vidx is the slice index of element i of a vector of n elements, stride inc
// (negative strides run from the end, as in reference BLAS).
func vidx(i, n, inc int) int {
	if inc > 0 {
		return i * inc
	}
	return (n - 1 - i) * -inc
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

const guard = 3 // sentinel slots after the last element of every operand

// newVec returns a vector of n random elements in [-1, 1) at stride inc,
// with sentinels in the gaps and guard sentinels after the end.
func newVec(r *rand.Rand, n, inc int) []float64 {
	v := make([]float64, vlen(n, inc)+guard)
	for i := range v {
		v[i] = sentinel
	}
	for i := 0; i < n; i++ {
		v[vidx(i, n, inc)] = 2*r.Float64() - 1
	}
	return v
}

// newMat returns a rows×cols row-major matrix with leading dimension ld,
// random entries in [-1, 1), sentinels in the padding columns and guard
// sentinels after the end.
func newMat(r *rand.Rand, rows, cols, ld int) []float64 {
	l := guard
	if rows > 0 {
		// As in gonum, a matrix with rows > 0 must span (rows-1)*ld+cols
		// slots even when cols == 0.
		l += (rows-1)*ld + cols
	}
	a := make([]float64, l)
	for i := range a {
		a[i] = sentinel
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			a[i*ld+j] = 2*r.Float64() - 1
		}
	}
	return a
}

func clone(s []float64) []float64 { return append([]float64(nil), s...) }

// sameBits reports whether a and b are bitwise equal.
func sameBits(a, b []float64) (int, bool) {
	if len(a) != len(b) {
		return -1, false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i, false
		}
	}
	return 0, true
}

// result compares got with want on the slots marked writable (within
// tol·(terms+2)·mag[i]) and requires every other slot to equal before bit for
// bit. It reports the first few failures and returns false on any.
func (s *suite) result(t *testing.T, ctx string, before, got, want, mag []float64, writable []bool, terms int) bool {
	t.Helper()
	bad := 0
	for i := range got {
		if !writable[i] {
			if math.Float64bits(got[i]) != math.Float64bits(before[i]) {
				if bad < 3 {
					t.Errorf("%s: slot %d outside the output changed: %v -> %v", ctx, i, before[i], got[i])
				}
				bad++
			}
			continue
		}
		if !near(got[i], want[i], mag[i], s.opt.Tol*float64(terms+2)) {
			if bad < 3 {
				t.Errorf("%s: slot %d = %v, want %v (|diff| %.3g, allowed %.3g)", ctx, i, got[i], want[i],
					math.Abs(got[i]-want[i]), s.opt.Tol*float64(terms+2)*mag[i])
			}
			bad++
		}
	}
	return bad == 0
}

func near(got, want, mag, tol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got) && !isSentinel(got)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*mag+1e-300
}

// unchanged requires a read-only argument to be bit-for-bit what it was.
func unchanged(t *testing.T, ctx, name string, before, after []float64) bool {
	t.Helper()
	if i, ok := sameBits(before, after); !ok {
		t.Errorf("%s: read-only %s changed at slot %d", ctx, name, i)
		return false
	}
	return true
}

// alphaBetas are the (alpha, beta) pairs tried by routines with both.
var alphaBetas = [][2]float64{{1, 0}, {0.7, -1.3}, {0, 2}, {1, 1}, {-2.5, 0}, {0, 0}, {0, 1}}

func tname(t blas.Transpose) string {
	if t == blas.NoTrans {
		return "N"
	}
	return "T"
}

func uname(u blas.Uplo) string {
	if u == blas.Upper {
		return "U"
	}
	return "L"
}

func dname(d blas.Diag) string {
	if d == blas.Unit {
		return "Unit"
	}
	return "NonUnit"
}

func sname(sd blas.Side) string {
	if sd == blas.Left {
		return "Left"
	}
	return "Right"
}

var (
	transposes = []blas.Transpose{blas.NoTrans, blas.Trans}
	uplos      = []blas.Uplo{blas.Upper, blas.Lower}
	diags      = []blas.Diag{blas.NonUnit, blas.Unit}
	sides      = []blas.Side{blas.Left, blas.Right}
)

// mustPanic calls f and checks that it panics; unless messages are loose,
// the panic message must name routine and match one of the argument tokens
// as a whole word (case-insensitive).
func (s *suite) mustPanic(t *testing.T, routine, ctx string, tokens []string, f func()) {
	t.Helper()
	msg, panicked := func() (msg string, panicked bool) {
		defer func() {
			if r := recover(); r != nil {
				panicked = true
				msg = fmt.Sprint(r)
			}
		}()
		f()
		return "", false
	}()
	if !panicked {
		t.Errorf("%s %s: no panic", routine, ctx)
		return
	}
	if s.opt.LooseMessages {
		return
	}
	if !strings.Contains(msg, routine) {
		t.Errorf("%s %s: panic message %q does not name the routine", routine, ctx, msg)
		return
	}
	for _, tok := range tokens {
		if regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_])` + regexp.QuoteMeta(tok) + `($|[^A-Za-z0-9_])`).MatchString(msg) {
			return
		}
	}
	t.Errorf("%s %s: panic message %q names none of %q", routine, ctx, msg, tokens)
}
