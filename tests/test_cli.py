"""The main job: console script, Python function, run record, and clear errors on bad input."""
import json, subprocess, sys
from pathlib import Path
import pytest

BIN = Path(sys.executable).parent

def test_help():
    r = subprocess.run([str(BIN / 'vera-toy'), '--help'], capture_output=True, text=True)
    assert r.returncode == 0 and '--dataset' in r.stdout and '--ent-weight' in r.stdout and 'metrics.json' in r.stdout

def test_bad_dataset_is_named_and_writes_nothing(tmp_path):
    r = subprocess.run([str(BIN / 'vera-toy'), '--dataset', 'mooons', '--out-dir', str(tmp_path / 'run')], capture_output=True, text=True)
    assert r.returncode == 2 and "invalid choice: 'mooons'" in r.stderr
    assert not (tmp_path / 'run').exists()

def test_bad_hyperparameter(tmp_path):
    r = subprocess.run([str(BIN / 'vera-toy'), '--lr', '0', '--n-iters', '5', '--out-dir', str(tmp_path / 'run')], capture_output=True, text=True)
    assert r.returncode == 2 and 'lr must be a positive number' in r.stderr
    assert not (tmp_path / 'run' / 'metrics.json').exists()

def test_run_toy_writes_run_record(tmp_path):
    from vera.toy import run_toy
    from vera.core import read_metrics
    m = run_toy('moons', n_iters=40, eval_every=20, n_test=500, out_dir=tmp_path, show_progress=False)
    rec = read_metrics(tmp_path)
    for f in ('density.png', 'curve.png', 'samples.npy', 'checkpoint.pt'): assert (tmp_path / f).exists(), f
    assert rec['params']['dataset'] == 'moons' and rec['params']['n_iters'] == 40 and rec['seed'] == 0
    assert rec['metrics']['loglik'] == m['loglik'] and rec['metrics']['iterations'] == 40
    assert rec['versions']['torch'] and rec['wall_time_s'] > 0 and [e['iteration'] for e in rec['eval_curve']] == [20, 40]
    with pytest.raises(ValueError, match="unknown toy dataset 'spiral'"): run_toy('spiral', out_dir=tmp_path / 'x')
    assert not (tmp_path / 'x').exists()

def test_resume_with_other_config_is_refused_with_a_hint(tmp_path):
    run = tmp_path / 'run'
    r = subprocess.run([str(BIN / 'vera-toy'), '--n-iters', '20', '--out-dir', str(run)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    before = (run / 'metrics.json').read_bytes()
    r = subprocess.run([str(BIN / 'vera-toy'), '--n-iters', '20', '--ent-weight', '0.5', '--out-dir', str(run)], capture_output=True, text=True)
    assert r.returncode == 2 and 'ent_weight=1.0 there but 0.5 here' in r.stderr and r.stderr.count('--no-resume') == 1, r.stderr
    assert (run / 'metrics.json').read_bytes() == before          # nothing half-written over the earlier run
    (run / 'checkpoint.pt').write_bytes(b'garbage')
    r = subprocess.run([str(BIN / 'vera-toy'), '--n-iters', '20', '--out-dir', str(run)], capture_output=True, text=True)
    assert r.returncode == 0 and (run / 'metrics.json').read_bytes() == before   # finished with these parameters: reused as it is
    r = subprocess.run([str(BIN / 'vera-toy'), '--n-iters', '40', '--out-dir', str(run)], capture_output=True, text=True)
    assert r.returncode == 2 and 'is corrupt or not a torch file' in r.stderr

def test_methods_and_skip_of_a_finished_run(tmp_path):
    from vera.toy import run_toy
    from vera.core import read_metrics
    run = tmp_path / 'ml'
    r = subprocess.run([str(BIN / 'vera-toy'), '--method', 'ml', '--ebm', 'mog', '--n-iters', '30', '--out-dir', str(run)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = read_metrics(run)
    assert rec['metrics']['method'] == 'ml' and rec['metrics']['status'] == 'ok' and (run / 'logp_grid.npy').exists()
    before = (run / 'metrics.json').read_bytes()
    assert run_toy('moons', 30, ebm='mog', method='ml', out_dir=run, show_progress=False) == rec['metrics']   # finished: reused
    assert (run / 'metrics.json').read_bytes() == before
    r = subprocess.run([str(BIN / 'vera-toy'), '--method', 'ml', '--n-iters', '5', '--out-dir', str(tmp_path / 'x')], capture_output=True, text=True)
    assert r.returncode == 2 and "maximum likelihood needs the exact density: use ebm='mog'" in r.stderr and not (tmp_path / 'x').exists()

def test_divergence_is_recorded(tmp_path):
    "A run whose loss becomes non-finite writes status 'diverged' with the iteration, and the CLI exits 1."
    from vera.toy import run_toy
    m = run_toy('moons', 50, ebm='mlp', method='pcd', sgld_sigma=1.0, lr=1e6, eval_every=10, n_test=200, out_dir=tmp_path / 'd', show_progress=False)
    assert m['status'] == 'diverged' and 'iteration' in m['error'] and m['loglik'] is None

def _toy(*args):
    return subprocess.run([str(BIN / 'vera-toy'), *map(str, args)], capture_output=True, text=True)

def test_out_dir_that_is_a_file_is_a_one_line_error(tmp_path):
    f = tmp_path / 'afile'; f.write_text('keep me')
    r = _toy('--n-iters', 5, '--out-dir', f)
    assert r.returncode == 2 and 'is an existing file' in r.stderr and str(f) in r.stderr, r.stderr[-2000:]
    assert 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert f.read_text() == 'keep me'

def test_out_dir_that_cannot_be_created_is_a_one_line_error(tmp_path):
    f = tmp_path / 'afile'; f.write_text('x')
    r = _toy('--n-iters', 5, '--out-dir', f / 'run')          # below a file: no folder can be made there, not even by root
    assert r.returncode == 2 and 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr[-2000:]
    assert 'run' in r.stderr

def test_resume_on_another_dataset_is_refused_naming_it(tmp_path):
    run = tmp_path / 'run'
    r = _toy('--n-iters', 20, '--out-dir', run)
    assert r.returncode == 0, r.stderr[-2000:]
    before = (run / 'metrics.json').read_bytes()
    r = _toy('--dataset', 'circles', '--n-iters', 20, '--out-dir', run)
    assert r.returncode == 2 and 'dataset' in r.stderr and 'moons' in r.stderr and 'circles' in r.stderr and '--no-resume' in r.stderr, r.stderr[-2000:]
    assert (run / 'metrics.json').read_bytes() == before          # the moons run is untouched
    r = _toy('--dataset', 'circles', '--n-iters', 20, '--out-dir', run, '--no-resume')
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads((run / 'metrics.json').read_text())['params']['dataset'] == 'circles'
