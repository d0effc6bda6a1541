package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnknownGroup(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"nosuch"}, &out, &errb); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if s := errb.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, `unknown group "nosuch"`) {
		t.Errorf("stderr %q: want one line naming the group", s)
	}
}

func TestNoGroupAndHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 2 {
		t.Errorf("no group: exit %d, want 2", code)
	}
	errb.Reset()
	if code := run([]string{"-help"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "blas") {
		t.Errorf("-help: exit %d, output %q", code, errb.String())
	}
}

func TestQuickBLAS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs benchmarks")
	}
	t.Setenv("GYROBENCH_NO_REEXEC", "1")
	dir := t.TempDir()
	js, md := filepath.Join(dir, "b.json"), filepath.Join(dir, "b.md")
	var out, errb bytes.Buffer
	if code := run([]string{"-quick", "-json", js, "-md", md, "blas"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "dgemm") || !strings.Contains(out.String(), "CPU") {
		t.Errorf("table lacks dgemm or the Describe header:\n%s", out.String())
	}
	raw, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tables []struct {
			Records []map[string]any `json:"records"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Tables) != 1 || len(doc.Tables[0].Records) == 0 {
		t.Errorf("json: %v, %d tables", err, len(doc.Tables))
	}
	if b, err := os.ReadFile(md); err != nil || !bytes.Contains(b, []byte("| kernel | size |")) {
		t.Errorf("markdown: %v", err)
	}
}
