#!/usr/bin/env python3
"""Seconds per training iteration of the NICE methods of Table 2 and of VERA on StackedMNIST, at the settings their specs
use, on real MNIST: the numbers behind the budgets of the `cpu` presets of `table2` and `modes`.

    VERA_DATA=... python benchmarks/experiment_steps.py [--threads 1] [--reps 3] [--json out.json]

NICE (784-d, 4 couplings of 5 x 1,000 Softplus units, batch 128): maximum likelihood, VERA (lambda = 1, k = 20), VERA-HMC
and PCD (40 SGLD steps). StackedMNIST (batch 100, d_z 100, k = 20): the DCGAN at 28 x 28 with width 32 (the `cpu` preset),
width 64, and the paper's 64 x 64 with width 64. Each configuration is built afresh, takes one warm-up step, then `--reps`
timed steps (PCD and the 64 x 64 DCGAN: at most 3); reported is the mean, with minutes per epoch (390 iterations of NICE's
50,000 training images; 600 of StackedMNIST's 60,000 images). Benchmarks measure; no test asserts on these numbers.
"""
import argparse, json, platform, sys, time
import torch
from vera.data import load_image_tensors
from vera.nice import NICE, NICEBatches, nice_trainer
from vera.modes import DCGANEnergy, DCGANGenerator, stacked_mnist
from vera.vera import VERA

def _time(step, batch, reps:int)->float:
    step(batch(0))
    t = time.perf_counter()
    for i in range(reps): step(batch(i + 1))
    return (time.perf_counter() - t) / reps

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--root', default=None, help='data home (default: $VERA_DATA, else ~/.cache/vera)')
    p.add_argument('--json', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    x, y = load_image_tensors('mnist', a.root, train=True, download=False)
    rows = []
    nice_data = NICEBatches(x[:50_000], 128, 0)
    for m in ('ml', 'vera', 'vera_hmc', 'pcd'):
        torch.manual_seed(0)
        tr = nice_trainer(m, NICE(784), lr=1e-4 if m == 'ml' else 3e-6)
        s = _time(tr.step, nice_data, min(a.reps, 3) if m == 'pcd' else a.reps)
        rows.append(dict(experiment='table2', config=f'NICE {m}', sec_per_iter=s, min_per_epoch=s * 390 / 60)); print(rows[-1], flush=True)
    for size, width in ((28, 32), (28, 64), (64, 64)):
        torch.manual_seed(0)
        tr = VERA(DCGANEnergy(size, 3, width), DCGANGenerator(100, size, 3, width), noise_dim=100, lr=1e-3, glr=1e-3, post_lr=1e-3, step_order='paper')
        s = _time(tr.step, lambda i: stacked_mnist(x, y, 100, seed=i, size=size)[0], min(a.reps, 3) if size == 64 else a.reps)
        rows.append(dict(experiment='modes', config=f'DCGAN {size}x{size} width {width}', sec_per_iter=s, min_per_epoch=s * 600 / 60)); print(rows[-1], flush=True)
    out = dict(rows=rows, threads=a.threads, torch=torch.__version__, python=platform.python_version(), machine=platform.machine())
    if a.json: open(a.json, 'w').write(json.dumps(out, indent=1) + '\n')
    return out

if __name__ == '__main__': main()
