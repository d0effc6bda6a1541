package tensor

import (
	"errors"
	"math"
	"testing"
)

func TestBroadcastShapes(t *testing.T) {
	cases := []struct {
		a, b, want []int
		ok         bool
	}{
		{[]int{2, 3}, []int{3}, []int{2, 3}, true},
		{[]int{2, 1}, []int{1, 3}, []int{2, 3}, true},
		{nil, []int{4, 5}, []int{4, 5}, true},
		{[]int{5, 1, 4}, []int{3, 1}, []int{5, 3, 4}, true},
		{[]int{0, 3}, []int{1, 3}, []int{0, 3}, true},
		{[]int{0}, []int{1}, []int{0}, true},
		{[]int{2, 3}, []int{4}, nil, false},
		{[]int{0}, []int{2}, nil, false},
	}
	for _, c := range cases {
		got, err := BroadcastShapes(c.a, c.b)
		if (err == nil) != c.ok || (c.ok && !ShapesEqual(got, c.want)) {
			t.Errorf("BroadcastShapes(%v, %v) = %v, %v; want %v ok=%v", c.a, c.b, got, err, c.want, c.ok)
		}
		if err != nil {
			var se *ShapeError
			if !errors.As(err, &se) || len(se.Shapes) != 2 || !ShapesEqual(se.Shapes[0], c.a) {
				t.Errorf("error %v does not carry both shapes", err)
			}
		}
	}
	if _, err := BroadcastShapes(make([]int, MaxDims+1), nil); err == nil {
		t.Error("more than MaxDims accepted")
	}
}

func refBinary(op BinaryOp, outShape []int, a []float64, as []int, b []float64, bs []int) []float64 {
	n := ShapeSize(outShape)
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		idx := unravel(i, outShape)
		out[i] = op.Eval(a[ravelB(idx, as)], b[ravelB(idx, bs)])
	}
	return out
}

func TestApplyBinaryRandom(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 3000; it++ {
		out, as, bs := randBroadcastPair(r, true)
		op := BinaryOp(r.IntN(int(numBinaryOps)))
		a := randData(r, ShapeSize(as), true)
		b := randData(r, ShapeSize(bs), true)
		if r.IntN(4) == 0 && len(b) > 0 && len(a) > 0 {
			b[0] = a[0] // exercise ties and equality
		}
		got := randData(r, ShapeSize(out), false)
		ApplyBinary(op, got, out, a, as, b, bs)
		want := refBinary(op, out, a, as, b, bs)
		checkSlices(t, op.String()+" "+shapeString(out)+" "+shapeString(as)+" "+shapeString(bs), got, want, 0)
		// Accumulate form.
		base := randData(r, len(got), false)
		acc := append([]float64{}, base...)
		AccumulateBinary(op, acc, out, a, as, b, bs)
		for i := range want {
			want[i] += base[i]
		}
		checkSlices(t, "Accumulate"+op.String(), acc, want, 0)
	}
}

func TestApplyBinaryPanics(t *testing.T) {
	out := make([]float64, 6)
	mustPanic(t, "incompatible", func() { ApplyBinary(OpAdd, out, []int{2, 3}, out[:2], []int{2}, out[:3], []int{3}) })
	mustPanic(t, "len", func() { ApplyBinary(OpAdd, out, []int{2, 2}, out, []int{2, 3}, out, []int{2, 3}) })
	mustPanic(t, "op", func() { ApplyBinary(BinaryOp(200), out, []int{6}, out, []int{6}, out, []int{6}) })
	defer func() {
		e := recover()
		se, ok := e.(*ShapeError)
		if !ok || se.Op != "tensor.ApplyBinary" {
			t.Fatalf("panic value %v is not a *ShapeError from ApplyBinary", e)
		}
	}()
	ApplyBinary(OpAdd, out, []int{6}, out[:2], []int{2}, out, []int{6})
}

func TestApplyUnary(t *testing.T) {
	r := newRand(t)
	x := randData(r, 257, true)
	x = append(x, 0, -0.5, 0.5, 1, -1, 2, -3, 1e-300, 700, -800, 0.999, 1e-9)
	for op := UnaryOp(0); op < numUnaryOps; op++ {
		got := make([]float64, len(x))
		ApplyUnary(op, got, x)
		for i, v := range x {
			if !sameFloat(got[i], op.Eval(v), 1e-14) {
				t.Fatalf("%v(%v) = %v, scalar path %v", op, v, got[i], op.Eval(v))
			}
		}
		// In place.
		y := append([]float64{}, x...)
		ApplyUnary(op, y, y)
		checkSlices(t, op.String()+" in place", y, got, 0)
	}
}

func TestUnaryValues(t *testing.T) {
	cases := []struct {
		op      UnaryOp
		x, want float64
	}{
		{OpSigmoid, 0, 0.5}, {OpSigmoid, -800, 0}, {OpSigmoid, 800, 1},
		{OpSoftplus, 0, math.Ln2}, {OpSoftplus, 1000, 1000}, {OpLogSigmoid, -1000, -1000},
		{OpLog1mexp, -1e-20, math.Log(1e-20)}, {OpLog1mexp, -50, -math.Exp(-50)},
		{OpTrigamma, 1, math.Pi * math.Pi / 6}, {OpTrigamma, 0.5, math.Pi * math.Pi / 2},
		{OpTrigamma, -0.5, math.Pi*math.Pi/2 + 4}, {OpLgamma, 5, math.Log(24)},
		{OpNdtr, 0, 0.5}, {OpNdtri, 0.975, 1.959963984540054}, {OpNdtri, 0.5, 0},
		{OpLogNdtr, 0, -math.Ln2}, {OpLogNdtr, -30, -454.3212439563432}, {OpLogNdtr, -10, -53.23128515051247},
		// Reference values below computed with mpmath at 30 digits.
		{OpDigamma, 0.1, -10.423754940411076},
		{OpDigamma, 1, -0.57721566490153286},
		{OpDigamma, 2.5, 0.70315664064524319},
		{OpDigamma, 7.3, 1.9178203356379861},
		{OpDigamma, 31.7, 3.4404608906529835},
		{OpDigamma, -0.5, 0.036489973978576521},
		{OpDigamma, -1.5, 0.70315664064524319},
		{OpDigamma, -3.7, -0.84507685887041935},
		{OpDigamma, 1e-06, -1000000.57721402},
		{OpTrigamma, 30, 0.033895060357739944},
		{OpTrigamma, 0.1, 101.43329915079275},
		{OpTrigamma, 2.5, 0.49035775610023486},
		{OpTrigamma, 7.3, 0.1467957681314271},
		{OpTrigamma, 31.7, 0.032048539221097971},
		{OpTrigamma, -3.7, 14.84242186412428},
		{OpTrigamma, 1e-06, 1000000000001.645},
		{OpTrigamma, 10000.0, 0.00010000500016666667},
		{OpLogNdtr, -40, -804.60844201375379},
		{OpLogNdtr, -25, -316.63940800802026},
		{OpLogNdtr, -20.5, -214.0667289632638},
		{OpLogNdtr, -19.9, -201.9171677073326},
		{OpLogNdtr, -5, -15.064998393988726},
		{OpLogNdtr, -1, -1.8410216450092635},
		{OpLogNdtr, 3, -0.0013508099647481938},
		{OpLogNdtr, 7, -1.279812543886654e-12},
		{OpLogNdtr, 10, -7.6198530164865031e-24},
		{OpNdtri, 1e-10, -6.3613409024040562},
		{OpNdtri, 0.01, -2.3263478740408411},
		{OpNdtri, 0.3, -0.52440051270804082},
		{OpNdtri, 0.999999, 4.7534243088170878},
		{OpNdtri, 0.9999999999, 6.3613408896974219},
		{OpLog1mexp, -1e-10, -23.025850929990457},
		{OpLog1mexp, -0.1, -2.3521684610440908},
		{OpLog1mexp, -0.7, -0.68634100280838515},
		{OpLog1mexp, -5, -0.0067607494494885578},
		{OpLog1mexp, -40, -4.2483542552915611e-18},
		{OpLogit, 0.5, 0}, {OpRelu, -2, 0}, {OpRelu, 3, 3}, {OpSign, -2, -1}, {OpRound, 2.5, 3},
	}
	for _, c := range cases {
		if got := c.op.Eval(c.x); !sameFloat(got, c.want, 1e-12) {
			t.Errorf("%v(%v) = %.17g, want %.17g", c.op, c.x, got, c.want)
		}
	}
	for _, op := range []UnaryOp{OpExp, OpLog, OpSqrt, OpTanh, OpSigmoid, OpLgamma, OpDigamma, OpTrigamma, OpLogNdtr} {
		if v := op.Eval(math.NaN()); v == v {
			t.Errorf("%v(NaN) = %v", op, v)
		}
	}
	if v := OpTrigamma.Eval(-2); !math.IsInf(v, 1) {
		t.Errorf("trigamma(-2) = %v", v)
	}
	bin := []struct {
		op         BinaryOp
		x, y, want float64
	}{
		{OpLogAddExp, math.Inf(-1), math.Inf(-1), math.Inf(-1)},
		{OpLogAddExp, math.Inf(1), 3, math.Inf(1)},
		{OpLogAddExp, 1000, 1000, 1000 + math.Ln2},
		{OpLogAddExp, 0, math.Inf(-1), 0},
		{OpXlogy, 0, 0, 0}, {OpXlogy, 2, math.E, 2},
		{OpMaximum, 1, math.NaN(), math.NaN()}, {OpMinimum, math.NaN(), 1, math.NaN()},
		{OpPow, 2, 10, 1024}, {OpGreater, 2, 1, 1}, {OpEqual, 1, 2, 0},
	}
	for _, c := range bin {
		if got := c.op.Eval(c.x, c.y); !sameFloat(got, c.want, 1e-15) {
			t.Errorf("%v(%v, %v) = %v, want %v", c.op, c.x, c.y, got, c.want)
		}
	}
}

func refSumTo(dst []int, src []float64, ss []int) []float64 {
	out := make([]float64, ShapeSize(dst))
	for i, v := range src {
		out[ravelB(unravel(i, ss), dst)] += v
	}
	return out
}

func TestSumToRandom(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 2000; it++ {
		out, as, _ := randBroadcastPair(r, true)
		src := randData(r, ShapeSize(out), it%5 == 0)
		got := randData(r, ShapeSize(as), false)
		SumTo(got, as, src, out)
		want := refSumTo(as, src, out)
		checkSlices(t, "SumTo "+shapeString(as)+" <- "+shapeString(out), got, want, 1e-12)
		base := randData(r, len(got), false)
		acc := append([]float64{}, base...)
		AccumulateSumTo(acc, as, src, out)
		for i := range want {
			want[i] += base[i]
		}
		checkSlices(t, "AccumulateSumTo", acc, want, 1e-12)
		// Adjointness with BroadcastTo: <BroadcastTo(x), y> = <x, SumTo(y)>.
		x := randData(r, ShapeSize(as), false)
		bx := make([]float64, len(src))
		BroadcastTo(bx, out, x, as)
		if l, rr := dot(bx, src), dot(x, got); !sameFloat(l, rr, 1e-10) && !math.IsNaN(l) {
			t.Fatalf("BroadcastTo/SumTo not adjoint: %v vs %v", l, rr)
		}
	}
	mustPanic(t, "SumTo bad", func() { SumTo(make([]float64, 2), []int{2}, make([]float64, 3), []int{3}) })
}

func refReduce(op ReduceOp, src []float64, ss []int, m AxisMask) []float64 {
	var keep []int
	for i, d := range ss {
		if m.Has(i) {
			keep = append(keep, 1)
		} else {
			keep = append(keep, d)
		}
	}
	n := ShapeSize(keep)
	groups := make([][]float64, n)
	for i, v := range src {
		j := ravelB(unravel(i, ss), keep)
		groups[j] = append(groups[j], v)
	}
	out := make([]float64, n)
	for j, g := range groups {
		switch op {
		case ReduceSum, ReduceMean:
			s := 0.0
			for _, v := range g {
				s += v
			}
			if op == ReduceMean {
				s /= float64(len(g))
			}
			out[j] = s
		case ReduceProd:
			s := 1.0
			for _, v := range g {
				s *= v
			}
			out[j] = s
		case ReduceMax, ReduceMin:
			s := math.Inf(1)
			if op == ReduceMax {
				s = math.Inf(-1)
			}
			for _, v := range g {
				if v != v {
					s = v
					break
				}
				if (op == ReduceMax && v > s) || (op == ReduceMin && v < s) {
					s = v
				}
			}
			out[j] = s
		case ReduceLogSumExp:
			mx := math.Inf(-1)
			nan := false
			for _, v := range g {
				mx = math.Max(mx, v)
				nan = nan || v != v
			}
			switch {
			case nan:
				out[j] = math.NaN()
			case math.IsInf(mx, 0):
				out[j] = mx
			default:
				s := 0.0
				for _, v := range g {
					s += math.Exp(v - mx)
				}
				out[j] = mx + math.Log(s)
			}
		}
	}
	return out
}

func TestReduceAxesRandom(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 3000; it++ {
		ss := randShape(r, 4, 5, true)
		m := AxisMask(r.IntN(1 << uint(len(ss))))
		op := ReduceOp(r.IntN(int(numReduceOps)))
		src := randData(r, ShapeSize(ss), it%4 == 0)
		var sh [MaxDims]int
		want := refReduce(op, src, ss, m)
		got := randData(r, ShapeSize(ReducedShapeInto(sh[:0], ss, m, false)), false)
		ReduceAxes(op, got, src, ss, m)
		checkSlices(t, op.String()+" "+shapeString(ss)+" mask "+itoa(int(m)), got, want, 1e-12)
	}
	mustPanic(t, "bad axis", func() { ReduceAxes(ReduceSum, make([]float64, 1), make([]float64, 2), []int{2}, 2) })
}

func TestSoftmax(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 200; it++ {
		sh := randShape(r, 3, 4, false)
		if len(sh) == 0 {
			continue
		}
		ax := r.IntN(len(sh))
		x := randData(r, ShapeSize(sh), false)
		ls := make([]float64, len(x))
		LogSoftmax(ls, x, sh, ax)
		lse := make([]float64, len(x)/sh[ax])
		ReduceAxes(ReduceLogSumExp, lse, x, sh, 1<<uint(ax))
		kept := append([]int{}, sh...)
		kept[ax] = 1
		want := make([]float64, len(x))
		ApplyBinary(OpSub, want, sh, x, sh, lse, kept)
		checkSlices(t, "LogSoftmax", ls, want, 1e-12)
		sm := append([]float64{}, x...)
		Softmax(sm, sm, sh, ax)
		ApplyUnary(OpExp, want, want)
		checkSlices(t, "Softmax", sm, want, 1e-12)
	}
}

func TestPermuteTranspose(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 500; it++ {
		sh := randShape(r, 5, 4, true)
		perm := r.Perm(len(sh))
		src := randData(r, ShapeSize(sh), false)
		ds, err := PermuteShapeInto(nil, sh, perm)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, len(src))
		Permute(got, src, sh, perm)
		for i := range got {
			di := unravel(i, ds)
			si := make([]int, len(sh))
			for k, p := range perm {
				si[p] = di[k]
			}
			if got[i] != src[ravelB(si, sh)] {
				t.Fatalf("Permute %v %v wrong at %d", sh, perm, i)
			}
		}
		inv := make([]int, len(perm))
		for k, p := range perm {
			inv[p] = k
		}
		back := make([]float64, len(src))
		Permute(back, got, ds, inv)
		checkSlices(t, "Permute inverse", back, src, 0)
	}
	for _, mn := range [][2]int{{1, 1}, {3, 70}, {65, 33}, {1, 9}, {0, 4}} {
		m, n := mn[0], mn[1]
		src := randData(r, m*n, false)
		dst := make([]float64, m*n)
		Transpose2D(dst, src, m, n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if dst[j*m+i] != src[i*n+j] {
					t.Fatalf("Transpose2D %dx%d wrong", m, n)
				}
			}
		}
	}
	if _, err := PermuteShapeInto(nil, []int{2, 3}, []int{0, 0}); err == nil {
		t.Error("bad perm accepted")
	}
}

func TestIndexingAdjoints(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 500; it++ {
		sh := randShape(r, 4, 4, false)
		if len(sh) == 0 {
			continue
		}
		ax := r.IntN(len(sh))
		src := randData(r, ShapeSize(sh), false)
		// IndexSelect / IndexAdd.
		k := r.IntN(5)
		index := make([]int, k)
		for i := range index {
			index[i] = r.IntN(sh[ax])
		}
		osh := append([]int{}, sh...)
		osh[ax] = k
		sel := make([]float64, ShapeSize(osh))
		IndexSelect(sel, src, sh, ax, index)
		for i := range sel {
			idx := unravel(i, osh)
			idx[ax] = index[idx[ax]]
			if sel[i] != src[ravelB(idx, sh)] {
				t.Fatalf("IndexSelect wrong")
			}
		}
		y := randData(r, len(sel), false)
		adj := make([]float64, len(src))
		IndexAdd(adj, sh, ax, index, y)
		if !sameFloat(dot(sel, y), dot(src, adj), 1e-10) {
			t.Fatalf("IndexSelect/IndexAdd not adjoint")
		}
		// Gather / ScatterAdd with a smaller index shape.
		ish := append([]int{}, sh...)
		for d := range ish {
			if d == ax {
				ish[d] = r.IntN(4)
			} else {
				ish[d] = 1 + r.IntN(sh[d])
			}
		}
		gi := make([]int, ShapeSize(ish))
		for i := range gi {
			gi[i] = r.IntN(sh[ax])
		}
		g := make([]float64, len(gi))
		Gather(g, src, sh, ax, gi, ish)
		for i := range g {
			idx := unravel(i, ish)
			idx[ax] = gi[i]
			if g[i] != src[ravelB(idx, sh)] {
				t.Fatalf("Gather wrong %v %v ax %d", sh, ish, ax)
			}
		}
		y = randData(r, len(g), false)
		adj = make([]float64, len(src))
		ScatterAdd(adj, sh, ax, gi, ish, y)
		if !sameFloat(dot(g, y), dot(src, adj), 1e-10) {
			t.Fatalf("Gather/ScatterAdd not adjoint")
		}
		// CumSum / CumSumReverse.
		cs := make([]float64, len(src))
		CumSum(cs, src, sh, ax)
		for i := range cs {
			idx := unravel(i, sh)
			s := 0.0
			for j := 0; j <= idx[ax]; j++ {
				idx2 := append([]int{}, idx...)
				idx2[ax] = j
				s += src[ravelB(idx2, sh)]
			}
			if !sameFloat(cs[i], s, 1e-12) {
				t.Fatalf("CumSum wrong")
			}
		}
		y = randData(r, len(src), false)
		rc := append([]float64{}, y...)
		CumSumReverse(rc, rc, sh, ax)
		if !sameFloat(dot(cs, y), dot(src, rc), 1e-10) {
			t.Fatalf("CumSum/CumSumReverse not adjoint")
		}
		// Narrow / NarrowAccumulate.
		st := r.IntN(sh[ax] + 1)
		ln := r.IntN(sh[ax] - st + 1)
		nsh := append([]int{}, sh...)
		nsh[ax] = ln
		nw := make([]float64, ShapeSize(nsh))
		Narrow(nw, src, sh, ax, st, ln)
		y = randData(r, len(nw), false)
		adj = make([]float64, len(src))
		NarrowAccumulate(adj, sh, ax, st, y)
		if !sameFloat(dot(nw, y), dot(src, adj), 1e-10) {
			t.Fatalf("Narrow/NarrowAccumulate not adjoint")
		}
	}
	mustPanic(t, "index range", func() {
		IndexSelect(make([]float64, 1), make([]float64, 2), []int{2}, 0, []int{2})
	})
}

func TestConcatStack(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 300; it++ {
		sh := randShape(r, 3, 3, true)
		if len(sh) == 0 {
			continue
		}
		ax := r.IntN(len(sh))
		parts := 1 + r.IntN(3)
		srcs := make([][]float64, parts)
		shapes := make([][]int, parts)
		full := append([]int{}, sh...)
		full[ax] = 0
		for i := range srcs {
			s := append([]int{}, sh...)
			s[ax] = r.IntN(3)
			shapes[i] = s
			srcs[i] = randData(r, ShapeSize(s), false)
			full[ax] += s[ax]
		}
		dst := make([]float64, ShapeSize(full))
		Concat(dst, full, srcs, shapes, ax)
		// Reference: element at full index comes from the part covering it.
		for i := range dst {
			idx := unravel(i, full)
			p, o := 0, idx[ax]
			for o >= shapes[p][ax] {
				o -= shapes[p][ax]
				p++
			}
			idx[ax] = o
			if dst[i] != srcs[p][ravelB(idx, shapes[p])] {
				t.Fatalf("Concat wrong")
			}
		}
		back := make([][]float64, parts)
		for i := range back {
			back[i] = make([]float64, len(srcs[i]))
		}
		Split(back, shapes, dst, full, ax, false)
		for i := range back {
			checkSlices(t, "Split", back[i], srcs[i], 0)
		}
		Split(back, shapes, dst, full, ax, true)
		for i := range back {
			for j := range back[i] {
				if back[i][j] != 2*srcs[i][j] {
					t.Fatal("Split accumulate wrong")
				}
			}
		}
		// Stack / Unstack.
		sax := r.IntN(len(sh) + 1)
		same := make([][]float64, parts)
		for i := range same {
			same[i] = randData(r, ShapeSize(sh), false)
		}
		ssh := append(append(append([]int{}, sh[:sax]...), parts), sh[sax:]...)
		st := make([]float64, ShapeSize(ssh))
		Stack(st, same, sh, sax)
		for i := range st {
			idx := unravel(i, ssh)
			p := idx[sax]
			rest := append(append([]int{}, idx[:sax]...), idx[sax+1:]...)
			if st[i] != same[p][ravelB(rest, sh)] {
				t.Fatalf("Stack wrong")
			}
		}
		un := make([][]float64, parts)
		for i := range un {
			un[i] = make([]float64, ShapeSize(sh))
		}
		Unstack(un, sh, st, sax, false)
		for i := range un {
			checkSlices(t, "Unstack", un[i], same[i], 0)
		}
	}
}

func refMatMul(a []float64, as []int, b []float64, bs []int, tA, tB bool) ([]float64, []int) {
	os, err := MatMulShapeInto(nil, as, bs, tA, tB)
	if err != nil {
		panic(err)
	}
	no := len(os)
	m, n := os[no-2], os[no-1]
	k := as[len(as)-1]
	if tA {
		k = as[len(as)-2]
	}
	out := make([]float64, ShapeSize(os))
	for i := range out {
		idx := unravel(i, os)
		bi := idx[:no-2]
		r, c := idx[no-2], idx[no-1]
		s := 0.0
		for p := 0; p < k; p++ {
			ai := append(append([]int{}, bi...), r, p)
			if tA {
				ai = append(append([]int{}, bi...), p, r)
			}
			bj := append(append([]int{}, bi...), p, c)
			if tB {
				bj = append(append([]int{}, bi...), c, p)
			}
			s += a[ravelB(ai, as)] * b[ravelB(bj, bs)]
		}
		out[i] = s
	}
	_ = m
	_ = n
	return out, os
}

func TestMatMulRaw(t *testing.T) {
	r := newRand(t)
	for it := 0; it < 400; it++ {
		m, k, n := r.IntN(5), r.IntN(5), r.IntN(5)
		bo, ba, bb := randBroadcastPair(r, false)
		_ = bo
		if len(ba)+2 > MaxDims {
			continue
		}
		tA, tB := r.IntN(2) == 0, r.IntN(2) == 0
		as := append(append([]int{}, ba...), m, k)
		if tA {
			as = append(append([]int{}, ba...), k, m)
		}
		bs := append(append([]int{}, bb...), k, n)
		if tB {
			bs = append(append([]int{}, bb...), n, k)
		}
		a := randData(r, ShapeSize(as), false)
		b := randData(r, ShapeSize(bs), false)
		want, os := refMatMul(a, as, b, bs, tA, tB)
		got := randData(r, len(want), false)
		MatMulRaw(got, a, as, b, bs, tA, tB, false)
		checkSlices(t, "MatMulRaw "+shapeString(as)+shapeString(bs), got, want, 1e-12)
		base := randData(r, len(want), false)
		acc := append([]float64{}, base...)
		MatMulRaw(acc, a, as, b, bs, tA, tB, true)
		for i := range want {
			want[i] += base[i]
		}
		checkSlices(t, "MatMulRaw accumulate", acc, want, 1e-12)
		_ = os
	}
	if _, err := MatMulShapeInto(nil, []int{2, 3}, []int{4, 2}, false, false); err == nil {
		t.Error("mismatched inner dims accepted")
	}
}

func TestRawNoAlloc(t *testing.T) {
	r := newRand(t)
	a := randData(r, 64, false)
	b := randData(r, 8, false)
	out := make([]float64, 64)
	s8 := make([]float64, 8)
	sc := make([]float64, 1)
	idx := []int{3, 1, 0}
	gi := make([]int, 64)
	sel := make([]float64, 24)
	shape8x8, shape8, shape1 := []int{8, 8}, []int{8}, []int{}
	bufs := [][]float64{a[:32], a[32:]}
	shapes := [][]int{{4, 8}, {4, 8}}
	var sh [MaxDims]int
	mm := make([]float64, 64)
	checks := map[string]func(){
		"ApplyBinary same":  func() { ApplyBinary(OpMul, out, shape8x8, a, shape8x8, a, shape8x8) },
		"ApplyBinary row":   func() { ApplyBinary(OpAdd, out, shape8x8, a, shape8x8, b, shape8) },
		"ApplyBinary col":   func() { ApplyBinary(OpAdd, out, shape8x8, a, shape8x8, b, []int{8, 1}) },
		"ApplyBinary s":     func() { ApplyBinary(OpSub, out, shape8x8, sc, shape1, a, shape8x8) },
		"AccumulateBinary":  func() { AccumulateBinary(OpMul, out, shape8x8, a, shape8x8, b, shape8) },
		"ApplyUnary":        func() { ApplyUnary(OpExp, out, a) },
		"SumTo row":         func() { SumTo(s8, shape8, a, shape8x8) },
		"SumTo col":         func() { SumTo(s8, []int{8, 1}, a, shape8x8) },
		"SumTo scalar":      func() { SumTo(sc, shape1, a, shape8x8) },
		"AccumulateSumTo":   func() { AccumulateSumTo(s8, shape8, a, shape8x8) },
		"BroadcastTo":       func() { BroadcastTo(out, shape8x8, b, shape8) },
		"ReduceAxes":        func() { ReduceAxes(ReduceLogSumExp, s8, a, shape8x8, 2) },
		"ReduceAxes mean":   func() { ReduceAxes(ReduceMean, s8, a, shape8x8, 1) },
		"Transpose2D":       func() { Transpose2D(out, a, 8, 8) },
		"Permute":           func() { Permute(out, a, []int{2, 4, 8}, []int{2, 0, 1}) },
		"IndexSelect":       func() { IndexSelect(sel, a, shape8x8, 1, idx) },
		"IndexAdd":          func() { IndexAdd(out, shape8x8, 1, idx, sel) },
		"Gather":            func() { Gather(out, a, shape8x8, 1, gi, shape8x8) },
		"ScatterAdd":        func() { ScatterAdd(out, shape8x8, 1, gi, shape8x8, a) },
		"CumSum":            func() { CumSum(out, a, shape8x8, 0) },
		"Concat":            func() { Concat(out, shape8x8, bufs, shapes, 0) },
		"Split":             func() { Split(bufs, shapes, mm, shape8x8, 0, true) },
		"Stack":             func() { Stack(out, bufs, []int{32}, 0) },
		"Narrow":            func() { Narrow(sel, a, shape8x8, 0, 2, 3) },
		"LogSoftmax":        func() { LogSoftmax(out, a, shape8x8, 1) },
		"MatMulRaw":         func() { MatMulRaw(mm, a, shape8x8, a, shape8x8, false, true, true) },
		"BroadcastShapesIn": func() { BroadcastShapesInto(sh[:0], shape8x8, shape8) },
		"MakeAxisMask":      func() { MakeAxisMask("x", shape8x8, -1) },
	}
	for name, f := range checks {
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s allocates %v times", name, n)
		}
	}
}
