package blas

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// Describe returns a multi-line report of the BLAS configuration: the CPU
// and the features gyro's kernels use, which backends are available (and
// why not, for the others), OpenBLAS's core type, build configuration and
// thread count with a warning when the core type does not match the CPU,
// GYRO_BLAS and any problem with it, and the routing thresholds in force.
func Describe() string {
	var b strings.Builder
	c := &cpuid.CPU
	fmt.Fprintf(&b, "CPU: %s (%s %s, %d logical cores, GOMAXPROCS %d)\n", c.BrandName, runtime.GOOS, runtime.GOARCH,
		c.LogicalCores, runtime.GOMAXPROCS(0))
	var feats []string
	for _, f := range []struct {
		name string
		id   cpuid.FeatureID
	}{
		{"SSE4.2", cpuid.SSE42}, {"AVX", cpuid.AVX}, {"AVX2", cpuid.AVX2}, {"FMA", cpuid.FMA3},
		{"AVX512F", cpuid.AVX512F}, {"AVX512DQ", cpuid.AVX512DQ}, {"AVX512BW", cpuid.AVX512BW}, {"AVX512VL", cpuid.AVX512VL},
	} {
		if c.Supports(f.id) {
			feats = append(feats, f.name)
		}
	}
	fmt.Fprintf(&b, "CPU features: %s\n", strings.Join(feats, " "))
	fmt.Fprintf(&b, "backends:\n  native: available (Go assembly kernels, pure Go with -tags purego)\n")
	if haveOpenBLAS {
		core, config, threads, mismatch, terr := openblasInfo()
		fmt.Fprintf(&b, "  openblas: available, core %s, %d thread(s); %s\n", core, threads, config)
		if mismatch != "" {
			fmt.Fprintf(&b, "  WARNING: %s\n", mismatch)
		}
		if terr != nil {
			fmt.Fprintf(&b, "  WARNING: %v\n", terr)
		}
	} else {
		fmt.Fprintf(&b, "  openblas: unavailable (%s)\n", openblasWhyNot)
	}
	if gpu != nil {
		fmt.Fprintf(&b, "  cuda: available (%s)\n", gpuInfo())
	} else {
		fmt.Fprintf(&b, "  cuda: unavailable (%s)\n", gpuWhyNot)
	}
	switch {
	case selectErr != nil:
		fmt.Fprintf(&b, "%s: ERROR: %v\n", Env, selectErr)
	case forced != "":
		fmt.Fprintf(&b, "%s=%s: every call goes to %s\n", Env, forced, forced)
	default:
		fmt.Fprintf(&b, "routing: by size (%s unset)\n", Env)
	}
	b.WriteString("thresholds (size ≥ cpu → openblas, ≥ gpu → cuda, else native):\n")
	for _, r := range []struct {
		name, measure string
		l             limit
	}{
		{"ddot", "n", lim.ddot}, {"daxpy", "n", lim.daxpy}, {"dscal", "n", lim.dscal}, {"dnrm2", "n", lim.dnrm2},
		{"dasum", "n", lim.dasum}, {"idamax", "n", lim.idamax}, {"dcopy", "n", lim.dcopy}, {"dswap", "n", lim.dswap},
		{"dgemv", "m*n", lim.dgemv}, {"dger", "m*n", lim.dger}, {"dsymv", "n*n", lim.dsymv},
		{"dtrmv", "n*n", lim.dtrmv}, {"dtrsv", "n*n", lim.dtrsv},
		{"dgemm", "m*n*k", lim.dgemm}, {"dsyrk", "n*n*k", lim.dsyrk}, {"dtrmm", "m*n*order", lim.dtrmm}, {"dtrsm", "m*n*order", lim.dtrsm},
	} {
		fmt.Fprintf(&b, "  %-7s %-10s cpu %-9s gpu %s\n", r.name, r.measure, thr(r.l.cpu), thr(r.l.gpu))
	}
	return strings.TrimRight(b.String(), "\n")
}

func thr(v int) string {
	switch {
	case v == never:
		return "never"
	case v == 0:
		return "always"
	}
	return fmt.Sprint(v)
}
