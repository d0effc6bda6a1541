package autodiff

// Dispatch points for op groups whose first members live in shape.go,
// reduce.go and linalg.go and whose further members live in their own files.

func (t *Tape) backMisc(i int32, nd *node) {
	if nd.op == opPartials {
		t.backPartials(nd)
		return
	}
	if t.backAddN(nd) {
		return
	}
	if !t.backMiscFused(i, nd) && !t.backMiscMore(nd) {
		unknownOp(nd)
	}
}

func unknownOp(nd *node) {
	panic("autodiff: no backward pass for op " + opName(nd.op))
}
