"""vera-reproduce: clear errors before anything runs, every committed table equal to what its records give, and a killed
batch that resumes with only the missing runs."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
from vera.tables import spec_names, load_spec, plan, results_dir

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]

def _cli(*args, cwd=None, timeout=900):
    return subprocess.run([str(BIN / 'vera-reproduce'), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)

def test_bad_table_name_is_refused(tmp_path):
    r = _cli('table99', '--out', tmp_path)
    assert r.returncode == 2 and "unknown table 'table99'" in r.stderr and 'table10' in r.stderr
    assert not any(tmp_path.iterdir())

def test_bad_preset_is_refused(tmp_path):
    r = _cli('table10', '--preset', 'huge', '--out', tmp_path)
    assert r.returncode == 2 and "no preset 'huge'" in r.stderr, r.stderr
    assert not any(tmp_path.iterdir())

def test_dry_run_counts_the_runs_of_the_plan(tmp_path):
    r = _cli('table6', '--preset', 'paper', '--dry-run', '--no-results', '--out', tmp_path)
    n = len(plan('table6', 'paper'))
    assert r.returncode == 0 and r.stdout.startswith(f'{n} to run, 0 finished'), r.stdout + r.stderr
    assert not any(tmp_path.iterdir())

def test_dry_run_adopts_the_committed_records(tmp_path):
    "At its committed preset a table's finished runs are adopted from the committed records: only what the table still lacks would run."
    for name in spec_names():
        s = load_spec(name)
        if not s.get('notebook') or not (results_dir(s, ROOT / 'results') / 'table.json').exists(): continue
        r = _cli(name, '--preset', s.get('committed', 'cpu'), '--dry-run', '--out', tmp_path, cwd=ROOT)
        t = json.loads((results_dir(s, ROOT / 'results') / 'table.json').read_text())
        assert r.returncode == 0 and r.stdout.startswith(f'{_to_run(t)} to run'), (name, r.stdout, r.stderr)

def _to_run(t:dict)->int:
    "What a committed table still lacks: the missing seeds of each cell, and for a tuned cell its grid's unfinished selection runs (its seeds wait for the choice)."
    n = 0
    for c in t['cells'].values():
        sel = c.get('selection')
        if sel is None or sel['chosen'] is not None: n += len(c['missing'])
        if sel is not None: n += sum(len(t['select']['seeds']) for st in sel['settings'] if st['set'] is not None and st['values'] is None)
    return n

def test_every_committed_table_equals_what_its_records_give():
    "`vera-reproduce NAME --rebuild --check` for every table committed under results/."
    found = []
    for name in spec_names():
        s = load_spec(name)
        if not (results_dir(s, ROOT / 'results') / 'table.json').exists(): continue
        r = _cli(name, '--rebuild', '--check', cwd=ROOT)
        assert r.returncode == 0 and 'equals its records' in r.stdout, (name, r.stdout[-2000:], r.stderr[-2000:])
        found.append(name)
    assert {'table10', 'table6'} <= set(found), found

def test_every_committed_table_has_a_spec():
    specs = {str(results_dir(n, ROOT / 'results')) for n in spec_names()}
    for p in (ROOT / 'results').rglob('table.json'):
        assert str(p.parent) in specs, f'{p} has no spec in vera/specs'

def test_a_changed_record_is_caught(tmp_path):
    "The check is not vacuous: a committed table whose record changed no longer passes."
    import shutil
    s = load_spec('table10')
    d = tmp_path / 'results' / s['results']; shutil.copytree(results_dir(s, ROOT / 'results'), d)
    rec = next(d.joinpath('runs').rglob('metrics.json'))
    j = json.loads(rec.read_text()); j['metrics']['loglik'] = (j['metrics']['loglik'] or 0) - 1.0; rec.write_text(json.dumps(j))
    r = _cli('table10', '--rebuild', '--check', '--results', tmp_path / 'results', cwd=ROOT)
    assert r.returncode == 1 and 'differs' in r.stderr, r.stdout + r.stderr

def test_outside_a_clone_it_asks_for_the_notebooks(tmp_path):
    "After a pip install there are no notebooks: vera-reproduce says so and takes --nbs."
    here = tmp_path / 'elsewhere'; here.mkdir()
    r = _cli('table10', '--preset', 'smoke', cwd=here)
    assert r.returncode == 2 and r.stderr.startswith('vera-reproduce: error:') and '--nbs DIR' in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not any(here.iterdir())
    r = _cli('table10', '--preset', 'smoke', '--dry-run', '--nbs', ROOT / 'nbs', '--out', tmp_path / 'o', cwd=here)
    assert r.returncode == 0 and r.stdout.startswith(f"{len(plan('table10', 'smoke'))} to run, 0 finished"), r.stdout + r.stderr
    r = _cli('table10', '--dry-run', '--nbs', tmp_path, cwd=here)
    assert r.returncode == 2 and 'does not hold them' in r.stderr

def _records(out):
    return {p.parent.name: p.stat().st_mtime_ns for p in Path(out).glob('toy/*/metrics.json')}

@pytest.mark.slow
def test_killed_batch_resumes_with_only_the_missing_runs(tmp_path):
    out = tmp_path / 'runs'
    cmd = [str(BIN / 'vera-reproduce'), 'table10', '--preset', 'smoke', '--out', str(out), '--jobs', '1', '--no-results']
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    t0 = time.time()
    while not _records(out) and time.time() - t0 < 600: time.sleep(0.2)
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    first = _records(out)
    n = len(plan('table10', 'smoke'))
    assert len(first) >= 1, first                          # killed mid-batch
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    after = _records(out)
    assert len(after) >= n and all(after[k] == v for k, v in first.items())   # the finished runs were not run again (06 also runs Figure 1 and the stability sweep)
    t = json.loads((out / 'table10' / 'smoke' / 'table.json').read_text())
    assert all(len(c['values']) + c['diverged'] == c['planned'] for c in t['cells'].values()), t

@pytest.mark.slow
@pytest.mark.parametrize('table', ['figure1', 'table6', 'jem', 'table2', 'ess', 'modes', 'figure3'])
def test_smoke_preset_end_to_end(tmp_path, table):
    before = (ROOT / 'pyproject.toml').stat().st_mtime_ns    # nbdev_export rewrites pyproject.toml whenever it runs
    r = _cli(table, '--preset', 'smoke', '--out', tmp_path, '--jobs', '2', '--no-results', timeout=1800)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    t = json.loads((tmp_path / table / 'smoke' / 'table.json').read_text())
    assert all(c['mean'] is not None or c['diverged'] for c in t['cells'].values()), t
    assert (tmp_path / table / 'smoke' / 'notebook.ipynb').exists()
    assert (ROOT / 'pyproject.toml').stat().st_mtime_ns == before, "a papermill run exported the notebooks into the project"

def test_ess_reads_the_runs_table2_plans():
    "The ESS table is Table 2's VERA runs read for another metric: at every preset its runs are runs of Table 2, chosen by the same grid."
    key = lambda q: json.dumps(q['fields'], sort_keys=True)
    for p in load_spec('ess')['presets']:
        mine, t2 = {key(q) for q in plan('ess', p)}, {key(q) for q in plan('table2', p)}
        assert mine and mine <= t2, (p, mine - t2)
    assert load_spec('ess')['presets']['cpu']['select']['grid']['vera'] == load_spec('table2')['presets']['cpu']['select']['grid']['vera']
