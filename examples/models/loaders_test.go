package models

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gyro-ppl/gyro/infer/mcmc"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantErr checks that err is non-nil and mentions every fragment.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Fatalf("error %q does not mention %q", err, f)
		}
	}
}

func TestLoadEightSchoolsErrors(t *testing.T) {
	_, err := LoadEightSchools(filepath.Join(t.TempDir(), "nope.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v, want fs.ErrNotExist", err)
	}
	cases := []struct {
		name, content string
		fragments     []string
	}{
		{"syntax", "{\n  \"J\": 2,\n  \"y\": [1, 2,,]\n}", []string{":3:", "malformed JSON"}},
		{"truncated", "{\"J\": 2, \"y\": [1", []string{"unexpected end"}},
		{"type", "{\n\"J\": \"eight\", \"y\": [1], \"sigma\": [1]}", []string{":2:", `"J"`, "string"}},
		{"trailing", "{\"J\": 1, \"y\": [1], \"sigma\": [1]} {}", []string{"after the top-level object"}},
		{"no J", `{"y": [1], "sigma": [1]}`, []string{`"J" is missing`}},
		{"J zero", `{"J": 0, "y": [], "sigma": []}`, []string{`"J" is 0`}},
		{"no y", `{"J": 1, "sigma": [1]}`, []string{`"y" is missing`}},
		{"no sigma", `{"J": 1, "y": [1]}`, []string{`"sigma" is missing`}},
		{"short y", `{"J": 3, "y": [1, 2], "sigma": [1, 1, 1]}`, []string{`"y" has 2 entries, want J = 3`}},
		{"long sigma", `{"J": 2, "y": [1, 2], "sigma": [1, 1, 1]}`, []string{`"sigma" has 3 entries, want J = 2`}},
		{"bad sigma", `{"J": 2, "y": [1, 2], "sigma": [1, 0]}`, []string{`"sigma" entry 1 is 0`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, "es.json", c.content)
			_, err := LoadEightSchools(p)
			wantErr(t, err, append([]string{p}, c.fragments...)...)
		})
	}
}

func TestLoadRadonErrors(t *testing.T) {
	_, err := LoadRadon(filepath.Join(t.TempDir(), "nope.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	ok := `"N": 3, "J": 2, "floor_measure": [0, 1, 0], "log_radon": [1.1, 0.2, 0.9]`
	cases := []struct {
		name, content string
		fragments     []string
	}{
		{"syntax", "{\n" + ok + ",\n\"county_idx\": [1 2 1]}", []string{":3:", "malformed JSON"}},
		{"float index", "{" + ok + ", \"county_idx\": [1, 2.5, 1]}", []string{`"county_idx`, "number 2.5"}},
		{"no N", `{"J": 2, "county_idx": [1], "floor_measure": [0], "log_radon": [1]}`, []string{`"N" is missing`}},
		{"no county", "{" + ok + "}", []string{`"county_idx" is missing`}},
		{"short county", "{" + ok + `, "county_idx": [1, 2]}`, []string{`"county_idx" has 2 entries, want N = 3`}},
		{"index 0", "{" + ok + `, "county_idx": [1, 0, 2]}`, []string{`"county_idx" entry 1 is 0, outside 1..J = 1..2`}},
		{"index J+1", "{" + ok + `, "county_idx": [1, 2, 3]}`, []string{`entry 2 is 3`}},
		{"short radon", `{"N": 3, "J": 2, "floor_measure": [0, 1, 0], "log_radon": [1.1], "county_idx": [1, 2, 1]}`, []string{`"log_radon" has 1 entries, want N = 3`}},
		{"short uppm", "{" + ok + `, "county_idx": [1, 2, 1], "log_uppm": [0.1]}`, []string{`"log_uppm" has 1 entries`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, "radon.json", c.content)
			_, err := LoadRadon(p)
			wantErr(t, err, append([]string{p}, c.fragments...)...)
		})
	}
	d, err := LoadRadon(writeTemp(t, "radon.json", "{"+ok+`, "county_idx": [1, 2, 2]}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.County[0] != 0 || d.County[2] != 1 || d.LogUppm != nil {
		t.Fatalf("counties %v (want 0-based), log_uppm %v", d.County, d.LogUppm)
	}
}

func TestLoadBreastCancerErrors(t *testing.T) {
	_, err := LoadBreastCancer(filepath.Join(t.TempDir(), "nope.csv"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	cases := []struct {
		name, content string
		fragments     []string
	}{
		{"empty", "", []string{"empty file"}},
		{"no target", "a,b\n1,2\n", []string{`no "target" column`}},
		{"only target", "target\n1\n0\n", []string{"no feature columns"}},
		{"no rows", "a,target\n", []string{"no data rows"}},
		{"bad number", "a,b,target\n1,2,0\n3,x4,1\n", []string{":3:", "column 2 (b)", `"x4" is not a finite number`}},
		{"nan", "a,b,target\n1,NaN,0\n", []string{":2:", "column 2 (b)"}},
		{"field count", "a,b,target\n1,2,0\n3,1\n", []string{":3:", "wrong number of fields"}},
		{"bad label", "a,target\n1,0\n2,2\n", []string{":3:", "column 2 (target)", "not 0 or 1"}},
		{"quote", "a,target\n\"1,0\n", []string{"malformed CSV"}},
		{"constant column", "a,b,target\n1,5,0\n2,5,1\n", []string{"column 1 is constant"}},
		{"one row", "a,target\n1,0\n", []string{"at least 2 rows"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, "bc.csv", c.content)
			_, err := LoadBreastCancer(p)
			wantErr(t, err, append([]string{p}, c.fragments...)...)
		})
	}
	d, err := LoadBreastCancer(writeTemp(t, "bc.csv", "target,a,b\n1,1,10\n0,2,20\n1,3,60\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 3 || d.D != 2 || !equalStrings(d.Features, []string{"a", "b"}) || !equalFloats(d.Y, []float64{1, 0, 1}) {
		t.Fatalf("%+v", d)
	}
	if d.ColMean[0] != 2 || d.ColSD[0] != 1 || d.ColMean[1] != 30 || math.Abs(d.ColSD[1]-math.Sqrt(700)) > 1e-12 {
		t.Fatalf("means %v sds %v", d.ColMean, d.ColSD)
	}
	if !equalFloats(d.X[:2], []float64{-1, -20 / math.Sqrt(700)}) {
		t.Fatalf("first row %v", d.X[:2])
	}
}

func TestDataPath(t *testing.T) {
	for _, name := range []string{EightSchoolsFile, RadonFile, BreastCancerFile} {
		if _, err := DataPath(name); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mine.json"), []byte("{}"), 0o644)
	t.Setenv("GYRO_DATA", dir)
	p, err := DataPath("mine.json")
	if err != nil || p != filepath.Join(dir, "mine.json") {
		t.Fatalf("GYRO_DATA: %q %v", p, err)
	}
	_, err = DataPath("no_such_file.json")
	wantErr(t, err, "no_such_file.json", "GYRO_DATA")
}

func TestConstrainedDraws(t *testing.T) {
	d, err := LoadEightSchools(mustData(t, EightSchoolsFile))
	if err != nil {
		t.Fatal(err)
	}
	p := potential(t, EightSchoolsNonCentered(d))
	draws := make([]float64, 2*10)
	for i := range draws {
		draws[i] = float64(i) / 10
	}
	res := []mcmc.Result{{Dim: 10, Draws: draws, StepSize: 0.3}}
	c, err := ConstrainedDraws(p, res)
	if err != nil {
		t.Fatal(err)
	}
	if c[0].Dim != 10 || c[0].StepSize != 0.3 || len(c[0].Draws) != 20 {
		t.Fatalf("%+v", c[0])
	}
	for i := 0; i < 2; i++ {
		got := c[0].Draw(i)
		for k := 0; k < 10; k++ {
			want := draws[i*10+k]
			if k == 1 {
				want = math.Exp(want) // tau
			}
			if math.Abs(got[k]-want) > 1e-15*(1+want) {
				t.Fatalf("draw %d coordinate %d = %v, want %v", i, k, got[k], want)
			}
		}
	}
	if draws[1] != 0.1 {
		t.Fatal("ConstrainedDraws modified its input")
	}
	if _, err := ConstrainedDraws(p, []mcmc.Result{{Dim: 3, Draws: make([]float64, 3)}}); err == nil {
		t.Fatal("dimension mismatch accepted")
	}
}
