//go:build cgo && !purego

package openblas

import (
	"strings"
	"testing"
)

func TestInfo(t *testing.T) {
	if Corename() == "" {
		t.Error("empty corename")
	}
	if !strings.Contains(Config(), "OpenBLAS") {
		t.Errorf("config %q does not mention OpenBLAS", Config())
	}
	if ThreadsError() == nil && Threads() != 1 {
		t.Errorf("threads = %d, want 1 by default", Threads())
	}
	t.Logf("corename %s, config %s, threads %d, mismatch %q", Corename(), Config(), Threads(), CoreMismatch())
}

func TestCoreMismatch(t *testing.T) {
	for _, c := range []struct {
		core         string
		avx512, avx2 bool
		want         string
	}{
		{"Prescott", true, true, "OPENBLAS_CORETYPE=SkylakeX"},
		{"Haswell", true, true, "OPENBLAS_CORETYPE=SkylakeX"},
		{"Zen", true, true, "OPENBLAS_CORETYPE=SkylakeX"},
		{"SkylakeX", true, true, ""},
		{"Cooperlake", true, true, ""},
		{"Prescott", false, true, "OPENBLAS_CORETYPE=Haswell"},
		{"Haswell", false, true, ""},
		{"Zen", false, true, ""},
		{"Prescott", false, false, ""},
	} {
		got := coreMismatch(c.core, c.avx512, c.avx2, "")
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("coreMismatch(%q, avx512=%v, avx2=%v) = %q, want it to contain %q", c.core, c.avx512, c.avx2, got, c.want)
		}
	}
	if got := coreMismatch("Prescott", true, true, "Bogus"); !strings.Contains(got, `OPENBLAS_CORETYPE="Bogus" is set`) {
		t.Errorf("ignored OPENBLAS_CORETYPE not reported: %q", got)
	}
	if got := coreMismatch("Prescott", true, true, "prescott"); !strings.Contains(got, "which selects these kernels") {
		t.Errorf("chosen OPENBLAS_CORETYPE not reported: %q", got)
	}
}

func TestSetThreads(t *testing.T) {
	old := Threads()
	defer SetThreads(old)
	SetThreads(2)
	if Threads() != 2 {
		t.Errorf("Threads() = %d after SetThreads(2)", Threads())
	}
	defer func() {
		if recover() == nil {
			t.Error("SetThreads(0) did not panic")
		}
	}()
	SetThreads(0)
}

func BenchmarkCgoNoop(b *testing.B) {
	for b.Loop() {
		Noop()
	}
}
