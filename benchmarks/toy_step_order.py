#!/usr/bin/env python3
"""Investigation of Table 10's rings miss (VERA, lambda = 1, 100-component mixture): does the step order matter, and
how common is the early collapse that seed 2 shows?

    python benchmarks/toy_step_order.py DATASET SEEDS N_ITERS ORDER OUT.json      (SEEDS: comma-separated)

ORDER 'released' trains exactly as `run_toy(dataset, method='vera', ebm='mog', ent_weight=1, seed=SEED)` does (the
package's VERA: EBM step, then the score with the current eta, the eta step and the generator step). ORDER 'paper' (`VERA(..., step_order='paper')`) is
Algorithm 1 as the paper writes it: the eta step first (on the iteration's generator batch), then the EBM step, then
the score with the updated eta and the generator step. Same seeding, batches of 200, held-out set seed + 10000,
evaluation every 1,000 iterations. Writes the held-out log-likelihood and sigma at every evaluation, per seed.
"""
import sys, json, time, torch
from vera.core import seed_everything
from vera.toy import toy_ebm, ToyGenerator, sample_toy, heldout_loglik
from vera.vera import VERA, fit

def one(dataset:str, seed:int, n_iters:int, order:str)->dict:
    seed_everything(seed)
    tr = VERA(toy_ebm('mog'), ToyGenerator(2), noise_dim=2, ent_weight=1.0, pg_control=0.1, num_samples=20,
              lr=1e-3, glr=1e-3, post_lr=1e-3, decay_at=(), step_order=order, device='cpu')
    x_test = sample_toy(dataset, 10_000, seed=seed + 10_000)
    ev = lambda t: {'loglik': heldout_loglik(t, x_test, True), 'sigma': t.gen.sigma.item()}
    hist = fit(tr, lambda it: sample_toy(dataset, 200), n_iters, eval_fn=ev, eval_every=1000, log_every=10, show_progress=False)
    return dict(seed=seed, curve=[dict(iteration=e['iteration'], loglik=e['loglik'], sigma=e['sigma']) for e in hist['eval']])

def main(dataset:str, seeds:str, n_iters:int, order:str, out_path:str):
    torch.set_num_threads(1); t0 = time.time()
    runs = [one(dataset, int(s), n_iters, order) for s in seeds.split(',')]
    json.dump(dict(dataset=dataset, order=order, n_iters=n_iters, runs=runs, sec=time.time() - t0,
                   command=' '.join(['python', 'benchmarks/toy_step_order.py'] + sys.argv[1:])), open(out_path, 'w'), indent=1)

if __name__ == '__main__': main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
