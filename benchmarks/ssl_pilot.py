"""One semi-supervised pilot run (for choosing Table 6's reduced budget): run_ssl with lr decays at 60 % and 80 % of the
budget, evaluations every 250 iterations; prints the validation-accuracy curve.

  python benchmarks/ssl_pilot.py human vera 3e-4 3000 0      # dataset method lr n_iters seed -> runs/pilot_ssl3/...
"""
import json, sys
import torch
from vera.ssl import run_ssl

if __name__ == '__main__':
    torch.set_num_threads(1)
    ds, m, lr, n, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    out = f'runs/pilot_ssl3/{ds}/{m}_lr{lr:g}_n{n}_s{seed}'
    r = run_ssl(ds, m, seed, n_iters=n, lr=lr, decay_at=(0.6, 0.8), out_dir=out, eval_every=250, show_progress=False)
    c = json.load(open(out + '/metrics.json'))['eval_curve']
    print(ds, m, lr, n, seed, [round(e['val_acc'], 3) for e in c], 'tail', round(r['val_acc_tail'], 3), flush=True)
