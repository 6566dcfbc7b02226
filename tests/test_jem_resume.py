"""The JEM experiment (`vera-jem`, smoke scale, on the committed MNIST fixture files) killed with SIGKILL after its first checkpoint resumes from it
and ends with the same metrics.json as an uninterrupted run: the same iteration count, evaluation curve, logged
training statistics and final metrics (batches and random draws are functions of the iteration, so resume is exact)."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / 'tests' / 'fixtures' / 'data'          # MNIST in its official idx format, a few hundred images
N_ITERS, CKPT_EVERY = 12, 3
SETTINGS = dict(n_iters=N_ITERS, ckpt_every=CKPT_EVERY, batch_size=8, eval_every=6, n_eval=100, n_test=200, n_ood=20, n_samples=4,
                mala_chunk=4, mala_steps=1, mala_burn_in=1, n_per_class=1)
# what differs between two runs of the same computation: timing and provenance
VOLATILE = {'sec_per_iter'}

def _start(out_dir, cwd):
    cmd = [str(Path(sys.executable).parent / 'vera-jem'), '--preset', 'smoke', '--root', str(DATA), '--out-dir', str(out_dir), '--device', 'cpu']
    for k, v in SETTINGS.items(): cmd += ['--set', f'{k}={json.dumps(v)}']
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1', VERA_PROGRESS='0')
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def _finish(p, timeout=300):
    out, err = p.communicate(timeout=timeout)
    assert p.returncode == 0, f"vera-jem exited with {p.returncode}:\n{err[-3000:]}"
    return out

def _metrics(out_dir): return json.loads((Path(out_dir) / 'metrics.json').read_text())

@pytest.mark.slow
def test_jem_sigkill_then_resume_matches_uninterrupted(tmp_path):
    ref_dir, run_dir = tmp_path / 'ref', tmp_path / 'run'
    _finish(_start(ref_dir, tmp_path))
    p = _start(run_dir, tmp_path)
    ckpt, deadline = run_dir / 'checkpoint.pt', time.time() + 300
    while not ckpt.exists() and p.poll() is None and time.time() < deadline: time.sleep(0.02)
    assert ckpt.exists(), "no checkpoint was written"
    assert p.poll() is None, "the run finished before it could be killed; raise N_ITERS"
    p.send_signal(signal.SIGKILL); p.communicate()
    assert p.returncode == -signal.SIGKILL and not (run_dir / 'metrics.json').exists()
    from vera.vera import load_checkpoint
    killed_at = load_checkpoint(ckpt)['trainer']['iteration']
    assert CKPT_EVERY <= killed_at < N_ITERS and killed_at % CKPT_EVERY == 0, killed_at
    _finish(_start(run_dir, tmp_path))
    a, b = _metrics(ref_dir), _metrics(run_dir)
    assert b['metrics']['status'] == 'ok' and b['metrics']['iterations'] == N_ITERS == b['params']['n_iters']
    assert [e['iteration'] for e in b['eval_curve']] == [6, 12]
    assert b['train_curve']['iteration'] == list(range(1, N_ITERS + 1))
    assert a['eval_curve'] == b['eval_curve'], f"evaluation curve differs after resume from iteration {killed_at}"
    for k in a['train_curve']: assert a['train_curve'][k] == b['train_curve'][k], f"training statistic {k!r} differs after resume"
    assert {k: v for k, v in a['metrics'].items() if k not in VOLATILE} == {k: v for k, v in b['metrics'].items() if k not in VOLATILE}
    assert a['params'] == b['params']
    for f in b['files']: assert (run_dir / f).exists(), f
    # a third call finds the finished run and returns it untouched
    stamp = (run_dir / 'metrics.json').stat().st_mtime_ns
    out = _finish(_start(run_dir, tmp_path))
    assert json.loads(out)['iterations'] == N_ITERS and (run_dir / 'metrics.json').stat().st_mtime_ns == stamp
