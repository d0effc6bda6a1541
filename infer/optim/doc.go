// Package optim holds gyro's gradient optimizers, learning-rate schedulers
// and gradient-clipping utilities (Pyro's pyro.optim).
//
// Every optimizer minimizes: it moves each parameter against the gradient
// in its Grad buffer (SVI stores the gradient of the loss, −ELBO, there).
// The update rules, defaults and argument checks follow PyTorch 1.13's
// torch.optim (SGD, Adam, AdamW, Adagrad, RMSprop, Adadelta) and Pyro's own
// optimizers (ClippedAdam, AdagradRMSProp); the tests replay trajectories
// computed by PyTorch and agree to about 1e-12 relative.
//
// Parameters are flat float64 slices. Three ways to step:
//
//   - StepParams([]Param) for bare front ends that hold their own slices;
//   - Step([]*poutine.ParamEntry), the signature infer.SVI expects, so an
//     optimizer can be handed to infer.NewSVI directly;
//   - StepStore(*poutine.ParamStore), which steps every entry of a store.
//
// Per-parameter state (moments, step counts) is keyed by the parameter's
// name and created the first time a name is seen, as Pyro's PyroOptim
// creates one optimizer per parameter. After that first step a step
// allocates nothing. A step first checks every parameter (matching
// lengths, finite gradients, no duplicate names) and only then updates,
// so a failed step leaves every parameter and all state unchanged.
//
// SaveState and LoadState persist the state (see SaveState for the file
// format), so a run stopped and resumed continues bit for bit.
//
// The element update shared by Adam, AdamW (without AMSGrad) and
// ClippedAdam has an AVX2 kernel, registered with package asm as
// "optim.Adam" (GYRO_ASM=generic selects the pure-Go twin); both give the
// same bits. The other rules are plain Go loops.
//
// Optimizers are not safe for concurrent use; give each goroutine its own.
package optim
