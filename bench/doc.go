// Package bench holds gyro's benchmark suite: go test -bench benchmarks for
// every kernel, backend and layer, and the shared code behind the gyrobench
// command that prints gyro's figures beside their references.
package bench
