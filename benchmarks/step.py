#!/usr/bin/env python3
"""Time VERA training steps: against PCD-20 on the same energy, or against the package of an older commit.

    python benchmarks/step.py [--reps 200] [--threads 1 2] [--json results/bench_step.json]
    python benchmarks/step.py --against REV [--threads 1 2] [--rounds 7] [--out results/bench]

Without `--against`: VERA (lambda = 1, k = 20) and PCD with 20 SGLD steps on
  (a) moons, the 100-component Gaussian-mixture energy and the toy generator (BatchNorm + ReLU MLP), batch 200;
  (b) 784-d input, the MLP energy 784-1000-500-500-250-250-250-1 (LeakyReLU 0.2) and a 3 x 500 generator
      (BatchNorm + Softplus, d_z = 128), batch 64;
each figure the median over blocks of 10 steps (after 20 warm-up steps), VERA and PCD blocks alternating.

With `--against REV`: the `vera` package of REV (read with `git archive`) and the package of this tree, each in its own
worker process building the same seeded trainers with its own code; the workers time blocks of steps in strict
alternation (one runs while the other waits; the order flips), so that process-wide settings of either package stay in
its process. Every round starts fresh workers: how a process's allocator happens to settle differs from process to
process (the same code and step can take 6.4 ms in one process and 9.2 ms in the next on (a)), and a round's ratio is
that of two such processes. The VERA step (lambda = 1, k = 20) of
  (a) moons, the mixture energy (100 components), the toy generator, batch 200;
  (b) moons, the toy MLP energy, the toy generator, batch 200;
  (c) 784-d MNIST-shaped batch of 64, the tabular energy 784-1000-500-500-250-250-250-10 (logits) and the tabular
      generator 3 x 500 (BatchNorm + Softplus, d_z = 128);
  (d) the JEM step: Wide-ResNet-10-4 energy with the classifier term (alpha = 100), SNGAN generator with 32 maps,
      lambda = 1e-4, CIFAR-shaped batch 16.
Printed: each package's median ms per step, the ratio base / new over rounds (median and range), then a profile of
each package's step: the share of the importance-sampled score and of the eta step (each timed around its call in a
separate pass). `--out` writes step_against.json and step_against.md there. Benchmarks measure; no test asserts on these numbers.
"""
import argparse, json, platform, statistics, subprocess, sys, tarfile, tempfile, io, time
from pathlib import Path
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

def vs_pcd(a, argv):
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
                reps=a.reps, command=' '.join(['python', 'benchmarks/step.py'] + argv))
    print('\n| configuration | threads | VERA step (ms) | PCD-20 step (ms) | PCD-20 / VERA |\n|---|---|---|---|---|')
    for r in rows: print(f"| {r['config']} | {r['threads']} | {r['vera_ms']} | {r['pcd20_ms']} | {r['pcd_over_vera']} |")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(dict(rows=rows, **info), indent=2))

# ---------------------------------------------------------------- --against
def extract_package(rev:str, dest:Path)->str:
    "Write the `vera` package of commit `rev` into dest/vera; returns the full sha."
    try: sha = subprocess.run(['git', 'rev-parse', '--verify', f'{rev}^{{commit}}'], capture_output=True, text=True, check=True).stdout.strip()
    except subprocess.CalledProcessError as e: raise SystemExit(f"step.py: error: {rev!r} is not a commit of this repository ({e.stderr.strip()})")
    tar = subprocess.run(['git', 'archive', sha, 'vera'], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t: t.extractall(dest, filter='data')
    return sha

def against_configs(jem:bool=True):
    "name -> (build(pkg) -> trainer, batch, steps per block); every trainer seeded the same way in both packages."
    def toy(kind):
        def build(pkg):
            torch.manual_seed(0)
            f = pkg.nets.MixtureEBM(100, 2) if kind == 'mog' else pkg.nets.ToyEBM(2)
            return pkg.vera.VERA(f, pkg.nets.ToyGenerator(2), noise_dim=2, ent_weight=1.0, num_samples=20, lr=1e-3, glr=1e-3, post_lr=1e-3)
        return build
    def tab(pkg):
        torch.manual_seed(0)
        return pkg.vera.VERA(pkg.nets.TabularNet(784, 10), pkg.nets.TabularGenerator(128, 784), noise_dim=128, ent_weight=1.0,
                             num_samples=20, lr=1e-4, glr=2e-4, post_lr=2e-4)
    def wrn(pkg):
        torch.manual_seed(0)
        return pkg.vera.VERA(pkg.nets.WideResNet(10, 4, 10, 3, dropout=0.3), pkg.nets.SNGANGenerator(128, 32, 3, 32), noise_dim=128,
                             ent_weight=1e-4, pg_control=0.1, num_samples=20, lr=3e-5, glr=6e-5, post_lr=3e-5,
                             extra_terms=[pkg.vera.ClassifierTerm(100.0)])
    g = torch.Generator().manual_seed(1)
    out = {'(a) moons, MoG-100 energy, B=200': (toy('mog'), sample_toy('moons', 200, seed=0), 20),
           '(b) moons, toy MLP energy, B=200': (toy('mlp'), sample_toy('moons', 200, seed=0), 20),
           '(c) 784-d, tabular energy and generator, B=64': (tab, torch.rand(64, 784, generator=g) * 2 - 1, 3)}
    if jem: out['(d) JEM step, WRN-10-4, SNGAN-32, B=16'] = (wrn, (torch.rand(16, 3, 32, 32, generator=g) * 2 - 1,
                                                                 torch.randint(0, 10, (16,), generator=g)), 1)
    return out

def _block(tr, batch, n):
    t0 = time.perf_counter()
    for _ in range(n): tr.step(batch)
    return (time.perf_counter() - t0) / n

def profile_step(tr, batch, n):
    "Share of a step spent in the estimator's score and eta update (each timed around its call)."
    acc = {'score': 0.0, 'eta': 0.0}
    est = tr.estimator
    def timed(f, key):
        def g(*a, **k):
            t0 = time.perf_counter(); r = f(*a, **k); acc[key] += time.perf_counter() - t0; return r
        return g
    orig = est.score, est.update
    est.score, est.update = timed(est.score, 'score'), timed(est.update, 'eta')
    try: total = _block(tr, batch, n) * n
    finally: est.score, est.update = orig
    return {k: v / total for k, v in acc.items()}

def worker():
    "Serve one side of --against: read JSON commands on stdin, answer one JSON line each (the `vera` on sys.path is the side)."
    import vera, vera.nets, vera.vera
    cfgs, tr, batch = None, None, None
    for line in sys.stdin:
        c = json.loads(line)
        if c['cmd'] == 'build':
            torch.set_num_threads(c['threads'])
            cfgs = cfgs or against_configs(c['jem'])
            build, batch, _ = cfgs[c['config']]
            tr = build(vera)
            ans = {'ok': True}
        elif c['cmd'] == 'time': ans = {'s': _block(tr, batch, c['n'])}
        elif c['cmd'] == 'profile': ans = profile_step(tr, batch, c['n'])
        else: break
        print(json.dumps(ans), flush=True)

class Side:
    "A worker process importing the `vera` package found under `root`; commands run one at a time, strictly interleaved by the caller."
    def __init__(self, root:Path, tmp:Path):
        self.p = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), '--worker'], cwd=tmp, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**__import__('os').environ, 'PYTHONPATH': str(root)})
    def __call__(self, **cmd):
        self.p.stdin.write(json.dumps(cmd) + '\n'); self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line: raise SystemExit(f"step.py: error: a benchmark worker stopped (exit {self.p.wait()})")
        return json.loads(line)
    def close(self):
        self.p.stdin.close(); self.p.wait()

def vs_commit(a, argv):
    here = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp); (tmp / 'base').mkdir(); (tmp / 'cwd').mkdir()
        sha = extract_package(a.against, tmp / 'base')
        head = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'], capture_output=True, text=True).stdout.strip())
        names = [c for c in against_configs(not a.no_jem) if not a.only or c[1] in a.only]
        rows = []
        for threads in a.threads:
            ts = {(c, k): [] for c in names for k in ('new', 'base')}
            prof = {}
            for r in range(a.rounds):
                # fresh processes every round: how a process's allocator and caches happen to settle varies from process
                # to process, and a user's run is one such process
                sides = {'new': Side(here, tmp / 'cwd'), 'base': Side(tmp / 'base', tmp / 'cwd')}
                try:
                    for name, (_, _, n) in against_configs(not a.no_jem).items():
                        if name not in names: continue
                        for s in sides.values():
                            s(cmd='build', config=name, threads=threads, jem=not a.no_jem); s(cmd='time', n=max(2, n))   # warm-up
                        for j in range(2):
                            for k in (('new', 'base') if (r + j) % 2 == 0 else ('base', 'new')): ts[name, k].append(sides[k](cmd='time', n=n * a.block)['s'])
                        if r == a.rounds - 1: prof[name] = {k: sides[k](cmd='profile', n=n * a.block) for k in sides}
                finally:
                    for s in sides.values(): s.close()
            for name in names:
                tn, tb = ts[name, 'new'], ts[name, 'base']
                ratios = sorted(statistics.median(tb[2 * r:2 * r + 2]) / statistics.median(tn[2 * r:2 * r + 2]) for r in range(a.rounds))
                p = prof[name]
                row = dict(config=name, threads=threads, new_ms=round(statistics.median(tn) * 1e3, 3),
                           base_ms=round(statistics.median(tb) * 1e3, 3), ratio=round(statistics.median(ratios), 3),
                           ratio_min=round(ratios[0], 3), ratio_max=round(ratios[-1], 3), rounds=a.rounds,
                           profile={k: {q: round(v, 3) for q, v in pk.items()} for k, pk in p.items()})
                rows.append(row)
                print(f"{name:48s} threads={threads}  base {row['base_ms']:9.2f} ms  new {row['new_ms']:9.2f} ms  "
                      f"base/new {row['ratio']:.2f} [{row['ratio_min']:.2f}, {row['ratio_max']:.2f}]  score+eta: base "
                      f"{sum(p['base'].values()):.0%} new {sum(p['new'].values()):.0%}", flush=True)
    info = dict(baseline=sha, tree=head + (' with uncommitted changes' if dirty else ''),
                machine=platform.processor() or platform.machine(), python=platform.python_version(),
                versions=package_versions(), command=' '.join(['python', 'benchmarks/step.py'] + argv))
    md = [f"VERA step, this tree ({head[:12]}{' + uncommitted changes' if dirty else ''}) against `{a.against}` ({sha[:12]}): {a.rounds} "
          f"rounds, each with a fresh process per package timing two blocks of each in strict alternation; ratio per round "
          f"= median base / median new; "
          f"`{info['command']}`", '',
          '| configuration | threads | base (ms) | new (ms) | base / new: median [range] | score share base → new | η share base → new |',
          '|---|---|---|---|---|---|---|']
    for r in rows:
        pb, pn = r['profile']['base'], r['profile']['new']
        md.append(f"| {r['config']} | {r['threads']} | {r['base_ms']:.2f} | {r['new_ms']:.2f} | {r['ratio']:.2f} "
                  f"[{r['ratio_min']:.2f}, {r['ratio_max']:.2f}] | {pb['score']:.0%} → {pn['score']:.0%} | {pb['eta']:.0%} → {pn['eta']:.0%} |")
    print('\n' + '\n'.join(md))
    if a.out:
        out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
        (out / 'step_against.json').write_text(json.dumps(dict(rows=rows, **info), indent=2) + '\n')
        (out / 'step_against.md').write_text('\n'.join(md) + '\n')

def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ['--worker']: return worker()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--against', default=None, metavar='REV', help='time against the vera package of this commit')
    p.add_argument('--threads', type=int, nargs='+', default=[torch.get_num_threads()])
    p.add_argument('--reps', type=int, default=200, help='(VERA vs PCD) timed steps')
    p.add_argument('--json', default=None, help='(VERA vs PCD) also write the table as JSON here')
    p.add_argument('--rounds', type=int, default=7, help='(--against) rounds of alternating blocks')
    p.add_argument('--block', type=int, default=1, help="(--against) multiplies each configuration's steps per block")
    p.add_argument('--no-jem', action='store_true', help='(--against) leave out the JEM step (d)')
    p.add_argument('--only', nargs='+', default=None, metavar='LABEL', help="(--against) only these configurations, by label: a b c d")
    p.add_argument('--out', default=None, help='(--against) write step_against.json and .md into this folder')
    a = p.parse_args(argv)
    if a.rounds < 1 or a.block < 1: p.error('--rounds and --block must be >= 1')
    if a.only and not set(a.only) <= set('abcd'): p.error(f"--only takes labels among a b c d, got {' '.join(a.only)}")
    (vs_commit if a.against else vs_pcd)(a, argv)

if __name__ == '__main__': main()
