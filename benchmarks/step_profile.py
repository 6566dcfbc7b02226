#!/usr/bin/env python3
"""Where a VERA step's time goes, on the configurations of `step.py --against`: per configuration, the step time, the
share of the importance-sampled score and of the eta step (timed around their calls), and, from torch's profiler, the
share of the step's operator time spent in matrix multiplication (addmm, mm, bmm), batch norm and Softplus/log1p.

    python benchmarks/step_profile.py [--threads 1] [--only a b c] [--json out.json]

The matrix-multiplication share bounds what any change that keeps the arithmetic can gain: with the products at the
core's peak, removing everything else leaves at most 1 / share. Benchmarks measure; no test asserts on these numbers.
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
        rows.append(dict(config=name, step_ms=round(ms, 2), score=round(est['score'], 3), eta=round(est['eta'], 3), **{k: round(v, 3) for k, v in ops.items()}))
        print(json.dumps(rows[-1]), flush=True)
    print('\n| configuration | step (ms) | score | η step | matmul | batch norm | softplus / log | other ops |\n|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['config']} | {r['step_ms']:.2f} | {r['score']:.0%} | {r['eta']:.0%} | {r['matmul']:.0%} | {r['batch norm']:.0%} | {r['softplus / log']:.0%} | {r['other']:.0%} |")
    if a.json:
        from pathlib import Path
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(dict(rows=rows, threads=a.threads, machine=platform.processor() or platform.machine(),
                                                versions=package_versions(), command=' '.join(['python', 'benchmarks/step_profile.py'] + argv)), indent=2) + '\n')

if __name__ == '__main__': main()
