"""Table 6 on the run layer: the spec says which datasets each preset covers, `vera-ssl` adopts the committed runs without
data, and its single-run and table options refuse bad input clearly."""
import json, subprocess, sys
from pathlib import Path
import pytest
from vera.tables import load_spec

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / 'results'
BIN = Path(sys.executable).parent

def test_table6_says_which_datasets_only_the_paper_preset_runs():
    from vera.tables import plan
    s = load_spec('table6')
    assert {q['col'] for q in plan(s, 'paper')} == {'hepmass', 'crop', 'human', 'mnist'}
    assert {q['col'] for q in plan(s, 'cpu')} == {'human', 'mnist'}
    assert 'HEPMASS and CROP are in the paper preset only' in s['presets']['cpu']['note']
    assert s['selection'].startswith('Selected on validation; test reported.') and s['metric'] == 'test_acc'
    assert 'HEPMASS and CROP are in the paper preset only' in (RESULTS / 'table6' / 'table.md').read_text()

def _cli(*args, env=None, timeout=300):
    return subprocess.run([str(BIN / 'vera-ssl'), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)

def test_cli_adopts_the_committed_table_without_data(tmp_path):
    import os
    env = dict(os.environ, VERA_DATA=str(tmp_path / 'empty'))
    r = _cli('--table', 'table6_v1', '--preset', 'cpu', '--runs', tmp_path / 'runs', '--no-download', env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert '| JEM with VERA | 82.1 ± 1.3 | 89.9 | 89.2 ± 1.0 | 98.6 |' in r.stdout, r.stdout
    assert not (tmp_path / 'runs').exists()          # every run adopted: nothing trained

def test_cli_refuses_bad_input(tmp_path):
    r = _cli('--set', 'lr=-1', '--runs', tmp_path)
    assert r.returncode == 2 and 'vera-ssl: error: lr must be > 0' in r.stderr, r.stderr
    r = _cli('--set', 'epochs=3', '--runs', tmp_path)
    assert r.returncode == 2 and "has no field 'epochs'" in r.stderr, r.stderr
    r = _cli('--table', 'table99')
    assert r.returncode == 2 and 'invalid choice' in r.stderr
    r = _cli('--table', 'table6', '--preset', 'huge', '--runs', tmp_path)
    assert r.returncode == 2 and "no preset 'huge'" in r.stderr, r.stderr
    assert not any(tmp_path.iterdir())
