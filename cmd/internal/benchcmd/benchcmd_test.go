package benchcmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func oneLine(t *testing.T, s, want string) {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.Contains(s, want) {
		t.Errorf("stderr %q: want one line containing %q", s, want)
	}
}

func TestUnknownGroupAndFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run("gyrobench", []string{"nosuch"}, &out, &errb); code != 2 {
		t.Errorf("unknown group: exit code %d, want 2", code)
	}
	oneLine(t, errb.String(), `unknown group "nosuch"`)
	errb.Reset()
	if code := Run("gyro bench", []string{"blas", "-bogus"}, &out, &errb); code != 2 {
		t.Errorf("unknown flag: exit code %d, want 2", code)
	}
	oneLine(t, errb.String(), "-bogus")
	if out.Len() != 0 {
		t.Errorf("stdout %q, want nothing", out.String())
	}
}

func TestHelp(t *testing.T) {
	for _, h := range []string{"-help", "--help", "-h"} {
		var out, errb bytes.Buffer
		if code := Run("gyro bench", []string{h}, &out, &errb); code != 0 {
			t.Errorf("%s: exit %d", h, code)
		}
		for _, g := range []string{"blas", "autodiff", "handlers", "svi", "nuts", "ratio"} {
			if !strings.Contains(out.String(), g) {
				t.Errorf("%s: help lacks %q:\n%s", h, g, out.String())
			}
		}
	}
}

func TestUnwritableOutput(t *testing.T) {
	var out, errb bytes.Buffer
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "b.json")
	if code := Run("gyro bench", []string{"-json", bad, "autodiff"}, &out, &errb); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	oneLine(t, errb.String(), "cannot write output")
	if out.Len() != 0 {
		t.Errorf("benchmarks ran before the output was checked:\n%s", out.String())
	}
	errb.Reset()
	if code := Run("gyro bench", []string{"-stan", filepath.Join(t.TempDir(), "missing.json"), "nuts"}, &out, &errb); code != 1 {
		t.Errorf("missing -stan file: exit %d, want 1", code)
	}
	oneLine(t, errb.String(), "missing.json")
}

// TestQuickGroups runs every group quickly through the command (flags after
// the groups), checking the tables, the summary, JSON and Markdown.
func TestQuickGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("runs benchmarks")
	}
	t.Setenv("GYROBENCH_NO_REEXEC", "1")
	dir := t.TempDir()
	js, md := filepath.Join(dir, "b.json"), filepath.Join(dir, "b.md")
	var out, errb bytes.Buffer
	if code := Run("gyrobench", []string{"blas", "autodiff", "handlers", "svi", "nuts", "-quick", "-json", js, "-md", md}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"dgemm", "CPU", "tape value+gradient", "trace + log_prob_sum", "SVI step", "eight schools NC: time per gradient", "Summary"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	raw, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tables []struct {
			Group   string           `json:"group"`
			Records []map[string]any `json:"records"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	for _, tb := range doc.Tables {
		groups[tb.Group] = len(tb.Records)
	}
	for _, g := range []string{"blas", "autodiff", "handlers", "svi", "nuts", "summary"} {
		if groups[g] == 0 {
			t.Errorf("json: group %s has no records (%v)", g, groups)
		}
	}
	b, err := os.ReadFile(md)
	if err != nil || !bytes.Contains(b, []byte("| kernel | size |")) || !bytes.Contains(b, []byte("| benchmark | size | gyro |")) {
		t.Errorf("markdown: %v\n%s", err, b)
	}
	if testing.Verbose() {
		t.Log(out.String())
	}
}
