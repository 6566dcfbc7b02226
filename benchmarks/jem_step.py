#!/usr/bin/env python3
"""Time one JEM training step with VERA against one with PCD (20 SGLD steps), same energy network and batch.

    python benchmarks/jem_step.py [--depth 10 --width 2 --gen-feats 32 --batch 16 --device cpu --reps 8] [--json out.json]
    python benchmarks/jem_step.py --device cuda --depth 28 --width 10 --gen-feats 256 --modes fp32 bf16 bf16+compile

`--modes`: fp32 (default), bf16 (bfloat16 autocast around the energy's and the generator's forward passes, the
`amp_bf16` of `vera.jem`), compile (`torch.compile` of the networks that need no double backward, the `compile` of
`vera.jem`), bf16+compile; bf16 and compile need CUDA. Each mode builds both trainers afresh and prints ms per step,
images per second, peak memory (CUDA: the allocator's peak in the mode; CPU: the process's peak resident size so far)
and the PCD / VERA ratio.

Both trainers get the same Wide-ResNet energy (same initial weights, dropout 0.3) with the JEM loss
alpha * CE + log p(x) (alpha = 100) and the same CIFAR-shaped batch:
  VERA   the paper's settings: SNGAN generator (`--gen-feats` maps, d_z = `--noise-dim`), k = 20 importance samples,
         lambda = 1e-4, gradient penalty gamma = 0.1;
  PCD    JEM's sampler: 20 SGLD steps of step size 1 and noise 0.01 from a replay buffer (10,000 points, 5 % re-init),
         no gradient penalty (JEM has none; `--pcd-pg 0.1` gives it VERA's).
The paper's claim (its JEM experiments on CIFAR10): VERA-JEM trains 2.8x faster than JEM with 20 SGLD steps (WRN-28-10, SNGAN-256, GPU).
The defaults are a small network for a CPU; the ratio depends on the sizes: PCD costs about 20 energy forward and
backward passes per step, VERA a few energy passes plus k + 3 generator passes, so `--width`/`--gen-feats` move it.

Measurement: after `--warmup` steps of each, `--reps` rounds; each round times a block of `--block` VERA steps and a
block of PCD steps, in alternating order from round to round, in this one process, so both see the same machine state.
Reported: the median step time of each, and the ratio PCD / VERA of each round: median, quartiles and range.
Benchmarks measure; no test asserts on these numbers.
"""
import argparse, json, platform, statistics, sys, time
from pathlib import Path
import numpy as np
import torch
from vera.core import package_versions, get_device, device_info
from vera.dist import accelerate, check_accel
from vera.vera import VERA, ClassifierTerm
from vera.samplers import PCD
from vera.nets import WideResNet, SNGANGenerator

def build(a, dev):
    torch.manual_seed(0)
    ebm_v = WideResNet(a.depth, a.width, 10, 3, dropout=0.3)
    ebm_p = WideResNet(a.depth, a.width, 10, 3, dropout=0.3); ebm_p.load_state_dict(ebm_v.state_dict())
    vera = VERA(ebm_v, SNGANGenerator(a.noise_dim, a.gen_feats, 3, 32), noise_dim=a.noise_dim, ent_weight=1e-4, pg_control=0.1,
                num_samples=a.num_samples, lr=3e-5, glr=6e-5, post_lr=3e-5, extra_terms=[ClassifierTerm(100.0)], device=dev)
    pcd = PCD(ebm_p, (3, 32, 32), n_steps=a.n_steps, step_size=1.0, noise=0.01, buffer_size=10_000, reinit_prob=0.05,
              lr=3e-5, pg_control=a.pcd_pg, extra_terms=[ClassifierTerm(100.0)], device=dev)
    g = torch.Generator().manual_seed(1)
    batch = (torch.rand(a.batch, 3, 32, 32, generator=g) * 2 - 1, torch.randint(0, 10, (a.batch,), generator=g))
    return vera, pcd, batch

MODES = ('fp32', 'bf16', 'compile', 'bf16+compile')

def peak_memory_mb(dev)->float:
    "CUDA: the caching allocator's peak since the last reset; CPU: the process's peak resident set size."
    if dev.type == 'cuda': return torch.cuda.max_memory_allocated(dev) / 2**20
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def timed_block(tr, batch, n, dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)
    t0 = time.perf_counter()
    for _ in range(n): tr.step(batch)
    if dev.type == 'cuda': torch.cuda.synchronize(dev)
    return (time.perf_counter() - t0) / n

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--depth', type=int, default=10, help='WRN depth (default 10; the paper: 28)')
    p.add_argument('--width', type=int, default=2, help='WRN widening factor (default 2; the paper: 10)')
    p.add_argument('--gen-feats', type=int, default=32, help='SNGAN feature maps (default 32; the paper: 256)')
    p.add_argument('--noise-dim', type=int, default=128, help='latent size d_z (default and paper: 128)')
    p.add_argument('--num-samples', type=int, default=20, help="VERA's k (default and paper: 20)")
    p.add_argument('--n-steps', type=int, default=20, help='SGLD steps of PCD (default 20)')
    p.add_argument('--pcd-pg', type=float, default=0.0, help="PCD's gradient-penalty weight (default 0, as JEM)")
    p.add_argument('--batch', type=int, default=16, help='batch size (default 16; the released command: 40)')
    p.add_argument('--device', default='cpu', help="'cpu' (default) or 'cuda'")
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: leave as is)')
    p.add_argument('--reps', type=int, default=8, help='rounds of alternating blocks (default 8)')
    p.add_argument('--block', type=int, default=1, help='steps per block (default 1)')
    p.add_argument('--warmup', type=int, default=2, help='untimed steps of each first (default 2)')
    p.add_argument('--json', default=None, help='also write the results as JSON here')
    p.add_argument('--modes', nargs='+', default=['fp32'], choices=MODES, help='precision / compilation modes to time (default fp32)')
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    dev = get_device(a.device)
    for m in a.modes:
        try: check_accel(dev, 'bf16' in m, 'compile' in m)
        except ValueError as e: p.error(f"--modes {m}: {e}")
    results = {m: run_mode(a, dev, m) for m in a.modes}
    res = dict(modes=results, config=dict(depth=a.depth, width=a.width, gen_feats=a.gen_feats, noise_dim=a.noise_dim,
                                          num_samples=a.num_samples, n_steps=a.n_steps, pcd_pg=a.pcd_pg, batch=a.batch,
                                          reps=a.reps, block=a.block, warmup=a.warmup),
               device=device_info(dev), threads=torch.get_num_threads(), machine=platform.processor() or platform.machine(),
               versions=package_versions(), command=' '.join(['python', 'benchmarks/jem_step.py'] + (argv if argv is not None else sys.argv[1:])))
    res.update(results[a.modes[0]])          # the first mode's figures also at the top level
    print(f"WRN-{a.depth}-{a.width}, SNGAN-{a.gen_feats}, k = {a.num_samples}, batch {a.batch}, {res['device']}, {a.reps} rounds of {a.block}")
    print('| mode | VERA ms/step | VERA images/s | PCD ms/step | PCD images/s | PCD / VERA median [quartiles] | peak memory (MB) VERA, PCD |')
    print('|---|---|---|---|---|---|---|')
    for m, r in results.items():
        print(f"| {m} | {r['vera_ms']:.1f} | {r['vera_images_per_s']:.1f} | {r['pcd_ms']:.1f} | {r['pcd_images_per_s']:.1f} | "
              f"{r['ratio_median']:.2f} [{r['ratio_q1']:.2f}, {r['ratio_q3']:.2f}] | {r['vera_peak_mb']:.0f}, {r['pcd_peak_mb']:.0f} |")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(res, indent=2))
    return res

def run_mode(a, dev, mode:str)->dict:
    "Build both trainers for `mode`, warm up, time `reps` rounds of alternating blocks; figures of one mode."
    vera, pcd, batch = build(a, dev)
    compiled = {n: accelerate(tr, 'bf16' in mode, 'compile' in mode) for n, tr in (('vera', vera), ('pcd', pcd))} if mode != 'fp32' else {}
    peaks = {}
    for name, tr in (('vera', vera), ('pcd', pcd)):       # warm-up (compilation happens here), then each one's peak memory
        if dev.type == 'cuda': torch.cuda.synchronize(dev); torch.cuda.reset_peak_memory_stats(dev)
        for _ in range(a.warmup): tr.step(batch)
        if dev.type == 'cuda': torch.cuda.synchronize(dev)
        peaks[name] = peak_memory_mb(dev)
    tv, tp = [], []
    for r in range(a.reps):
        order = [(vera, tv), (pcd, tp)] if r % 2 == 0 else [(pcd, tp), (vera, tv)]
        for tr, out in order: out.append(timed_block(tr, batch, a.block, dev))
    ratios = [x / y for x, y in zip(tp, tv)]
    q1, med, q3 = (float(v) for v in np.percentile(ratios, [25, 50, 75]))
    vms, pms = 1e3 * statistics.median(tv), 1e3 * statistics.median(tp)
    return dict(vera_ms=vms, pcd_ms=pms, vera_images_per_s=a.batch / vms * 1e3, pcd_images_per_s=a.batch / pms * 1e3,
                vera_peak_mb=peaks['vera'], pcd_peak_mb=peaks['pcd'], compiled=compiled,
                ratio_median=med, ratio_q1=q1, ratio_q3=q3, ratio_min=min(ratios), ratio_max=max(ratios), ratios=ratios,
                vera_ms_all=[1e3 * t for t in tv], pcd_ms_all=[1e3 * t for t in tp])

if __name__ == '__main__': main()
