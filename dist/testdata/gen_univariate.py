#!/usr/bin/python3
"""Reference log densities for gyro's univariate distributions.

Run once with Debian's /usr/bin/python3 (mpmath 1.2, torch 1.13):

    /usr/bin/python3 dist/testdata/gen_univariate.py > dist/testdata/univariate_ref.json

Each case names a distribution and its Pyro parameters (shape + data), a
value, and the reference log density computed with mpmath at 60 significant
digits from the textbook formula, rounded to float64. Where PyTorch
implements the distribution, its float64 result is stored beside ("torch")
for comparison; the tests check against the mpmath value.
"""
import json
import math
import sys

import mpmath as mp
import numpy as np

try:
    import torch
    import torch.distributions as td
    torch.set_default_dtype(torch.float64)
except Exception:  # pragma: no cover
    torch = None

mp.mp.dps = 60
M = mp.mpf


def lgam(x):
    return mp.loggamma(M(x))


def lbeta(a, b):
    return lgam(a) + lgam(b) - lgam(M(a) + M(b))


def sig(l):
    return 1 / (1 + mp.exp(-M(l)))


def logsig(l):
    # log sigmoid(l) = -log1p(exp(-l))
    return -mp.log1p(mp.exp(-M(l)))


# Each reference: f(value, *params) -> mpf (params in the order of `names`).
def bern_p(x, p):
    return mp.log(M(p)) if x == 1 else mp.log1p(-M(p))


def bern_l(x, l):
    return logsig(l) if x == 1 else logsig(-M(l))


def binom_core(k, n, logp, logq):
    k, n = M(k), M(n)
    lc = lgam(n + 1) - lgam(k + 1) - lgam(n - k + 1)
    a = 0 if k == 0 else k * logp
    b = 0 if n - k == 0 else (n - k) * logq
    return lc + a + b


def binom_p(k, n, p):
    return binom_core(k, n, mp.log(M(p)) if p > 0 else -mp.inf, mp.log1p(-M(p)))


def binom_l(k, n, l):
    return binom_core(k, n, logsig(l), logsig(-M(l)))


def geom_p(k, p):
    k = M(k)
    return (0 if k == 0 else k * mp.log1p(-M(p))) + mp.log(M(p))


def geom_l(k, l):
    k = M(k)
    return (0 if k == 0 else k * logsig(-M(l))) + logsig(l)


def pois(k, lam):
    k, lam = M(k), M(lam)
    if lam == 0:
        return M(0) if k == 0 else -mp.inf
    return k * mp.log(lam) - lam - lgam(k + 1)


def nb_core(k, r, logp, logq):
    k, r = M(k), M(r)
    return lgam(k + r) - lgam(k + 1) - lgam(r) + (0 if k == 0 else k * logp) + r * logq


def nb_p(k, r, p):
    return nb_core(k, r, mp.log(M(p)) if p > 0 else -mp.inf, mp.log1p(-M(p)))


def nb_l(k, r, l):
    return nb_core(k, r, logsig(l), logsig(-M(l)))


def gammapois(k, a, b):
    b = M(b)
    return nb_core(k, a, -mp.log1p(b), mp.log(b) - mp.log1p(b))


def betabinom(k, a, b, n):
    k, a, b, n = M(k), M(a), M(b), M(n)
    return lgam(n + 1) - lgam(k + 1) - lgam(n - k + 1) + lbeta(k + a, n - k + b) - lbeta(a, b)


def gamma_(x, a, b):
    x, a, b = M(x), M(a), M(b)
    return a * mp.log(b) + (a - 1) * mp.log(x) - b * x - lgam(a)


def chi2(x, df):
    return gamma_(x, M(df) / 2, M(1) / 2)


def expo(x, r):
    return mp.log(M(r)) - M(r) * M(x)


def invgamma(y, a, b):
    y, a, b = M(y), M(a), M(b)
    return a * mp.log(b) - lgam(a) - (a + 1) * mp.log(y) - b / y


def beta_(x, a, b):
    x, a, b = M(x), M(a), M(b)
    t1 = 0 if a == 1 else (a - 1) * mp.log(x)
    t2 = 0 if b == 1 else (b - 1) * mp.log1p(-x)
    return t1 + t2 - lbeta(a, b)


def cauchy(x, loc, s):
    z = (M(x) - M(loc)) / M(s)
    return -mp.log(mp.pi) - mp.log(M(s)) - mp.log1p(z * z)


def halfcauchy(x, s):
    return mp.log(2) + cauchy(x, 0, s)


def normal(x, loc, s):
    z = (M(x) - M(loc)) / M(s)
    return -z * z / 2 - mp.log(M(s)) - mp.log(2 * mp.pi) / 2


def halfnormal(x, s):
    return mp.log(2) + normal(x, 0, s)


def laplace(x, loc, s):
    return -mp.log(2 * M(s)) - abs(M(x) - M(loc)) / M(s)


def lognormal(x, loc, s):
    return normal(mp.log(M(x)), loc, s) - mp.log(M(x))


def gumbel(x, loc, s):
    z = (M(x) - M(loc)) / M(s)
    return -(mp.log(M(s)) + z + mp.exp(-z))


def studentt(x, df, loc, s):
    nu = M(df)
    z = (M(x) - M(loc)) / M(s)
    return (lgam((nu + 1) / 2) - lgam(nu / 2) - mp.log(nu * mp.pi) / 2 - mp.log(M(s))
            - (nu + 1) / 2 * mp.log1p(z * z / nu))


def uniform(x, lo, hi):
    if x >= hi:
        return -mp.inf
    return -mp.log(M(hi) - M(lo))


def pareto(x, s, a):
    x, s, a = M(x), M(s), M(a)
    return mp.log(a) + a * mp.log(s) - (a + 1) * mp.log(x)


def weibull(x, lam, k):
    x, lam, k = M(x), M(lam), M(k)
    r = x / lam
    return mp.log(k) - mp.log(lam) + (k - 1) * mp.log(r) - r ** k


def fisher(x, d1, d2):
    x, d1, d2 = M(x), M(d1), M(d2)
    a, b = d1 / 2, d2 / 2
    return -lbeta(a, b) + a * mp.log(d1 / d2) + (a - 1) * mp.log(x) - (a + b) * mp.log1p(d1 * x / d2)


def vonmises(x, loc, k):
    k = M(k)
    return k * mp.cos(M(x) - M(loc)) - mp.log(2 * mp.pi) - mp.log(mp.besseli(0, k))


def zip_g(k, rate, g):
    g = M(g)
    base = pois(k, rate)
    if k == 0:
        return mp.log(g) + mp.log1p((1 - g) * mp.exp(base) / g)
    return mp.log1p(-g) + base


def zip_gl(k, rate, gl):
    return zip_g(k, rate, sig(gl)) if abs(gl) < 30 else _zi_logits(k, pois(k, rate), gl)


def _zi_logits(k, base, gl):
    lg = logsig(gl)
    l1g = logsig(-M(gl))
    if k == 0:
        return lg + mp.log1p(mp.exp(l1g + base - lg))
    return l1g + base


def zinb(k, r, p, g):
    g = M(g)
    base = nb_p(k, r, p)
    if k == 0:
        return mp.log(g) + mp.log1p((1 - g) * mp.exp(base) / g)
    return mp.log1p(-g) + base


def zinb_l_gl(k, r, l, gl):
    return _zi_logits(k, nb_l(k, r, l), gl)


def torch_lp(name, params, value):
    """PyTorch's log_prob (float64) where torch has the distribution."""
    if torch is None:
        return None
    T = {k: torch.tensor(np.array(v)) for k, v in params.items()}
    v = torch.tensor(np.array(value))
    cls = {
        "Bernoulli": td.Bernoulli, "Binomial": td.Binomial, "Geometric": td.Geometric,
        "Poisson": td.Poisson, "NegativeBinomial": td.NegativeBinomial, "Gamma": td.Gamma,
        "Chi2": td.Chi2, "Exponential": td.Exponential, "Beta": td.Beta, "Cauchy": td.Cauchy,
        "HalfCauchy": td.HalfCauchy, "HalfNormal": td.HalfNormal, "Laplace": td.Laplace,
        "LogNormal": td.LogNormal, "Gumbel": td.Gumbel, "StudentT": td.StudentT,
        "Uniform": td.Uniform, "Pareto": td.Pareto, "Weibull": td.Weibull,
        "FisherSnedecor": td.FisherSnedecor, "VonMises": td.VonMises, "Normal": td.Normal,
    }.get(name)
    if cls is None:
        return None
    try:
        with np.errstate(all="ignore"):
            return cls(validate_args=False, **T).log_prob(v).numpy().tolist()
    except Exception:
        return None


CASES = []


def fin(x):
    """JSON has no non-finite numbers: write them as strings."""
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def add(name, ref, params, value, names=None):
    """params: dict name -> nested list/number; value: nested list/number.
    ref receives (value, *params in dict order) elementwise with broadcasting."""
    names = names or list(params)
    arrs = [np.array(params[n], dtype=np.float64) for n in names]
    val = np.array(value, dtype=np.float64)
    b = np.broadcast_arrays(val, *arrs)
    out = np.empty(b[0].shape)
    it = np.nditer(b[0], flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        args = [float(a[idx]) for a in b]
        out[idx] = float(ref(*args))
    enc = lambda a: {"shape": list(np.shape(a)), "data": [fin(x) for x in np.ravel(np.array(a, dtype=np.float64)).tolist()]}
    case = {"dist": name, "params": {n: enc(params[n]) for n in names}, "value": enc(val), "logprob": enc(out)}
    tl = torch_lp(name, {n: params[n] for n in names}, value)
    if tl is not None:
        case["torch"] = [fin(x) for x in np.ravel(np.array(tl, dtype=np.float64)).tolist()]
    CASES.append(case)


def add_categorical(param, pdata, value):
    """Categorical: the last parameter dimension holds the categories."""
    P = np.array(pdata, dtype=np.float64)
    V = np.array(value, dtype=np.float64)
    batch = P.shape[:-1]
    out_shape = np.broadcast_shapes(V.shape, batch)
    Vb = np.broadcast_to(V, out_shape)
    Pb = np.broadcast_to(P, out_shape + P.shape[-1:])
    out = np.empty(out_shape)
    for idx in np.ndindex(*out_shape):
        row = [M(x) for x in Pb[idx]]
        k = int(Vb[idx])
        if param == "probs":
            out[idx] = float(mp.log(row[k]) - mp.log(mp.fsum(row)))
        else:
            out[idx] = float(row[k] - mp.log(mp.fsum([mp.exp(r) for r in row])))
    enc = lambda a: {"shape": list(np.shape(a)), "data": [fin(x) for x in np.ravel(np.array(a, dtype=np.float64)).tolist()]}
    case = {"dist": "Categorical", "params": {param: enc(P)}, "value": enc(V), "logprob": enc(out)}
    if torch is not None:
        tl = td.Categorical(validate_args=False, **{param: torch.tensor(P)}).log_prob(torch.tensor(V)).numpy()
        case["torch"] = [fin(x) for x in np.ravel(tl).tolist()]
    CASES.append(case)


def main():
    add_categorical("probs", [[0.2, 0.5, 0.3], [1.0, 3.0, 1e-300]], [[0, 2], [1, 1], [2, 0]])
    add_categorical("logits", [[0.2, -0.5, 1.3], [700.0, -700.0, 0.0]], [[2], [0], [1]])
    add_categorical("logits", [1e3, 1e3 - 1e-3, -1e3, 0.0], 1)
    add("Normal", normal, {"loc": [0.5, -3.0], "scale": [2.0, 1e-3]}, [1.5, 0.25])
    add("Bernoulli", bern_p, {"probs": [0.3, 1e-20, 1 - 1e-12, 0.5]}, [1, 1, 0, 0])
    add("Bernoulli", bern_l, {"logits": [0.3, -700, 700, 35.0, -1e-3]}, [[1, 1, 1, 0, 0], [0, 0, 0, 1, 1]])
    add("Binomial", binom_p, {"total_count": 10.0, "probs": [0.3, 1e-10, 0.999]}, [3, 0, 10])
    add("Binomial", binom_p, {"total_count": [1e6, 1e6, 1e6, 1e6], "probs": [0.5, 1e-3, 0.3, 0.999999]}, [500000, 1000, 299123, 999999])
    add("Binomial", binom_l, {"total_count": [20.0, 1e6, 1e6, 50.0], "logits": [-700, 0.1, 700, 2.5]}, [0, 500123, 1e6, 7])
    add("Geometric", geom_p, {"probs": [0.3, 1e-8, 1.0, 0.999]}, [4, 1e6, 0, 2])
    add("Geometric", geom_l, {"logits": [-3.0, 40.0, -700.0]}, [[5, 0, 2], [0, 3, 1e3]])
    add("Poisson", pois, {"rate": [3.5, 1e6, 1e-300, 1e-3, 0.0]}, [2, 1000500, 0, 5, 0])
    add("Poisson", pois, {"rate": [[1e6], [7.0]]}, [[1e6, 999000, 0], [7, 0, 30]])
    add("NegativeBinomial", nb_p, {"total_count": [5.0, 1e6, 0.5, 1e-3], "probs": [0.3, 0.5, 0.999, 0.2]}, [3, 1000400, 12, 0])
    add("NegativeBinomial", nb_l, {"total_count": [5.0, 1e6, 2.0], "logits": [-700.0, 0.0, 30.0]}, [0, 999000, 1e13])
    add("GammaPoisson", gammapois, {"concentration": [2.0, 1e3, 1e-3, 1e6], "rate": [0.5, 1e-3, 10.0, 1.0]}, [3, 1e6, 0, 1000900])
    add("BetaBinomial", betabinom, {"concentration1": [2.0, 1e3, 1e-3, 0.5], "concentration0": [3.0, 1e3, 1e-3, 0.5], "total_count": [10.0, 1e6, 100.0, 1.0]}, [4, 500000, 100, 1],
        names=["concentration1", "concentration0", "total_count"])
    add("Gamma", gamma_, {"concentration": [2.0, 1e3, 1e-3, 1e3, 0.5], "rate": [1.5, 1.0, 1.0, 1e300, 1e-300]}, [0.7, 1000.0, 1e-300, 1e-297, 1e300])
    add("Gamma", gamma_, {"concentration": [[3.0], [1e-3]], "rate": [1.0, 2.0, 1e3]}, [[1.0, 0.01, 1e-5], [1e-200, 5.0, 1e-3]])
    add("Chi2", chi2, {"df": [3.0, 1e3, 1e-3]}, [2.0, 990.0, 1e-100])
    add("Exponential", expo, {"rate": [2.0, 1e-300, 1e300]}, [0.3, 1e300, 1e-300])
    add("InverseGamma", invgamma, {"concentration": [2.0, 1e3, 1e-3], "rate": [1.0, 1e3, 5.0]}, [0.5, 1.0, 1e5])
    add("Beta", beta_, {"concentration1": [2.0, 1e3, 1e-3, 1.0, 0.5], "concentration0": [3.0, 1e3, 1e-3, 1.0, 2.0]}, [0.3, 0.5, 1e-300, 0.0, 1 - 1e-12])
    add("Cauchy", cauchy, {"loc": [0.0, 1.0, -2.0], "scale": [1.0, 1e-300, 1e300]}, [3.0, 2.0, 1e300])
    add("HalfCauchy", halfcauchy, {"scale": [1.0, 1e-300, 1e300]}, [3.0, 1.0, 1e-300])
    add("HalfNormal", halfnormal, {"scale": [1.0, 1e-150, 1e300]}, [0.5, 1e-150, 1e300])
    add("Laplace", laplace, {"loc": [0.0, 1.0], "scale": [1.0, 1e-300]}, [[2.5, 1.0], [-1.0, 1.0 + 1e-16 * 0]])
    add("LogNormal", lognormal, {"loc": [0.0, 700.0, -3.0], "scale": [1.0, 1e-3, 1e2]}, [1.5, 1e304, 1e-300])
    add("Gumbel", gumbel, {"loc": [0.0, 1.0, 0.0], "scale": [1.0, 1e-3, 1e300]}, [0.5, 1.0005, -1e300])
    add("StudentT", studentt, {"df": [3.0, 1e6, 1e-3, 2.5], "loc": [0.0, 1.0, 0.0, -1.0], "scale": [1.0, 2.0, 1.0, 1e-300]}, [1.5, 0.0, 1e10, 1.0],
        names=["df", "loc", "scale"])
    add("Uniform", uniform, {"low": [0.0, -1e300, 1.0], "high": [1.0, 1e300, 1.0 + 1e-12]}, [0.5, 0.0, 1.0])
    add("Pareto", pareto, {"scale": [1.0, 1e-300, 2.0], "alpha": [2.0, 1e-3, 1e3]}, [1.5, 1e300, 2.0])
    add("Weibull", weibull, {"scale": [1.0, 1e-300, 2.0], "concentration": [1.5, 1e-3, 1e3]}, [0.5, 1e-300, 2.001])
    add("FisherSnedecor", fisher, {"df1": [3.0, 1e3, 1e-3], "df2": [5.0, 1e3, 2.0]}, [1.2, 1.0, 1e-5])
    add("VonMises", vonmises, {"loc": [0.0, 1.0, -2.0, 0.5], "concentration": [1.0, 1e-3, 1e3, 25.0]}, [0.5, 3.0, -2.01, 10.0])
    add("ZeroInflatedPoisson", zip_g, {"rate": [3.0, 1e6, 0.5], "gate": [0.2, 0.5, 1e-9]}, [0, 1000000, 2])
    add("ZeroInflatedPoisson", zip_gl, {"rate": [3.0, 2.0, 4.0], "gate_logits": [-1.0, 700.0, -700.0]}, [0, 0, 3])
    add("ZeroInflatedNegativeBinomial", zinb, {"total_count": [5.0, 2.0], "probs": [0.3, 0.9], "gate": [0.1, 0.7]}, [0, 6],
        names=["total_count", "probs", "gate"])
    add("ZeroInflatedNegativeBinomial", zinb_l_gl, {"total_count": [5.0, 2.0], "logits": [-1.0, 3.0], "gate_logits": [0.5, -40.0]}, [0, 6],
        names=["total_count", "logits", "gate_logits"])
    # moderate regimes over grids (the direct-formula fast paths)
    grid = [0.05 * 1.3 ** i for i in range(24)]
    counts = list(range(0, 31))
    add("Gamma", gamma_, {"concentration": 2.5, "rate": 1.5}, grid)
    add("Gamma", gamma_, {"concentration": 0.7, "rate": 3.0}, grid)
    add("Chi2", chi2, {"df": 4.0}, grid)
    add("InverseGamma", invgamma, {"concentration": 3.0, "rate": 2.0}, grid)
    add("Beta", beta_, {"concentration1": 2.5, "concentration0": 0.7}, [i / 25 for i in range(1, 25)])
    add("StudentT", studentt, {"df": 4.0, "loc": 0.5, "scale": 1.3}, [g - 3 for g in grid], names=["df", "loc", "scale"])
    add("Poisson", pois, {"rate": 7.5}, counts)
    add("Binomial", binom_p, {"total_count": 30.0, "probs": 0.3}, counts)
    add("Binomial", binom_l, {"total_count": 30.0, "logits": -0.8}, counts)
    add("NegativeBinomial", nb_p, {"total_count": 3.5, "probs": 0.4}, counts)
    add("GammaPoisson", gammapois, {"concentration": 3.5, "rate": 0.6}, counts)
    add("BetaBinomial", betabinom, {"concentration1": 2.5, "concentration0": 0.7, "total_count": 30.0}, counts,
        names=["concentration1", "concentration0", "total_count"])
    add("FisherSnedecor", fisher, {"df1": 4.0, "df2": 7.0}, grid)
    json.dump({"generator": "dist/testdata/gen_univariate.py", "mpmath": mp.__version__,
               "torch": torch.__version__ if torch is not None else None, "cases": CASES},
              sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
