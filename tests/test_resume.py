"""A training process killed with SIGKILL resumes from its last checkpoint and ends with the same loss trace
as an uninterrupted run (the in-notebook check in 04_vera simulates the kill with an exception)."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

SCRIPT = r'''
import json, sys, torch
from vera.core import seed_everything
from vera.vera import VERA, fit
from vera.toy import MixtureEBM, ToyGenerator, sample_toy
torch.set_num_threads(1)
ckpt, out, n_iters = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed_everything(0)
tr = VERA(MixtureEBM(20, 2), ToyGenerator(noise_dim=2), noise_dim=2, lr=1e-3, glr=1e-3, post_lr=1e-3,
          warmup_iters=20, decay_at=[150])
hist = fit(tr, lambda it: sample_toy('moons', 100), n_iters, ckpt_path=ckpt, ckpt_every=25, show_progress=False)
json.dump({'iteration': hist['iteration'], 'stats': hist['stats']}, open(out, 'w'))
'''

def _run(tmp, ckpt, out, n_iters):
    return subprocess.Popen([sys.executable, '-c', SCRIPT, str(ckpt), str(out), str(n_iters)], cwd=tmp)

def _ckpt_iteration(path):
    import torch
    if not Path(path).exists(): return -1
    try: return torch.load(path, weights_only=True)['trainer']['iteration']     # checkpoints are data: a weights-only read
    except (RuntimeError, EOFError, OSError): return -1                        # not there yet, or caught mid-rename

def test_sigkill_then_resume_matches_uninterrupted(tmp_path):
    n = 300
    ref = _run(tmp_path, tmp_path / 'ref.pt', tmp_path / 'ref.json', n); assert ref.wait(timeout=600) == 0
    p = _run(tmp_path, tmp_path / 'ck.pt', tmp_path / 'killed.json', n)
    deadline = time.time() + 300
    while time.time() < deadline and _ckpt_iteration(tmp_path / 'ck.pt') < 100 and p.poll() is None: time.sleep(0.05)
    assert p.poll() is None, "the run finished before it could be killed; raise n"
    p.send_signal(signal.SIGKILL); p.wait()
    killed_at = _ckpt_iteration(tmp_path / 'ck.pt')
    assert 100 <= killed_at < n and not (tmp_path / 'killed.json').exists()
    r = _run(tmp_path, tmp_path / 'ck.pt', tmp_path / 'resumed.json', n); assert r.wait(timeout=600) == 0
    assert _ckpt_iteration(tmp_path / 'ck.pt') == n
    a, b = json.loads((tmp_path / 'ref.json').read_text()), json.loads((tmp_path / 'resumed.json').read_text())
    assert a['iteration'] == b['iteration'] == list(range(1, n + 1))
    for k in a['stats']: assert a['stats'][k] == b['stats'][k], f"loss trace {k!r} differs after resume from iteration {killed_at}"
