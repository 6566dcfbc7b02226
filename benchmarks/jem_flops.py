#!/usr/bin/env python3
"""Count the floating-point operations of one JEM training step (VERA and, optionally, PCD) with torch's FLOP counter.

    python benchmarks/jem_flops.py [--depth 28 --width 10 --gen-feats 256 --batch 40] [--json out.json]

The count is what the GPU-time estimate of `nbs/07_jem.ipynb` rests on. torch's FlopCounterMode cannot follow
`torch.autograd.grad` on leaf inputs, which the gradient penalty and SGLD use, so the step is counted without the
penalty (`pg_control = 0`) and the penalty is estimated as a second backward pass through the energy on the data
batch: twice the counted forward + backward of the energy on that batch (a double backward costs about two backward
passes). Matrix products and convolutions are counted (2 FLOPs per multiply-add); elementwise work is not.
A count, not a timing: `benchmarks/jem_step.py --device cuda` measures the step time on a GPU.
"""
import argparse, json, sys, time
from pathlib import Path
import torch
from torch.utils.flop_counter import FlopCounterMode
sys.path.insert(0, str(Path(__file__).resolve().parent))
from jem_step import build
from vera.core import package_versions

def tflop(fn)->float:
    with FlopCounterMode(display=False) as fc: fn()
    return fc.get_total_flops() / 1e12

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--depth', type=int, default=28); p.add_argument('--width', type=int, default=10)
    p.add_argument('--gen-feats', type=int, default=256); p.add_argument('--noise-dim', type=int, default=128)
    p.add_argument('--num-samples', type=int, default=20); p.add_argument('--batch', type=int, default=40)
    p.add_argument('--threads', type=int, default=None); p.add_argument('--json', default=None)
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    ns = argparse.Namespace(depth=a.depth, width=a.width, gen_feats=a.gen_feats, noise_dim=a.noise_dim, num_samples=a.num_samples,
                            n_steps=20, pcd_pg=0.0, batch=a.batch)
    vera, _, (x, y) = build(ns, torch.device('cpu'))
    t0 = time.time()
    fwd = tflop(lambda: vera.ebm(x))
    fwd_bwd = tflop(lambda: vera.ebm(x).logsumexp(1).sum().backward())
    vera.pg_control = 0.0
    step_no_pg = tflop(lambda: vera.step((x, y)))
    res = dict(config=vars(a), energy_forward_tflop=fwd, energy_forward_backward_tflop=fwd_bwd, vera_step_without_penalty_tflop=step_no_pg,
               penalty_estimate_tflop=2 * fwd_bwd, vera_step_tflop=step_no_pg + 2 * fwd_bwd, seconds=time.time() - t0,
               versions=package_versions(), command='python benchmarks/jem_flops.py ' + ' '.join(argv if argv is not None else sys.argv[1:]))
    print(json.dumps(res, indent=1))
    if a.json: Path(a.json).write_text(json.dumps(res, indent=1) + '\n')

if __name__ == '__main__': main()
