"""The optimised VERA step computes what the step before the optimisation computed.

`tests/data/step_reference.pt` holds the per-step losses and the final parameters and buffers of six fixed-seed cases
(toy mixture and MLP energies in both step orders and entropy-free, a 784-d tabular energy with the BatchNorm +
Softplus generator, a small JEM Wide-ResNet with the classifier term), written by the package of commit 17592a7 with
`python tests/step_cases.py --write tests/data/step_reference.pt --commit 17592a7`. Here the same cases run on the
package as it is; every number must agree to float32 rounding.

One exception is made, by the algebra: a bias that feeds a training-mode BatchNorm has a gradient of exactly zero
(the normalisation subtracts the batch mean), so what Adam does to it is driven by rounding noise alone (Adam divides
that noise by its own size: a step of about the learning rate either way), and the BatchNorm's running mean follows it.
For such a pair only `bias - running_mean` is compared, the combination through which either enters any output (in
evaluation mode the layer computes (W x + bias - running_mean) / ...). The tabular case starts at sigma = 0.1: with
sigma = 0.01 its generator loss divides float32 rounding of g(z) by sigma^2 = 1e-4 (the score (sum_i w_i g(z_i) - x) / sigma^2
is a difference of nearly equal numbers), so one ulp anywhere moves that loss by 1e-5 of itself in any two float32 codes.

The tabular generator's `FastSoftplus` computes softplus by another formula, within a few ulp of the exact value per
element (checked on 200,000 points and the extremes in `nbs/05b_nets.ipynb`); through the importance weights of a
784-dimensional case (log-weights of size ~1e3, whose float32 rounding alone is ~1e-4 absolute) such per-element ulps move
the effective sample size by ~3e-5 of itself. So the tabular case runs here with torch's Softplus put back, and checks
that everything else in the step is unchanged to 1e-5; the per-element check covers the formula.
"""
from pathlib import Path
import pytest, torch
import step_cases

REF = torch.load(Path(__file__).parent / 'data' / 'step_reference.pt', weights_only=True)
ATOL, RTOL = 1e-5, 1e-5   # float32 rounding of a few reordered sums, carried through a few Adam steps

class _Pairs(dict): skipped = ()

def bn_fed_biases(state:dict)->dict:
    "'<bias> - <running_mean>' for every Linear bias directly followed by a BatchNorm in a Sequential; `.skipped` names both."
    out, skipped = _Pairs(), set()
    for k in state:
        head, _, leaf = k.rpartition('.')
        pre, _, idx = head.rpartition('.')
        if leaf != 'bias' or not idx.isdigit(): continue
        rm = f'{pre}.{int(idx) + 1}.running_mean'
        if rm in state and state[rm].shape == state[k].shape:
            out[f'{k} - {rm}'] = state[k] - state[rm]; skipped |= {k, rm}
    out.skipped = skipped
    return out

def test_the_pairs_are_found():
    s = REF['results']['tabular_784']['state']
    assert sorted(bn_fed_biases(s)) == [f'gen.net.{i}.bias - gen.net.{i + 1}.running_mean' for i in (0, 3, 6)]
    assert bn_fed_biases(REF['results']['jem_wrn']['state']) == {}     # SNGAN's linear feeds a reshape, not a BatchNorm1d

@pytest.fixture(scope='module')
def now():
    "The cases as the package runs them, the tabular one with torch's Softplus in the generator (see below)."
    from vera.nets import FastSoftplus
    fwd = FastSoftplus.forward
    FastSoftplus.forward = torch.nn.Softplus.forward
    try: return step_cases.run_all()
    finally: FastSoftplus.forward = fwd

def test_the_tabular_case_runs_fast_softplus():
    from vera.nets import FastSoftplus
    tr = step_cases.cases()['tabular_784'][0]()
    assert sum(isinstance(m, FastSoftplus) for m in tr.gen.modules()) == 3

@pytest.mark.parametrize('name', sorted(REF['results']))
def test_same_losses_and_parameters(name, now):
    ref, got = REF['results'][name], now[name]
    assert len(got['stats']) == len(ref['stats'])
    for i, (a, b) in enumerate(zip(ref['stats'], got['stats'])):
        assert a.keys() == b.keys(), f"step {i}: stats {sorted(a)} vs {sorted(b)}"
        for k in a: assert b[k] == pytest.approx(a[k], rel=RTOL, abs=ATOL), f"{name} step {i} {k}: {b[k]} vs {a[k]}"
    assert ref['state'].keys() == got['state'].keys()
    ref_s, got_s = bn_fed_biases(ref['state']), bn_fed_biases(got['state'])
    for k, v in ref_s.items():
        w = got_s[k]
        torch.testing.assert_close(w, v, atol=ATOL, rtol=RTOL, msg=lambda m: f"{name} {k}: {m}")
    for k, v in ref['state'].items():
        if k in ref_s.skipped: continue
        w = got['state'][k]
        assert w.shape == v.shape and w.dtype == v.dtype, k
        if v.is_floating_point():
            torch.testing.assert_close(w, v, atol=ATOL, rtol=RTOL, msg=lambda m: f"{name} {k}: {m}")
        else: assert torch.equal(w, v), k
