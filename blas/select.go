package blas

import (
	"fmt"
	"math"
	"os"
	"strings"
)

// Env is the environment variable that forces one backend for every call:
// "native", "openblas" or "cuda" (empty or "auto": route by size).
const Env = "GYRO_BLAS"

// limit is a routine's routing thresholds, in the routine's size measure
// (n for level 1, m*n for level 2, m*n*k for level 3): calls of size ≥ cpu go
// to OpenBLAS, and of those, calls of size ≥ gpu go to cuBLAS.
type limit struct{ cpu, gpu int }

type limits struct {
	ddot, daxpy, dscal, dnrm2, dasum, idamax, dcopy, dswap limit
	dgemv, dger, dsymv, dtrmv, dtrsv                       limit
	dgemm, dsyrk, dtrmm, dtrsm                             limit
}

const never = math.MaxInt

// measured are the CPU thresholds, measured on the development machine (AMD
// EPYC Zen 4, 2 cores shared with other jobs, AVX-512; Debian OpenBLAS
// 0.3.21, core SkylakeX, one thread; native as of commit f8e3118) with
//
//	OPENBLAS_CORETYPE=SkylakeX GYRO_BLAS_CALIBRATE=1 go test -run TestCalibrate -v ./blas/
//
// which times native and OpenBLAS alternately (median of 7 batches of ≥1 ms)
// at sizes 16…1e6 (level 1), n×n for n = 8…2000 (level 2) and n³ for
// n = 4…512 (level 3), and proposes the split that minimises the summed
// log-slowdown. Two runs were taken; where they disagreed (memory-bound
// kernels at large n, where both backends run at memory speed and the
// shared machine's noise is ±50%), the threshold stays "never". Per-call
// medians behind each choice (native vs OpenBLAS incl. the ~30 ns cgo call):
//
//   - ddot, daxpy, dscal, dnrm2, dasum, idamax, dcopy, dgemv, dger: never.
//     Native wins below ~4096 elements (ddot n=256: 28 vs 62 ns; dnrm2 is
//     3-4x faster at every n) and is at parity within noise above.
//   - dswap ≥ 256: native is ~2x slower from n = 256 (2389 vs 1202 ns at 4096).
//   - dsymv ≥ 64 (n = 8): native 1.9–4.3x slower at every n (n=128: 3.7 vs 1.0 µs).
//   - dtrmv ≥ 256 (n = 16): native 1.1–1.6x slower from n = 16.
//   - dtrsv ≥ 262144 (n = 512): parity below, native 1.1–1.6x slower above.
//   - dgemm ≥ 64 (n = 4): OpenBLAS faster at every size (n=8: 362 vs 97 ns,
//     n=32: 3.5 vs 1.3 µs, n=512: 6.5 vs 6.1 ms): native's small-matrix path
//     costs more than a cgo call. Re-measure when it improves: the design
//     intends native below a crossover.
//   - dsyrk ≥ 64, dtrmm ≥ 64: OpenBLAS 1.2–9.9x faster at every size.
//   - dtrsm ≥ 512 (n = 8): OpenBLAS 1.5–2.3x faster for n = 8…64; native
//     ~10% faster from n = 192, which a single threshold cannot express.
//
// "never" means every size goes to native.
var measured = limits{
	ddot: limit{never, never}, daxpy: limit{never, never}, dscal: limit{never, never},
	dnrm2: limit{never, never}, dasum: limit{never, never}, idamax: limit{never, never},
	dcopy: limit{never, never}, dswap: limit{256, never},
	dgemv: limit{never, never}, dger: limit{never, never}, dsymv: limit{64, never},
	dtrmv: limit{256, never}, dtrsv: limit{262144, never},
	dgemm: limit{64, never}, dsyrk: limit{64, never}, dtrmm: limit{64, never}, dtrsm: limit{512, never},
}

// gpuLevel3 is the m*n*k from which level-3 calls go to cuBLAS when a device
// is present. It is an estimate, not a measurement (the development machine
// has no GPU): copying the three operands over PCIe and back costs about
// 24·n² bytes at ~20 GB/s plus ~20 µs of launch and synchronisation, which
// a single CPU thread at ~50 GFLOP/s matches near n ≈ 250. Level 1 and 2
// never go to the GPU unless GYRO_BLAS=cuda: their transfers cost more than
// the arithmetic.
const gpuLevel3 = 256 * 256 * 256

var (
	lim       limits // the routing in force
	forced    string // GYRO_BLAS's backend, "" when routing by size
	selectErr error  // a problem with GYRO_BLAS, reported by Describe and Err
)

func init() { choose(os.Getenv(Env)) }

// choose sets lim from the GYRO_BLAS value env.
func choose(env string) {
	forced, selectErr = "", nil
	auto := measured
	if !haveOpenBLAS {
		auto = allTo(never, never)
	}
	if gpu != nil {
		for _, l := range []*limit{&auto.dgemm, &auto.dsyrk, &auto.dtrmm, &auto.dtrsm} {
			l.gpu = gpuLevel3
			l.cpu = min(l.cpu, gpuLevel3)
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(env)); v {
	case "", "auto":
		lim = auto
	case "native":
		forced, lim = v, allTo(never, never)
	case "openblas":
		if !haveOpenBLAS {
			selectErr = fmt.Errorf("blas: %s=openblas but OpenBLAS is not compiled in (%s); using native", Env, openblasWhyNot)
			forced, lim = "native", allTo(never, never)
			break
		}
		forced, lim = v, allTo(0, never)
	case "cuda":
		if gpu == nil {
			selectErr = fmt.Errorf("blas: %s=cuda but cuBLAS is unavailable (%s); using native", Env, gpuWhyNot)
			forced, lim = "native", allTo(never, never)
			break
		}
		forced, lim = v, allTo(0, 0)
	default:
		selectErr = fmt.Errorf("blas: %s=%q is not one of native, openblas, cuda, auto; using native", Env, env)
		forced, lim = "native", allTo(never, never)
	}
	if selectErr != nil {
		fmt.Fprintln(os.Stderr, "gyro:", selectErr)
	}
}

func allTo(cpu, gpu int) limits {
	l := limit{cpu, gpu}
	return limits{l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l, l}
}

// Err returns the problem with GYRO_BLAS found when the package loaded (an
// unknown name, or a backend that is not available), or nil. When it is not
// nil every call runs on the native backend.
func Err() error { return selectErr }

// Default returns the dispatching Backend used by the package-level
// functions.
func Default() Backend { return Dispatch{} }

// Named returns the backend called name: "dispatch", "native", "openblas",
// "cuda" or "gonum" (gonum's pure-Go implementation), or an error saying why
// it is not available in this build or on this machine.
func Named(name string) (Backend, error) {
	switch strings.ToLower(name) {
	case "dispatch", "auto", "":
		return Dispatch{}, nil
	case "native":
		return nat, nil
	case "gonum":
		return Gonum{}, nil
	case "openblas":
		if !haveOpenBLAS {
			return nil, fmt.Errorf("blas: openblas is not compiled in (%s)", openblasWhyNot)
		}
		return big, nil
	case "cuda":
		if gpu == nil {
			return nil, fmt.Errorf("blas: cuda is unavailable (%s)", gpuWhyNot)
		}
		return gpu, nil
	}
	return nil, fmt.Errorf("blas: unknown backend %q (want dispatch, native, openblas, cuda or gonum)", name)
}
