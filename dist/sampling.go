package dist

import (
	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Shared helpers for implementations of Sample: they record the draws as a
// constant (no gradient) of shape sampleShape + batch (+ event) on the
// tape, broadcasting parameters to the batch shape, without allocating.

// JoinShapes concatenates shapes (sample_shape + batch_shape + …) into a
// Shape, panicking with *Error (naming dist) beyond ad.MaxDims dimensions.
func JoinShapes(dist string, shapes ...[]int) Shape {
	var r Shape
	for _, s := range shapes {
		if r.n+len(s) > ad.MaxDims {
			Fail(dist, "sample_shape", "sample shape has more than %d dimensions", ad.MaxDims)
		}
		r.n += copy(r.d[r.n:], s)
	}
	return r
}

func shapeSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// NewSample records a zero-filled constant of shape sampleShape + batch +
// event and returns it with its data. The data slice is valid until the
// next value is recorded on t.
func NewSample(t *ad.Tape, dist string, sampleShape, batch, event []int) (ad.V, []float64) {
	for _, d := range sampleShape {
		if d < 0 {
			Fail(dist, "sample_shape", "negative dimension in %v", append([]int(nil), sampleShape...))
		}
	}
	s := JoinShapes(dist, sampleShape, batch, event)
	if s.n == 0 {
		v := t.Scalar(0)
		return v, v.Data()
	}
	v := t.Const(s.Slice(), nil)
	return v, v.Data()
}

// broadcastParam returns p itself when it has one element or exactly the
// batch's elements (already in batch layout), and otherwise p expanded to
// batch (one recorded node). Call it before recording the output so that
// data slices stay valid.
func broadcastParam(t *ad.Tape, p ad.V, batch []int) ad.V {
	n := p.Size()
	if n == 1 || (n == shapeSize(batch) && len(p.Shape()) == len(batch)) {
		return p
	}
	return t.Expand(p, batch...)
}

func paramAt(d []float64, j int) float64 {
	if len(d) == 1 {
		return d[0]
	}
	return d[j]
}

// Sample1 records draws f(rng, a) of shape sampleShape + batch, where a is
// a parameter broadcast to batch (for example f = (*RNG).Gamma with a the
// concentration). f is typically a method expression, which costs no
// allocation.
func Sample1(t *ad.Tape, rng *RNG, dist string, sampleShape, batch []int, a ad.V, f func(*RNG, float64) float64) ad.V {
	a = broadcastParam(t, a, batch)
	v, out := NewSample(t, dist, sampleShape, batch, nil)
	ap := a.Data()
	nb := shapeSize(batch)
	for o := 0; o < len(out); o += nb {
		row := out[o : o+nb]
		for j := range row {
			row[j] = f(rng, paramAt(ap, j))
		}
	}
	return v
}

// Sample2 is Sample1 for two parameters broadcast to batch (for example
// f = (*RNG).Beta, or (*RNG).Binomial with total_count and probs).
func Sample2(t *ad.Tape, rng *RNG, dist string, sampleShape, batch []int, a, b ad.V, f func(*RNG, float64, float64) float64) ad.V {
	a = broadcastParam(t, a, batch)
	b = broadcastParam(t, b, batch)
	v, out := NewSample(t, dist, sampleShape, batch, nil)
	ap, bp := a.Data(), b.Data()
	nb := shapeSize(batch)
	for o := 0; o < len(out); o += nb {
		row := out[o : o+nb]
		for j := range row {
			row[j] = f(rng, paramAt(ap, j), paramAt(bp, j))
		}
	}
	return v
}

// SampleNormal records standard normal draws of shape sampleShape + batch
// (+ event) using the bulk sampler FillNormal.
func SampleNormal(t *ad.Tape, rng *RNG, dist string, sampleShape, batch, event []int) ad.V {
	v, out := NewSample(t, dist, sampleShape, batch, event)
	rng.FillNormal(out)
	return v
}

// SampleUniform records uniform [0, 1) draws of shape sampleShape + batch
// (+ event).
func SampleUniform(t *ad.Tape, rng *RNG, dist string, sampleShape, batch, event []int) ad.V {
	v, out := NewSample(t, dist, sampleShape, batch, event)
	rng.FillUniform(out)
	return v
}

// SampleEvent records draws of shape sampleShape + batch + event where each
// event (the last prod(event) elements of a block) is produced by f from
// the matching event-shaped slice of a parameter p broadcast to batch +
// event (for example f = (*RNG).Dirichlet with p the concentration).
func SampleEvent(t *ad.Tape, rng *RNG, dist string, sampleShape, batch, event []int, p ad.V, f func(rng *RNG, dst, param []float64)) ad.V {
	pe := JoinShapes(dist, batch, event)
	p = broadcastParam(t, p, pe.Slice())
	if p.Size() == 1 && shapeSize(pe.Slice()) != 1 {
		p = t.Expand(p, pe.Slice()...)
	}
	v, out := NewSample(t, dist, sampleShape, batch, event)
	pd := p.Data()
	ne := shapeSize(event)
	nb := len(pd)
	if ne == 0 || nb == 0 {
		return v
	}
	for o := 0; o < len(out); o += nb {
		blk := out[o : o+nb]
		for e := 0; e < nb; e += ne {
			f(rng, blk[e:e+ne], pd[e:e+ne])
		}
	}
	return v
}
