"""Checkpoints are data, not code: every checkpoint vera writes loads with `torch.load(path, weights_only=True)`,
and `load_checkpoint` refuses a file whose pickle names a function before anything in it runs.
Also: a checkpoint carries its run's parameters (`run_config`) and a resume with other parameters is refused;
`check_out_dir` refuses an output folder it cannot write in."""
import os, pickle, random, sys
from pathlib import Path
import numpy as np
import pytest, torch

from vera.core import get_rng_state, set_rng_state, seed_everything, check_out_dir
from vera.vera import VERA, fit, load_checkpoint, save_checkpoint
from vera.toy import MixtureEBM, ToyGenerator, sample_toy

torch.set_num_threads(1)

def _trainer(seed=0):
    torch.manual_seed(seed)
    return VERA(MixtureEBM(10, 2), ToyGenerator(noise_dim=2), noise_dim=2, lr=1e-3, glr=1e-3, post_lr=1e-3,
                warmup_iters=3, decay_at=[5])

def _data(it): return sample_toy('moons', 50)

class _Touch:
    "Unpickling it creates `target` (a harmless stand-in for any code)."
    def __init__(self, target): self.target = target
    def __reduce__(self): return (Path.touch, (self.target,))

class _System:
    "Unpickling it runs a shell command through os.system."
    def __init__(self, target): self.target = target
    def __reduce__(self): return (os.system, (f'touch {self.target}',))

@pytest.mark.parametrize('payload', [_Touch, _System], ids=['Path.touch', 'os.system'])
def test_malicious_checkpoint_is_refused_unexecuted(tmp_path, payload):
    marker, ck = tmp_path / 'pwned', tmp_path / 'checkpoint.pt'
    torch.save({'vera_checkpoint': 1, 'trainer': {'iteration': 3}, 'history': {'eval': [payload(marker)]}}, ck)
    with pytest.raises(ValueError) as e: load_checkpoint(ck)
    msg = str(e.value)
    assert str(ck) in msg and 'holds pickled objects other than tensors and plain data' in msg and 'not loaded' in msg, msg
    assert not marker.exists(), "load_checkpoint ran the checkpoint's payload"
    # the same through fit's resume, and with a trainer to load into
    with pytest.raises(ValueError, match='holds pickled objects'): fit(_trainer(), _data, 5, ckpt_path=ck)
    with pytest.raises(ValueError, match='holds pickled objects'): load_checkpoint(ck, _trainer())
    assert not marker.exists()
    # what torch itself does with the file: a weights-only load refuses it too (the payload named)
    with pytest.raises(pickle.UnpicklingError): torch.load(ck, weights_only=True)
    assert not marker.exists()

def test_malicious_plain_pickle_is_refused_unexecuted(tmp_path):
    "A bare pickle file (not torch's zip format) with a payload: refused, naming the file, nothing run."
    marker, ck = tmp_path / 'pwned', tmp_path / 'checkpoint.pt'
    ck.write_bytes(pickle.dumps({'vera_checkpoint': 1, 'trainer': _System(marker)}, protocol=2))
    with pytest.raises(ValueError) as e: load_checkpoint(ck)
    assert str(ck) in str(e.value) and 'holds pickled objects other than tensors and plain data' in str(e.value), str(e.value)
    assert 'system' in str(e.value)                                    # the refused function is named
    assert not marker.exists()

def test_checkpoint_round_trip_is_weights_only(tmp_path):
    seed_everything(0)
    tr, ck = _trainer(), tmp_path / 'ck.pt'
    hist = fit(tr, _data, 8, eval_fn=lambda t: {'f': t.logp(torch.zeros(1, 2)).item()}, eval_every=4,
               ckpt_path=ck, run_config=dict(dataset='moons', decay_at=(5,), out=tmp_path))
    raw = torch.load(ck, weights_only=True, map_location='cpu')       # a bare weights-only read
    assert raw['vera_checkpoint'] == 1 and raw['trainer']['iteration'] == 8
    assert raw['history'] == hist and raw['history'] == load_checkpoint(ck)['history']
    assert raw['run_config'] == dict(dataset='moons', decay_at=[5], out=str(tmp_path))
    assert raw['trainer']['schedulers'] and torch.is_tensor(raw['trainer']['optimizers']['ebm']['state'][0]['exp_avg'])
    # a fresh trainer restored from it holds the same weights and continues with the same random draws
    a = torch.randn(4)
    tr2 = _trainer(seed=123)
    load_checkpoint(ck, tr2, run_config=dict(dataset='moons', decay_at=[5], out=str(tmp_path)))
    assert tr2.iteration == 8
    for (k, v), (k2, v2) in zip(tr.ebm.state_dict().items(), tr2.ebm.state_dict().items()): assert k == k2 and torch.equal(v, v2)
    assert torch.equal(torch.randn(4), a)

def test_rng_state_is_plain_data_and_restores_exactly(tmp_path):
    seed_everything(11); random.gauss(0, 1); np.random.standard_normal()
    st = get_rng_state()
    draw = lambda: (torch.rand(3).tolist(), np.random.rand(2).tolist(), np.random.standard_normal(), random.random(), random.gauss(0, 1))
    ref = draw()
    torch.save(st, tmp_path / 'rng.pt')
    seed_everything(99); draw()
    set_rng_state(torch.load(tmp_path / 'rng.pt', weights_only=True))
    assert draw() == ref

def test_clear_errors(tmp_path):
    tr = _trainer()
    with pytest.raises(FileNotFoundError, match='no checkpoint at'): load_checkpoint(tmp_path / 'missing.pt', tr)
    (tmp_path / 'bad.pt').write_bytes(b'not a checkpoint')
    with pytest.raises(ValueError, match=r'bad\.pt is corrupt or not a torch file'): load_checkpoint(tmp_path / 'bad.pt', tr)
    good = tmp_path / 'good.pt'; fit(tr, _data, 2, ckpt_path=good)
    (tmp_path / 'cut.pt').write_bytes(good.read_bytes()[:500])
    with pytest.raises(ValueError, match=r'cut\.pt is corrupt or not a torch file'): load_checkpoint(tmp_path / 'cut.pt', tr)
    torch.save({'weights': torch.ones(2)}, tmp_path / 'foreign.pt')
    with pytest.raises(ValueError, match=r'foreign\.pt is not a vera checkpoint'): load_checkpoint(tmp_path / 'foreign.pt', tr)
    # a checkpoint in the older format (NumPy arrays in the random states) is refused with a hint, unexecuted
    torch.save({'vera_checkpoint': 1, 'trainer': {}, 'rng': {'numpy': np.random.get_state()}}, tmp_path / 'old.pt')
    with pytest.raises(ValueError, match='numpy.*start such a run afresh'): load_checkpoint(tmp_path / 'old.pt', tr)

def test_save_refuses_what_a_weights_only_load_would(tmp_path):
    tr = _trainer()
    with pytest.raises(TypeError, match=r"checkpoint\['history'\]\['eval'\]\[0\] \(numpy.float64\)"):
        save_checkpoint(tmp_path / 'ck.pt', tr, {'iteration': [], 'stats': {}, 'eval': [np.float64(0.5)]})
    with pytest.raises(TypeError, match=r"checkpoint\['note'\] \(builtins.set\)"):
        save_checkpoint(tmp_path / 'ck.pt', tr, {'iteration': [], 'stats': {}, 'eval': []}, note={1, 2})
    assert not (tmp_path / 'ck.pt').exists()
    with pytest.raises(TypeError, match='run_config must hold JSON data'):
        save_checkpoint(tmp_path / 'ck.pt', tr, {}, run_config={'f': object()})

def test_resume_with_other_run_config_is_refused(tmp_path):
    ck, cfg = tmp_path / 'checkpoint.pt', dict(dataset='moons', n_iters=10, lr=1e-3)
    fit(_trainer(), _data, 4, ckpt_path=ck, run_config=cfg)
    with pytest.raises(ValueError) as e:
        fit(_trainer(), _data, 10, ckpt_path=ck, run_config=cfg | dict(dataset='circles', seed=1))
    msg = str(e.value)
    assert msg.startswith(f"checkpoint {ck} was written by a run with other parameters: ")
    assert "dataset='moons' there but 'circles' here" in msg and 'seed absent there but 1 here' in msg and 'resume=False' in msg, msg
    assert 'lr' not in msg.split(':', 1)[1].split(';')[0]                # only the differences are named
    tr = _trainer(); fit(tr, _data, 10, ckpt_path=ck, run_config=dict(cfg))   # the same parameters resume
    assert tr.iteration == 10 and load_checkpoint(ck)['trainer']['iteration'] == 10
    tr = _trainer(); fit(tr, _data, 12, ckpt_path=ck, run_config=cfg | dict(dataset='circles'), resume=False)
    assert load_checkpoint(ck)['run_config']['dataset'] == 'circles'    # resume=False starts afresh and overwrites
    fit(_trainer(), _data, 2, ckpt_path=tmp_path / 'plain.pt')
    with pytest.raises(ValueError, match='stored no parameters'): load_checkpoint(tmp_path / 'plain.pt', run_config=cfg)

def test_check_out_dir(tmp_path):
    out = check_out_dir(tmp_path / 'a' / 'b')
    assert out.is_dir() and not any(out.iterdir())
    f = tmp_path / 'file'; f.write_text('x')
    with pytest.raises(ValueError) as e: check_out_dir(f)
    assert str(e.value) == f"output folder {f} is an existing file, not a folder"
    with pytest.raises(ValueError, match='is not writable'): check_out_dir(f / 'sub')
    if os.name == 'posix' and os.geteuid() != 0:    # root writes anywhere
        ro = tmp_path / 'ro'; ro.mkdir(); ro.chmod(0o500)
        try:
            with pytest.raises(ValueError, match='is not writable'): check_out_dir(ro)
        finally: ro.chmod(0o700)
