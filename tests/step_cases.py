"""Fixed-seed VERA training steps whose losses and state `tests/test_step_equality.py` compares with stored values.

    python tests/step_cases.py --write tests/data/step_reference.pt --commit REV    # store what the importable `vera` gives

The stored file was written by the code before the step was optimised (the `vera` package of commit 17592a7, put first
on PYTHONPATH); the test runs the same cases on the package as it is now. Every case uses only the public API that
both have, so the same builders serve both. Each case is stored twice: its whole run in float64 (every tensor the
case makes, batches included), and the losses of its first step in float32 with the generator's sigma at 0.3. Each
float64 run also names the parameters that its first step gives no gradient (below 1e-12 of the largest gradient):
biases that feed a training-mode BatchNorm, and a final bias that cancels from the energy's loss.
"""
import argparse, sys
import torch
from torch import nn

def _mlp_energy(d, hidden, out):
    layers, prev = [], d
    for h in hidden: layers += [nn.Linear(prev, h), nn.LeakyReLU(0.2)]; prev = h
    return nn.Sequential(*layers, nn.Linear(prev, out))

def cases(init_sigma=None):
    "name -> (build() -> trainer, batch(i) -> batch, n_steps); everything seeded inside; `init_sigma` replaces each case's own."
    from vera.vera import VERA, ClassifierTerm
    from vera.nets import MixtureEBM, ToyEBM, ToyGenerator, TabularGenerator, WideResNet, SNGANGenerator
    from vera.toy import sample_toy
    moons = lambda i: sample_toy('moons', 200, seed=100 + i)
    def toy(ebm, **kw):
        def build():
            torch.manual_seed(0)
            return VERA(ebm(), ToyGenerator(2), noise_dim=2, ent_weight=kw.pop('ent_weight', 1.0), num_samples=20,
                        lr=1e-3, glr=1e-3, post_lr=1e-3, init_sigma=init_sigma or 0.01, **kw)
        return build
    def tab_build():
        torch.manual_seed(0)
        return VERA(_mlp_energy(784, (32, 16), 10), TabularGenerator(16, 784, hidden=32), noise_dim=16, ent_weight=1.0,
                    num_samples=20, lr=1e-3, glr=2e-3, post_lr=2e-3, init_sigma=init_sigma or 0.1)
    def tab_batch(i):
        g = torch.Generator().manual_seed(200 + i)
        return torch.rand(32, 784, generator=g) * 2 - 1
    def jem_build():
        torch.manual_seed(0)
        return VERA(WideResNet(10, 1, 10, 3, dropout=0.0), SNGANGenerator(16, 8, 3, 32), noise_dim=16, ent_weight=1e-2,
                    num_samples=5, lr=1e-4, glr=2e-4, post_lr=2e-4, init_sigma=init_sigma or 0.01,
                    extra_terms=[ClassifierTerm(1.0)])
    def jem_batch(i):
        g = torch.Generator().manual_seed(300 + i)
        return torch.rand(4, 3, 32, 32, generator=g) * 2 - 1, torch.randint(0, 10, (4,), generator=g)
    return {
        'moons_mog': (toy(lambda: MixtureEBM(100, 2)), moons, 6),
        'moons_mlp': (toy(lambda: ToyEBM(2)), moons, 6),
        'moons_mog_paper_order': (toy(lambda: MixtureEBM(100, 2), step_order='paper'), moons, 6),
        'moons_mlp_entropy_free': (toy(lambda: ToyEBM(2), ent_weight=0.0), moons, 6),
        'tabular_784': (tab_build, tab_batch, 4),
        'jem_wrn': (jem_build, jem_batch, 2),
    }

def _cast(batch, dtype):
    if isinstance(batch, torch.Tensor): return batch.to(dtype) if batch.is_floating_point() else batch
    return tuple(_cast(b, dtype) for b in batch)

def run_case(build, batch, n, dtype=torch.float32):
    "Losses per step, the final state of every module (parameters and buffers) and the parameters the first step gives no gradient."
    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        tr = build()
        biggest = {}
        hooks = [p.register_post_accumulate_grad_hook(lambda p, k=f'{m}.{k}': biggest.__setitem__(k, max(biggest.get(k, 0.0), p.grad.abs().max().item())))
                 for m, mod in tr._modules.items() for k, p in mod.named_parameters() if p.requires_grad]
        torch.manual_seed(1)
        stats = []
        for i in range(n):
            st = tr.step(_cast(batch(i), dtype))
            stats.append({k: float(v) for k, v in st.items()})
            if i == 0:
                for h in hooks: h.remove()
    finally: torch.set_default_dtype(old)
    state = {f'{m}.{k}': v.detach().clone() for m, mod in tr._modules.items() for k, v in mod.state_dict().items()
             if isinstance(v, torch.Tensor)}
    top = max(biggest.values())
    return dict(stats=stats, state=state, no_gradient=sorted(k for k, v in biggest.items() if v < 1e-12 * top))

def run_all(names=None, dtype=torch.float32, steps=None, init_sigma=None):
    "Every case (or those `names`), in `dtype`, for its own number of steps or `steps`, on one thread."
    torch.set_num_threads(1)
    return {name: run_case(b, x, steps or n, dtype) for name, (b, x, n) in cases(init_sigma).items() if names is None or name in names}

FLOAT32 = dict(dtype=torch.float32, steps=1, init_sigma=0.3)   # how the float32 runs are made (the test's docstring says why)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--write', required=True)
    p.add_argument('--commit', required=True, help='the commit whose package wrote the values (stored beside them)')
    a = p.parse_args()
    res = dict(float64=run_all(dtype=torch.float64), float32={k: dict(stats=v['stats']) for k, v in run_all(**FLOAT32).items()})
    torch.save(dict(results=res, torch=str(torch.__version__), commit=a.commit), a.write)
    for k, v in res['float64'].items(): print(k, v['stats'][-1], 'no gradient:', v['no_gradient'])
