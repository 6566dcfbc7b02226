"The exact toy densities behind the ceiling of Table 10's metric (`vera.toy.toy_log_density`) against the package's sampler."
import math
import numpy as np, pytest
from scipy.special import logsumexp
from vera.data import sample_toy
from vera.toy import toy_log_density, grid_mass, circle_log_density, _curves

@pytest.mark.parametrize('name', ['moons', 'circles', 'rings'])
def test_exact_density_matches_the_sampler(name):
    "Cell probabilities of the density (midpoint rule on a fine grid) equal the sampler's frequencies within 5 standard errors."
    assert abs(grid_mass(name, n=300) - 1) < 1e-6
    n, lim, cells, sub = 400_000, 4.5, 30, 4
    x = sample_toy(name, n, seed=3).double().numpy()
    freq, edges, _ = np.histogram2d(x[:, 0], x[:, 1], bins=cells, range=[[-lim, lim], [-lim, lim]])
    freq /= n
    h = 2 * lim / (cells * sub)
    g = -lim + (np.arange(cells * sub) + 0.5) * h
    xx, yy = np.meshgrid(g, g, indexing='ij')
    dens = np.exp(toy_log_density(name, np.stack([xx.ravel(), yy.ravel()], 1))).reshape(cells * sub, cells * sub)
    prob = dens.reshape(cells, sub, cells, sub).sum((1, 3)) * h * h
    se = np.sqrt(prob * (1 - prob) / n) + 1e-6
    assert (np.abs(freq - prob) / se).max() < 5

def test_a_wrong_density_scores_below_the_true_one():
    "Gibbs' inequality on samples: the ceiling is above the mean log-density of a wrong radius."
    x = sample_toy('circles', 100_000, seed=4).double().numpy()
    true = toy_log_density('circles', x).mean()
    s, _ = _curves('circles')
    wrong = logsumexp(np.stack([math.log(0.5) + circle_log_density(x, (0, 0), r, s) for r in (3.1, 1.5)]), axis=0).mean()
    assert wrong < true - 0.01

def test_committed_ceiling_is_what_the_function_gives_on_the_held_out_sets():
    "The committed ceiling's held-out means are recomputed exactly (the Monte Carlo part is left to the command)."
    import json
    from pathlib import Path
    c = json.loads((Path(__file__).resolve().parents[1] / 'results' / 'table10' / 'investigations' / 'ceiling' / 'ceiling.json').read_text())
    for name, r in c['results'].items():
        held = [float(toy_log_density(name, sample_toy(name, 10_000, seed=s + 10_000).double().numpy()).mean()) for s in (0, 1, 2)]
        assert held == pytest.approx(r['heldout_mean_logp'], abs=1e-9), name
