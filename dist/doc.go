// Package dist holds gyro's probability distributions, following Pyro's and
// PyTorch's names, parameters and behaviour: batch and event shapes,
// differentiable log densities on the autodiff tape, seeded sampling,
// reparameterized sampling, supports and constraints, and the KL registry.
package dist
