"""One JEM run on several processes: `torchrun --nproc_per_node 2 -m vera.jem` (gloo on CPUs) at global batch B follows the
same trajectory as one process at batch B, and a checkpoint written by either resumes in the other."""
import os, subprocess, sys, time
from pathlib import Path
import psutil, pytest, torch
from vera.data import write_fixtures

N, B = 6, 64      # iterations, global batch: a few steps, since Adam with beta1 = 0 turns float-order differences into jumps of lr at elements whose second moment is ~0 (seen from step 7 on here)
# The plain classifier without dropout is the JEM run whose every step is a function of the global batch alone: dropout,
# SGLD noise, the replay buffer and the generator's batch norm draw per-process randomness or statistics, so they cannot
# be compared step for step across world sizes. 05d_dist checks the PCD and VERA steps themselves at settings that make
# them deterministic.
SETS = ['method=classifier', 'dropout=0.0', f'n_iters={N}', f'batch_size={B}', 'lr=2e-4', f'eval_every={N}', 'ckpt_every=1']
TOL = 1e-5        # largest parameter difference allowed (parameters ~0.3; float32 sums in another order)

def _cmd(nproc, out, root, sets=SETS):
    pre = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(nproc)] if nproc > 1 else [sys.executable]
    return pre + ['-m', 'vera.jem', '--preset', 'smoke', '--device', 'cpu', '--root', str(root), '--out-dir', str(out),
                  *[a for s in sets for a in ('--set', s)]]

ENV = dict(os.environ, OMP_NUM_THREADS='1')

def _run(nproc, out, root, sets=SETS):
    r = subprocess.run(_cmd(nproc, out, root, sets), capture_output=True, text=True, env=ENV, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]

def _ckpt(out):
    return torch.load(Path(out) / 'checkpoint.pt', weights_only=True)

def _diff(a, b)->float:
    a, b = _ckpt(a)['trainer']['modules']['ebm'], _ckpt(b)['trainer']['modules']['ebm']
    return max((a[k] - b[k]).abs().max().item() for k in a)

def _killed_at(nproc, out, root, at=2)->int:
    "Start a run, kill it once its checkpoint has passed iteration `at`; the checkpoint's iteration."
    p = subprocess.Popen(_cmd(nproc, out, root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True)
    t0, it = time.time(), 0
    while it < at and time.time() - t0 < 600 and p.poll() is None:
        time.sleep(0.02)
        try: it = _ckpt(out)['trainer']['iteration']
        except Exception: pass                      # not written yet
    procs = [psutil.Process(p.pid), *psutil.Process(p.pid).children(recursive=True)]   # torchrun starts its workers in their own sessions
    for q in procs: q.kill()
    psutil.wait_procs(procs, timeout=60); p.wait()
    return _ckpt(out)['trainer']['iteration']

@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp('dist'); root = write_fixtures(d / 'data')
    for n in (1, 2): _run(n, d / f'straight{n}', root)
    return d, root

@pytest.mark.slow
def test_two_processes_follow_one(runs):
    d, root = runs
    assert _ckpt(d / 'straight1')['trainer']['iteration'] == _ckpt(d / 'straight2')['trainer']['iteration'] == N
    assert _diff(d / 'straight1', d / 'straight2') < TOL
    _run(1, d / 'half_batch', root, [s if not s.startswith('batch_size') else f'batch_size={B // 2}' for s in SETS])
    assert _diff(d / 'straight2', d / 'half_batch') > 100 * TOL      # what one process without the gradient averaging would do

@pytest.mark.slow
@pytest.mark.parametrize('first,then', [(2, 1), (1, 2)])
def test_a_checkpoint_resumes_in_the_other_world_size(runs, first, then):
    d, root = runs
    out = d / f'resumed_{first}_{then}'
    k = _killed_at(first, out, root)
    assert 1 <= k < N, k                              # killed mid-run
    _run(then, out, root)
    assert _ckpt(out)['trainer']['iteration'] == N
    assert _diff(out, d / 'straight1') < TOL
