// Package transforms holds differentiable bijections between constrained
// and unconstrained spaces, as torch.distributions.transforms and
// pyro.distributions.transforms: each Transform maps tape values forward
// and back and gives the log absolute determinant of its Jacobian, all
// recorded on the autodiff tape so that gradients flow through them.
//
// BijectTo(c) returns the transform from unconstrained space onto the
// constraint c, following torch.distributions.constraint_registry.biject_to
// (with Pyro's registrations for its own constraints). Inference uses it for
// every constrained latent site: HMC/NUTS move in unconstrained space and
// add LogAbsDetJacobian to the log density; SVI maps unconstrained
// parameters onto their constraints.
//
// Transforms hold no per-call state: the package-level ones (Exp, Sigmoid,
// StickBreaking, …) are shared freely between goroutines, and transforms
// with tape-valued parameters (Affine, LowerCholeskyAffine, tensor-bounded
// intervals) come from per-tape pools, so applying a transform in a model
// allocates nothing in steady state.
package transforms
