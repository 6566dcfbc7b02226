#!/usr/bin/env python3
"""The highest held-out log-likelihood any model can reach on Table 10's toy data, and what the released code's print
of a perfect model would read.

    python benchmarks/toy_ceiling.py OUT.json [N_MC]

Moons, circles and rings are curves with isotropic Gaussian noise (`vera.toy.sample_toy`, the paper's definitions): a
point is c(t) + s * N(0, I) with t uniform on the curve's parameter range. Their density is therefore known:

- a circle of radius r (circles, rings): the angle integral is closed form,
  p(x) = exp(-(|x| - r)^2 / (2 s^2)) * I0e(|x| r / s^2) / (2 pi s^2), with I0e the scaled Bessel function;
- a moon (half circle): the same integral over half the angle, done by the midpoint rule on 4,000 angles (the spacing
  is 1/25 of the noise sd at radius 2, so the rule is exact to far below the digits reported).

For every model q, E_p[log q] = -H(p) - KL(p || q) <= -H(p), so -H(p) = E_p[log p] is the ceiling of Table 10's
metric. The script estimates it by Monte Carlo on N_MC fresh points (default 400,000; standard error reported), gives
the mean log p on the exact held-out sets of seeds 0, 1, 2 (seed + 10,000, 10,000 points, the ones Table 10 uses), and
emulates the released code's number for the true density itself: the best mean log p over 1,000 fresh batches of 200
points (`vera.toy.released_protocol`'s protocol). It checks that each density integrates to 1 on a grid.
"""
import sys, json, math, time
import numpy as np
from scipy.special import i0e, logsumexp
from vera.toy import sample_toy, PAPER_TABLE10

# (weight, kind, centre, radius, angle range) in the final coordinates, and the noise sd there
def _curves(name):
    if name == 'circles': return 0.08 * 3, [(0.5, 'circle', (0, 0), 3.0), (0.5, 'circle', (0, 0), 1.5)]
    if name == 'rings': return 0.08, [(0.25, 'circle', (0, 0), 3.0 * r) for r in (1.0, 0.75, 0.5, 0.25)]
    if name == 'moons':   # make_moons: outer (cos t, sin t), inner (1 - cos t, 0.5 - sin t), t in [0, pi]; then x2 + (-1, -0.2)
        return 0.1 * 2, [(0.5, 'arc', (-1.0, -0.2), 2.0, 1.0), (0.5, 'arc', (1.0, 0.8), 2.0, -1.0)]
    raise ValueError(f"no exact density for {name!r}; choose moons, circles or rings")

def circle_log_density(x:np.ndarray, centre, r:float, s:float)->np.ndarray:
    "log density at x (n, 2) of a uniform point on the circle (centre, r) plus N(0, s^2 I): the angle integral in closed form."
    rho = np.hypot(x[:, 0] - centre[0], x[:, 1] - centre[1])
    return -(rho - r) ** 2 / (2 * s * s) + np.log(i0e(rho * r / (s * s))) - math.log(2 * math.pi * s * s)

def log_density(name:str, x:np.ndarray, n_angles:int=4000)->np.ndarray:
    "Exact log-density of the toy distribution `name` at x (n, 2), float64."
    s, curves = _curves(name)
    x = np.asarray(x, np.float64); parts = []
    for c in curves:
        w, kind = c[0], c[1]
        if kind == 'circle': lp = circle_log_density(x, c[2], c[3], s)
        else:   # half circle of radius r around (cx, cy), upper (sign 1) or lower (sign -1) half
            _, _, (cx, cy), r, sign = c
            t = (np.arange(n_angles) + 0.5) * math.pi / n_angles
            px, py = cx + r * np.cos(t) * sign, cy + r * np.sin(t) * sign
            lp = np.empty(len(x))
            for lo in range(0, len(x), 2000):
                d2 = (x[lo:lo + 2000, 0, None] - px) ** 2 + (x[lo:lo + 2000, 1, None] - py) ** 2
                lp[lo:lo + 2000] = logsumexp(-d2 / (2 * s * s), axis=1) - math.log(n_angles) - math.log(2 * math.pi * s * s)
        parts.append(math.log(w) + lp)
    return logsumexp(np.stack(parts), axis=0)

def grid_mass(name:str, lim:float=6.0, n:int=600)->float:
    g = np.linspace(-lim, lim, n); h = g[1] - g[0]
    xx, yy = np.meshgrid(g, g)
    return float(np.exp(log_density(name, np.stack([xx.ravel(), yy.ravel()], 1))).sum() * h * h)

def main(out_path:str, n_mc:int=400_000):
    t0 = time.time(); res = {}
    for name in ('moons', 'circles', 'rings'):
        lp = log_density(name, sample_toy(name, n_mc, seed=777).double().numpy())
        held = [float(log_density(name, sample_toy(name, 10_000, seed=s + 10_000).double().numpy()).mean()) for s in (0, 1, 2)]
        b = log_density(name, sample_toy(name, 1000 * 200, seed=20_000).double().numpy()).reshape(1000, 200).mean(1)
        res[name] = dict(ceiling=float(lp.mean()), ceiling_se=float(lp.std() / math.sqrt(n_mc)), heldout_mean_logp=held,
                         released_print_of_true_density=dict(best=float(b.max()), mean=float(b.mean()), batch_sd=float(b.std())),
                         grid_mass=grid_mass(name), paper_ml=PAPER_TABLE10[name]['ml'], paper_vera_lam1=PAPER_TABLE10[name]['vera_lam1'],
                         paper_ml_minus_ceiling=PAPER_TABLE10[name]['ml'] - float(lp.mean()))
        print(name, json.dumps(res[name]), flush=True)
    json.dump(dict(results=res, n_mc=n_mc, sec=time.time() - t0,
                   command=' '.join(['python', 'benchmarks/toy_ceiling.py'] + sys.argv[1:])), open(out_path, 'w'), indent=1)

if __name__ == '__main__': main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 400_000)
