package cliflag

import (
	"errors"
	"flag"
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		pos  []string
		n    int
		q    bool
	}{
		{[]string{"a", "-n", "3", "b", "-q"}, []string{"a", "b"}, 3, true},
		{[]string{"-q", "a"}, []string{"a"}, 0, true},
		{[]string{"a", "--", "-n", "4"}, []string{"a", "-n", "4"}, 0, false},
		{nil, nil, 0, false},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		n := fs.Int("n", 0, "")
		q := fs.Bool("q", false, "")
		pos, err := Parse(fs, c.args)
		if err != nil || !reflect.DeepEqual(pos, c.pos) || *n != c.n || *q != c.q {
			t.Errorf("%q: pos %q n %d q %v err %v", c.args, pos, *n, *q, err)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Int("n", 0, "")
	if _, err := Parse(fs, []string{"a", "-n", "x"}); err == nil || err.Error() != `invalid value "x" for flag -n: parse error` {
		t.Errorf("bad value: %v", err)
	}
	if _, err := Parse(fs, []string{"-zz"}); err == nil || err.Error() != "flag provided but not defined: -zz" {
		t.Errorf("unknown flag: %v", err)
	}
	if _, err := Parse(fs, []string{"a", "-help"}); !errors.Is(err, ErrHelp) {
		t.Errorf("-help: %v", err)
	}
	if OneLine(errors.New("a\n  b")) != "a b" {
		t.Error("OneLine")
	}
}
