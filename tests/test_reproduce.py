"""vera-reproduce: clear errors before anything runs, and a killed batch resumes with only the missing cells."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

BIN = Path(sys.executable).parent

def test_bad_table_name_is_refused(tmp_path):
    r = subprocess.run([str(BIN / 'vera-reproduce'), 'table99', '--out', str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown table 'table99'" in r.stderr and 'table10' in r.stderr
    assert not any(tmp_path.iterdir())

def test_dry_run_lists_cells(tmp_path):
    r = subprocess.run([str(BIN / 'vera-reproduce'), 'table6', '--preset', 'paper', '--dry-run', '--out', str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith('30 to run, 0 done'), r.stdout + r.stderr
    assert not any(tmp_path.iterdir())

def test_outside_a_clone_it_asks_for_the_notebooks(tmp_path):
    "After a pip install there are no notebooks: vera-reproduce says so and takes --nbs."
    here = tmp_path / 'elsewhere'; here.mkdir()
    r = subprocess.run([str(BIN / 'vera-reproduce'), 'table10', '--dry-run'], capture_output=True, text=True, cwd=here)
    assert r.returncode == 2 and r.stderr.startswith('vera-reproduce: error:') and '--nbs DIR' in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not any(here.iterdir())
    nbs = Path(__file__).resolve().parents[1] / 'nbs'
    r = subprocess.run([str(BIN / 'vera-reproduce'), 'table10', '--dry-run', '--nbs', str(nbs), '--out', str(tmp_path / 'o')],
                       capture_output=True, text=True, cwd=here)
    assert r.returncode == 0 and r.stdout.startswith('4 to run, 0 done'), r.stdout + r.stderr
    r = subprocess.run([str(BIN / 'vera-reproduce'), 'table10', '--dry-run', '--nbs', str(tmp_path)], capture_output=True, text=True, cwd=here)
    assert r.returncode == 2 and 'does not hold them' in r.stderr

def _done(out):
    return {p.parent.name: p.stat().st_mtime_ns for p in (out / 'table10' / 'smoke').glob('*/metrics.json')}

@pytest.mark.slow
def test_killed_batch_resumes_with_only_the_missing_cells(tmp_path):
    out = tmp_path / 'runs'
    cmd = [str(BIN / 'vera-reproduce'), 'table10', '--preset', 'smoke', '--out', str(out), '--jobs', '1', '--only', 'seed1']
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    t0 = time.time()
    while not _done(out) and time.time() - t0 < 600: time.sleep(0.5)
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    first = _done(out)
    assert len(first) == 1, first                       # killed mid-batch: one of the two cells done
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    after = _done(out)
    assert len(after) == 2 and all(after[k] == v for k, v in first.items())   # the done cell was not run again
    t = json.loads((out / 'table10' / 'smoke' / 'table.json').read_text())
    assert all(c['values'] and c['missing_seeds'] == [0] for c in t['cells'].values())   # seed 0 was not asked for: marked missing
    assert 'paper -2.32' in t['markdown'] and '[1/2 seeds missing]' in t['markdown']

ROOT = Path(__file__).resolve().parents[1]

@pytest.mark.slow
def test_smoke_of_figure1_and_table6(tmp_path):
    before = (ROOT / 'pyproject.toml').stat().st_mtime_ns    # nbdev_export rewrites pyproject.toml whenever it runs
    for table in ('figure1', 'table6'):
        r = subprocess.run([str(BIN / 'vera-reproduce'), table, '--preset', 'smoke', '--out', str(tmp_path), '--jobs', '2'],
                           capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
        t = json.loads((tmp_path / table / 'smoke' / 'table.json').read_text())
        assert all(c['mean'] is not None for c in t['cells'].values()), t['markdown']
    assert (tmp_path / 'figure1' / 'smoke' / 'all' / 'results' / 'figure1.png').exists()
    # figure1's one shared execution got --jobs 2: its run_many ran the seven runs in spawned worker processes
    assert 'jobs = 2' in (tmp_path / 'figure1' / 'smoke' / 'all' / 'notebook.ipynb').read_text()
    assert (ROOT / 'pyproject.toml').stat().st_mtime_ns == before, "a papermill run exported the notebooks into the project"

@pytest.mark.slow
def test_smoke_of_jem(tmp_path):
    r = subprocess.run([str(BIN / 'vera-reproduce'), 'jem', '--preset', 'smoke', '--out', str(tmp_path)], capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    t = json.loads((tmp_path / 'jem' / 'smoke' / 'table.json').read_text())
    assert all(c['mean'] is not None for c in t['cells'].values()), t['markdown']
    d = tmp_path / 'jem' / 'smoke' / 'smoke__seed0'
    assert (d / 'notebook.ipynb').exists() and (d / 'smoke' / 'metrics.json').exists()
    assert sorted(p.name for p in d.glob('metrics_*.json')) == ['metrics_auroc_uniform__smoke__seed0.json', 'metrics_test_acc__smoke__seed0.json',
                                                                'metrics_test_ece__smoke__seed0.json']
