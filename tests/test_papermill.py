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
    "`papermill nbs/07_jem.ipynb out.ipynb -p rows ...` with the paper's preset (CIFAR10), only device and budget made tiny by `overrides`, FID skipped by its flag."
    over = dict(depth=10, widen=1, gen_feats=8, noise_dim=8, num_samples=2, batch_size=8, n_iters=3, n_samples=16, mala_steps=2, mala_burn_in=1,
                mala_chunk=16, n_per_class=1, fid=False)
    params = dict(preset='paper', runs=str(tmp_path / 'runs'), results=None, jobs=1, rows=['paper'], device='cpu', overrides=over)
    yaml = '\n'.join(f'{k}: {json.dumps(v)}' for k, v in params.items())
    out = tmp_path / 'out.ipynb'
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '07_jem.ipynb'), str(out), '-y', yaml, '--cwd', str(ROOT / 'nbs')],
                       capture_output=True, text=True, timeout=900, env=_env())
    assert r.returncode == 0, r.stderr[-3000:]
    from vera.jem import JEMConfig
    recs = list((tmp_path / 'runs' / 'jem').glob('*/metrics.json'))
    assert [p.parent.name for p in recs] == [JEMConfig(**over).key()]            # the paper row alone, with the overrides
    rec = json.loads(recs[0].read_text())
    assert rec['params']['dataset'] == 'cifar10' and rec['params']['clf_weight'] == 100.0 and rec['params']['n_iters'] == 3
    m = rec['metrics']
    assert m['status'] == 'ok' and m['iterations'] == 3 and m['fid_skipped'] == 'fid=False was asked'
    assert {'svhn', 'cifar100', 'cifar10_interp', 'uniform', 'constant'} <= set(m['ood_auroc'])   # the OOD sets came from the data home
    assert 'root' not in rec['params'] and 'out_dir' not in rec['params']                         # no machine paths in a record
    cells = json.loads(out.read_text())['cells']
    assert all(c.get('metadata', {}).get('papermill', {}).get('status') != 'failed' for c in cells)
    src = ''.join(''.join(c['source']) for c in cells if c['cell_type'] == 'code')
    assert 'nbdev_export' not in src and 'test_eq' not in src and 'test_fail' not in src   # no development cell runs under papermill
    assert any('| VERA, α = 100, CIFAR10 |' in json.dumps(c.get('outputs', []), ensure_ascii=False) for c in cells)   # the table is shown

def test_papermill_overrides_toy_notebook(tmp_path):
    "The smoke preset through papermill: every table's runs under `runs`, nothing adopted from results/, figures beside the runs."
    runs = tmp_path / 'runs'
    yaml = '\n'.join(f'{k}: {json.dumps(v)}' for k, v in dict(preset='smoke', runs=str(runs), results=None, jobs=1).items())
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '06_toy.ipynb'), str(tmp_path / 'out.ipynb'),
                        '-y', yaml, '--cwd', str(ROOT / 'nbs')], capture_output=True, text=True, timeout=900, env=_env())
    assert r.returncode == 0, r.stderr[-3000:]
    from vera.tables import plan
    from vera.toy import ToyConfig
    from vera.runs import finished, run_dir
    for name in ('table10', 'figure1', 'stability'):
        for q in plan(name, 'smoke'):
            cfg = ToyConfig.from_dict(q['fields'])
            rec = finished(cfg, run_dir(runs, cfg))
            assert rec is not None and rec['params']['n_iters'] == 20 and rec['seed'] == q['seed'], (name, q)
    for f in ('table10/smoke/curves.png', 'table10/smoke/densities.png', 'figure1/smoke/figure1.png', 'stability/smoke/stability.png'):
        assert (runs / 'figures' / f).exists(), f

def _papermill_ssl(tmp_path, out, params):
    yaml = '\n'.join(f'{k}: {json.dumps(v)}' for k, v in params.items())
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '09_ssl.ipynb'), str(tmp_path / out),
                        '-y', yaml, '--cwd', str(ROOT / 'nbs')], capture_output=True, text=True, timeout=900,
                       env=_env())
    assert r.returncode == 0, r.stderr[-3000:]
    return (tmp_path / out).read_text()

def test_ssl_notebook_runs_a_preset_and_adopts_its_records(tmp_path):
    "09_ssl with vera-reproduce's parameters: the smoke preset trains each run of the spec once; a second execution adopts them all."
    from vera.tables import plan
    runs = tmp_path / 'runs'
    base = dict(preset='smoke', runs=str(runs), results=None, jobs=1)
    _papermill_ssl(tmp_path, 'a.ipynb', base)
    recs = sorted(runs.glob('ssl/*/metrics.json'))
    from vera.runs import read_records
    from vera.ssl import SSLConfig
    done = read_records([runs], 'ssl')
    assert len(recs) == len({SSLConfig.from_dict(q['fields']) for q in plan('table6', 'smoke', done)}) == 20   # the grids (2 settings each) of 5 rows x 2 datasets; seed 0 reports the choice
    r0 = json.loads(recs[0].read_text())
    assert r0['kind'] == 'ssl' and r0['params']['n_iters'] == 4 and r0['metrics']['iterations'] == 4
    assert 'root' not in r0['params'] and 'out_dir' not in r0['params']                  # no machine paths in a record
    before = {p: p.stat().st_mtime_ns for p in recs}
    _papermill_ssl(tmp_path, 'b.ipynb', base)
    assert {p: p.stat().st_mtime_ns for p in runs.glob('ssl/*/metrics.json')} == before   # adopted, not retrained
    out = _papermill_ssl(tmp_path, 'c.ipynb', dict(base, runs=str(tmp_path / 'fresh'), train=False))
    assert '10 runs planned, 10 without a finished record' in out and not (tmp_path / 'fresh').exists()
