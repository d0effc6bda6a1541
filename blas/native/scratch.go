package native

// Vector scratch for the level-2 routines with strided vectors (they gather
// into a contiguous buffer, run the unit-stride kernel and scatter back) and
// for the level-3 diagonal blocks. Buffers live on a small free list, as the
// Dgemm workspaces do, so repeated calls of the same size allocate nothing.

const freeVecs = 16

var vecs = make(chan []float64, freeVecs)

// getVec returns a scratch slice of length n (contents undefined).
func getVec(n int) []float64 {
	select {
	case v := <-vecs:
		if cap(v) >= n {
			return v[:n]
		}
	default:
	}
	return make([]float64, n)
}

// putVec returns a slice obtained from getVec to the free list.
func putVec(v []float64) {
	select {
	case vecs <- v:
	default:
	}
}

// gather copies the n-vector x with increment inc into dst[:n].
func gather(dst []float64, n int, x []float64, inc int) {
	if inc == 1 {
		copy(dst[:n], x[:n])
		return
	}
	ix := start(n, inc)
	for i := range dst[:n] {
		dst[i] = x[ix]
		ix += inc
	}
}

// scatter copies src[:n] into the n-vector x with increment inc.
func scatter(x []float64, inc int, n int, src []float64) {
	if inc == 1 {
		copy(x[:n], src[:n])
		return
	}
	ix := start(n, inc)
	for _, v := range src[:n] {
		x[ix] = v
		ix += inc
	}
}
