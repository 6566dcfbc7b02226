"""The optimised VERA step computes what the step before the optimisation computed.

`tests/data/step_reference.pt` holds six fixed-seed cases (toy mixture and MLP energies in both step orders and
entropy-free, a 784-d tabular energy with the BatchNorm + Softplus generator, a small JEM Wide-ResNet with the
classifier term), written by the package of commit 17592a7 with
`git archive 17592a7 vera | tar -x -C /tmp/base && PYTHONPATH=/tmp/base python tests/step_cases.py --write
tests/data/step_reference.pt --commit 17592a7`. Here the same cases run on the
package as it is. Two comparisons:

- **The algebra, in float64.** Each case runs all its steps with every tensor in float64, and every loss, parameter and
  buffer must agree to 1e-8 (relative and absolute), but for the exception below. A code that computes the same
  functions in another order differs by float64 rounding: at most 7e-12 here. Changing the gradient-penalty weight by
  one part in a million moves the mixture's energy loss by 5e-8 of itself at every step, and
  `test_a_changed_step_is_caught` checks that such a change fails.
- **float32, the first step's losses.** Each case's first step in float32, with the generator's sigma at 0.3 (its
  largest): every loss, the effective sample size and sigma to 1e-5.

Parameters the algebra gives no gradient (listed by each float64 run: those whose first-step gradient is below 1e-12 of
the largest, in these cases the biases that feed a training-mode BatchNorm and the energy's last bias, which cancels
from its loss) are held apart. Adam divides a gradient by its own running size, so a gradient that is rounding noise
moves its parameter by up to a learning rate either way; such a parameter enters no output of a training-mode step. In
float64 that noise moves them, and the BatchNorm running means that average batch means containing them, by up to
1.2e-8; they are held to 1e-6 instead of 1e-8.

float32 is held to its first step's losses because float32 parameters of these cases cannot be compared at 1e-5:
- The score is (sum_i w_i g(z_i) - x) / sigma^2, a difference of nearly equal numbers divided by sigma^2. At sigma =
  0.01 a different summation order in the importance-sampled pass moves the generator's loss by ~1.7e-5 of itself in
  the first step; and with the penalty weight changed by one part in a million, this package's float32 mixture run
  (paper order) moves its generator loss by 2.3e-4 at step 2.
- Adam's first step is lr * g / (|g| + eps), the sign of each gradient element. An element whose gradient is as small
  as float32's rounding of the rest (~1e-5 of the tensor's largest, even at sigma = 0.3) can change sign and move its
  parameter by a whole learning rate.
At sigma = 0.3 the division by sigma^2 is 900 times smaller than at 0.01; float64 covers sigma = 0.01 and every
parameter, over every step.

The tabular generator's `FastSoftplus` computes softplus by another formula, within a few ulp of the exact value per
element (checked on 200,000 points and the extremes in `nbs/05b_nets.ipynb`). In float64 it runs as it is; the float32
step runs with torch's Softplus put back, as through the importance weights of a 784-dimensional case (log-weights of
size ~1e3) per-element ulps move the effective sample size by ~3e-5 of itself.
"""
from pathlib import Path
import pytest, torch
import step_cases

REF = torch.load(Path(__file__).parent / 'data' / 'step_reference.pt', weights_only=True)['results']
TOL64 = 1e-8   # float64: the same functions in another order differ by ~1e-12
NOISE64 = 1e-6 # float64, parameters the algebra gives no gradient and running means (see above)
TOL32 = 1e-5   # float32: the first step's losses at sigma = 0.3

def mismatches(ref:dict, got:dict, tol:float, skip=())->list:
    "Every loss and state entry of `got` that differs from `ref` by more than tol (relative and absolute), as messages."
    out = []
    if len(got['stats']) != len(ref['stats']): return [f"{len(got['stats'])} steps against {len(ref['stats'])}"]
    for i, (a, b) in enumerate(zip(ref['stats'], got['stats'])):
        if a.keys() != b.keys(): out.append(f"step {i}: stats {sorted(b)} against {sorted(a)}"); continue
        out += [f"step {i} {k}: {b[k]!r} against {a[k]!r}" for k in a if b[k] != pytest.approx(a[k], rel=tol, abs=tol)]
    if ref['state'].keys() != got['state'].keys(): return out + [f"state keys differ: {sorted(set(ref['state']) ^ set(got['state']))}"]
    for k, v in ref['state'].items():
        if k in skip: continue
        w = got['state'][k]
        if w.shape != v.shape or w.dtype != v.dtype: out.append(f"{k}: {w.dtype} {tuple(w.shape)} against {v.dtype} {tuple(v.shape)}")
        elif v.is_floating_point():
            if not torch.allclose(w, v, rtol=tol, atol=tol): out.append(f"{k}: differs by up to {(w - v).abs().max().item():.2e}")
        elif not torch.equal(w, v): out.append(f"{k}: differs")
    return out

@pytest.fixture(scope='module')
def now64(): return step_cases.run_all(dtype=torch.float64)

@pytest.fixture(scope='module')
def now32():
    "First steps in float32, the tabular one with torch's Softplus in the generator (see above)."
    from vera.nets import FastSoftplus
    fwd = FastSoftplus.forward
    FastSoftplus.forward = torch.nn.Softplus.forward
    try: return step_cases.run_all(**step_cases.FLOAT32)
    finally: FastSoftplus.forward = fwd

def test_the_reference_covers_every_case():
    assert sorted(REF['float64']) == sorted(REF['float32']) == sorted(step_cases.cases())
    assert all(len(REF['float32'][k]['stats']) == 1 and REF['float32'][k]['stats'][0]['sigma'] == pytest.approx(0.3) for k in REF['float32'])
    assert REF['float64']['tabular_784']['no_gradient'] == [f'gen.net.{i}.bias' for i in (0, 3, 6)]
    assert REF['float64']['moons_mlp']['no_gradient'] == ['ebm.4.bias', 'gen.net.0.bias', 'gen.net.3.bias']

def test_the_tabular_case_runs_fast_softplus():
    from vera.nets import FastSoftplus
    tr = step_cases.cases()['tabular_784'][0]()
    assert sum(isinstance(m, FastSoftplus) for m in tr.gen.modules()) == 3

@pytest.mark.parametrize('name', sorted(step_cases.cases()))
def test_same_algebra_in_float64(name, now64):
    ref, got = REF['float64'][name], now64[name]
    assert got['no_gradient'] == ref['no_gradient']
    noisy = set(ref['no_gradient']) | {k for k in ref['state'] if k.endswith('running_mean')}
    bad = mismatches(ref, got, TOL64, skip=noisy)
    assert not bad, f"{name}: " + '; '.join(bad[:5])
    for k in sorted(noisy):           # moved by rounding noise, which Adam divides by its eps (see above)
        assert torch.allclose(got['state'][k], ref['state'][k], rtol=0, atol=NOISE64), (k, (got['state'][k] - ref['state'][k]).abs().max().item())

@pytest.mark.parametrize('name', sorted(step_cases.cases()))
def test_same_first_losses_in_float32(name, now32):
    ref, got = REF['float32'][name], now32[name]
    bad = mismatches(dict(stats=ref['stats'], state={}), dict(stats=got['stats'], state={}), TOL32)
    assert not bad, f"{name}: " + '; '.join(bad[:5])

def test_a_changed_step_is_caught(monkeypatch, now64):
    "The float64 comparison fails for a step that computes something else: the penalty weight changed by one part in a million."
    from vera.vera import Trainer
    orig = Trainer.ebm_loss
    def changed(self, batch, x_neg):
        pg = self.pg_control; self.pg_control = pg * (1 + 1e-6)
        try: return orig(self, batch, x_neg)
        finally: self.pg_control = pg
    monkeypatch.setattr(Trainer, 'ebm_loss', changed)
    got = step_cases.run_all(['moons_mog'], dtype=torch.float64)['moons_mog']
    assert mismatches(REF['float64']['moons_mog'], got, TOL64)
    assert not mismatches(REF['float64']['moons_mog'], now64['moons_mog'], TOL64)    # the same run with the step unchanged passes
