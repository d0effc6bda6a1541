package tensor

import (
	"testing"
)

// refBroadcast is the textbook rule, written independently of
// BroadcastShapesInto: pad the shorter shape with leading 1s, then each pair
// must be equal or contain a 1.
func refBroadcast(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	pa := make([]int, n)
	pb := make([]int, n)
	for i := range pa {
		pa[i], pb[i] = 1, 1
	}
	copy(pa[n-len(a):], a)
	copy(pb[n-len(b):], b)
	out := make([]int, n)
	for i := 0; i < n; i++ {
		switch {
		case pa[i] == pb[i]:
			out[i] = pa[i]
		case pa[i] == 1:
			out[i] = pb[i]
		case pb[i] == 1:
			out[i] = pa[i]
		default:
			return nil, false
		}
	}
	return out, true
}

// decodeShapes turns fuzz bytes into two small shapes: the first two bytes
// give the ranks, the rest the dimensions (0..4, so that 1 and 0 are common).
func decodeShapes(data []byte) (a, b []int) {
	if len(data) < 2 {
		return nil, nil
	}
	na, nb := int(data[0]%6), int(data[1]%6)
	data = data[2:]
	next := func() int {
		if len(data) == 0 {
			return 1
		}
		v := int(data[0] % 5)
		data = data[1:]
		return v
	}
	a = make([]int, na)
	for i := range a {
		a[i] = next()
	}
	b = make([]int, nb)
	for i := range b {
		b[i] = next()
	}
	return a, b
}

// FuzzBroadcast checks BroadcastShapes against the reference rule, and that
// ApplyBinary on the broadcast shape followed by SumTo back to each operand's
// shape round-trips shapes and values: with a = values, b = ones, SumTo of
// (a * b) to a's shape equals a times the number of times each element of a
// was repeated.
func FuzzBroadcast(f *testing.F) {
	f.Add([]byte{2, 1, 3, 1, 1})
	f.Add([]byte{0, 3, 2, 3, 4})
	f.Add([]byte{3, 3, 1, 0, 2, 4, 1, 2})
	f.Add([]byte{2, 2, 2, 3, 4, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		as, bs := decodeShapes(data)
		want, ok := refBroadcast(as, bs)
		got, err := BroadcastShapes(as, bs)
		if ok != (err == nil) {
			t.Fatalf("BroadcastShapes(%v, %v): err %v, reference ok=%v", as, bs, err, ok)
		}
		if !ok {
			return
		}
		if !ShapesEqual(got, want) {
			t.Fatalf("BroadcastShapes(%v, %v) = %v, want %v", as, bs, got, want)
		}
		if !CanBroadcastTo(as, got) || !CanBroadcastTo(bs, got) {
			t.Fatalf("CanBroadcastTo disagrees for %v, %v -> %v", as, bs, got)
		}
		a := make([]float64, ShapeSize(as))
		for i := range a {
			a[i] = float64(i + 1)
		}
		b := make([]float64, ShapeSize(bs))
		for i := range b {
			b[i] = 1
		}
		out := make([]float64, ShapeSize(got))
		ApplyBinary(OpMul, out, got, a, as, b, bs)
		back := make([]float64, len(a))
		SumTo(back, as, out, got)
		rep := 0
		if len(a) > 0 {
			rep = len(out) / len(a)
		}
		for i, v := range back {
			if v != a[i]*float64(rep) {
				t.Fatalf("%v * %v -> %v, SumTo back: [%d] = %v, want %v", as, bs, got, i, v, a[i]*float64(rep))
			}
		}
		ones := make([]float64, len(b))
		SumTo(ones, bs, out, got)
		total := 0.0
		for _, v := range ones {
			total += v
		}
		wantTotal := 0.0
		for _, v := range out {
			wantTotal += v
		}
		if total != wantTotal {
			t.Fatalf("SumTo to b's shape loses mass: %v vs %v", total, wantTotal)
		}
	})
}
