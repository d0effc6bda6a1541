// Package autodiff is gyro's reverse-mode automatic differentiation tape.
// Nodes live in arenas reused across runs; values are small handles into the
// tape; Backward runs an op-code switch, with no closure or interface per
// node; scalars take a fast path with no tensor header. A warmed-up tape
// records and differentiates a fixed graph without allocating.
//
// Operations (all methods of *Tape; every one has a hand-written backward
// pass, and binary and fused ops broadcast by NumPy's rules, their
// gradients summed back to each input's shape):
//
//   - leaves: Param, ParamScalar, ParamVec, Const, ConstRef (no copy), Scalar, Detach
//   - arithmetic: Add, Sub, Mul, Div, Neg, Pow, PowConst, RPowConst, Square,
//     Sqrt, Reciprocal, Abs, Clamp, AddConst, MulConst, Maximum, Minimum,
//     Where (select), Floor
//   - elementwise: Exp, Log, Log1p, Expm1, Tanh, Sigmoid, LogSigmoid,
//     Softplus, Relu, Log1mexp, LogAddExp, Xlogy, Logit, Sin, Cos, Sinh,
//     Cosh, Atan, Atanh, Atan2
//   - special: Lgamma, Digamma, Trigamma, Lbeta, Erf, Erfc, LogNdtr (log Φ,
//     accurate in the far lower tail), Ndtri (Φ⁻¹); see internal/special
//   - reductions: Sum, Mean, Prod, Max, LogSumExp over everything, and
//     SumAxes/SumAxis, MeanAxes/MeanAxis, ProdAxes/ProdAxis,
//     MaxAxes/MaxAxis, LogSumExpAxes/LogSumExpAxis with keepdim; CumSum
//   - shape: Reshape, Slice, Index (views, no copy), SliceAxis, Expand,
//     SumTo, Transpose, Permute, IndexSelect, IndexAdd, Gather, ScatterAdd,
//     Concat, Stack
//   - linear algebra (batched over leading dimensions): Dot, MatVec,
//     MatMul, Outer, Cholesky, TriangularSolve, CholeskySolve, SumLogDiag,
//     LogDetChol
//   - fused log densities: NormalLogProb, BernoulliLogitsLogProb
//
// Invalid input (shape mismatches, values from another tape, the zero V, a
// matrix that is not positive definite, …) panics with *Error naming the
// operation; inference entry points recover it and return it. After such
// a panic, Reset the tape before recording again.
package autodiff
