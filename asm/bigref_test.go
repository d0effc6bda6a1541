package asm

import (
	"math"
	"math/big"
	"sync"
)

// Correctly rounded references for exp, log and log1p computed with
// math/big at 200 bits. The math package is the first reference in the ulp
// tests, but on amd64 its assembly math.Exp returns +Inf for x in about
// (709.44, 709.78] and its assembly math.Log is wrong for subnormal x, so
// where an implementation and the math package disagree by more than the
// bound, the tests consult these references instead.

const refPrec = 200

var (
	ln2Once sync.Once
	ln2Big  *big.Float
)

func bigf() *big.Float { return new(big.Float).SetPrec(refPrec) }

// bigLn2 returns ln 2 = sum_{k>=1} 1/(k 2^k).
func bigLn2() *big.Float {
	ln2Once.Do(func() {
		sum := bigf()
		for k := 1; k < refPrec+20; k++ {
			t := bigf().SetInt64(1) // (SetMantExp would copy a 53-bit mant's precision)
			t.SetMantExp(t, -k)
			t.Quo(t, bigf().SetInt64(int64(k)))
			sum.Add(sum, t)
		}
		ln2Big = sum
	})
	return ln2Big
}

// refExp returns e**x correctly rounded to float64.
func refExp(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 710:
		return math.Inf(1)
	case x < -746:
		return 0
	}
	ln2 := bigLn2()
	bx := bigf().SetFloat64(x)
	kf, _ := bigf().Quo(bx, ln2).Float64()
	k := math.Round(kf)
	r := bigf().Sub(bx, bigf().Mul(bigf().SetFloat64(k), ln2))
	// Taylor series of e^r, |r| <= 0.35.
	sum := bigf().SetInt64(1)
	term := bigf().SetInt64(1)
	for i := 1; i < 80; i++ {
		term.Mul(term, r)
		term.Quo(term, bigf().SetInt64(int64(i)))
		sum.Add(sum, term)
	}
	sum.SetMantExp(sum, int(k))
	v, _ := sum.Float64()
	return v
}

// bigLog returns ln(v) for v > 0 at refPrec bits.
func bigLog(v *big.Float) *big.Float {
	mant := new(big.Float)
	e := v.MantExp(mant) // v = mant * 2^e, mant in [0.5, 1)
	m := new(big.Float).SetPrec(v.Prec() + 8).Set(mant)
	if m.Cmp(big.NewFloat(math.Sqrt2/2)) < 0 {
		m.SetMantExp(m, 1)
		e--
	}
	num := new(big.Float).SetPrec(m.Prec()).Sub(m, big.NewFloat(1)) // exact
	den := new(big.Float).SetPrec(m.Prec()).Add(m, big.NewFloat(1))
	s := bigf().Quo(num, den)
	s2 := bigf().Mul(s, s)
	// 2*atanh(s) = 2*(s + s^3/3 + s^5/5 + ...), |s| < 0.172
	sum := bigf()
	pow := bigf().Set(s)
	for i := 1; i < 200; i += 2 {
		t := bigf().Quo(pow, bigf().SetInt64(int64(i)))
		sum.Add(sum, t)
		pow.Mul(pow, s2)
	}
	sum.Mul(sum, bigf().SetInt64(2))
	return sum.Add(sum, bigf().Mul(bigf().SetInt64(int64(e)), bigLn2()))
}

// refLog returns ln(x) correctly rounded to float64.
func refLog(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	v, _ := bigLog(bigf().SetFloat64(x)).Float64()
	return v
}

// refLog1p returns ln(1+x) correctly rounded to float64.
func refLog1p(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < -1:
		return math.NaN()
	case x == -1:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	case x == 0:
		return x
	}
	// 1+x exactly: 2200 bits cover every double's exponent range.
	u := new(big.Float).SetPrec(2200).SetFloat64(x)
	u.Add(u, big.NewFloat(1))
	v, _ := bigLog(u).Float64()
	return v
}

// refSoftplus and refSigmoid compose the exact references in high
// precision through the stable formulas.
func refSoftplus(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 800:
		return x
	case x < -800:
		return 0
	}
	// log1p(e^-|x|) + max(x, 0), with e^-|x| at 200 bits.
	t := bigExp(-math.Abs(x))
	u := new(big.Float).SetPrec(2200).Set(t)
	u.Add(u, big.NewFloat(1))
	s := bigLog(u)
	s.Add(s, bigf().SetFloat64(math.Max(x, 0)))
	v, _ := s.Float64()
	return v
}

func refSigmoid(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 800:
		return 1
	case x < -800:
		return 0
	}
	t := bigExp(-math.Abs(x))
	den := bigf().Add(t, big.NewFloat(1))
	num := bigf().SetInt64(1)
	if x < 0 {
		num = t
	}
	v, _ := bigf().Quo(num, den).Float64()
	return v
}

// bigExp returns e**x at refPrec bits (no rounding to float64).
func bigExp(x float64) *big.Float {
	ln2 := bigLn2()
	bx := bigf().SetFloat64(x)
	kf, _ := bigf().Quo(bx, ln2).Float64()
	k := math.Round(kf)
	r := bigf().Sub(bx, bigf().Mul(bigf().SetFloat64(k), ln2))
	sum := bigf().SetInt64(1)
	term := bigf().SetInt64(1)
	for i := 1; i < 80; i++ {
		term.Mul(term, r)
		term.Quo(term, bigf().SetInt64(int64(i)))
		sum.Add(sum, term)
	}
	return sum.SetMantExp(sum, int(k))
}
