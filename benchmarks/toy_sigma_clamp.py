#!/usr/bin/env python3
"""Investigation of Table 10's rings seed 2 (VERA, lambda = 1, 100-component mixture): does the upper clamp on the
generator's noise sigma (0.3, as in the released code) cause its long bad phase?

    python benchmarks/toy_sigma_clamp.py DATASET SEED N_ITERS MAX_SIGMA OUT.json

Trains exactly as `run_toy(dataset, method='vera', ebm='mog', ent_weight=1, seed=SEED)` does (same seeding, same
construction order, fresh batches of 200, held-out set seed + 10000, evaluation every 1,000 iterations), except that
the generator's sigma is clamped to [0.01, MAX_SIGMA]. With MAX_SIGMA 0.3 the curve must equal the Table 10 run's
curve (a determinism check of the replication). Writes the held-out log-likelihood and sigma at every evaluation.
"""
import sys, json, time, torch
from vera.core import seed_everything
from vera.toy import toy_ebm, ToyGenerator, sample_toy, heldout_loglik
from vera.vera import VERA, fit

def main(dataset:str, seed:int, n_iters:int, max_sigma:float, out_path:str):
    torch.set_num_threads(1); t0 = time.time()
    seed_everything(seed)
    tr = VERA(toy_ebm('mog'), ToyGenerator(2), noise_dim=2, ent_weight=1.0, pg_control=0.1, num_samples=20,
              lr=1e-3, glr=1e-3, post_lr=1e-3, decay_at=(), max_sigma=max_sigma, device='cpu')
    x_test = sample_toy(dataset, 10_000, seed=seed + 10_000)
    ev = lambda t: {'loglik': heldout_loglik(t, x_test, True), 'sigma': t.gen.sigma.item()}
    hist = fit(tr, lambda it: sample_toy(dataset, 200), n_iters, eval_fn=ev, eval_every=1000, log_every=10, show_progress=False)
    curve = [dict(iteration=e['iteration'], loglik=e['loglik'], sigma=e['sigma']) for e in hist['eval']]
    json.dump(dict(dataset=dataset, seed=seed, n_iters=n_iters, max_sigma=max_sigma, curve=curve, sec=time.time() - t0,
                   command=' '.join(['python', 'benchmarks/toy_sigma_clamp.py'] + sys.argv[1:])), open(out_path, 'w'), indent=1)

if __name__ == '__main__': main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
