package transforms

import (
	"math"
	"sync/atomic"
)

// Index sets and constant arrays for an n×n event (or a length-n vector),
// built once per n and shared read-only by every goroutine.
type idxSet struct {
	n int
	// positions (r·n+c) of a row-major n×n matrix
	strict []int // c < r, row-major: the order of PyTorch's tril_indices(offset=-1)
	incl   []int // c ≤ r
	diag   []int // c = r
	// inverse maps: position → index in the strict (incl) vector, or its
	// length (a zero slot appended after the vector)
	fromStrict []int
	fromIncl   []int
	// float masks over n×n
	strictMask, diagMask, below2Mask, eye []float64
	// over the incl vector: 1 at diagonal entries
	inclDiagMask []float64
	// vectors of length n
	logOffset []float64 // log(n - i): StickBreakingTransform's offsets
	first     []float64 // 1 at index 0
	notFirst  []float64 // 0 at index 0, 1 elsewhere
	dct, dctT []float64 // orthonormal DCT-II matrix D (rows k) and Dᵀ
	cholW     []float64 // n - i (CholeskyOuter's log-det weights)
	corrW     []float64 // n - 1 - i
}

const maxCachedN = 512

var idxCache [maxCachedN]atomic.Pointer[idxSet]

// indices returns the index set for size n (cached for n < 512; larger sizes
// are rebuilt, which allocates).
func indices(n int) *idxSet {
	if n < maxCachedN {
		if s := idxCache[n].Load(); s != nil {
			return s
		}
	}
	s := buildIndices(n)
	if n < maxCachedN {
		idxCache[n].CompareAndSwap(nil, s)
		return idxCache[n].Load()
	}
	return s
}

func buildIndices(n int) *idxSet {
	s := &idxSet{n: n}
	nn := n * n
	s.fromStrict = make([]int, nn)
	s.fromIncl = make([]int, nn)
	s.strictMask = make([]float64, nn)
	s.diagMask = make([]float64, nn)
	s.below2Mask = make([]float64, nn)
	s.eye = s.diagMask
	mStrict := n * (n - 1) / 2
	mIncl := n * (n + 1) / 2
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			p := r*n + c
			s.fromStrict[p] = mStrict
			s.fromIncl[p] = mIncl
			if c < r {
				s.fromStrict[p] = len(s.strict)
				s.strict = append(s.strict, p)
				s.strictMask[p] = 1
			}
			if c <= r {
				s.fromIncl[p] = len(s.incl)
				if c == r {
					s.inclDiagMask = append(s.inclDiagMask, 1)
				} else {
					s.inclDiagMask = append(s.inclDiagMask, 0)
				}
				s.incl = append(s.incl, p)
			}
			if c == r {
				s.diag = append(s.diag, p)
				s.diagMask[p] = 1
			}
			if c <= r-2 {
				s.below2Mask[p] = 1
			}
		}
	}
	s.logOffset = make([]float64, n)
	s.first = make([]float64, n)
	s.notFirst = make([]float64, n)
	s.cholW = make([]float64, n)
	s.corrW = make([]float64, n)
	for i := 0; i < n; i++ {
		s.logOffset[i] = math.Log(float64(n - i))
		s.notFirst[i] = 1
		s.cholW[i] = float64(n - i)
		s.corrW[i] = float64(n - 1 - i)
	}
	if n > 0 {
		s.first[0] = 1
		s.notFirst[0] = 0
	}
	s.dct = make([]float64, nn)
	s.dctT = make([]float64, nn)
	for k := 0; k < n; k++ {
		sk := math.Sqrt(2 / float64(n))
		if k == 0 {
			sk = math.Sqrt(1 / float64(n))
		}
		for j := 0; j < n; j++ {
			v := sk * math.Cos(math.Pi*(float64(j)+0.5)*float64(k)/float64(n))
			s.dct[k*n+j] = v
			s.dctT[j*n+k] = v
		}
	}
	return s
}
