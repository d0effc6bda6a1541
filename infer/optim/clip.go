package optim

import (
	"fmt"
	"math"

	"github.com/gyro-ppl/gyro/poutine"
)

// ParamsOf appends a Param for each entry (sharing its Name, Data and Grad)
// to dst and returns the extended slice; pass dst[:0] of a kept slice to
// convert without allocating.
func ParamsOf(dst []Param, entries []*poutine.ParamEntry) []Param {
	for _, e := range entries {
		dst = append(dst, Param{Name: e.Name, Data: e.Data, Grad: e.Grad})
	}
	return dst
}

// checkGrads returns an error for the first NaN or infinite gradient entry.
func checkGrads(who string, params []Param) error {
	for _, p := range params {
		if j := firstNonFinite(p.Grad); j >= 0 {
			return &GradError{Optimizer: who, Param: p.Name, Index: j, Value: p.Grad[j]}
		}
	}
	return nil
}

// ClipGradNorm is PyTorch's clip_grad_norm_ with norm_type 2: it computes
// the 2-norm of all the gradients taken together (as one concatenated
// vector) and, when it exceeds maxNorm, scales every gradient by
// maxNorm/(norm + 1e-6). It returns the norm before clipping. maxNorm must
// be finite and > 0. A NaN or infinite gradient entry is a *GradError
// (PyTorch's error_if_nonfinite=True) and leaves every gradient unchanged.
// It allocates nothing.
func ClipGradNorm(params []Param, maxNorm float64) (float64, error) {
	return ClipGradNormP(params, maxNorm, 2)
}

// ClipGradNormP is ClipGradNorm with PyTorch's norm_type p: any p ≥ 1, or
// math.Inf(1) for the largest absolute entry.
func ClipGradNormP(params []Param, maxNorm, p float64) (float64, error) {
	if !(maxNorm > 0) || math.IsInf(maxNorm, 0) {
		return 0, fmt.Errorf("optim: ClipGradNorm: max_norm must be finite and > 0, got %v", maxNorm)
	}
	if !(p >= 1) {
		return 0, fmt.Errorf("optim: ClipGradNorm: norm_type must be ≥ 1 or +Inf, got %v", p)
	}
	if err := checkGrads("ClipGradNorm", params); err != nil {
		return 0, err
	}
	total := gradNorm(params, p)
	if math.IsInf(total, 0) || math.IsNaN(total) {
		return total, fmt.Errorf("optim: ClipGradNorm: the total %v-norm of the gradients is %v; nothing was clipped", p, total)
	}
	coef := maxNorm / (total + 1e-6)
	if coef < 1 {
		for _, q := range params {
			for j := range q.Grad {
				q.Grad[j] *= coef
			}
		}
	}
	return total, nil
}

// gradNorm is the p-norm of all gradient entries (all finite); the 2-norm
// is rescaled by the largest entry only when the plain sum of squares
// overflows or underflows.
func gradNorm(params []Param, p float64) float64 {
	if p == 2 {
		var s0, s1, s2, s3 float64
		for _, q := range params {
			g := q.Grad
			i := 0
			for ; i+4 <= len(g); i += 4 {
				s0 += g[i] * g[i]
				s1 += g[i+1] * g[i+1]
				s2 += g[i+2] * g[i+2]
				s3 += g[i+3] * g[i+3]
			}
			for ; i < len(g); i++ {
				s0 += g[i] * g[i]
			}
		}
		if ss := (s0 + s1) + (s2 + s3); !math.IsInf(ss, 0) && ss > 1e-280 {
			return math.Sqrt(ss)
		}
	}
	amax := 0.0
	for _, q := range params {
		for _, g := range q.Grad {
			if a := math.Abs(g); a > amax {
				amax = a
			}
		}
	}
	if math.IsInf(p, 1) || amax == 0 {
		return amax
	}
	var s float64
	for _, q := range params {
		for _, g := range q.Grad {
			t := math.Abs(g) / amax
			if p == 2 {
				s += t * t
			} else {
				s += math.Pow(t, p)
			}
		}
	}
	return amax * math.Pow(s, 1/p)
}

// ClipGradValue is PyTorch's clip_grad_value_: it clamps every gradient
// entry to [−clip, clip]. clip must be finite and > 0. A NaN or infinite
// gradient entry is a *GradError and leaves every gradient unchanged.
func ClipGradValue(params []Param, clip float64) error {
	if !(clip > 0) || math.IsInf(clip, 0) {
		return fmt.Errorf("optim: ClipGradValue: clip_value must be finite and > 0, got %v", clip)
	}
	if err := checkGrads("ClipGradValue", params); err != nil {
		return err
	}
	for _, q := range params {
		for j, g := range q.Grad {
			q.Grad[j] = min(max(g, -clip), clip)
		}
	}
	return nil
}
