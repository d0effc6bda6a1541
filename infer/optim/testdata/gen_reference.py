#!/usr/bin/python3
"""Reference trajectories for gyro's infer/optim tests, computed with PyTorch.

Run from this directory with Debian's python3-torch (1.13):

    /usr/bin/python3 gen_reference.py > reference.json

Everything is float64. Gradients come from closed-form expressions evaluated
with the same operation order as the Go test (so both sides see the same
gradient for the same parameters); PyTorch performs the updates.

Pyro is not installed here, so Pyro's two own optimizers (ClippedAdam and
AdagradRMSProp, pyro/optim/clipped_adam.py and adagrad_rmsprop.py) are
re-implemented below from their documented behaviour with the same tensor
operations. As in Pyro's PyroOptim, every parameter gets its own optimizer
instance, so per-parameter step counts (and ClippedAdam's learning-rate
decay) only advance when that parameter is stepped.
"""
import json
import math
import sys

import torch
from torch.optim import SGD, Adam, AdamW, Adagrad, RMSprop, Adadelta
from torch.optim.lr_scheduler import StepLR, ExponentialLR, ReduceLROnPlateau

torch.set_default_dtype(torch.float64)


class PyroClippedAdam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, clip_norm=10.0, lrd=1.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      clip_norm=clip_norm, lrd=lrd))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            group["lr"] *= group["lrd"]  # decays before the update, once per call
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                g.clamp_(-group["clip_norm"], group["clip_norm"])
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["m"] = torch.zeros_like(g)
                    st["v"] = torch.zeros_like(g)
                st["step"] += 1
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                st["m"].mul_(b1).add_(g, alpha=1 - b1)
                st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
                denom = st["v"].sqrt().add_(group["eps"])
                c1 = 1 - b1 ** st["step"]
                c2 = 1 - b2 ** st["step"]
                size = group["lr"] * math.sqrt(c2) / c1
                p.addcdiv_(st["m"], denom, value=-size)


class PyroAdagradRMSProp(torch.optim.Optimizer):
    def __init__(self, params, eta=1.0, delta=1e-16, t=0.1):
        super().__init__(params, dict(eta=eta, delta=delta, t=t))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["sum"] = torch.zeros_like(p)
                st["step"] += 1
                if st["step"] == 1:
                    st["sum"] = g * g
                else:
                    st["sum"] *= 1.0 - group["t"]
                    st["sum"] += group["t"] * g * g
                lr = group["eta"] * (st["step"] ** (-0.5 + group["delta"]))
                p.addcdiv_(g, 1.0 + st["sum"].sqrt(), value=-lr)


CTORS = {
    "SGD": SGD, "Adam": Adam, "AdamW": AdamW, "Adagrad": Adagrad, "RMSprop": RMSprop,
    "Adadelta": Adadelta, "ClippedAdam": PyroClippedAdam, "AdagradRMSProp": PyroAdagradRMSProp,
}

# ---------------------------------------------------------------------------
# problems (keep in step with reference_test.go)

QA = [[3.0, 0.5, 0.0], [0.5, 1.0, -0.25], [0.0, -0.25, 0.2]]
QC = [1.0, -2.0, 0.5]
QK = [4.0, 0.3]
QD = [-1.0, 2.0]


def quad_grad(name, x):
    if name == "w":
        out = []
        for i in range(3):
            s = 0.0
            for j in range(3):
                s += QA[i][j] * (x[j] - QC[j])
            out.append(s)
        return out
    return [QK[i] * (x[i] - QD[i]) for i in range(2)]


def rosen_grad(name, x):
    out = []
    for i in range(0, len(x), 2):
        u, v = x[i], x[i + 1]
        t = v - u * u
        out.append(-2.0 * (1.0 - u) - 400.0 * u * t)
        out.append(200.0 * t)
    return out


PROBLEMS = {
    "quadratic": ({"w": [0.3, 0.7, -1.2], "b": [0.5, -0.4]}, quad_grad),
    "rosenbrock": ({"z": [-1.5, 2.0, 0.5, -0.3]}, rosen_grad),
}


def present(problem, name, step, sparse):
    # "sparse" cases leave parameter b out of every third step
    return not (sparse and name == "b" and step % 3 == 0)


def run(opt_name, kwargs, problem, steps, sparse=False):
    init, grad_fn = PROBLEMS[problem]
    params = {n: torch.tensor(v) for n, v in init.items()}
    opts = {n: CTORS[opt_name]([p], **kwargs) for n, p in params.items()}
    traj = []
    for k in range(1, steps + 1):
        for n, p in params.items():
            if present(problem, n, k, sparse):
                p.grad = torch.tensor(grad_fn(n, p.tolist()))
                opts[n].step()
                p.grad = None
        traj.append({n: p.tolist() for n, p in params.items()})
    return traj


CASES = [
    ("SGD", {"lr": 0.05}, {"lr": 2e-4}),
    ("SGD", {"lr": 0.03, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
            {"lr": 1e-4, "momentum": 0.8, "dampening": 0.2, "weight_decay": 0.05}),
    ("SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True},
            {"lr": 1e-4, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05}, {"lr": 0.05}),
    ("Adam", {"lr": 0.1, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1, "amsgrad": True},
             {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.05}, {"lr": 0.05}),
    ("AdamW", {"lr": 0.1, "betas": (0.85, 0.99), "eps": 1e-7, "weight_decay": 0.3, "amsgrad": True},
              {"lr": 0.03, "betas": (0.7, 0.98), "weight_decay": 0.05}),
    ("ClippedAdam", {"lr": 0.05}, {"lr": 0.05}),
    ("ClippedAdam", {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05, "clip_norm": 0.5, "lrd": 0.97},
                    {"lr": 0.05, "clip_norm": 20.0, "lrd": 0.99, "weight_decay": 0.01}),
    ("Adagrad", {"lr": 0.1}, {"lr": 0.1}),
    ("Adagrad", {"lr": 0.5, "lr_decay": 0.05, "weight_decay": 0.02, "initial_accumulator_value": 0.1, "eps": 1e-8},
                {"lr": 0.2, "lr_decay": 0.01, "initial_accumulator_value": 1.0}),
    ("RMSprop", {"lr": 0.01}, {"lr": 0.01}),
    ("RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True, "weight_decay": 0.01},
                {"lr": 0.005, "alpha": 0.95, "momentum": 0.3}),
    ("RMSprop", {"lr": 0.01, "centered": True}, {"lr": 0.003, "centered": True, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 1.0}, {"lr": 1.0}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.01},
                 {"lr": 2.0, "rho": 0.95, "eps": 1e-4}),
    ("AdagradRMSProp", {}, {"eta": 0.1}),
    ("AdagradRMSProp", {"eta": 0.5, "delta": 1e-8, "t": 0.3}, {"eta": 0.05, "delta": 0.1, "t": 0.05}),
]

STEPS = 40


def clean(kw):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}


def optimizer_cases():
    out = []
    for name, kq, kr in CASES:
        out.append({"optimizer": name, "kwargs": clean(kq), "problem": "quadratic", "sparse": False,
                    "traj": run(name, kq, "quadratic", STEPS)})
        out.append({"optimizer": name, "kwargs": clean(kq), "problem": "quadratic", "sparse": True,
                    "traj": run(name, kq, "quadratic", STEPS, sparse=True)})
        out.append({"optimizer": name, "kwargs": clean(kr), "problem": "rosenbrock", "sparse": False,
                    "traj": run(name, kr, "rosenbrock", STEPS)})
    return out


# ---------------------------------------------------------------------------
# schedulers

METRICS = [10.0, 9.0, 8.5, 8.4999, 8.6, 8.7, 8.5, 8.45, 8.46, 8.47, 8.48, 8.49, 8.5, 8.44,
           8.43, 8.431, 8.432, 8.433, 8.434, 8.435, 8.436, 8.437, 8.438, 8.2, 8.21, 8.22,
           8.23, 8.24, 8.25, 8.26, 8.27, 8.28, 8.29, 8.3, 8.31, 8.32, 8.33, 8.34, 8.35, 8.36]


def sched_cases():
    out = []

    def fresh(lr):
        p = torch.zeros(1, requires_grad=True)
        return SGD([p], lr=lr)

    o = fresh(0.1)
    s = StepLR(o, step_size=3, gamma=0.5)
    lrs = []
    for _ in range(20):
        o.step()
        s.step()
        lrs.append(o.param_groups[0]["lr"])
    out.append({"kind": "StepLR", "lr": 0.1, "step_size": 3, "gamma": 0.5, "lrs": lrs})

    o = fresh(0.3)
    s = StepLR(o, step_size=1, gamma=0.9)
    lrs = []
    for _ in range(20):
        o.step()
        s.step()
        lrs.append(o.param_groups[0]["lr"])
    out.append({"kind": "StepLR", "lr": 0.3, "step_size": 1, "gamma": 0.9, "lrs": lrs})

    o = fresh(0.05)
    s = ExponentialLR(o, gamma=0.93)
    lrs = []
    for _ in range(30):
        o.step()
        s.step()
        lrs.append(o.param_groups[0]["lr"])
    out.append({"kind": "ExponentialLR", "lr": 0.05, "gamma": 0.93, "lrs": lrs})

    plateau = [
        {"mode": "min", "factor": 0.1, "patience": 10, "threshold": 1e-4, "threshold_mode": "rel",
         "cooldown": 0, "min_lr": 0.0, "eps": 1e-8},
        {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.01, "threshold_mode": "abs",
         "cooldown": 2, "min_lr": 0.02, "eps": 1e-8},
        {"mode": "max", "factor": 0.3, "patience": 1, "threshold": 1e-3, "threshold_mode": "rel",
         "cooldown": 1, "min_lr": 0.0, "eps": 1e-8},
        {"mode": "max", "factor": 0.7, "patience": 0, "threshold": 0.05, "threshold_mode": "abs",
         "cooldown": 0, "min_lr": 0.0, "eps": 0.01},
    ]
    for cfg in plateau:
        o = fresh(0.1)
        s = ReduceLROnPlateau(o, **cfg)
        lrs = []
        for m in METRICS:
            o.step()
            s.step(m)
            lrs.append(o.param_groups[0]["lr"])
        out.append({"kind": "ReduceLROnPlateau", "lr": 0.1, "config": cfg, "metrics": METRICS, "lrs": lrs})
    return out


# ---------------------------------------------------------------------------
# gradient clipping

CLIP_GRADS = {"a": [3.0, -4.0, 0.5], "b": [1e-3, 2.5], "c": [-7.25]}


def clip_cases():
    out = []
    for max_norm, p in [(1.0, 2.0), (100.0, 2.0), (2.0, math.inf), (0.5, 3.0), (5.0, 1.0)]:
        ps = []
        for n, g in CLIP_GRADS.items():
            t = torch.zeros(len(g), requires_grad=True)
            t.grad = torch.tensor(g)
            ps.append(t)
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=p)
        out.append({"kind": "norm", "max_norm": max_norm, "norm_type": "inf" if math.isinf(p) else p,
                    "total": total.item(), "grads": {n: t.grad.tolist() for n, t in zip(CLIP_GRADS, ps)}})
    for clip in [1.0, 0.01]:
        ps = []
        for n, g in CLIP_GRADS.items():
            t = torch.zeros(len(g), requires_grad=True)
            t.grad = torch.tensor(g)
            ps.append(t)
        torch.nn.utils.clip_grad_value_(ps, clip)
        out.append({"kind": "value", "clip": clip, "grads": {n: t.grad.tolist() for n, t in zip(CLIP_GRADS, ps)}})
    return out


if __name__ == "__main__":
    json.dump({"torch_version": torch.__version__, "steps": STEPS,
               "optimizers": optimizer_cases(), "schedulers": sched_cases(), "clip": clip_cases()},
              sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")
