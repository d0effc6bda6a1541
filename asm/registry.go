package asm

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
)

// Implementation names used by the kernels in this package. Other packages
// that register kernels may use further names.
const (
	ImplGeneric = "generic" // pure Go, always available
	ImplAVX2    = "avx2"    // amd64 AVX2 + FMA3
	ImplAVX512  = "avx512"  // amd64 AVX-512F (+DQ/VL where stated)
)

// Priorities for Register: among the supported implementations of a kernel
// the one with the highest priority is selected by default.
const (
	PriorityGeneric = 0
	PriorityAVX2    = 10
	PriorityAVX512  = 20
)

// Impl describes one implementation of one kernel compiled into the binary.
type Impl struct {
	Kernel    string // kernel name, e.g. "DdotUnitary"
	Name      string // implementation name, e.g. ImplAVX2
	Priority  int    // default-selection priority (higher wins)
	Supported bool   // whether this CPU can run it
	Active    bool   // whether it is the one currently in use
}

type implEntry struct {
	name      string
	priority  int
	supported bool
	activate  func()
}

type kernelEntry struct {
	name    string
	impls   []implEntry
	current string
}

var (
	regMu    sync.Mutex
	registry = map[string]*kernelEntry{}
)

// Register adds implementation name of kernel to the registry. slot is the
// function variable through which the kernel is called and fn the
// implementation; supported says whether the running CPU can execute fn
// (unsupported implementations are listed but never selected). After each
// call the supported implementation with the highest priority is installed
// in *slot, so the order of registration does not matter. Register is meant
// to be called from init functions; registering the same kernel and name
// twice panics.
//
// If the environment variable GYRO_ASM names an implementation (for example
// GYRO_ASM=generic), that implementation is preferred for every kernel that
// has a supported one of that name.
func Register[F any](kernel, name string, priority int, supported bool, slot *F, fn F) {
	regMu.Lock()
	defer regMu.Unlock()
	k := registry[kernel]
	if k == nil {
		k = &kernelEntry{name: kernel}
		registry[kernel] = k
	}
	for _, e := range k.impls {
		if e.name == name {
			panic("asm: Register: implementation " + name + " of kernel " + kernel + " registered twice")
		}
	}
	k.impls = append(k.impls, implEntry{
		name:      name,
		priority:  priority,
		supported: supported,
		activate:  func() { *slot = fn },
	})
	k.selectDefault()
}

// envPreference is the implementation named by GYRO_ASM, if any.
var envPreference = strings.TrimSpace(os.Getenv("GYRO_ASM"))

func (k *kernelEntry) selectDefault() {
	best := -1
	for i, e := range k.impls {
		if !e.supported {
			continue
		}
		if envPreference != "" && e.name == envPreference {
			best = i
			break
		}
		if best < 0 || e.priority > k.impls[best].priority {
			best = i
		}
	}
	if best >= 0 {
		k.impls[best].activate()
		k.current = k.impls[best].name
	}
}

// Impls lists every implementation of every registered kernel, sorted by
// kernel name and then by descending priority.
func Impls() []Impl {
	regMu.Lock()
	defer regMu.Unlock()
	var out []Impl
	for _, k := range registry {
		for _, e := range k.impls {
			out = append(out, Impl{
				Kernel:    k.name,
				Name:      e.name,
				Priority:  e.priority,
				Supported: e.supported,
				Active:    e.name == k.current,
			})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kernel != out[j].Kernel {
			return out[i].Kernel < out[j].Kernel
		}
		return out[i].Priority > out[j].Priority
	})
	return out
}

// ImplsOf lists the implementations of one kernel (nil if it is unknown),
// highest priority first.
func ImplsOf(kernel string) []Impl {
	var out []Impl
	for _, im := range Impls() {
		if im.Kernel == kernel {
			out = append(out, im)
		}
	}
	return out
}

// Active returns the name of the implementation of kernel currently in use,
// or "" if the kernel is unknown.
func Active(kernel string) string {
	regMu.Lock()
	defer regMu.Unlock()
	if k := registry[kernel]; k != nil {
		return k.current
	}
	return ""
}

// Select forces kernel to use implementation name and returns a function
// that restores the previous choice. It returns an error if the kernel or
// the implementation is unknown or the CPU does not support it.
//
// Select swaps a package-level function variable: it is meant for tests and
// benchmarks and must not run concurrently with calls of the kernel.
func Select(kernel, name string) (restore func(), err error) {
	regMu.Lock()
	defer regMu.Unlock()
	k := registry[kernel]
	if k == nil {
		return nil, fmt.Errorf("asm: Select: unknown kernel %q", kernel)
	}
	prev := k.current
	for _, e := range k.impls {
		if e.name != name {
			continue
		}
		if !e.supported {
			return nil, fmt.Errorf("asm: Select: implementation %q of kernel %q is not supported by this CPU", name, kernel)
		}
		e.activate()
		k.current = name
		return func() { k.restore(prev) }, nil
	}
	return nil, fmt.Errorf("asm: Select: kernel %q has no implementation %q", kernel, name)
}

func (k *kernelEntry) restore(name string) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, e := range k.impls {
		if e.name == name {
			e.activate()
			k.current = name
			return
		}
	}
}

// SelectAll forces implementation name for every kernel that has a
// supported implementation of that name (the others keep theirs) and
// returns a function restoring the previous choices. Like Select it is for
// tests and benchmarks only.
func SelectAll(name string) (restore func()) {
	var restores []func()
	regMu.Lock()
	kernels := make([]string, 0, len(registry))
	for n := range registry {
		kernels = append(kernels, n)
	}
	regMu.Unlock()
	for _, kn := range kernels {
		if r, err := Select(kn, name); err == nil {
			restores = append(restores, r)
		}
	}
	return func() {
		for i := len(restores) - 1; i >= 0; i-- {
			restores[i]()
		}
	}
}
