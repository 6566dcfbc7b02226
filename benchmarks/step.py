#!/usr/bin/env python3
"""Time one training step of VERA (lambda = 1, k = 20) and of PCD with 20 SGLD steps, on the same energy and batch.

    python benchmarks/step.py [--reps 200] [--threads 1 2] [--json results/bench_step.json]

Configurations:
  (a) moons, the 100-component Gaussian-mixture energy and the toy generator (BatchNorm + ReLU MLP), batch 200;
  (b) 784-d input, the MLP energy 784-1000-500-500-250-250-250-1 (LeakyReLU 0.2) and a 3 x 500 generator
      (BatchNorm + Softplus, d_z = 128), batch 64.
Each figure is the median over blocks of 10 steps (after 20 warm-up steps), VERA and PCD blocks alternating in
this one process so that both see the same machine state; the ratio PCD-20 / VERA compares two numbers from the same run. Benchmarks measure; no test asserts on these numbers.
"""
import argparse, json, platform, statistics, sys, time
import torch
from torch import nn
from vera.core import package_versions
from vera.vera import VERA
from vera.samplers import PCD
from vera.toy import MixtureEBM, ToyGenerator, sample_toy

def mlp_ebm(d=784, hidden=(1000, 500, 500, 250, 250, 250), out=1):
    layers, prev = [], d
    for h in hidden: layers += [nn.Linear(prev, h), nn.LeakyReLU(0.2)]; prev = h
    return nn.Sequential(*layers, nn.Linear(prev, out))

def mlp_generator(dz=128, d=784, hidden=500, n_hidden=3):
    layers, prev = [], dz
    for _ in range(n_hidden): layers += [nn.Linear(prev, hidden), nn.BatchNorm1d(hidden), nn.Softplus()]; prev = hidden
    return nn.Sequential(*layers, nn.Linear(prev, d))

def configs():
    yield ('(a) moons, MoG-100 energy, toy generator, B=200',
           lambda: MixtureEBM(100, 2), lambda: ToyGenerator(noise_dim=2), 2, lambda: sample_toy('moons', 200, seed=0), (2,))
    yield ('(b) 784-d, MLP energy, 3x500 generator, B=64',
           lambda: mlp_ebm(), lambda: mlp_generator(), 128, lambda: torch.rand(64, 784) * 2 - 1, (784,))

def time_interleaved(trainers, batch, reps, block=10, warmup=20):
    "Median time per step (ms) of each trainer, measured in alternating blocks of `block` steps so that both see the same machine state."
    for t in trainers:
        for _ in range(warmup): t.step(batch)
    times = [[] for _ in trainers]
    for _ in range(max(reps // block, 1)):
        for i, t in enumerate(trainers):
            t0 = time.perf_counter()
            for _ in range(block): t.step(batch)
            times[i].append((time.perf_counter() - t0) / block)
    return [statistics.median(ts) * 1e3 for ts in times]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--reps', type=int, default=200)
    p.add_argument('--threads', type=int, nargs='+', default=[torch.get_num_threads()])
    p.add_argument('--json', default=None, help='also write the table as JSON here')
    a = p.parse_args(argv)
    rows = []
    for threads in a.threads:
        torch.set_num_threads(threads)
        for name, ebm, gen, dz, data, shape in configs():
            torch.manual_seed(0); x = data()
            vera = VERA(ebm(), gen(), noise_dim=dz, ent_weight=1.0, num_samples=20)
            torch.manual_seed(0)
            pcd = PCD(ebm(), sample_shape=shape, n_steps=20, step_size=1.0, noise=0.01)   # JEM-style SGLD, no penalty
            reps_b = max(a.reps // 4, 20) if shape[0] > 2 else a.reps
            t_vera, t_pcd = time_interleaved([vera, pcd], x, reps_b)
            rows.append(dict(config=name, threads=threads, vera_ms=round(t_vera, 2), pcd20_ms=round(t_pcd, 2),
                             pcd_over_vera=round(t_pcd / t_vera, 2)))
            print(f"{name:52s} threads={threads}  VERA {t_vera:8.2f} ms   PCD-20 {t_pcd:8.2f} ms   PCD/VERA {t_pcd / t_vera:5.2f}", flush=True)
    info = dict(machine=platform.processor() or platform.machine(), python=platform.python_version(), versions=package_versions(),
                reps=a.reps, command=' '.join(['python', 'benchmarks/step.py'] + (argv or sys.argv[1:])))
    print('\n| configuration | threads | VERA step (ms) | PCD-20 step (ms) | PCD-20 / VERA |\n|---|---|---|---|---|')
    for r in rows: print(f"| {r['config']} | {r['threads']} | {r['vera_ms']} | {r['pcd20_ms']} | {r['pcd_over_vera']} |")
    if a.json:
        from pathlib import Path
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(dict(rows=rows, **info), indent=2))

if __name__ == '__main__': main()
