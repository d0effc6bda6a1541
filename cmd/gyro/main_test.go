package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gyro runs the command in-process and returns its exit code and output.
func gyro(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// wantError checks a failing command: the exit code, and one line on
// stderr containing want (and no Go stack trace).
func wantError(t *testing.T, wantCode int, want string, args ...string) {
	t.Helper()
	code, _, errs := gyro(args...)
	if code != wantCode {
		t.Errorf("gyro %q: exit %d, want %d (stderr %q)", args, code, wantCode, errs)
	}
	if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, want) {
		t.Errorf("gyro %q: stderr %q, want one line containing %q", args, errs, want)
	}
	if strings.Contains(errs, "goroutine ") || strings.Contains(errs, ".go:") {
		t.Errorf("gyro %q: stderr looks like a stack trace: %q", args, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	wantError(t, 2, `unknown command "frobnicate"`, "frobnicate")
	wantError(t, 2, "flag -x before the command", "-x")
	wantError(t, 2, "flag provided but not defined: -bogus", "demo", "-bogus")
	wantError(t, 2, "flag provided but not defined: -nope", "run", "eightschools", "-nope")
	wantError(t, 2, `invalid value "many" for flag -chains`, "run", "-chains", "many", "eightschools")
	wantError(t, 2, `unknown model "nosuch"`, "run", "nosuch")
	wantError(t, 2, "no model given", "run")
	wantError(t, 2, "-samples 0", "run", "-samples", "0", "eightschools")
	wantError(t, 2, `unexpected argument "extra"`, "demo", "extra")
	wantError(t, 2, `unknown group "gpu"`, "bench", "gpu")
	wantError(t, 2, "takes no -data file", "run", "-data", "x.json", "logreg_synthetic")
	wantError(t, 2, `unknown command "nosuch"`, "help", "nosuch")
}

func TestHelp(t *testing.T) {
	code, out, _ := gyro()
	if code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	for _, args := range [][]string{{"-help"}, {"help"}, {"--help"}} {
		code, out, _ = gyro(args...)
		if code != 0 || !strings.Contains(out, "gyro demo") || !strings.Contains(out, "commands:") {
			t.Errorf("gyro %q: exit %d\n%s", args, code, out)
		}
	}
	for cmd, want := range map[string]string{"demo": "eight-schools", "run": "radon", "bench": "autodiff"} {
		code, out, _ = gyro("help", cmd)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("gyro help %s: exit %d, output lacks %q:\n%s", cmd, code, want, out)
		}
		code, out2, _ := gyro(cmd, "-help")
		if code != 0 || out2 != out {
			t.Errorf("gyro %s -help differs from gyro help %s", cmd, cmd)
		}
	}
}

func TestDataErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	wantError(t, 1, "missing.json", "run", "-data", missing, "eightschools")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"J\": 8,\n  \"y\": [28, 8, -3,, 7],\n}\n"), 0o644)
	wantError(t, 1, "bad.json:3:", "demo", "-data", bad, "-plots=false")
	csv := filepath.Join(dir, "bad.csv")
	os.WriteFile(csv, []byte("a,b,target\n1,2,0\n3,x,1\n"), 0o644)
	wantError(t, 1, "bad.csv:3:", "run", "-data", csv, "logreg_breast_cancer")
	short := filepath.Join(dir, "short.json")
	os.WriteFile(short, []byte(`{"J": 3, "y": [1, 2], "sigma": [1, 1, 1]}`), 0o644)
	wantError(t, 1, `"y"`, "run", "-data", short, "eightschools_centered")
}

func TestUnwritableOutput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, nil, 0o644)
	wantError(t, 1, "cannot create output directory", "run", "-out", filepath.Join(file, "sub"), "eightschools")
	wantError(t, 1, "cannot create output directory", "demo", "-out", filepath.Join(file, "sub"))
	wantError(t, 1, "cannot write output", "bench", "-json", filepath.Join(file, "x.json"), "autodiff")
}

func TestDemoTiny(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, errs := gyro("demo", "-chains", "2", "-warmup", "60", "-samples", "40", "-out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"n_eff", "r_hat", "tau", "theta_tilde[7]", "divergences", "mean accept prob", "step sizes",
		"tree depth", "gradients", "min ESS/s", "time to first sample", "total wall time", "eight_schools.png"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(errs, "done:") != 2 {
		t.Errorf("want one progress line per chain on stderr, got %q", errs)
	}
	f, err := os.Open(filepath.Join(dir, "eight_schools.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width < 600 || cfg.Height < 300 {
		t.Errorf("plot: %v, %dx%d", err, cfg.Width, cfg.Height)
	}
}

func TestRunTinyCSV(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := gyro("run", "-chains", "2", "-warmup", "60", "-samples", "30", "-seed", "7", "-out", dir, "-plots", "radon")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "sigma_y") || !strings.Contains(out, "CmdStan CSV") {
		t.Errorf("output:\n%s", out)
	}
	for _, f := range []string{"output_1.csv", "output_2.csv", "radon.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "output_1.csv"))
	if !bytes.Contains(b, []byte("lp__,accept_stat__")) || !bytes.Contains(b, []byte("alpha_raw.85")) {
		t.Errorf("CSV lacks CmdStan columns")
	}
	// the same seed gives the same draws
	dir2 := filepath.Join(t.TempDir(), "out")
	if code, _, errs := gyro("run", "-chains", "2", "-warmup", "60", "-samples", "30", "-seed", "7", "-out", dir2, "radon"); code != 0 {
		t.Fatal(errs)
	}
	b2, _ := os.ReadFile(filepath.Join(dir2, "output_1.csv"))
	if draws(b) != draws(b2) {
		t.Errorf("same seed, different draws")
	}
}

// draws strips the comment lines (timings) of a CmdStan CSV.
func draws(b []byte) string {
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
