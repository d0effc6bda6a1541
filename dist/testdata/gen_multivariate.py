#!/usr/bin/python3
"""Reference values for gyro's multivariate and wrapper distributions.

Run once with the system Python (PyTorch 1.13, SciPy 1.10, mpmath):

    /usr/bin/python3 dist/testdata/gen_multivariate.py

It writes dist/testdata/multivariate_ref.json. Each case names a Pyro
distribution, its parameters by Pyro name (tensors as shape + row-major
data; scalars with shape []), a value, and PyTorch's (or, for Pyro-only
classes, an independent SciPy/mpmath/formula) log_prob, plus mean, variance
and entropy where PyTorch defines them.
"""
import json
import math
import os

import mpmath
import numpy as np
import scipy.stats
import torch
import torch.distributions as D

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240607)
rng = np.random.default_rng(20240607)

cases = []


def enc(x):
    t = torch.as_tensor(x, dtype=torch.float64)
    # JSON has no NaN/Inf: non-finite values are written as the strings
    # "nan", "inf", "-inf".
    data = [v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
            for v in (float(u) for u in t.reshape(-1).tolist())]
    return {"shape": list(t.shape), "data": data}


def add(name, cid, params, value, log_prob, d=None, extra=None):
    c = {"name": name, "id": cid,
         "params": {k: enc(v) for k, v in params.items()},
         "value": enc(value), "log_prob": enc(log_prob)}
    if d is not None:
        for attr in ("mean", "variance", "entropy"):
            try:
                v = getattr(d, attr)
                v = v() if callable(v) else v
                c[attr] = enc(v)
            except NotImplementedError:
                pass
    if extra:
        c.update({k: enc(v) for k, v in extra.items()})
    cases.append(c)


def T(x):
    return torch.tensor(x, dtype=torch.float64)


# ---------------------------------------------------------------- Dirichlet
for cid, conc, val in [
    ("basic", [0.5, 1.2, 3.0], [0.2, 0.3, 0.5]),
    ("batch", [[0.5, 1.2, 3.0], [2.0, 2.0, 2.0]], [[[0.1, 0.6, 0.3], [0.3, 0.3, 0.4]], [[0.7, 0.2, 0.1], [0.05, 0.05, 0.9]]]),
    ("tiny", [1e-3, 1e-3, 1e-3], [0.998, 1e-3, 1e-3]),
    ("huge", [1e3, 2e3, 3e3], [1 / 6, 2 / 6, 3 / 6]),
    ("k2", [4.0, 0.25], [0.6, 0.4]),
]:
    d = D.Dirichlet(T(conc))
    v = T(val)
    add("Dirichlet", "dirichlet-" + cid, {"concentration": conc}, v, d.log_prob(v), d)

# -------------------------------------------------------- OneHotCategorical
p = T([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])
v = T([[[0, 0, 1, 0], [1, 0, 0, 0]], [[0, 0, 0, 1], [0, 1, 0, 0]]])
d = D.OneHotCategorical(probs=p)
add("OneHotCategorical", "onehot-probs", {"probs": p}, v, d.log_prob(v), d)
lg = T([[1.5, -2.0, 0.3, 40.0], [-700.0, 0.0, 2.0, 1.0]])
d = D.OneHotCategorical(logits=lg)
add("OneHotCategorical", "onehot-logits", {"logits": lg}, v, d.log_prob(v), d)

# ------------------------------------------------------------- Multinomial
p = T([0.2, 0.5, 0.3])
v = T([[2, 5, 3], [0, 10, 0]])
d = D.Multinomial(10, probs=p)
add("Multinomial", "multinomial-probs", {"total_count": 10.0, "probs": p}, v, d.log_prob(v), d)
lg = T([[0.1, -1.0, 2.0, 0.5], [3.0, 3.0, -30.0, 0.0]])
v = T([[100000, 50000, 800000, 50000], [400000, 350000, 0, 250000]])
d = D.Multinomial(1000000, logits=lg)
add("Multinomial", "multinomial-1e6", {"total_count": 1e6, "logits": lg}, v, d.log_prob(v), d)

# --------------------------------------------------------- RelaxedBernoulli
temp = T(0.5)
p = T([0.1, 0.5, 0.9])
v = T([0.3, 0.01, 0.99])
d = D.RelaxedBernoulli(temp, probs=p)
add("RelaxedBernoulli", "relaxedbern-probs", {"temperature": temp, "probs": p}, v, d.log_prob(v))
lg = T([[-3.0, 0.0, 2.5], [1.0, 1.0, 1.0]])
d = D.RelaxedBernoulli(T(2.0), logits=lg)
v = T([0.2, 0.5, 0.7])
add("RelaxedBernoulli", "relaxedbern-logits", {"temperature": T(2.0), "logits": lg}, v, d.log_prob(v))

# ------------------------------------------------- RelaxedOneHotCategorical
temp = T(0.7)
p = T([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])
v = T([[0.05, 0.15, 0.8], [0.6, 0.3, 0.1]])
d = D.RelaxedOneHotCategorical(temp, probs=p)
add("RelaxedOneHotCategorical", "relaxedcat-probs", {"temperature": temp, "probs": p}, v, d.log_prob(v))
lg = T([2.0, -1.0, 0.5, 0.0])
v = T([0.4, 0.1, 0.3, 0.2])
d = D.RelaxedOneHotCategorical(T(1.5), logits=lg)
add("RelaxedOneHotCategorical", "relaxedcat-logits", {"temperature": T(1.5), "logits": lg}, v, d.log_prob(v))

# ---------------------------------------------------- DirichletMultinomial
# Pyro's formula, evaluated with mpmath at 50 digits.
mpmath.mp.dps = 50


def dm_logprob(alpha, x):
    a0, n = sum(alpha), sum(x)
    lb = lambda a, v: mpmath.loggamma(1 + v) + mpmath.loggamma(a) - mpmath.loggamma(v + a)
    r = lb(mpmath.mpf(a0), mpmath.mpf(n)) - sum(lb(mpmath.mpf(a), mpmath.mpf(v)) for a, v in zip(alpha, x))
    return float(r)


for cid, alpha, n, vals in [
    ("basic", [0.5, 1.5, 3.0], 6.0, [[1, 2, 3], [6, 0, 0]]),
    ("large", [1e3, 1e-3, 20.0], 1e6, [[900000, 10, 99990]]),
]:
    lp = [dm_logprob(alpha, x) for x in vals]
    a = T(alpha)
    a0 = a.sum()
    pm = a / a0
    mean = n * pm
    var = n * pm * (1 - pm) * (n + a0) / (1 + a0)
    add("DirichletMultinomial", "dirmult-" + cid, {"concentration": alpha, "total_count": n}, T(vals), T(lp),
        extra={"mean": mean, "variance": var})

# ------------------------------------------------------ MultivariateNormal
def spd(n, cond=10.0):
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    ev = np.geomspace(1.0, 1.0 / cond, n)
    return T(q @ np.diag(ev) @ q.T)


loc = T([0.5, -1.0, 2.0])
cov = spd(3)
x = T([[0.0, 0.0, 0.0], [1.0, -2.0, 3.5]])
d = D.MultivariateNormal(loc, covariance_matrix=cov)
add("MultivariateNormal", "mvn-cov", {"loc": loc, "covariance_matrix": cov}, x, d.log_prob(x), d)
prec = torch.linalg.inv(cov)
prec = (prec + prec.T) / 2
d = D.MultivariateNormal(loc, precision_matrix=prec)
add("MultivariateNormal", "mvn-prec", {"loc": loc, "precision_matrix": prec}, x, d.log_prob(x), d)
L = torch.linalg.cholesky(cov)
d = D.MultivariateNormal(loc, scale_tril=L)
add("MultivariateNormal", "mvn-tril", {"loc": loc, "scale_tril": L}, x, d.log_prob(x), d)
# batched loc (2, 4) with a batch of covariances (2, 4, 4) and values (3, 2, 4)
locb = T(rng.normal(size=(2, 4)))
covb = torch.stack([spd(4, 5.0), spd(4, 100.0)])
xb = T(rng.normal(size=(3, 2, 4)))
d = D.MultivariateNormal(locb, covariance_matrix=covb)
add("MultivariateNormal", "mvn-batch", {"loc": locb, "covariance_matrix": covb}, xb, d.log_prob(xb), d)
# broadcast: one loc, batch of scale_tril
Lb = torch.linalg.cholesky(covb)
d = D.MultivariateNormal(locb[0], scale_tril=Lb)
add("MultivariateNormal", "mvn-bcast", {"loc": locb[0], "scale_tril": Lb}, xb, d.log_prob(xb), d)
# near-singular covariance (condition number 1e10)
covs = spd(4, 1e10)
xs = T(rng.normal(size=(4,))) * 1e-3
d = D.MultivariateNormal(torch.zeros(4), covariance_matrix=covs)
add("MultivariateNormal", "mvn-nearsingular", {"loc": torch.zeros(4), "covariance_matrix": covs}, xs, d.log_prob(xs), d)
# one dimension
d = D.MultivariateNormal(T([1.0]), covariance_matrix=T([[4.0]]))
add("MultivariateNormal", "mvn-1d", {"loc": T([1.0]), "covariance_matrix": T([[4.0]])}, T([[2.0], [-1.0]]),
    d.log_prob(T([[2.0], [-1.0]])), d)

# ----------------------------------------------- LowRankMultivariateNormal
loc = T([0.5, -1.0, 2.0, 0.0])
W = T(rng.normal(size=(4, 2)))
dg = T([0.5, 1.0, 2.0, 0.1])
x = T(rng.normal(size=(3, 4)))
d = D.LowRankMultivariateNormal(loc, W, dg)
add("LowRankMultivariateNormal", "lowrank-basic", {"loc": loc, "cov_factor": W, "cov_diag": dg}, x, d.log_prob(x), d)
Wb = T(rng.normal(size=(2, 4, 3)))
dgb = T(rng.uniform(0.1, 2.0, size=(2, 4)))
xb = T(rng.normal(size=(2, 4)))
d = D.LowRankMultivariateNormal(loc, Wb, dgb)
add("LowRankMultivariateNormal", "lowrank-batch", {"loc": loc, "cov_factor": Wb, "cov_diag": dgb}, xb, d.log_prob(xb), d)

# -------------------------------------------------- MultivariateStudentT
for cid, df, loc, L, x in [
    ("basic", 4.0, T([0.5, -1.0, 2.0]), torch.linalg.cholesky(spd(3)), T([[0.0, 0.0, 0.0], [1.0, -2.0, 3.5]])),
    ("heavy", 0.5, T([0.0, 0.0]), T([[2.0, 0.0], [0.3, 0.5]]), T([10.0, -3.0])),
    ("normal-like", 1e6, T([0.0, 0.0]), T([[1.0, 0.0], [0.5, 1.0]]), T([1.0, 0.5])),
]:
    Sig = (L @ L.T).numpy()
    lp = scipy.stats.multivariate_t(loc=loc.numpy(), shape=Sig, df=df).logpdf(x.numpy())
    n = loc.shape[-1]
    mean = loc if df > 1 else torch.full_like(loc, float("nan"))
    var = (torch.diagonal(torch.as_tensor(Sig)) * df / (df - 2)) if df > 2 else torch.full_like(loc, float("inf") if df > 1 else float("nan"))
    add("MultivariateStudentT", "mvt-" + cid, {"df": T(df), "loc": loc, "scale_tril": L}, x, T(lp),
        extra={"mean": mean, "variance": var})

# ------------------------------------------------------------ LKJCholesky
for cid, dim, conc in [("d2", 2, 0.7), ("d3", 3, 1.0), ("d4", 4, 2.5), ("d5tiny", 5, 0.05), ("d3big", 3, 1e3)]:
    d = D.LKJCholesky(dim, concentration=T(conc))
    x = d.sample((2,))
    add("LKJCholesky", "lkj-" + cid, {"dim": T(float(dim)), "concentration": T(conc)}, x, d.log_prob(x))

# ---------------------------------------------------------- LogisticNormal
loc = T([0.1, -0.5, 1.0])
scale = T([0.5, 1.0, 2.0])
v = T([[0.2, 0.1, 0.3, 0.4], [0.05, 0.05, 0.6, 0.3]])
d = D.LogisticNormal(loc, scale)
add("LogisticNormal", "logisticnormal-basic", {"loc": loc, "scale": scale}, v, d.log_prob(v))

# -------------------------------------------------- MixtureOfDiagNormals
locs = T(rng.normal(size=(3, 2)))
cs = T(rng.uniform(0.3, 2.0, size=(3, 2)))
cl = T([0.2, -1.0, 0.5])
x = T(rng.normal(size=(4, 2)))
comp = D.Normal(locs, cs)  # (3, 2)
lp = torch.logsumexp(torch.log_softmax(cl, -1) + comp.log_prob(x.unsqueeze(-2)).sum(-1), -1)
add("MixtureOfDiagNormals", "mixdiag-basic", {"locs": locs, "coord_scale": cs, "component_logits": cl}, x, lp)

# ------------------------------------------------------------- Empirical
samples = T([[0.0, 1.0], [2.0, 3.0], [0.0, 1.0], [5.0, 5.0]])
lw = T([0.1, -0.3, 0.7, 1.2])
probs = torch.softmax(lw, 0)
v = T([0.0, 1.0])
lp = torch.log(probs[0] + probs[2])
mean = (probs.unsqueeze(-1) * samples).sum(0)
var = (probs.unsqueeze(-1) * (samples - mean) ** 2).sum(0)
add("Empirical", "empirical-basic", {"samples": samples, "log_weights": lw}, v, lp,
    extra={"mean": mean, "variance": var})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "multivariate_ref.json")
with open(out, "w") as f:
    json.dump({"generator": "gen_multivariate.py", "torch": torch.__version__, "scipy": scipy.__version__,
               "cases": cases}, f, indent=1)
print("wrote", len(cases), "cases to", out)
