package models

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gyro-ppl/gyro/infer"
	"github.com/gyro-ppl/gyro/infer/mcmc"
)

// StanName returns Stan's name for an element of a gyro site: the site name
// alone when no index is given (a scalar), else the name with the 1-based
// indices in brackets. Indices are gyro's 0-based ones, one per dimension:
// StanName("theta_tilde", 2) is "theta_tilde[3]", StanName("L", 0, 1) is
// "L[1,2]".
func StanName(site string, index ...int) string {
	if len(index) == 0 {
		return site
	}
	var b strings.Builder
	b.WriteString(site)
	b.WriteByte('[')
	for i, k := range index {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(k + 1))
	}
	b.WriteByte(']')
	return b.String()
}

// SiteNames returns the Stan names of the elements of a site of the given
// shape, in row-major order (the last index varies fastest, as in Stan's
// output for vectors and gyro's flat values).
func SiteNames(site string, shape []int) []string {
	size := 1
	for _, s := range shape {
		size *= s
	}
	if len(shape) == 0 {
		return []string{site}
	}
	names := make([]string, 0, size)
	idx := make([]int, len(shape))
	for e := 0; e < size; e++ {
		names = append(names, StanName(site, idx...))
		for a := len(shape) - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < shape[a] {
				break
			}
			idx[a] = 0
		}
	}
	return names
}

// CoordNames lists the Stan name of every constrained coordinate of p's
// latent sites, in the order of p.Constrain (sites in model order, each
// site's elements row-major) and of ConstrainedDraws.
func CoordNames(p *infer.ModelPotential) []string {
	var names []string
	for _, s := range p.Sites() {
		names = append(names, SiteNames(s.Name, s.Shape)...)
	}
	return names
}

// ConstrainedDraws maps MCMC results on p's unconstrained space to the
// constrained values of the latent sites (a positive scale as itself, not
// its logarithm; a simplex with all its entries), coordinate by coordinate
// as CoordNames names them. Draws, statistics and the other fields are kept;
// Dim becomes the number of constrained coordinates.
func ConstrainedDraws(p *infer.ModelPotential, results []mcmc.Result) ([]mcmc.Result, error) {
	out := make([]mcmc.Result, len(results))
	var vals [][]float64
	for c, res := range results {
		if res.Dim != p.Dim() {
			return nil, fmt.Errorf("models: ConstrainedDraws: chain %d has dimension %d, the potential %d", c, res.Dim, p.Dim())
		}
		out[c] = res
		n := len(res.Draws) / res.Dim
		var draws []float64
		for i := 0; i < n; i++ {
			for k := range vals {
				vals[k] = vals[k][:0]
			}
			vals = p.Constrain(res.Draw(i), vals)
			if i == 0 {
				dim := 0
				for _, v := range vals {
					dim += len(v)
				}
				out[c].Dim = dim
				draws = make([]float64, 0, n*dim)
			}
			for _, v := range vals {
				draws = append(draws, v...)
			}
		}
		out[c].Draws = draws
		out[c].WarmupDraws = nil
	}
	return out, nil
}
