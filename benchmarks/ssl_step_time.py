"""Seconds per training iteration of each Table 6 method on one thread (batch 64, Table 9's per-dataset settings), for
sizing the CPU budget of `09_ssl`. Each method: 3 warm-up iterations, then the mean over `reps` timed ones.

  python benchmarks/ssl_step_time.py human,mnist vera,jem_pcd,supervised 20 results/ssl_step_time.json
"""
import sys, json, time, platform
import torch
from vera.ssl import SSLConfig, load_tabular, ssl_batches
from vera.core import seed_everything

def time_method(data, ds, method, reps):
    cfg = SSLConfig(dataset=ds, method=method, lr=3e-4)      # Table 9's settings for the dataset, at learning rate 3e-4
    seed_everything(0)
    tr = cfg.trainer(data, n_iters=3 + reps)
    get = ssl_batches(data, cfg.batch_size, method == 'all_labels')
    for it in range(3): tr.step(get(it))
    t0 = time.perf_counter()
    for it in range(3, 3 + reps): tr.step(get(it))
    return (time.perf_counter() - t0) / reps

if __name__ == '__main__':
    torch.set_num_threads(1)
    dss, ms, reps, out = sys.argv[1].split(','), sys.argv[2].split(','), int(sys.argv[3]), sys.argv[4]
    res = {}
    for ds in dss:
        data = load_tabular(ds, seed=0)
        for m in ms:
            res[f'{ds}/{m}'] = s = time_method(data, ds, m, reps); print(ds, m, f'{s:.3f} s/it', flush=True)
    json.dump(dict(sec_per_iter=res, threads=1, reps=reps, machine=platform.processor() or platform.machine(),
                   command=' '.join(['python', 'benchmarks/ssl_step_time.py'] + sys.argv[1:])), open(out, 'w'), indent=1)
