#!/usr/bin/env python3
"""Where a VERA step's time goes, on the configurations of `step.py --against`: per configuration, the step time, the
share of the importance-sampled score and of the eta step (timed around their calls), and, from torch's profiler, the
share of the step's operator time spent in matrix multiplication (addmm, mm, bmm), batch norm and Softplus/log1p.

    python benchmarks/step_profile.py [--threads 1] [--only a b c] [--json out.json]

The matrix-multiplication share bounds what any change that keeps the arithmetic can gain: with the products at the
core's peak, removing everything else leaves at most 1 / share. The last column counts arithmetic instead of time: the
share of the step's matrix-multiplication FLOPs (forward and backward, from the profiler's FLOP counts) that the
importance-sampled score and the eta step perform. Their share of the time cannot fall below it unless the rest of the
step runs its products faster than they do. The last column times the same trainer on 2 rows with k = 1: the cost of
launching the step's operators and running autograd over them, which no batch size removes. Benchmarks measure; no test asserts on these numbers.
"""
import argparse, json, platform, sys, time
from collections import defaultdict
import torch
from torch.profiler import profile, ProfilerActivity
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parent))
from step import against_configs, profile_step, _block
import vera, vera.nets, vera.vera
from vera.core import package_versions

GROUPS = {'matmul': ('aten::addmm', 'aten::mm', 'aten::bmm', 'aten::matmul', 'aten::linear'),
          'batch norm': ('aten::native_batch_norm', 'aten::native_batch_norm_backward', 'aten::_batch_norm_impl_index'),
          'softplus / log': ('aten::softplus', 'aten::softplus_backward', 'aten::log1p', 'aten::log')}

def op_shares(tr, batch, n)->dict:
    with profile(activities=[ProfilerActivity.CPU]) as p:
        for _ in range(n): tr.step(batch)
    ka = p.key_averages()
    total = sum(e.self_cpu_time_total for e in ka)
    out = {g: sum(e.self_cpu_time_total for e in ka if e.key in names) / total for g, names in GROUPS.items()}
    out['other'] = 1 - sum(out.values())
    return out

def flops(f)->float:
    "Multiply-add FLOPs (addmm, mm, bmm, ...) that `f()` runs, forward and backward, as torch's profiler counts them."
    with profile(activities=[ProfilerActivity.CPU], with_flops=True) as p: f()
    return float(sum(e.flops for e in p.key_averages()))

def flop_share(tr, batch)->float:
    "Share of one step's matrix-multiplication FLOPs that the estimator's score and eta update perform (each counted on a batch of the step's size)."
    total = flops(lambda: tr.step(batch))
    x, z0 = tr.gen.sample(len(tr.prepare_batch(batch)['x']))
    x, z0 = x.detach(), z0.detach()
    return (flops(lambda: tr.estimator.score(tr.gen, x, z0)) + flops(lambda: tr.estimator.update(tr.gen, x, z0))) / total

def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--only', nargs='+', default=['a', 'b', 'c'], help='configurations by label (a b c d)')
    ap.add_argument('--json', default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    rows = []
    for name, (build, batch, n) in against_configs(True).items():
        if name[1] not in a.only: continue
        tr = build(vera)
        for _ in range(max(3, n)): tr.step(batch)
        ms = min(_block(tr, batch, n) for _ in range(3)) * 1e3
        est = profile_step(tr, batch, 3 * n)
        ops = op_shares(tr, batch, 2 * n)
        share = flop_share(tr, batch)
        tr.estimator.num_samples = 1                      # the same step on 2 rows with k = 1: what it costs whatever its sizes
        tiny = batch[:2] if isinstance(batch, torch.Tensor) else tuple(b[:2] for b in batch)
        for _ in range(3): tr.step(tiny)
        fixed = min(_block(tr, tiny, 5 * n) for _ in range(3)) * 1e3
        rows.append(dict(config=name, step_ms=round(ms, 2), score=round(est['score'], 3), eta=round(est['eta'], 3), **{k: round(v, 3) for k, v in ops.items()},
                         score_eta_flops=round(share, 3), fixed_ms=round(fixed, 2)))
        print(json.dumps(rows[-1]), flush=True)
    print('\n| configuration | step (ms) | score | η step | matmul | batch norm | softplus / log | other ops | score + η share of matmul FLOPs | step at 2 rows, k = 1 (ms) |\n|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['config']} | {r['step_ms']:.2f} | {r['score']:.0%} | {r['eta']:.0%} | {r['matmul']:.0%} | {r['batch norm']:.0%} | {r['softplus / log']:.0%} | {r['other']:.0%} | {r['score_eta_flops']:.0%} | {r['fixed_ms']:.2f} |")
    if a.json:
        from pathlib import Path
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(dict(rows=rows, threads=a.threads, machine=platform.processor() or platform.machine(),
                                                versions=package_versions(), command=' '.join(['python', 'benchmarks/step_profile.py'] + argv)), indent=2) + '\n')

if __name__ == '__main__': main()
