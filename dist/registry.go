package dist

import (
	"sort"
	"sync"

	ad "github.com/gyro-ppl/gyro/autodiff"
)

// Params are a distribution's parameters by Pyro name, as tape values.
type Params map[string]ad.V

// Constructor builds a distribution from named parameters recorded on a tape.
// It returns an error (never panics) naming the parameter when one is
// missing, unknown, or invalid.
type Constructor func(t *ad.Tape, p Params) (Distribution, error)

var (
	regMu    sync.RWMutex
	registry = map[string]Constructor{}
)

// Register adds a constructor under Pyro's class name. Implementations call
// it from init. Registering a name twice panics.
func Register(name string, c Constructor) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("dist: Register called twice for " + name)
	}
	registry[name] = c
}

// Names lists the registered distribution names, sorted.
func Names() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Catch runs f and converts a panic with *Error (or *autodiff.Error) into a
// returned error; other panics propagate.
func Catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case *Error:
				err = e
			case *ad.Error:
				err = e
			default:
				panic(r)
			}
		}
	}()
	f()
	return nil
}
