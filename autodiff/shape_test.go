package autodiff

import "testing"

func TestShapeValues(t *testing.T) {
	tp := NewTape()
	a := tp.Const([]int{2, 3}, []float64{0, 1, 2, 3, 4, 5})
	check := func(name string, v V, shape []int, want []float64) {
		t.Helper()
		if !shapesEqual(v.Shape(), shape) {
			t.Fatalf("%s: shape %v, want %v", name, v.Shape(), shape)
		}
		closeSlices(t, name, v.Data(), want, 0)
	}
	check("Transpose", tp.Transpose(a), []int{3, 2}, []float64{0, 3, 1, 4, 2, 5})
	b := tp.Const([]int{2, 3, 2}, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	check("Permute", tp.Permute(b, 2, 0, 1), []int{2, 2, 3}, []float64{0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11})
	check("SliceAxis1", tp.SliceAxis(a, 1, 1, 3), []int{2, 2}, []float64{1, 2, 4, 5})
	check("SliceAxis0", tp.SliceAxis(a, -2, 1, 2), []int{1, 3}, []float64{3, 4, 5})
	check("IndexSelect", tp.IndexSelect(a, 1, []int{2, 0, 2}), []int{2, 3}, []float64{2, 0, 2, 5, 3, 5})
	check("IndexAdd", tp.IndexAdd(a, 0, []int{1, 1}, tp.Const([]int{2, 3}, []float64{1, 1, 1, 2, 2, 2})), []int{2, 3}, []float64{0, 1, 2, 6, 7, 8})
	check("Gather", tp.Gather(a, 1, []int{2, 0}), []int{2, 1}, []float64{2, 3})
	check("ScatterAdd", tp.ScatterAdd(a, 1, []int{2, 2, 0, 1}, tp.Const([]int{2, 2}, []float64{1, 1, 10, 20})), []int{2, 3}, []float64{0, 1, 4, 13, 24, 5})
	c := tp.Const([]int{2, 1}, []float64{9, 8})
	check("Concat1", tp.Concat(1, a, c), []int{2, 4}, []float64{0, 1, 2, 9, 3, 4, 5, 8})
	check("Concat0", tp.Concat(0, a, a), []int{4, 3}, []float64{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5})
	check("Stack0", tp.Stack(0, c, c), []int{2, 2, 1}, []float64{9, 8, 9, 8})
	check("Stack1", tp.Stack(1, a, a), []int{2, 2, 3}, []float64{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5})
	check("StackLast", tp.Stack(-1, a, a), []int{2, 3, 2}, []float64{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5})
	check("StackScalars", tp.Stack(0, tp.Scalar(1), tp.Scalar(2), tp.Scalar(3)), []int{3}, []float64{1, 2, 3})
	check("Expand", tp.Expand(c, 2, 3), []int{2, 3}, []float64{9, 9, 9, 8, 8, 8})
	check("SumTo", tp.SumTo(a, 1, 3), []int{1, 3}, []float64{3, 5, 7})
	check("Reshape", tp.Reshape(a, 3, -1), []int{3, 2}, []float64{0, 1, 2, 3, 4, 5})
	check("Slice", tp.Slice(a, 1, 2), []int{1, 3}, []float64{3, 4, 5})
	if tp.Index(a, 4).Value() != 4 {
		t.Fatal("Index")
	}
}

func TestGradShape(t *testing.T) {
	r := newRand(4)
	one := func(name string, f func(tp *Tape, a V) V, shape ...int) {
		t.Helper()
		gradCheck(t, name, func(tp *Tape, x []V) V { return f(tp, x[0]) }, rin(r, any1, shape...))
	}
	one("Reshape", func(tp *Tape, a V) V { return tp.Mul(tp.Reshape(a, 3, 2), tp.Reshape(a, 3, 2)) }, 2, 3)
	one("Slice", func(tp *Tape, a V) V { return tp.Square(tp.Slice(a, 1, 3)) }, 4, 2)
	one("Index", func(tp *Tape, a V) V { return tp.Mul(tp.Index(a, 3), tp.Index(a, 1)) }, 2, 3)
	one("Expand", func(tp *Tape, a V) V { return tp.Square(tp.Expand(a, 2, 3, 4)) }, 3, 1)
	one("SumTo", func(tp *Tape, a V) V { return tp.Square(tp.SumTo(a, 3, 1)) }, 2, 3, 4)
	one("SliceAxis", func(tp *Tape, a V) V { return tp.Square(tp.SliceAxis(a, 1, 1, 3)) }, 2, 4, 3)
	one("SliceAxisLast", func(tp *Tape, a V) V { return tp.Square(tp.SliceAxis(a, -1, 0, 2)) }, 2, 3)
	one("IndexSelect", func(tp *Tape, a V) V { return tp.Square(tp.IndexSelect(a, 1, []int{2, 0, 2, 1})) }, 2, 3, 2)
	one("Gather", func(tp *Tape, a V) V { return tp.Square(tp.Gather(a, 1, []int{2, 2, 0, 1, 1, 0})) }, 2, 3)
	one("Gather0", func(tp *Tape, a V) V { return tp.Square(tp.Gather(a, 0, []int{1, 0, 1})) }, 2, 3)
	two := func(name string, f func(tp *Tape, a, b V) V, sa, sb []int) {
		t.Helper()
		gradCheck(t, name, func(tp *Tape, x []V) V { return f(tp, x[0], x[1]) }, rin(r, any1, sa...), rin(r, any1, sb...))
	}
	two("IndexAdd", func(tp *Tape, a, b V) V { return tp.Square(tp.IndexAdd(a, 1, []int{0, 2, 0}, b)) }, []int{2, 3}, []int{2, 3})
	two("ScatterAdd", func(tp *Tape, a, b V) V { return tp.Square(tp.ScatterAdd(a, 1, []int{0, 2, 1, 1}, b)) }, []int{2, 3}, []int{2, 2})
	two("Concat0", func(tp *Tape, a, b V) V { return tp.Square(tp.Concat(0, a, b, a)) }, []int{2, 3}, []int{1, 3})
	two("Concat1", func(tp *Tape, a, b V) V { return tp.Square(tp.Concat(1, a, b)) }, []int{2, 3}, []int{2, 2})
	two("Stack", func(tp *Tape, a, b V) V { return tp.Square(tp.Stack(1, a, b, a)) }, []int{2, 3}, []int{2, 3})
	two("StackScalars", func(tp *Tape, a, b V) V { return tp.Square(tp.Stack(0, a, b)) }, nil, nil)
	// a constant among the joined inputs
	two("ConcatConst", func(tp *Tape, a, b V) V {
		return tp.Square(tp.Concat(0, a, tp.Const([]int{1, 3}, []float64{1, 2, 3}), b))
	}, []int{2, 3}, []int{1, 3})
}

func TestShapeErrors(t *testing.T) {
	tp := NewTape()
	a := tp.Const([]int{2, 3}, nil)
	expectError(t, "SliceAxis", func() { tp.SliceAxis(a, 1, 2, 4) })
	expectError(t, "SliceAxis", func() { tp.SliceAxis(a, 2, 0, 1) })
	expectError(t, "IndexSelect", func() { tp.IndexSelect(a, 1, []int{3}) })
	expectError(t, "Gather", func() { tp.Gather(a, 1, []int{0, 1, 2}) })
	expectError(t, "Gather", func() { tp.Gather(a, 1, []int{0, -1}) })
	expectError(t, "IndexAdd", func() { tp.IndexAdd(a, 0, []int{0}, tp.Const([]int{2, 3}, nil)) })
	expectError(t, "ScatterAdd", func() { tp.ScatterAdd(a, 0, []int{0, 0, 0}, tp.Const([]int{1, 2}, nil)) })
	expectError(t, "Concat", func() { tp.Concat(0, a, tp.Const([]int{2, 2}, nil)) })
	expectError(t, "Concat", func() { tp.Concat(0) })
	expectError(t, "Stack", func() { tp.Stack(0, a, tp.Const([]int{3, 2}, nil)) })
	expectError(t, "Stack", func() { tp.Stack(3, a, a) })
	expectError(t, "Reshape", func() { tp.Reshape(a, 4, -1) })
	expectError(t, "Expand", func() { tp.Expand(a, 3, 3) })
	expectError(t, "Slice", func() { tp.Slice(a, 1, 3) })
	expectError(t, "Index", func() { tp.Index(a, 6) })
	other := NewTape()
	expectError(t, "Concat", func() { tp.Concat(0, a, other.Const([]int{2, 3}, nil)) })
	expectError(t, "Add", func() { tp.Add(a, other.Scalar(1)) })
	expectError(t, "Add", func() { tp.Add(a, V{}) })
	expectError(t, "Add", func() { tp.Add(a, tp.Const([]int{3, 2}, nil)) })
	expectError(t, "Stack", func() { tp.Stack(0, a, V{}) })
}
