#!/usr/bin/env python3
"""The measurements behind the speed choices of the VERA step (04_vera, "Speed"), each a ratio within this one run:

  softplus   torch's softplus against `FastSoftplus` without autograd, on the 1,280 x 500 activations of the tabular
             generator's importance-sampled pass (k = 20, B = 64), and forward plus backward on the 64 x 500 activations
             of a pass with autograd;
  compile    the toy generator's 4,000-row pass and the tabular generator's 1,280-row pass without autograd, eager
             against `torch.compile` (with the compilation time);
  rows       the first tabular energy layer (784 -> 1000) forward at 64 and 128 rows: one pass over data and
             negatives together against two passes;
  adam       one step of the fused, foreach and single-tensor Adam and of `FastAdam` (the fused kernel called directly, what
             `make_adam` gives) on the toy generator's and the tabular generator's parameters;
  layout     the importance-sampled pass of the toy generator (4,000 rows) and of the tabular one (1,280 rows) without
             autograd, as `nn.Sequential` runs it (rows are examples) against `feature_major_forward` (rows are
             features), in 12 alternating rounds, and each toy layer's product in both layouts;
  penalty    the mixture energy's loss with the gradient penalty on 200 data points and 200 negatives, forward and
             backward into its parameters: autograd's double backward against `MixtureLogpGrad` (one pass over both);
  compile_loss  the toy MLP energy's loss with the gradient penalty on 200 data points and 200 negatives, forward and
             backward into its parameters: `Trainer.ebm_loss` (eager, double backward) against `torch.compile` of the
             same loss written with `torch.func.grad` (what the compiler can trace), one graph forward and one backward.

    python benchmarks/step_alternatives.py [--threads 1] [--skip compile] [--only PART ...] [--json out.json]

The allocator is set as every trainer sets it (`keep_freed_memory`). Benchmarks measure; no test asserts on these numbers.
"""
import argparse, json, platform, statistics, sys, time
import torch
import torch.nn.functional as F
from vera.core import package_versions, keep_freed_memory, make_adam
from vera.nets import ToyGenerator, TabularGenerator, FastSoftplus, MixtureEBM
from vera.score import feature_major_forward

def tm(f, n):
    for _ in range(max(3, n // 10)): f()
    t0 = time.perf_counter()
    for _ in range(n): f()
    return (time.perf_counter() - t0) / n * 1e3

def softplus():
    a = torch.randn(1280, 500) * 3
    with torch.no_grad(): out = {'torch softplus (ms)': tm(lambda: F.softplus(a), 50), 'FastSoftplus (ms)': tm(lambda: FastSoftplus()(a), 50)}
    b = (torch.randn(64, 500) * 3).requires_grad_(True)
    def fb(f): return lambda: f(b).sum().backward()
    out.update({'torch softplus, forward and backward, 64 rows (ms)': tm(fb(F.softplus), 200),
                'FastSoftplus, forward and backward, 64 rows (ms)': tm(fb(FastSoftplus()), 200)})
    return out

def compile_():
    out = {}
    for name, g, z, n in (('toy generator, 4,000 rows', ToyGenerator(2), torch.randn(4000, 2), 200),
                          ('tabular generator, 1,280 rows', TabularGenerator(128, 784), torch.randn(1280, 128), 20)):
        with torch.no_grad():
            eager = tm(lambda: g(z), n)
            t0 = time.perf_counter(); gc = torch.compile(g); gc(z); ct = time.perf_counter() - t0
            out[name] = {'eager (ms)': eager, 'compiled (ms)': tm(lambda: gc(z), n), 'compilation (s)': ct,
                         'largest difference': (gc(z) - g(z)).abs().max().item()}
    return out

def rows():
    W = torch.randn(1000, 784)
    return {f'{b} rows (ms)': tm(lambda x=torch.randn(b, 784): x @ W.t(), 100) for b in (64, 128)}

def adam():
    out = {}
    for name, net in (('toy generator', ToyGenerator(2)), ('tabular generator', TabularGenerator(128, 784))):
        ps = list(net.parameters())
        for p in ps: p.grad = torch.randn_like(p)
        for kind, kw in (('fused', dict(fused=True)), ('foreach', dict(foreach=True)), ('single-tensor', dict(foreach=False))):
            o = torch.optim.Adam(ps, lr=1e-4, betas=(0.0, 0.9), **kw)
            out[f'{name}, {kind} (ms)'] = tm(o.step, 100)
        o = make_adam(ps, 1e-4, betas=(0.0, 0.9))
        o.step()                                   # the first step makes the state (through Adam.step)
        out[f'{name}, FastAdam (ms)'] = tm(o.step, 100)
    return out

def layout():
    "Both layouts of the importance-sampled pass, in alternating blocks (medians over rounds: a block's time drifts with the machine)."
    out = {}
    for name, g, z, n in (('toy generator, 4,000 rows', ToyGenerator(2), torch.randn(4000, 2), 50),
                          ('tabular generator, 1,280 rows', TabularGenerator(128, 784), torch.randn(1280, 128), 5)):
        zt = z.t().contiguous()
        with torch.no_grad():
            rows_, feats = [], []
            for _ in range(12): rows_.append(tm(lambda: g(z), n)); feats.append(tm(lambda: feature_major_forward(g, zt), n))
            out[name] = {'examples as rows (ms)': statistics.median(rows_), 'features as rows (ms)': statistics.median(feats),
                         'ratio, median over rounds': statistics.median(a / b for a, b in zip(rows_, feats)),
                         'largest difference': (feature_major_forward(g, zt).t() - g(z)).abs().max().item()}
    g = ToyGenerator(2)
    for i, (d_in, d_out) in zip((0, 3, 6), ((2, 100), (100, 100), (100, 2))):
        W, b, h = g[i].weight.detach(), g[i].bias.detach(), torch.randn(4000, d_in)
        ht = h.t().contiguous()
        out[f'toy layer {d_in} -> {d_out}, 4,000 rows'] = {'examples as rows (ms)': tm(lambda: F.linear(h, W, b), 200),
                                                           'features as rows (ms)': tm(lambda: torch.addmm(b[:, None], W, ht), 200)}
    return out

def _ebm_loss_step(make):
    "A fresh energy from `make()`, and one forward and backward of the trainers' shared EBM loss (`Trainer.ebm_loss`, penalty weight 0.1) on 200 data points and 200 negatives into its parameters."
    from vera.samplers import PCD
    torch.manual_seed(0)
    m = make(); x, xn = torch.randn(200, 2), torch.randn(200, 2)
    tr, ps = PCD(m, (2,), pg_control=0.1, buffer_size=10), list(m.parameters())
    return m, x, xn, lambda: torch.autograd.grad(tr.ebm_loss({'x': x}, xn)[0], ps)

def penalty():
    "The mixture's EBM loss with its penalty, forward and backward, by either path of `Trainer.ebm_loss`."
    m, _, _, step = _ebm_loss_step(lambda: MixtureEBM(100, 2))
    closed = tm(step, 300)
    m.forward = m.forward                      # a forward replaced on the instance: the trainer takes autograd's path
    return {'autograd, double backward (ms)': tm(step, 300), 'MixtureLogpGrad (ms)': closed}

def compile_loss():
    "The toy MLP energy's EBM loss with its penalty, forward and backward: `Trainer.ebm_loss` eager against compiled."
    from torch.func import functional_call, grad
    from vera.nets import ToyEBM
    m, x, xn, eager = _ebm_loss_step(lambda: ToyEBM(2))
    def loss(params, x, xn):
        f = lambda v: functional_call(m, params, (v,))
        gx = grad(lambda v: f(v).sum())(x)
        return f(xn).mean() - f(x).mean() + 0.1 * gx.pow(2).sum(1).mean() / 2
    lc, params, ps = torch.compile(loss, dynamic=False), dict(m.named_parameters()), list(m.parameters())
    def compiled(): return torch.autograd.grad(lc(params, x, xn), ps)
    t0 = time.perf_counter(); compiled(); ct = time.perf_counter() - t0
    diff = max(((a - b).abs().max() / a.abs().max()).item() for a, b in zip(eager(), compiled()))
    e, c = [], []
    for _ in range(12): e.append(tm(eager, 100)); c.append(tm(compiled, 100))     # alternating rounds, medians
    return {'eager, double backward (ms)': statistics.median(e), 'compiled (ms)': statistics.median(c), 'compilation (s)': ct,
            'largest gradient difference, relative to the largest entry': diff}

PARTS = {'softplus': softplus, 'compile': compile_, 'rows': rows, 'adam': adam, 'layout': layout, 'penalty': penalty,
         'compile_loss': compile_loss}

def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--skip', nargs='*', default=[], choices=list(PARTS))
    ap.add_argument('--only', nargs='*', default=None, choices=list(PARTS), help='run only these parts')
    ap.add_argument('--json', default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    keep_freed_memory()          # as every trainer does: the passes below then run as they run in training
    res = {}
    for k, f in PARTS.items():
        if k in a.skip or (a.only is not None and k not in a.only): continue
        res[k] = f()
        print(k, json.dumps(res[k], indent=1), flush=True)
    if a.json:
        from pathlib import Path
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(dict(results=res, threads=a.threads, machine=platform.processor() or platform.machine(),
                                                versions=package_versions(), command=' '.join(['python', 'benchmarks/step_alternatives.py'] + argv)), indent=2) + '\n')

if __name__ == '__main__': main()
