#!/usr/bin/python3
"""Reference KL divergences for dist/kl_test.go, from
torch.distributions.kl_divergence (PyTorch 1.13, float64).

Run: /usr/bin/python3 dist/testdata/kl_ref.py > dist/testdata/kl_ref.json

Delta follows Pyro's convention KL(Delta(v) || q) = -q.log_prob(v), and
Independent pairs with different reinterpreted dimensions follow Pyro's
_kl_independent_independent; both are computed here with torch directly
(Pyro is not needed).
"""
import json

import torch
import torch.distributions as D

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(20261122)


def rand(*shape, lo=0.2, hi=3.0):
    return lo + (hi - lo) * torch.rand(shape, generator=g)


def randn(*shape):
    return torch.randn(shape, generator=g)


def num(v):
    # JSON has no infinities: they are written as strings
    if v == float("inf"):
        return "inf"
    if v == float("-inf"):
        return "-inf"
    return v


def t(x):
    x = torch.as_tensor(x, dtype=torch.float64)
    return {"shape": list(x.shape), "data": [num(v) for v in x.flatten().tolist()]}


def spd(n, *batch):
    a = randn(*batch, n, n)
    return a @ a.transpose(-1, -2) + n * torch.eye(n)


cases = []


def add(label, pspec, pd, qspec, qd, kl=None):
    if kl is None:
        kl = D.kl_divergence(pd, qd)
    cases.append({"label": label, "p": pspec, "q": qspec, "kl": t(kl)})


# Normal
for lbl, ps, qs in [("scalar", (), ()), ("batch", (3,), (3,)), ("broadcast", (2, 1), (3,))]:
    a, b, c, d = randn(*ps), rand(*ps), randn(*qs), rand(*qs)
    add("Normal " + lbl, {"name": "Normal", "params": {"loc": t(a), "scale": t(b)}}, D.Normal(a, b),
        {"name": "Normal", "params": {"loc": t(c), "scale": t(d)}}, D.Normal(c, d))

# MultivariateNormal
for lbl, pb, qb in [("single", (), ()), ("batch", (2,), (2,)), ("broadcast", (2,), ())]:
    n = 3
    a, b, c, d = randn(*pb, n), spd(n, *pb), randn(*qb, n), spd(n, *qb)
    add("MVN " + lbl, {"name": "MultivariateNormal", "params": {"loc": t(a), "covariance_matrix": t(b)}},
        D.MultivariateNormal(a, b),
        {"name": "MultivariateNormal", "params": {"loc": t(c), "covariance_matrix": t(d)}},
        D.MultivariateNormal(c, d))

# Gamma, Beta, Exponential
for lbl, ps, qs in [("scalar", (), ()), ("batch", (4,), (4,)), ("broadcast", (2, 1), (2,))]:
    a, b, c, d = rand(*ps), rand(*ps), rand(*qs), rand(*qs)
    add("Gamma " + lbl, {"name": "Gamma", "params": {"concentration": t(a), "rate": t(b)}}, D.Gamma(a, b),
        {"name": "Gamma", "params": {"concentration": t(c), "rate": t(d)}}, D.Gamma(c, d))
    add("Beta " + lbl, {"name": "Beta", "params": {"concentration1": t(a), "concentration0": t(b)}}, D.Beta(a, b),
        {"name": "Beta", "params": {"concentration1": t(c), "concentration0": t(d)}}, D.Beta(c, d))
    add("Exponential " + lbl, {"name": "Exponential", "params": {"rate": t(a)}}, D.Exponential(a),
        {"name": "Exponential", "params": {"rate": t(d)}}, D.Exponential(d))

# Dirichlet
for lbl, ps, qs in [("single", (4,), (4,)), ("batch", (3, 4), (3, 4)), ("broadcast", (2, 4), (4,))]:
    a, c = rand(*ps), rand(*qs)
    add("Dirichlet " + lbl, {"name": "Dirichlet", "params": {"concentration": t(a)}}, D.Dirichlet(a),
        {"name": "Dirichlet", "params": {"concentration": t(c)}}, D.Dirichlet(c))

# Bernoulli (probs, logits, and the 0/1 edge cases)
a, c = torch.rand((5,), generator=g), torch.rand((5,), generator=g)
add("Bernoulli probs", {"name": "Bernoulli", "params": {"probs": t(a)}}, D.Bernoulli(probs=a),
    {"name": "Bernoulli", "params": {"probs": t(c)}}, D.Bernoulli(probs=c))
a, c = randn(2, 3), randn(3)
add("Bernoulli logits", {"name": "Bernoulli", "params": {"logits": t(a)}}, D.Bernoulli(logits=a),
    {"name": "Bernoulli", "params": {"logits": t(c)}}, D.Bernoulli(logits=c.expand(2, 3)))
a = torch.tensor([0.0, 1.0, 0.3, 0.0, 1.0, 0.5])
c = torch.tensor([0.4, 0.2, 0.0, 0.0, 1.0, 1.0])
add("Bernoulli edges", {"name": "Bernoulli", "params": {"probs": t(a)}}, D.Bernoulli(probs=a),
    {"name": "Bernoulli", "params": {"probs": t(c)}}, D.Bernoulli(probs=c))

# Categorical
a, c = rand(3, 4), rand(3, 4)
add("Categorical probs", {"name": "Categorical", "params": {"probs": t(a)}}, D.Categorical(probs=a),
    {"name": "Categorical", "params": {"probs": t(c)}}, D.Categorical(probs=c))
a, c = randn(2, 1, 5), randn(3, 5)
add("Categorical logits", {"name": "Categorical", "params": {"logits": t(a)}}, D.Categorical(logits=a),
    {"name": "Categorical", "params": {"logits": t(c)}}, D.Categorical(logits=c))
a = torch.tensor([[0.5, 0.0, 0.5], [0.2, 0.3, 0.5]])
c = torch.tensor([[0.3, 0.3, 0.4], [0.5, 0.5, 0.0]])
add("Categorical zeros", {"name": "Categorical", "params": {"probs": t(a)}}, D.Categorical(probs=a),
    {"name": "Categorical", "params": {"probs": t(c)}}, D.Categorical(probs=c))

# Independent
a, b, c, d = randn(2, 3), rand(2, 3), randn(2, 3), rand(2, 3)
pn, qn = D.Normal(a, b), D.Normal(c, d)
add("Independent(Normal,1)", {"name": "Independent", "base": {"name": "Normal", "params": {"loc": t(a), "scale": t(b)}}, "ndims": 1},
    D.Independent(pn, 1),
    {"name": "Independent", "base": {"name": "Normal", "params": {"loc": t(c), "scale": t(d)}}, "ndims": 1},
    D.Independent(qn, 1))
# nested: Independent(Independent(Normal, 1), 1) against Independent(Normal, 2)
# (Pyro's rule strips the shared dimension and recurses)
add("Independent(Independent(Normal,1),1)‖Independent(Normal,2) (Pyro)",
    {"name": "Independent", "ndims": 1,
     "base": {"name": "Independent", "ndims": 1, "base": {"name": "Normal", "params": {"loc": t(a), "scale": t(b)}}}},
    None,
    {"name": "Independent", "base": {"name": "Normal", "params": {"loc": t(c), "scale": t(d)}}, "ndims": 2},
    None, kl=D.kl_divergence(pn, qn).sum((-1, -2)))
a, c = rand(3, 4), rand(3, 4)
add("Independent(Dirichlet,1)", {"name": "Independent", "base": {"name": "Dirichlet", "params": {"concentration": t(a)}}, "ndims": 1},
    D.Independent(D.Dirichlet(a), 1),
    {"name": "Independent", "base": {"name": "Dirichlet", "params": {"concentration": t(c)}}, "ndims": 1},
    D.Independent(D.Dirichlet(c), 1))

# Delta (Pyro): -q.log_prob(v)
v = rand(3)
a, b = randn(3), rand(3)
add("Delta‖Normal (Pyro)", {"name": "Delta", "params": {"v": t(v)}, "event_dim": 0}, None,
    {"name": "Normal", "params": {"loc": t(a), "scale": t(b)}}, None, kl=-D.Normal(a, b).log_prob(v))
c, d = rand(3), rand(3)
add("Delta‖Gamma (Pyro)", {"name": "Delta", "params": {"v": t(v)}, "event_dim": 0}, None,
    {"name": "Gamma", "params": {"concentration": t(c), "rate": t(d)}}, None, kl=-D.Gamma(c, d).log_prob(v))

# more univariate pairs
for lbl, ps, qs in [("batch", (4,), (4,)), ("broadcast", (2, 1), (3,))]:
    a, b, c, d = randn(*ps), rand(*ps), randn(*qs), rand(*qs)
    add("Laplace " + lbl, {"name": "Laplace", "params": {"loc": t(a), "scale": t(b)}}, D.Laplace(a, b),
        {"name": "Laplace", "params": {"loc": t(c), "scale": t(d)}}, D.Laplace(c, d))
    add("Gumbel " + lbl, {"name": "Gumbel", "params": {"loc": t(a), "scale": t(b)}}, D.Gumbel(a, b),
        {"name": "Gumbel", "params": {"loc": t(c), "scale": t(d)}}, D.Gumbel(c, d))
    add("LogNormal " + lbl, {"name": "LogNormal", "params": {"loc": t(a), "scale": t(b)}}, D.LogNormal(a, b),
        {"name": "LogNormal", "params": {"loc": t(c), "scale": t(d)}}, D.LogNormal(c, d))
    add("HalfNormal " + lbl, {"name": "HalfNormal", "params": {"scale": t(b)}}, D.HalfNormal(b),
        {"name": "HalfNormal", "params": {"scale": t(d)}}, D.HalfNormal(d))
    add("Poisson " + lbl, {"name": "Poisson", "params": {"rate": t(b)}}, D.Poisson(b),
        {"name": "Poisson", "params": {"rate": t(d)}}, D.Poisson(d))
    pa, qa = rand(*ps, lo=0.5, hi=4), rand(*qs, lo=0.5, hi=4)
    add("Pareto " + lbl, {"name": "Pareto", "params": {"scale": t(b), "alpha": t(pa)}}, D.Pareto(b, pa),
        {"name": "Pareto", "params": {"scale": t(d), "alpha": t(qa)}}, D.Pareto(d, qa))
    gp, gq = rand(*ps, lo=0.05, hi=0.95), rand(*qs, lo=0.05, hi=0.95)
    add("Geometric " + lbl, {"name": "Geometric", "params": {"probs": t(gp)}}, D.Geometric(gp),
        {"name": "Geometric", "params": {"probs": t(gq)}}, D.Geometric(gq))
lo1, hi1 = torch.tensor([0.0, -1.0, 0.5]), torch.tensor([1.0, 2.0, 0.7])
lo2, hi2 = torch.tensor([-0.5, -1.0, 0.6]), torch.tensor([1.5, 2.5, 3.0])
add("Uniform", {"name": "Uniform", "params": {"low": t(lo1), "high": t(hi1)}}, D.Uniform(lo1, hi1),
    {"name": "Uniform", "params": {"low": t(lo2), "high": t(hi2)}}, D.Uniform(lo2, hi2))
n1, n2 = torch.tensor([10.0, 12.0, 5.0]), torch.tensor([10.0, 7.0, 5.0])
bp, bq = torch.tensor([0.3, 0.6, 0.01]), torch.tensor([0.5, 0.2, 0.9])
add("Binomial", {"name": "Binomial", "params": {"total_count": t(n1), "probs": t(bp)}}, D.Binomial(n1, bp),
    {"name": "Binomial", "params": {"total_count": t(n2), "probs": t(bq)}}, D.Binomial(n2, bq))

print(json.dumps({"generator": "dist/testdata/kl_ref.py", "torch": torch.__version__, "cases": cases}, indent=1))
