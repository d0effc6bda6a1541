package tensor

import "math"

// The strided engine. Every operation in the package, raw or on Dense views,
// ends up here: the operands are described by a common iteration shape and
// one stride per operand and dimension (0 where an operand is broadcast),
// adjacent dimensions that are contiguous in every operand are merged, and
// the innermost dimension is handed to a specialised row loop. All
// bookkeeping lives in fixed-size [MaxDims]int arrays, so nothing allocates.

//go:generate go run gen_loops.go

func badBinaryOp(op BinaryOp) { kernelPanic("ApplyBinary", "invalid BinaryOp "+itoa(int(op))) }
func badUnaryOp(op UnaryOp)   { kernelPanic("ApplyUnary", "invalid UnaryOp "+itoa(int(op))) }

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var b [24]byte
	i := len(b)
	neg := v < 0
	if neg {
		v = -v
	}
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// layout is the iteration space of up to three operands.
type layout struct {
	nd    int
	shape [MaxDims]int
	st    [3][MaxDims]int
}

// coalesce drops dimensions of size 1 and merges each dimension into the
// next inner one when that is contiguous for the first k operands. It leaves
// at least one dimension (of size 1 with zero strides when everything was
// dropped). Precondition: no dimension is 0.
func (l *layout) coalesce(k int) {
	n := 0
	for d := 0; d < l.nd; d++ {
		sz := l.shape[d]
		if sz == 1 {
			continue
		}
		if n > 0 {
			c := n - 1
			ok := true
			for j := 0; j < k; j++ {
				if l.st[j][c] != l.st[j][d]*sz {
					ok = false
					break
				}
			}
			if ok {
				l.shape[c] *= sz
				for j := 0; j < k; j++ {
					l.st[j][c] = l.st[j][d]
				}
				continue
			}
		}
		l.shape[n] = sz
		for j := 0; j < k; j++ {
			l.st[j][n] = l.st[j][d]
		}
		n++
	}
	if n == 0 {
		l.shape[0] = 1
		for j := 0; j < k; j++ {
			l.st[j][0] = 0
		}
		n = 1
	}
	l.nd = n
}

// broadcastStrides writes into st the strides, in the iteration space of
// shape dst, of a contiguous operand of shape src aligned at the trailing
// dimensions: 0 where src is broadcast. It reports false when src does not
// broadcast to dst.
func broadcastStrides(st *[MaxDims]int, src, dst []int) bool {
	nd, ns := len(dst), len(src)
	if ns > nd {
		return false
	}
	off := nd - ns
	s := 1
	for i := nd - 1; i >= 0; i-- {
		if i < off {
			st[i] = 0
			continue
		}
		d := src[i-off]
		switch {
		case d == dst[i]:
			st[i] = s
		case d == 1:
			st[i] = 0
		default:
			return false
		}
		s *= d
	}
	return true
}

// binaryLoop runs o (op)= a op b over the layout (operand 0 = o, 1 = a,
// 2 = b), after coalescing.
func binaryLoop(op BinaryOp, acc bool, l *layout, o []float64, io int, a []float64, ia int, b []float64, ib int) {
	l.coalesce(3)
	nd := l.nd
	in := nd - 1
	n, so, sa, sb := l.shape[in], l.st[0][in], l.st[1][in], l.st[2][in]
	if nd == 2 && so == 1 && sa == 1 && sb == 1 && l.st[0][0] == n {
		// Row broadcasts [r, n] op [n] and [n] op [r, n]: one call.
		tot := l.shape[0] * n
		switch {
		case l.st[1][0] == n && l.st[2][0] == 0:
			binRB(op, acc, o[io:io+tot], a[ia:ia+tot], b[ib:ib+n])
			return
		case l.st[1][0] == 0 && l.st[2][0] == n:
			binRA(op, acc, o[io:io+tot], a[ia:ia+n], b[ib:ib+tot])
			return
		}
	}
	var idx [MaxDims]int
	for {
		binRow(op, acc, n, o, io, so, a, ia, sa, b, ib, sb)
		d := in - 1
		for ; d >= 0; d-- {
			idx[d]++
			io += l.st[0][d]
			ia += l.st[1][d]
			ib += l.st[2][d]
			if idx[d] < l.shape[d] {
				break
			}
			io -= l.st[0][d] * l.shape[d]
			ia -= l.st[1][d] * l.shape[d]
			ib -= l.st[2][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// binRow computes one row of n elements, picking the specialised loop for
// the common stride patterns.
func binRow(op BinaryOp, acc bool, n int, o []float64, io, so int, a []float64, ia, sa int, b []float64, ib, sb int) {
	if so == 1 {
		switch {
		case sa == 1 && sb == 1:
			binV(op, acc, o[io:io+n], a[ia:ia+n], b[ib:ib+n])
			return
		case sa == 0 && sb == 1:
			binSV(op, acc, o[io:io+n], a[ia], b[ib:ib+n])
			return
		case sa == 1 && sb == 0:
			binVS(op, acc, o[io:io+n], a[ia:ia+n], b[ib])
			return
		}
	}
	binG(op, acc, n, o, io, so, a, ia, sa, b, ib, sb)
}

// binV is binVV with the cases that asm does better.
func binV(op BinaryOp, acc bool, o, a, b []float64) {
	binVV(op, acc, o, a, b)
}

// unaryLoop runs o = op(a) over the layout (operand 0 = o, 1 = a).
func unaryLoop(op UnaryOp, l *layout, o []float64, io int, a []float64, ia int) {
	l.coalesce(2)
	nd := l.nd
	in := nd - 1
	n, so, sa := l.shape[in], l.st[0][in], l.st[1][in]
	var idx [MaxDims]int
	for {
		if so == 1 && sa == 1 {
			unV(op, o[io:io+n], a[ia:ia+n])
		} else {
			unG(op, n, o, io, so, a, ia, sa)
		}
		d := in - 1
		for ; d >= 0; d-- {
			idx[d]++
			io += l.st[0][d]
			ia += l.st[1][d]
			if idx[d] < l.shape[d] {
				break
			}
			io -= l.st[0][d] * l.shape[d]
			ia -= l.st[1][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// fillLoop sets every element of operand 0 of the layout to v.
func fillLoop(l *layout, o []float64, io int, v float64) {
	l.coalesce(1)
	in := l.nd - 1
	n, so := l.shape[in], l.st[0][in]
	var idx [MaxDims]int
	for {
		if so == 1 {
			r := o[io : io+n]
			for i := range r {
				r[i] = v
			}
		} else {
			for i, j := 0, io; i < n; i++ {
				o[j] = v
				j += so
			}
		}
		d := in - 1
		for ; d >= 0; d-- {
			idx[d]++
			io += l.st[0][d]
			if idx[d] < l.shape[d] {
				break
			}
			io -= l.st[0][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

// ReduceOp selects the reduction ReduceAxes and Reduce compute.
type ReduceOp uint8

// Reduction op codes. Over an empty set Sum gives 0, Prod 1, Max -Inf,
// Min +Inf, LogSumExp -Inf and Mean NaN (0/0) in the raw kernels; the Dense
// functions reject Max and Min over empty axes as NumPy does.
const (
	ReduceSum       ReduceOp = iota // Σ x
	ReduceMean                      // Σ x / count
	ReduceProd                      // Π x
	ReduceMax                       // max x (NaN if any is NaN)
	ReduceMin                       // min x (NaN if any is NaN)
	ReduceLogSumExp                 // log Σ exp x, computed stably
	numReduceOps
)

var reduceNames = [numReduceOps]string{"Sum", "Mean", "Prod", "Max", "Min", "LogSumExp"}

// String returns the op's name, e.g. "Sum".
func (op ReduceOp) String() string {
	if op < numReduceOps {
		return reduceNames[op]
	}
	return "ReduceOp(invalid)"
}

// Valid reports whether op is one of the defined codes.
func (op ReduceOp) Valid() bool { return op < numReduceOps }

// identity returns the value a reduction starts from.
func (op ReduceOp) identity() float64 {
	switch op {
	case ReduceProd:
		return 1
	case ReduceMax, ReduceLogSumExp:
		return math.Inf(-1)
	case ReduceMin:
		return math.Inf(1)
	}
	return 0
}

// reduceLoop combines operand 1 (the source) into operand 0 (the
// destination, with stride 0 along reduced dimensions), which must already
// hold op's identity or a running value. Mean is handled as Sum by callers.
func reduceLoop(op ReduceOp, l *layout, o []float64, io int, a []float64, ia int) {
	l.coalesce(2)
	in := l.nd - 1
	n, so, sa := l.shape[in], l.st[0][in], l.st[1][in]
	var idx [MaxDims]int
	for {
		if so == 0 {
			o[io] = reduceCombine(op, o[io], reduceRow(op, n, a, ia, sa))
		} else {
			reduceInto(op, n, o, io, so, a, ia, sa)
		}
		d := in - 1
		for ; d >= 0; d-- {
			idx[d]++
			io += l.st[0][d]
			ia += l.st[1][d]
			if idx[d] < l.shape[d] {
				break
			}
			io -= l.st[0][d] * l.shape[d]
			ia -= l.st[1][d] * l.shape[d]
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

func reduceCombine(op ReduceOp, x, y float64) float64 {
	switch op {
	case ReduceProd:
		return x * y
	case ReduceMax:
		return max(x, y)
	case ReduceMin:
		return min(x, y)
	case ReduceLogSumExp:
		return logAddExp(x, y)
	}
	return x + y
}

// reduceRow reduces n elements of a starting at ia with stride sa.
func reduceRow(op ReduceOp, n int, a []float64, ia, sa int) float64 {
	if sa == 1 {
		r := a[ia : ia+n]
		switch op {
		case ReduceSum, ReduceMean:
			return sumSlice(r)
		case ReduceLogSumExp:
			return logSumExpSlice(r)
		}
		acc := op.identity()
		switch op {
		case ReduceProd:
			for _, v := range r {
				acc *= v
			}
		case ReduceMax:
			for _, v := range r {
				acc = max(acc, v)
			}
		case ReduceMin:
			for _, v := range r {
				acc = min(acc, v)
			}
		}
		return acc
	}
	if op == ReduceLogSumExp {
		m := math.Inf(-1)
		for i, j := 0, ia; i < n; i++ {
			m = max(m, a[j])
			j += sa
		}
		if math.IsInf(m, 0) || m != m {
			return m
		}
		s := 0.0
		for i, j := 0, ia; i < n; i++ {
			s += math.Exp(a[j] - m)
			j += sa
		}
		return m + math.Log(s)
	}
	acc := op.identity()
	for i, j := 0, ia; i < n; i++ {
		acc = reduceCombine(op, acc, a[j])
		j += sa
	}
	return acc
}

// reduceInto combines n elements of a into n elements of o elementwise.
func reduceInto(op ReduceOp, n int, o []float64, io, so int, a []float64, ia, sa int) {
	if so == 1 && sa == 1 {
		r, s := o[io:io+n], a[ia:ia+n]
		switch op {
		case ReduceSum, ReduceMean:
			for i, v := range s {
				r[i] += v
			}
		case ReduceProd:
			for i, v := range s {
				r[i] *= v
			}
		case ReduceMax:
			for i, v := range s {
				r[i] = max(r[i], v)
			}
		case ReduceMin:
			for i, v := range s {
				r[i] = min(r[i], v)
			}
		case ReduceLogSumExp:
			for i, v := range s {
				r[i] = logAddExp(r[i], v)
			}
		}
		return
	}
	for ; n > 0; n-- {
		o[io] = reduceCombine(op, o[io], a[ia])
		io += so
		ia += sa
	}
}

// sumSlice sums with four accumulators (pairs of lanes keep the dependency
// chains short).
func sumSlice(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// logSumExpSlice is log Σ exp x with the maximum factored out. An empty
// slice gives -Inf; a NaN gives NaN; a +Inf gives +Inf.
func logSumExpSlice(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	if math.IsInf(m, 0) || m != m {
		return m
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
