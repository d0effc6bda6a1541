// Package poutine is gyro's effect-handler runtime: messages, the handler
// stack and apply_stack, Pyro's primitives (sample, param, plate, …), the
// handlers (trace, replay, condition, block, scale, mask, …) and Trace.
package poutine
