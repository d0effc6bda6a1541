package constraints

import "gonum.org/v1/gonum/mat"

// eigenNonNegative reports whether the symmetric matrix e (n×n, lower
// triangle read) has only non-negative eigenvalues (as PyTorch's
// positive_semidefinite: eigvalsh ≥ 0, no tolerance).
func eigenNonNegative(e []float64, n int) bool {
	if n == 0 {
		return true
	}
	s := mat.NewSymDense(n, nil)
	for r := 0; r < n; r++ {
		for c := 0; c <= r; c++ {
			s.SetSym(r, c, e[r*n+c])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(s, false) {
		return false
	}
	for _, v := range es.Values(nil) {
		if !(v >= 0) {
			return false
		}
	}
	return true
}
