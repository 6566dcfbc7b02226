"""The paper's recipe for the entropy weight ("start at lambda = 1 and divide by 10 until training is stable") on the MNIST
CPU preset: short runs (800 iterations, no decay, small evaluations, no MALA) judged on training signals only (gradient
penalty, f on data and on samples, the generator's sigma, sample grids), never on the test split.

  python benchmarks/jem_lambda_sweep.py run 1        # one short run per lambda, into runs/jem_lam/lam<lambda>_n800
  python benchmarks/jem_lambda_sweep.py run 0.1
  python benchmarks/jem_lambda_sweep.py run 0.01
  python benchmarks/jem_lambda_sweep.py summary runs/jem_lam results/jem_mnist_cpu_attempts/lambda_sweep/summary.json runs/jem/mnist_cpu_lam0.01

The last argument adds the full-length run `vera-jem --preset mnist_cpu --device cpu --set ent_weight=0.01 --out-dir
runs/jem/mnist_cpu_lam0.01` (stopped at iteration ~1,390 once it had destabilised) to the summary.
"""
import json, sys
from pathlib import Path
import torch

def run(lam:float, n:int=800):
    from vera.jem import run_jem, jem_config
    torch.set_num_threads(1)
    # the preset as it was when the sweep ran (SNGAN-16, d_z 32, alpha 100); mnist_cpu has changed since
    cfg = jem_config('mnist_cpu', gen_feats=16, noise_dim=32, clf_weight=100.0, ent_weight=lam, n_iters=n, decay_epochs=[], eval_every=n, n_eval=500, n_test=500, n_ood=200,
                     n_samples=64, mala_steps=0, mala_burn_in=0, mala_chunk=64, n_per_class=4, out_dir=f'runs/jem_lam/lam{lam:g}_n{n}',
                     show_progress=False, device='cpu')
    return run_jem(**cfg)

def summarise(run_dir:Path)->dict:
    "Training signals of one short run, read from its checkpoint (also for a run stopped early)."
    from vera.vera import load_checkpoint
    h = load_checkpoint(run_dir / 'checkpoint.pt')['history']
    st, its = h['stats'], h['iteration']
    return dict(run=run_dir.name, iterations=its[-1], finished=(run_dir / 'metrics.json').exists(),
                max_grad_pen=max(st['grad_pen']), min_f_neg=min(st['f_neg']), max_f_data=max(st['f_data']),
                last_f_data=st['f_data'][-1], last_f_neg=st['f_neg'][-1], last_sigma=st['sigma'][-1])

if __name__ == '__main__':
    if sys.argv[1] == 'run': run(float(sys.argv[2]))
    elif sys.argv[1] == 'summary':
        root, out = Path(sys.argv[2]), Path(sys.argv[3])
        rows = [summarise(r) for r in sorted(root.glob('lam*')) + [Path(a) for a in sys.argv[4:]] if (r / 'checkpoint.pt').exists()]
        out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(rows, indent=1))
        for r in rows: print(r)
    else: sys.exit(__doc__)
