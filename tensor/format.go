package tensor

import (
	"strconv"
	"strings"
)

// Formatting thresholds, as NumPy's defaults: tensors with more than
// printThreshold elements are summarised, showing printEdge items at each
// end of every dimension.
const (
	printThreshold = 1000
	printEdge      = 3
)

// String formats the tensor as NumPy prints arrays: nested brackets, one
// row per line, elements right-aligned to a common width in the shortest
// representation that round-trips ('g' format), and "..." in place of the
// middle of long dimensions when the tensor has more than 1000 elements. A
// 0-d tensor prints as its value, an empty one as [].
func (t *Dense) String() string {
	if len(t.shape) == 0 {
		return fmtFloat(t.data[t.off])
	}
	if t.size == 0 {
		return "[]"
	}
	summarise := t.size > printThreshold
	width := 0
	t.walkShown(summarise, func(v float64) {
		width = max(width, len(fmtFloat(v)))
	})
	var b strings.Builder
	t.format(&b, 0, t.off, summarise, width)
	return b.String()
}

func fmtFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if s == "+Inf" {
		return "Inf"
	}
	return s
}

// shown returns the indices printed along a dimension of size n (-1 for the
// ellipsis).
func shownIndex(n int, summarise bool, yield func(i int)) {
	if !summarise || n <= 2*printEdge {
		for i := 0; i < n; i++ {
			yield(i)
		}
		return
	}
	for i := 0; i < printEdge; i++ {
		yield(i)
	}
	yield(-1)
	for i := n - printEdge; i < n; i++ {
		yield(i)
	}
}

func (t *Dense) walkShown(summarise bool, f func(v float64)) {
	var rec func(d, p int)
	rec = func(d, p int) {
		if d == len(t.shape) {
			f(t.data[p])
			return
		}
		shownIndex(t.shape[d], summarise, func(i int) {
			if i >= 0 {
				rec(d+1, p+i*t.strides[d])
			}
		})
	}
	rec(0, t.off)
}

func (t *Dense) format(b *strings.Builder, d, p int, summarise bool, width int) {
	b.WriteByte('[')
	last := d == len(t.shape)-1
	first := true
	shownIndex(t.shape[d], summarise, func(i int) {
		if !first {
			if last {
				b.WriteByte(' ')
			} else {
				b.WriteString(strings.Repeat("\n", len(t.shape)-1-d))
				b.WriteString(strings.Repeat(" ", d+1))
			}
		}
		first = false
		if i < 0 {
			b.WriteString("...")
			return
		}
		if last {
			s := fmtFloat(t.data[p+i*t.strides[d]])
			b.WriteString(strings.Repeat(" ", width-len(s)))
			b.WriteString(s)
			return
		}
		t.format(b, d+1, p+i*t.strides[d], summarise, width)
	})
	b.WriteByte(']')
}
