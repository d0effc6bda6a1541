package tensor

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// randView returns a tensor of the given shape holding random values, laid
// out in one of several ways: contiguous, a transposed view, a strided view
// with positive or negative steps, or (when broadcastOK) an expanded view
// with zero strides.
func randView(r *rand.Rand, shape []int, broadcastOK bool) *Dense {
	nd := len(shape)
	switch k := r.IntN(4); {
	case k == 1 && nd > 0: // transposed storage
		perm := r.Perm(nd)
		ps := make([]int, nd)
		for i, p := range perm {
			ps[i] = shape[p]
		}
		base := New(ps, randData(r, ShapeSize(ps), false))
		inv := make([]int, nd)
		for i, p := range perm {
			inv[p] = i
		}
		v, err := base.Transpose(inv...)
		if err != nil {
			panic(err)
		}
		return v
	case k == 2 && nd > 0: // strided, maybe reversed
		steps := make([]int, nd)
		bs := make([]int, nd)
		for i, d := range shape {
			steps[i] = 1 + r.IntN(2)
			if r.IntN(2) == 0 {
				steps[i] = -steps[i]
			}
			bs[i] = d*abs(steps[i]) + r.IntN(2)
		}
		v := New(bs, randData(r, ShapeSize(bs), false))
		for i, d := range shape {
			var err error
			st := steps[i]
			if st > 0 {
				v, err = v.SliceStep(i, 0, d*st, st)
			} else {
				start := bs[i] - 1
				end := start + d*st
				if d == 0 {
					end = start
				}
				v, err = v.SliceStep(i, start, end, st)
			}
			if err != nil {
				panic(err)
			}
		}
		return v
	case k == 3 && broadcastOK: // expanded
		bs := append([]int{}, shape...)
		for i := range bs {
			if r.IntN(2) == 0 {
				bs[i] = 1
			}
		}
		drop := r.IntN(nd + 1)
		base := New(bs[drop:], randData(r, ShapeSize(bs[drop:]), false))
		v, err := base.Expand(shape...)
		if err != nil {
			panic(err)
		}
		return v
	}
	return New(shape, randData(r, ShapeSize(shape), false))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// atB reads t at an index of a broadcast shape (trailing alignment).
func atB(t *Dense, idx []int) float64 {
	off := len(idx) - t.Dims()
	j := make([]int, t.Dims())
	for d, n := range t.Shape() {
		if n != 1 {
			j[d] = idx[off+d]
		}
	}
	return t.At(j...)
}

func TestNewAndAccessors(t *testing.T) {
	x := New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	if x.Dims() != 2 || x.Size() != 6 || !ShapesEqual(x.Strides(), []int{3, 1}) || !x.IsContiguous() {
		t.Fatalf("bad header: %v %v", x.Shape(), x.Strides())
	}
	if x.At(1, 2) != 6 || x.At(0, 1) != 2 {
		t.Fatal("At wrong")
	}
	x.Set(9, 1, 0)
	if x.Data()[3] != 9 {
		t.Fatal("Set wrong")
	}
	z := New([]int{2, 2}, nil)
	if z.Size() != 4 || z.At(1, 1) != 0 {
		t.Fatal("nil data not zeros")
	}
	s := Scalar(3.5)
	if s.Dims() != 0 || s.At() != 3.5 || s.Item() != 3.5 || s.String() != "3.5" {
		t.Fatal("scalar wrong")
	}
	_, err := FromSlice([]int{2, 3}, make([]float64, 5))
	var se *ShapeError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "[2 3]") || !strings.Contains(err.Error(), "5") {
		t.Fatalf("FromSlice error %v does not name shape and length", err)
	}
	defer func() {
		if e, ok := recover().(*ShapeError); !ok || !strings.Contains(e.Error(), "length 5") {
			t.Fatalf("New did not panic with a *ShapeError naming the length: %v", e)
		}
	}()
	New([]int{2, 3}, make([]float64, 5))
}

func TestNewRejects(t *testing.T) {
	if _, err := FromSlice([]int{-1}, nil); err == nil {
		t.Error("negative dim accepted")
	}
	if _, err := FromSlice(make([]int, MaxDims+1), nil); err == nil {
		t.Error("too many dims accepted")
	}
	mustPanic(t, "At out of range", func() { Zeros(2).At(2) })
	mustPanic(t, "At wrong count", func() { Zeros(2).At(0, 0) })
}

func TestViews(t *testing.T) {
	r := newRand(t)
	x := New([]int{3, 4, 5}, randData(r, 60, false))
	tr, _ := x.Transpose(2, 0, 1)
	v, _ := x.SliceStep(1, 3, -1, -2) // indices 3, 1
	ix, _ := x.Index(2, 4)
	sl, _ := x.Slice(-1, 1, 3)
	for i := 0; i < 3; i++ {
		for j := 0; j < 4; j++ {
			for k := 0; k < 5; k++ {
				if tr.At(k, i, j) != x.At(i, j, k) {
					t.Fatal("Transpose wrong")
				}
			}
			if ix.At(i, j) != x.At(i, j, 4) {
				t.Fatal("Index wrong")
			}
			for k := 0; k < 2; k++ {
				if sl.At(i, j, k) != x.At(i, j, k+1) {
					t.Fatal("Slice wrong")
				}
			}
		}
		for j := 0; j < 2; j++ {
			if v.At(i, j, 0) != x.At(i, 3-2*j, 0) {
				t.Fatal("SliceStep negative wrong")
			}
		}
	}
	if !ShapesEqual(v.Shape(), []int{3, 2, 5}) || v.Strides()[1] != -10 || v.IsContiguous() {
		t.Fatalf("SliceStep header %v %v", v.Shape(), v.Strides())
	}
	if x.T().At(4, 3, 2) != x.At(2, 3, 4) {
		t.Fatal("T wrong")
	}
	rs, err := x.Reshape(5, -1)
	if err != nil || !ShapesEqual(rs.Shape(), []int{5, 12}) || rs.At(1, 0) != x.Data()[12] {
		t.Fatalf("Reshape: %v %v", rs, err)
	}
	if _, err := tr.Reshape(60); err == nil {
		t.Fatal("Reshape of non-contiguous view succeeded")
	}
	rc, err := tr.ReshapeCopy(60)
	if err != nil || rc.At(1) != tr.At(0, 0, 1) {
		t.Fatal("ReshapeCopy wrong")
	}
	if _, err := x.Reshape(7, -1); err == nil {
		t.Fatal("bad reshape accepted")
	}
	row := New([]int{1, 5}, randData(r, 5, false))
	ex, err := row.Expand(4, 3, 5)
	if err != nil || ex.Strides()[0] != 0 || ex.Strides()[1] != 0 || ex.At(3, 2, 4) != row.At(0, 4) {
		t.Fatalf("Expand: %v", err)
	}
	if _, err := row.Expand(4, 3, 6); err == nil {
		t.Fatal("bad expand accepted")
	}
	sq, _ := row.Squeeze()
	if !ShapesEqual(sq.Shape(), []int{5}) {
		t.Fatal("Squeeze wrong")
	}
	if _, err := row.Squeeze(1); err == nil {
		t.Fatal("Squeeze of size-5 axis accepted")
	}
	us, _ := sq.Unsqueeze(-1)
	if !ShapesEqual(us.Shape(), []int{5, 1}) || us.At(3, 0) != row.At(0, 3) {
		t.Fatal("Unsqueeze wrong")
	}
	// Views share data.
	sl.Set(42, 0, 0, 0)
	if x.At(0, 0, 1) != 42 {
		t.Fatal("Slice is not a view")
	}
	// Data of a view is the backing slice.
	if &tr.Data()[0] != &x.Data()[0] {
		t.Fatal("Data of a view is not the backing slice")
	}
	// Errors name the shape.
	_, err = x.Slice(1, 2, 9)
	if err == nil || !strings.Contains(err.Error(), "[3 4 5]") {
		t.Fatalf("Slice error %v", err)
	}
	if _, err := x.Transpose(0, 0, 1); err == nil {
		t.Fatal("bad perm accepted")
	}
	if _, err := x.Index(3, 0); err == nil {
		t.Fatal("bad axis accepted")
	}
}

func TestCloneCopyEqual(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 200; it++ {
		sh := randShape(r, 4, 4, true)
		v := randView(r, sh, true)
		c := v.Clone()
		if !c.IsContiguous() || !c.Equal(v) || !v.AllClose(c, 0) {
			t.Fatalf("Clone of %v not equal", sh)
		}
		if v.Contiguous() != v && v.IsContiguous() {
			t.Fatal("Contiguous copied a contiguous tensor")
		}
		d := Zeros(sh...)
		if err := d.CopyFrom(v); err != nil || !d.Equal(v) {
			t.Fatal("CopyFrom wrong")
		}
		want := v.Values()
		if got := c.Data(); len(want) != len(got) {
			t.Fatal("Values wrong length")
		}
		checkSlices(t, "Values", c.Data(), want, 0)
	}
	a := New([]int{2}, []float64{1, math.NaN()})
	if a.Equal(a) || !a.AllClose(a, 1e-9) {
		t.Fatal("NaN handling in Equal/AllClose")
	}
	if New([]int{1}, []float64{1}).AllClose(New([]int{1}, []float64{1.1}), 1e-3) {
		t.Fatal("AllClose too loose")
	}
	if Zeros(2).Equal(Zeros(1, 2)) {
		t.Fatal("shape ignored")
	}
}

func TestDenseBinaryRandom(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 1500; it++ {
		out, as, bs := randBroadcastPair(r, true)
		out, _ = BroadcastShapes(as, bs)
		a, b := randView(r, as, true), randView(r, bs, true)
		op := BinaryOp(r.IntN(int(numBinaryOps)))
		got, err := Binary(op, a, b)
		if err != nil {
			t.Fatal(err)
		}
		dst := randView(r, out, false)
		if err := BinaryInto(op, dst, a, b); err != nil {
			t.Fatal(err)
		}
		n := ShapeSize(out)
		for i := 0; i < n; i++ {
			idx := unravel(i, out)
			want := op.Eval(atB(a, idx), atB(b, idx))
			if !sameFloat(got.At(idx...), want, 0) || !sameFloat(dst.At(idx...), want, 0) {
				t.Fatalf("%v %v %v at %v: got %v / %v, want %v", op, as, bs, idx, got.At(idx...), dst.At(idx...), want)
			}
		}
	}
	_, err := Add(Zeros(2, 3), Zeros(4))
	var se *ShapeError
	if !errors.As(err, &se) || se.Op != "tensor.Add" || !strings.Contains(err.Error(), "[2 3]") || !strings.Contains(err.Error(), "[4]") {
		t.Fatalf("Add error %v", err)
	}
	if err := AddInto(Zeros(3), Zeros(2, 3), Zeros(3)); err == nil {
		t.Fatal("wrong destination shape accepted")
	}
	// In place.
	x := New([]int{3}, []float64{1, 2, 3})
	if err := MulInto(x, x, Scalar(2)); err != nil || x.At(2) != 6 {
		t.Fatal("in-place MulInto wrong")
	}
}

func TestDenseUnaryRandom(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 300; it++ {
		sh := randShape(r, 4, 4, true)
		a := randView(r, sh, true)
		op := UnaryOp(r.IntN(int(numUnaryOps)))
		got := Unary(op, a)
		dst := randView(r, sh, false)
		if err := UnaryInto(op, dst, a); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < ShapeSize(sh); i++ {
			idx := unravel(i, sh)
			want := op.Eval(a.At(idx...))
			if !sameFloat(got.At(idx...), want, 1e-14) || !sameFloat(dst.At(idx...), want, 1e-14) {
				t.Fatalf("%v on %v wrong", op, sh)
			}
		}
	}
	if err := ExpInto(Zeros(2), Zeros(3)); err == nil {
		t.Fatal("wrong shape accepted")
	}
	if Neg(Scalar(2)).Item() != -2 || Sigmoid(Scalar(0)).Item() != 0.5 {
		t.Fatal("named unary wrong")
	}
}

func TestDenseReduceRandom(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 1500; it++ {
		sh := randShape(r, 4, 4, true)
		v := randView(r, sh, true)
		op := ReduceOp(r.IntN(int(numReduceOps)))
		var axes []int
		m := AxisMask(0)
		for i := range sh {
			if r.IntN(2) == 0 {
				ax := i
				if r.IntN(2) == 0 {
					ax -= len(sh)
				}
				axes = append(axes, ax)
				m |= 1 << uint(i)
			}
		}
		if len(axes) == 0 {
			m = AllAxes(len(sh))
		}
		keep := r.IntN(2) == 0
		got, err := Reduce(op, v, keep, axes...)
		empty := false
		for i, d := range sh {
			if m.Has(i) && d == 0 {
				empty = true
			}
		}
		if (op == ReduceMax || op == ReduceMin) && empty {
			if err == nil {
				t.Fatalf("%v over empty axis accepted", op)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		want := refReduce(op, v.Values(), sh, m)
		checkSlices(t, op.String()+" "+shapeString(sh), got.Values(), want, 1e-12)
		var rs [MaxDims]int
		if !ShapesEqual(got.Shape(), ReducedShapeInto(rs[:0], sh, m, keep)) {
			t.Fatalf("reduced shape %v", got.Shape())
		}
		// Into a strided destination of the other keepdims form.
		dshape := ReducedShapeInto(rs[:0], sh, m, !keep)
		dst := randView(r, append([]int{}, dshape...), false)
		if err := ReduceInto(op, dst, v, axes...); err != nil {
			t.Fatal(err)
		}
		checkSlices(t, "ReduceInto", dst.Values(), want, 1e-12)
		if len(axes) == 0 {
			all := map[ReduceOp]func(*Dense) float64{ReduceSum: SumAll, ReduceMean: MeanAll, ReduceProd: ProdAll,
				ReduceMax: MaxAll, ReduceMin: MinAll, ReduceLogSumExp: LogSumExpAll}[op]
			if !sameFloat(all(v), want[0], 1e-12) {
				t.Fatalf("%vAll wrong", op)
			}
		}
	}
	if _, err := Sum(Zeros(2, 3), false, 2); err == nil {
		t.Fatal("bad axis accepted")
	}
	if _, err := Sum(Zeros(2, 3), false, 1, -1); err == nil {
		t.Fatal("repeated axis accepted")
	}
}

func TestArgMax(t *testing.T) {
	x := New([]int{2, 4}, []float64{1, 7, 7, 2, -1, math.NaN(), 5, 9})
	am, err := ArgMax(x, 1, false)
	if err != nil || !am.Equal(New([]int{2}, []float64{1, 1})) {
		t.Fatalf("ArgMax = %v, %v", am, err)
	}
	an, _ := ArgMin(x, 0, true)
	if !an.Equal(New([]int{1, 4}, []float64{1, 1, 1, 0})) {
		t.Fatalf("ArgMin = %v", an)
	}
	if ArgMaxAll(x) != 5 || ArgMinAll(New([]int{3}, []float64{3, 1, 1})) != 1 || ArgMaxAll(Zeros(0)) != -1 {
		t.Fatal("ArgMaxAll/ArgMinAll wrong")
	}
	if _, err := ArgMax(Zeros(2, 0), 1, false); err == nil {
		t.Fatal("ArgMax over empty axis accepted")
	}
	r := newRand(t)
	for it := 0; it < 200; it++ {
		sh := randShape(r, 3, 4, false)
		if len(sh) == 0 {
			continue
		}
		v := randView(r, sh, false)
		ax := r.IntN(len(sh))
		got, err := ArgMax(v, ax, false)
		if err != nil {
			t.Fatal(err)
		}
		mx, _ := Max(v, false, ax)
		for i := 0; i < got.Size(); i++ {
			oi := unravel(i, got.Shape())
			idx := append(append(append([]int{}, oi[:ax]...), int(got.Values()[i])), oi[ax:]...)
			if v.At(idx...) != mx.Values()[i] {
				t.Fatal("ArgMax does not point at the max")
			}
		}
	}
}

func naiveMatMul(a, b *Dense) *Dense {
	// Only for 2-d operands.
	m, k, n := a.Shape()[0], a.Shape()[1], b.Shape()[1]
	c := Zeros(m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				s += a.At(i, p) * b.At(p, j)
			}
			c.Set(s, i, j)
		}
	}
	return c
}

func TestMatMulDense(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 400; it++ {
		m, k, n := r.IntN(6), r.IntN(6), r.IntN(6)
		_, ba, bb := randBroadcastPair(r, false)
		if len(ba) > 2 || len(bb) > 2 {
			ba, bb = ba[len(ba)-min(len(ba), 2):], bb[len(bb)-min(len(bb), 2):]
		}
		as := append(append([]int{}, ba...), m, k)
		bs := append(append([]int{}, bb...), k, n)
		a, b := randView(r, as, true), randView(r, bs, true)
		got, err := MatMul(a, b)
		if err != nil {
			t.Fatal(err)
		}
		batch, _ := BroadcastShapes(ba, bb)
		for bi := 0; bi < ShapeSize(batch); bi++ {
			idx := unravel(bi, batch)
			av, bv, gv := a, b, got
			for d := range batch {
				av2, bv2 := av, bv
				if off := len(batch) - len(ba); d >= off {
					if ba[d-off] == 1 {
						av2, _ = av.Index(0, 0)
					} else {
						av2, _ = av.Index(0, idx[d])
					}
				}
				if off := len(batch) - len(bb); d >= off {
					if bb[d-off] == 1 {
						bv2, _ = bv.Index(0, 0)
					} else {
						bv2, _ = bv.Index(0, idx[d])
					}
				}
				av, bv = av2, bv2
				gv, _ = gv.Index(0, idx[d])
			}
			if !gv.AllClose(naiveMatMul(av, bv), 1e-12) {
				t.Fatalf("MatMul %v @ %v wrong at batch %v:\n%v\nwant\n%v", as, bs, idx, gv, naiveMatMul(av, bv))
			}
		}
		// Into a transposed-layout destination (forces scratch).
		dst := randView(r, got.Shape(), false)
		if err := MatMulInto(dst, a, b); err != nil || !dst.AllClose(got, 1e-12) {
			t.Fatalf("MatMulInto wrong: %v", err)
		}
	}
	// 1-d rules.
	A := New([]int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	x := New([]int{3}, []float64{1, 0, -1})
	y, _ := MatVec(A, x)
	if !y.Equal(New([]int{2}, []float64{-2, -2})) {
		t.Fatalf("MatVec = %v", y)
	}
	z, _ := MatMul(New([]int{2}, []float64{1, 1}), A)
	if !z.Equal(New([]int{3}, []float64{5, 7, 9})) {
		t.Fatalf("vec@mat = %v", z)
	}
	d, _ := Dot(x, x)
	rev, _ := x.SliceStep(0, 2, -1, -1)
	d2, _ := Dot(x, rev)
	if d != 2 || d2 != -2 {
		t.Fatalf("Dot = %v, %v", d, d2)
	}
	o, _ := Outer(x, New([]int{2}, []float64{1, 2}))
	if !o.Equal(New([]int{3, 2}, []float64{1, 2, 0, 0, -1, -2})) {
		t.Fatalf("Outer = %v", o)
	}
	if _, err := MatMul(A, A); err == nil || !strings.Contains(err.Error(), "[2 3]") {
		t.Fatalf("MatMul shape error %v", err)
	}
	if _, err := Dot(x, Zeros(2)); err == nil {
		t.Fatal("Dot length mismatch accepted")
	}
}

func TestString(t *testing.T) {
	x := New([]int{2, 3}, []float64{1, -2.5, 3, 4, 5, 6})
	want := "[[   1 -2.5    3]\n [   4    5    6]]"
	if x.String() != want {
		t.Fatalf("String =\n%s\nwant\n%s", x, want)
	}
	if Zeros(0, 3).String() != "[]" {
		t.Fatal("empty String")
	}
	big := Zeros(2000)
	if s := big.String(); !strings.Contains(s, "...") || len(s) > 100 {
		t.Fatalf("summarised String = %q", s)
	}
	if s := New([]int{1}, []float64{math.Inf(1)}).String(); s != "[Inf]" {
		t.Fatalf("Inf String = %q", s)
	}
}

func TestZeroSize(t *testing.T) {
	e := Zeros(0, 3)
	if v, err := e.Index(1, 2); err != nil || len(v.Data()) != 0 || v.Size() != 0 {
		t.Fatalf("Index of empty: %v", err)
	}
	b, _ := Zeros(2, 3).Slice(0, 2, 2)
	if v, err := b.Slice(1, 3, 3); err != nil || len(v.Data()) != 0 {
		t.Fatalf("Slice of empty: %v", err)
	}
	s, err := Sum(e, false, 0)
	if err != nil || !s.Equal(Zeros(3)) {
		t.Fatalf("Sum over empty = %v %v", s, err)
	}
	m, _ := Mean(e, false, 0)
	if !math.IsNaN(m.At(0)) {
		t.Fatal("Mean over empty not NaN")
	}
	p, _ := MatMul(Zeros(2, 0), Zeros(0, 3))
	if !p.Equal(Zeros(2, 3)) {
		t.Fatal("MatMul with k=0 not zeros")
	}
	a, err := Add(e, Zeros(3))
	if err != nil || !ShapesEqual(a.Shape(), []int{0, 3}) {
		t.Fatal("Add on empty")
	}
}
