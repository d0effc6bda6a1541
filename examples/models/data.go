package models

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// File names of the bundled data sets (in examples/data).
const (
	EightSchoolsFile = "eight_schools.json"
	RadonFile        = "radon_mn.json"
	BreastCancerFile = "breast_cancer.csv"
)

// DataPath returns the path of the bundled data file name. It looks, in
// order, in the directory named by the GYRO_DATA environment variable,
// in examples/data, ../data and ../../examples/data relative to the working
// directory (the repository root, an example's directory, or
// examples/models), and in the examples/data directory of the source tree
// this package was built from. The error lists the places searched.
func DataPath(name string) (string, error) {
	var dirs []string
	if d := os.Getenv("GYRO_DATA"); d != "" {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, filepath.Join("examples", "data"), filepath.Join("..", "data"), filepath.Join("..", "..", "examples", "data"))
	if _, file, _, ok := runtime.Caller(0); ok {
		dirs = append(dirs, filepath.Join(filepath.Dir(file), "..", "data"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("models: data file %q not found in %s (set GYRO_DATA to the examples/data directory)", name, strings.Join(dirs, ", "))
}

// readJSON decodes the JSON file at path into v, reporting syntax and type
// errors with their line and column.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := lineCol(b, se.Offset)
			return fmt.Errorf("models: %s:%d:%d: malformed JSON: %v", path, line, col, se)
		case errors.As(err, &te):
			line, col := lineCol(b, te.Offset)
			return fmt.Errorf("models: %s:%d:%d: field %q: JSON %s where %s was expected", path, line, col, te.Field, te.Value, te.Type)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("models: %s: malformed JSON: unexpected end of file", path)
		}
		return fmt.Errorf("models: %s: %w", path, err)
	}
	if dec.More() {
		line, col := lineCol(b, dec.InputOffset())
		return fmt.Errorf("models: %s:%d:%d: malformed JSON: data after the top-level object", path, line, col)
	}
	return nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col = 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// checkLen reports a field whose length is not want.
func checkLen(path, field string, got, want int, wantName string) error {
	if got != want {
		return fmt.Errorf("models: %s: field %q has %d entries, want %s = %d", path, field, got, wantName, want)
	}
	return nil
}

// checkFinite reports the first non-finite entry of a field (JSON cannot
// hold one, but the check keeps the loaders honest for data built in Go).
func checkFinite(path, field string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("models: %s: field %q entry %d is %v", path, field, i, v)
		}
	}
	return nil
}

// EightSchoolsData is the eight-schools data set: J schools, the estimated
// treatment effect Y[j] of each and its standard error Sigma[j].
type EightSchoolsData struct {
	J     int
	Y     []float64
	Sigma []float64
}

// LoadEightSchools reads posteriordb's eight_schools data ({"J", "y",
// "sigma"}) from path. Errors name the file and what is wrong: a missing
// file, malformed JSON (with line and column), a missing field, lengths
// that differ from J, a non-positive sigma.
func LoadEightSchools(path string) (*EightSchoolsData, error) {
	var raw struct {
		J     *int      `json:"J"`
		Y     []float64 `json:"y"`
		Sigma []float64 `json:"sigma"`
	}
	if err := readJSON(path, &raw); err != nil {
		return nil, err
	}
	if raw.J == nil {
		return nil, fmt.Errorf("models: %s: field \"J\" is missing", path)
	}
	if *raw.J < 1 {
		return nil, fmt.Errorf("models: %s: field \"J\" is %d, want at least 1", path, *raw.J)
	}
	if raw.Y == nil {
		return nil, fmt.Errorf("models: %s: field \"y\" is missing", path)
	}
	if raw.Sigma == nil {
		return nil, fmt.Errorf("models: %s: field \"sigma\" is missing", path)
	}
	if err := checkLen(path, "y", len(raw.Y), *raw.J, "J"); err != nil {
		return nil, err
	}
	if err := checkLen(path, "sigma", len(raw.Sigma), *raw.J, "J"); err != nil {
		return nil, err
	}
	if err := checkFinite(path, "y", raw.Y); err != nil {
		return nil, err
	}
	for i, s := range raw.Sigma {
		if !(s > 0) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("models: %s: field \"sigma\" entry %d is %v, want a positive finite standard error", path, i, s)
		}
	}
	return &EightSchoolsData{J: *raw.J, Y: raw.Y, Sigma: raw.Sigma}, nil
}

// RadonData is the Minnesota radon data of Gelman & Hill (2006): N houses in
// J counties, the county of each house (0-based, converted from the file's
// 1-based county_idx), whether it was measured on the first floor (1) or in
// the basement (0), and its log radon level.
type RadonData struct {
	N, J         int
	County       []int
	FloorMeasure []float64
	LogRadon     []float64
	// LogUppm is the county-level log uranium measure of each house (not
	// used by the varying-intercept model; nil when the file lacks it).
	LogUppm []float64
}

// LoadRadon reads posteriordb's radon_mn data ({"N", "J", "county_idx",
// "floor_measure", "log_radon", optionally "log_uppm"}) from path. Errors
// name the file and the field at fault: a missing file, malformed JSON
// (with line and column), a missing field, a length other than N, a county
// index outside 1..J.
func LoadRadon(path string) (*RadonData, error) {
	var raw struct {
		N            *int      `json:"N"`
		J            *int      `json:"J"`
		CountyIdx    []int     `json:"county_idx"`
		FloorMeasure []float64 `json:"floor_measure"`
		LogRadon     []float64 `json:"log_radon"`
		LogUppm      []float64 `json:"log_uppm"`
	}
	if err := readJSON(path, &raw); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		v    *int
	}{{"N", raw.N}, {"J", raw.J}} {
		if f.v == nil {
			return nil, fmt.Errorf("models: %s: field %q is missing", path, f.name)
		}
		if *f.v < 1 {
			return nil, fmt.Errorf("models: %s: field %q is %d, want at least 1", path, f.name, *f.v)
		}
	}
	n, j := *raw.N, *raw.J
	if raw.CountyIdx == nil {
		return nil, fmt.Errorf("models: %s: field \"county_idx\" is missing", path)
	}
	if raw.FloorMeasure == nil {
		return nil, fmt.Errorf("models: %s: field \"floor_measure\" is missing", path)
	}
	if raw.LogRadon == nil {
		return nil, fmt.Errorf("models: %s: field \"log_radon\" is missing", path)
	}
	if err := checkLen(path, "county_idx", len(raw.CountyIdx), n, "N"); err != nil {
		return nil, err
	}
	if err := checkLen(path, "floor_measure", len(raw.FloorMeasure), n, "N"); err != nil {
		return nil, err
	}
	if err := checkLen(path, "log_radon", len(raw.LogRadon), n, "N"); err != nil {
		return nil, err
	}
	if raw.LogUppm != nil {
		if err := checkLen(path, "log_uppm", len(raw.LogUppm), n, "N"); err != nil {
			return nil, err
		}
	}
	if err := checkFinite(path, "floor_measure", raw.FloorMeasure); err != nil {
		return nil, err
	}
	if err := checkFinite(path, "log_radon", raw.LogRadon); err != nil {
		return nil, err
	}
	county := make([]int, n)
	for i, c := range raw.CountyIdx {
		if c < 1 || c > j {
			return nil, fmt.Errorf("models: %s: field \"county_idx\" entry %d is %d, outside 1..J = 1..%d", path, i, c, j)
		}
		county[i] = c - 1
	}
	return &RadonData{N: n, J: j, County: county, FloorMeasure: raw.FloorMeasure, LogRadon: raw.LogRadon, LogUppm: raw.LogUppm}, nil
}

// LogRegData is a binary-classification data set: N rows of D features
// (X, row-major N×D) and labels Y in {0, 1}.
type LogRegData struct {
	N, D int
	X    []float64
	Y    []float64
	// Features names the columns of X (nil for synthetic data).
	Features []string
	// ColMean and ColSD are the column means and sample standard
	// deviations (n−1 denominator) X was standardized with (nil when it
	// was not).
	ColMean, ColSD []float64
}

// ReadCSV reads a numeric CSV table with a header line from r: every column
// except the one named target becomes a feature, target the 0/1 label.
// name is used in error messages, which give the line and the column of a
// malformed value, a row with the wrong number of fields, or a label that
// is not 0 or 1.
func ReadCSV(r io.Reader, name, target string) (*LogRegData, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("models: %s: empty file, want a header line", name)
	}
	if err != nil {
		return nil, fmt.Errorf("models: %s: malformed CSV: %w", name, err)
	}
	header = append([]string(nil), header...)
	ti := -1
	for i, h := range header {
		if h == target {
			if ti >= 0 {
				return nil, fmt.Errorf("models: %s: column %q appears twice in the header", name, target)
			}
			ti = i
		}
	}
	if ti < 0 {
		return nil, fmt.Errorf("models: %s: no %q column in the header %v", name, target, header)
	}
	d := len(header) - 1
	if d < 1 {
		return nil, fmt.Errorf("models: %s: no feature columns besides %q", name, target)
	}
	data := &LogRegData{D: d}
	for i, h := range header {
		if i != ti {
			data.Features = append(data.Features, h)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("models: %s:%d: malformed CSV: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("models: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("models: %s:%d: column %d (%s): %q is not a finite number", name, line, i+1, header[i], s)
			}
			if i == ti {
				if v != 0 && v != 1 {
					return nil, fmt.Errorf("models: %s:%d: column %d (%s): label %q is not 0 or 1", name, line, i+1, header[i], s)
				}
				data.Y = append(data.Y, v)
			} else {
				data.X = append(data.X, v)
			}
		}
		data.N++
	}
	if data.N == 0 {
		return nil, fmt.Errorf("models: %s: no data rows after the header", name)
	}
	return data, nil
}

// Standardize rescales each column of x (row-major n×d) in place to mean 0
// and sample standard deviation 1, (x − mean)/sd with the n−1 denominator
// (R's sd, as the Stan reference runs use), and returns the means and
// standard deviations. A constant column (sd = 0) or n < 2 is an error.
func Standardize(x []float64, n, d int) (mean, sd []float64, err error) {
	if n < 2 {
		return nil, nil, fmt.Errorf("models: Standardize: need at least 2 rows, have %d", n)
	}
	if len(x) != n*d {
		return nil, nil, fmt.Errorf("models: Standardize: %d values for %d×%d", len(x), n, d)
	}
	mean = make([]float64, d)
	sd = make([]float64, d)
	for j := 0; j < d; j++ {
		var s float64
		for i := 0; i < n; i++ {
			s += x[i*d+j]
		}
		m := s / float64(n)
		var ss float64
		for i := 0; i < n; i++ {
			e := x[i*d+j] - m
			ss += e * e
		}
		mean[j] = m
		sd[j] = math.Sqrt(ss / float64(n-1))
		if !(sd[j] > 0) {
			return nil, nil, fmt.Errorf("models: Standardize: column %d is constant", j)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			x[i*d+j] = (x[i*d+j] - mean[j]) / sd[j]
		}
	}
	return mean, sd, nil
}

// LoadBreastCancer reads the Wisconsin diagnostic breast-cancer table
// (breast_cancer.csv: 30 feature columns and "target", 1 = benign) from
// path and standardizes every feature column with its mean and sample
// standard deviation (Standardize), as the Stan reference posterior does.
func LoadBreastCancer(path string) (*LogRegData, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	defer f.Close()
	d, err := ReadCSV(f, path, "target")
	if err != nil {
		return nil, err
	}
	d.ColMean, d.ColSD, err = Standardize(d.X, d.N, d.D)
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", path, err)
	}
	return d, nil
}
