"The exact toy densities behind Table 10's ceiling (benchmarks/toy_ceiling.py) against the package's sampler."
import importlib.util, math
from pathlib import Path
import numpy as np, pytest
from scipy.special import logsumexp
from vera.toy import sample_toy

_spec = importlib.util.spec_from_file_location('toy_ceiling', Path(__file__).parents[1] / 'benchmarks' / 'toy_ceiling.py')
ceiling = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(ceiling)

@pytest.mark.parametrize('name', ['moons', 'circles', 'rings'])
def test_exact_density_matches_the_sampler(name):
    "Cell probabilities of the density (midpoint rule on a fine grid) equal the sampler's frequencies within 5 standard errors."
    assert abs(ceiling.grid_mass(name, n=300) - 1) < 1e-6
    n, lim, cells, sub = 400_000, 4.5, 30, 4
    x = sample_toy(name, n, seed=3).double().numpy()
    freq, edges, _ = np.histogram2d(x[:, 0], x[:, 1], bins=cells, range=[[-lim, lim], [-lim, lim]])
    freq /= n
    h = 2 * lim / (cells * sub)
    g = -lim + (np.arange(cells * sub) + 0.5) * h
    xx, yy = np.meshgrid(g, g, indexing='ij')
    dens = np.exp(ceiling.log_density(name, np.stack([xx.ravel(), yy.ravel()], 1))).reshape(cells * sub, cells * sub)
    prob = dens.reshape(cells, sub, cells, sub).sum((1, 3)) * h * h
    se = np.sqrt(prob * (1 - prob) / n) + 1e-6
    assert (np.abs(freq - prob) / se).max() < 5

def test_a_wrong_density_scores_below_the_true_one():
    "Gibbs' inequality on samples: the ceiling is above the mean log-density of a wrong radius."
    x = sample_toy('circles', 100_000, seed=4).double().numpy()
    true = ceiling.log_density('circles', x).mean()
    s, _ = ceiling._curves('circles')
    wrong = logsumexp(np.stack([math.log(0.5) + ceiling.circle_log_density(x, (0, 0), r, s) for r in (3.1, 1.5)]), axis=0).mean()
    assert wrong < true - 0.01
