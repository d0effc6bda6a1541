package tensor

import "testing"

func TestArenaBasics(t *testing.T) {
	var a Arena
	x := a.New(2, 3)
	if !ShapesEqual(x.Shape(), []int{2, 3}) || SumAll(x) != 0 || !x.IsContiguous() {
		t.Fatal("Arena.New wrong")
	}
	x.Fill(1)
	y := a.FromSlice([]int{3}, []float64{1, 2, 3})
	s := a.Scalar(4)
	if s.Item() != 4 || y.At(2) != 3 || x.At(1, 2) != 1 {
		t.Fatal("arena tensors clobbered each other")
	}
	c := a.Clone(x.T())
	if !c.Equal(x.T()) || !c.IsContiguous() {
		t.Fatal("Arena.Clone wrong")
	}
	v, err := a.Transpose(x)
	if err != nil || !v.Equal(x.T()) {
		t.Fatal("Arena.Transpose wrong")
	}
	// Growth across cycles: grow, reset, reuse.
	for cycle := 0; cycle < 3; cycle++ {
		a.Reset()
		ts := make([]*Dense, 50)
		for i := range ts {
			ts[i] = a.New(i, 3)
			ts[i].Fill(float64(i))
		}
		for i, u := range ts {
			if u.Size() > 0 && (u.At(0, 0) != float64(i) || MaxAll(u) != float64(i)) {
				t.Fatalf("cycle %d: tensor %d overwritten", cycle, i)
			}
		}
	}
	mustPanic(t, "bad shape", func() { a.New(-1) })
}

// TestArenaNoAlloc checks that after warm-up a loop that resets the arena,
// creates tensors and runs every kind of Into operation on them allocates
// nothing.
func TestArenaNoAlloc(t *testing.T) {
	var a Arena
	x := New([]int{8, 16}, randData(newRand(t), 128, false))
	y := New([]int{16}, randData(newRand(t), 16, false))
	w := New([]int{16, 4}, randData(newRand(t), 64, false))
	run := func() {
		a.Reset()
		t1 := a.Uninit(8, 16)
		_ = AddInto(t1, x, y)
		t2 := a.New(8, 16)
		_ = MulInto(t2, t1, x)
		_ = ExpInto(t2, t2)
		_ = SubInto(t2, t2, a.Scalar(1))
		_ = BinaryInto(OpPow, t2, t1, a.Scalar(2))
		s := a.Uninit(16)
		_ = SumInto(s, t2, 0)
		k := a.Uninit(8, 1)
		_ = LogSumExpInto(k, t2, -1)
		_ = MaxInto(k, t2, 1)
		m := a.Uninit(8, 4)
		_ = MatMulInto(m, t1, w)
		tr, _ := a.Transpose(t1)
		m2 := a.Uninit(16, 16)
		_ = MatMulInto(m2, tr, t1)
		ex, _ := a.Expand(y, 8, 16)
		_ = t1.CopyFrom(ex)
		v, _ := a.Slice(t1, 1, 2, 10)
		r, _ := a.Reshape(t2, 16, 8)
		_ = r
		sq, _ := a.Unsqueeze(s, 0)
		_ = sq
		i0, _ := a.Index(t1, 0, 3)
		_ = i0
		_ = SumAll(v)
		_ = a.Floats(10)
		_ = a.Ints(4)
		cl := a.Clone(tr)
		_ = cl
		_ = OuterInto(a.Uninit(16, 16), y, y)
	}
	run()
	run()
	if n := testing.AllocsPerRun(50, run); n != 0 {
		t.Fatalf("arena loop allocates %v times per run", n)
	}
}
