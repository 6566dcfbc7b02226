"""One semi-supervised pilot run (for choosing Table 6's reduced budget): run_ssl with the decay times and evaluation
interval of `SSL_CPU_BUDGET` (decays at 60 % and 80 % of the budget, evaluations every 250 iterations) at the learning
rate and length given; prints the validation-accuracy curve and val_acc_tail. A pilot at the chosen budget has exactly
the parameters of a table run, so `run_ssl` reuses it when copied to runs/ssl/<dataset>/<method>/seed<seed>.

  python benchmarks/ssl_pilot.py human vera 3e-4 3000 0      # dataset method lr n_iters seed -> runs/pilot_ssl3/...
"""
import sys
import torch
from vera.core import read_metrics
from vera.ssl import run_ssl, SSL_CPU_BUDGET

if __name__ == '__main__':
    torch.set_num_threads(1)
    ds, m, lr, n, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    out = f'runs/pilot_ssl3/{ds}/{m}_lr{lr:g}_n{n}_s{seed}'
    r = run_ssl(ds, m, seed, n_iters=n, lr=lr, decay_at=SSL_CPU_BUDGET['decay_at'], out_dir=out, eval_every=SSL_CPU_BUDGET['eval_every'],
                show_progress=False)
    print(ds, m, lr, n, seed, [round(e['val_acc'], 3) for e in read_metrics(out)['eval_curve']], 'tail', round(r['val_acc_tail'], 3), flush=True)
