"""The experiment notebooks run under papermill as a user runs them: the `parameters` tag works end to end, and the
command a GPU user types runs through every cell with only the budget changed.

Data come from the committed fixture files in the official formats (tests/fixtures/data), handed over as the data home
through VERA_DATA, as a user's machine would hold the real files; no notebook here reads anything else.
"""
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / 'tests' / 'fixtures' / 'data'
pytestmark = pytest.mark.slow

def _env(**kw):
    env = {k: v for k, v in os.environ.items() if k != 'IN_TEST'}   # a real execution, not nbdev-test's smoke preset
    return dict(env, VERA_DATA=str(FIXTURES), VERA_NO_EXPORT='1', **kw)

def test_gpu_command_runs_through_every_cell_of_the_jem_notebook(tmp_path):
    "`papermill nbs/07_jem.ipynb out.ipynb` with the paper's preset (CIFAR10), only device and budget made tiny, FID skipped by its flag."
    params = dict(device='cpu', depth=10, widen=1, gen_feats=8, noise_dim=8, num_samples=2, batch_size=8, n_iters=3,
                  n_samples=16, mala_steps=2, mala_burn_in=1, mala_chunk=16, n_per_class=1, fid=False, run_root=str(tmp_path / 'runs'))
    yaml = '\n'.join(f'{k}: {json.dumps(v)}' for k, v in params.items())
    out = tmp_path / 'out.ipynb'
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '07_jem.ipynb'), str(out), '-y', yaml, '--cwd', str(ROOT / 'nbs')],
                       capture_output=True, text=True, timeout=900, env=_env())
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads((tmp_path / 'runs' / 'paper' / 'metrics.json').read_text())
    assert rec['params']['dataset'] == 'cifar10' and rec['params']['clf_weight'] == 100.0 and rec['params']['n_iters'] == 3
    m = rec['metrics']
    assert m['status'] == 'ok' and m['iterations'] == 3 and m['fid_skipped'] == 'fid=False was asked'
    assert {'svhn', 'cifar100', 'cifar10_interp', 'uniform', 'constant'} <= set(m['ood_auroc'])   # the OOD sets came from the data home
    assert 'root' not in rec['params'] and 'out_dir' not in rec['params']                         # no machine paths in a record
    cells = json.loads(out.read_text())['cells']
    assert all(c.get('metadata', {}).get('papermill', {}).get('status') != 'failed' for c in cells)
    src = ''.join(''.join(c['source']) for c in cells if c['cell_type'] == 'code')
    assert 'nbdev_export' not in src and 'test_eq' not in src and 'test_fail' not in src   # no development cell runs under papermill

def test_papermill_overrides_toy_notebook(tmp_path):
    runs, res = tmp_path / 'runs', tmp_path / 'results'
    params = dict(datasets=['circles'], seeds=[1], paper_iters=12, short_iters=8, fig1_iters=6, stab_iters=6,
                  run_root=str(runs), results_dir=str(res))
    yaml = '\n'.join(f'{k}: {json.dumps(v)}' for k, v in params.items())
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '06_toy.ipynb'), str(tmp_path / 'out.ipynb'),
                        '-y', yaml, '--cwd', str(ROOT / 'nbs')], capture_output=True, text=True, timeout=900, env=_env())
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads((runs / 'table10' / 'circles' / 'ml' / 'seed1' / 'metrics.json').read_text())
    assert rec['params']['n_iters'] == 12 and rec['params']['dataset'] == 'circles' and rec['metrics']['iterations'] == 12
    rec = json.loads((runs / 'table10' / 'circles' / 'vera_lam0.1' / 'seed1' / 'metrics.json').read_text())
    assert rec['params']['n_iters'] == 8 and rec['seed'] == 1
    t = json.loads((res / 'table10.json').read_text())
    assert set(t['cells']) == {f'circles/{m}' for m in ('ml', 'vera_lam0', 'vera_lam0.01', 'vera_lam0.1', 'vera_lam1', 'pcd')}
    assert t['parameters']['paper_iters'] == 12 and all(c['seeds_asked'] == 1 for c in t['cells'].values())
    for f in ('figure1.png', 'stability.png', 'stability.json', 'table10_curves.png', 'table10_densities.png'): assert (res / f).exists(), f

def test_papermill_overrides_ssl_notebook(tmp_path):
    runs, res = tmp_path / 'runs', tmp_path / 'results'
    params = dict(datasets=['human'], methods=['supervised', 'vat'], seeds=[1], n_iters=6, lr=3e-4, eval_every=3,
                  run_root=str(runs), results_dir=str(res))
    yaml = '\n'.join(f'{k}: {json.dumps(v)}' for k, v in params.items())
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '09_ssl.ipynb'), str(tmp_path / 'out.ipynb'),
                        '-y', yaml, '--cwd', str(ROOT / 'nbs')], capture_output=True, text=True, timeout=900, env=_env())
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads((runs / 'human' / 'vat' / 'seed1' / 'metrics.json').read_text())
    assert rec['params']['n_iters'] == 6 and rec['params']['lr'] == 3e-4 and rec['seed'] == 1
    assert [e['iteration'] for e in rec['eval_curve']] == [3, 6]
    t = json.loads((res / 'table6.json').read_text())
    assert set(t['cells']) == {'human/supervised', 'human/vat'} and t['parameters']['n_iters'] == 6

def _papermill_ssl(tmp_path, out, params):
    yaml = '\n'.join(f'{k}: {json.dumps(v)}' for k, v in params.items())
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '09_ssl.ipynb'), str(tmp_path / out),
                        '-y', yaml, '--cwd', str(ROOT / 'nbs')], capture_output=True, text=True, timeout=900,
                       env=_env())
    assert r.returncode == 0, r.stderr[-3000:]

def test_ssl_records_carry_finished_runs_to_a_fresh_run_folder(tmp_path):
    "Run records committed from one machine are adopted on another: nothing retrains, and train=False marks what is missing."
    rec_dir, base = tmp_path / 'records', dict(datasets=['human'], seeds=[0], n_iters=6, lr=3e-4, eval_every=3)
    _papermill_ssl(tmp_path, 'a.ipynb', dict(base, methods=['supervised', 'vat'], run_root=str(tmp_path / 'runs_a'),
                                             results_dir=str(tmp_path / 'res_a'), records=str(rec_dir)))
    assert sorted(p.parent.parent.name for p in rec_dir.rglob('metrics.json')) == ['supervised', 'vat']   # collected
    _papermill_ssl(tmp_path, 'b.ipynb', dict(base, methods=['supervised', 'vat', 'vera'], run_root=str(tmp_path / 'runs_b'),
                                             results_dir=str(tmp_path / 'res_b'), records=str(rec_dir), train=False))
    a, b = (json.loads((tmp_path / f'res_{x}' / 'table6.json').read_text())['cells'] for x in 'ab')
    assert b['human/supervised']['values'] == a['human/supervised']['values'] and b['human/vat']['values'] == a['human/vat']['values']
    assert b['human/vera']['values'] == [] and b['human/vera']['planned'] == 1                             # not run: marked, not hidden
    assert not list((tmp_path / 'runs_b').rglob('checkpoint.pt'))                                          # nothing was trained
    assert json.loads((tmp_path / 'res_b' / 'table6.json').read_text())['not_run'] == ['human/vera/0']
