// Package constraints describes the supports of distributions and the
// domains of their parameters, with Pyro's (PyTorch's) constraint names.
// Package transforms maps each constraint to a bijection from unconstrained
// space (BijectTo).
//
// Parameter-free constraints are package variables (Real, Positive,
// Simplex, LowerCholesky, …) and are compared by identity. Parameterized
// ones are *Bounded (elementwise bounds, float or tensor-valued),
// *IndependentConstraint, and *MultinomialConstraint; their value types can
// be embedded in distribution objects so that Support() allocates nothing.
package constraints
