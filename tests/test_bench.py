"""The benchmark scripts run and say what they measured (their numbers are not asserted: benchmarks measure)."""
import json, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def _run(args, **kw):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, **kw)

def test_step_against_a_commit(tmp_path):
    r = _run(['benchmarks/step.py', '--against', 'HEAD', '--only', 'a', '--rounds', '1', '--threads', '1', '--out', str(tmp_path)])
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path / 'step_against.json').read_text())
    (row,) = res['rows']
    assert row['config'].startswith('(a)') and row['threads'] == 1 and row['rounds'] == 1
    assert row['new_ms'] > 0 and row['base_ms'] > 0 and row['ratio_min'] <= row['ratio'] <= row['ratio_max']
    assert set(row['profile']) == {'new', 'base'} and 0 < row['profile']['new']['score'] < 1
    assert len(res['baseline']) == 40 and res['command'].startswith('python benchmarks/step.py --against HEAD')
    assert '| (a) moons' in (tmp_path / 'step_against.md').read_text()

def test_step_against_names_a_bad_revision():
    r = _run(['benchmarks/step.py', '--against', 'no-such-rev', '--only', 'a'])
    assert r.returncode != 0 and "'no-such-rev' is not a commit of this repository" in r.stderr

def test_jem_step_on_a_tiny_network(tmp_path):
    out = tmp_path / 'j.json'
    r = _run(['benchmarks/jem_step.py', '--width', '1', '--gen-feats', '8', '--batch', '2', '--num-samples', '2', '--n-steps', '2',
              '--reps', '1', '--warmup', '1', '--threads', '1', '--json', str(out)])
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(out.read_text())
    m = res['modes']['fp32']
    assert m['vera_ms'] > 0 and m['pcd_images_per_s'] > 0 and m['vera_peak_mb'] > 0 and res['config']['width'] == 1
    assert '| fp32 |' in r.stdout

def test_jem_step_gpu_modes_need_cuda():
    import torch
    if torch.cuda.is_available(): pytest.skip('a CUDA device is present: the modes run there')
    r = _run(['benchmarks/jem_step.py', '--width', '1', '--modes', 'bf16+compile'])
    assert r.returncode == 2 and 'need a CUDA device' in r.stderr.splitlines()[-1]

def test_step_alternatives_and_profile(tmp_path):
    r = _run(['benchmarks/step_alternatives.py', '--skip', 'compile', 'compile_loss', '--json', str(tmp_path / 'alt.json')])
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path / 'alt.json').read_text())['results']
    assert set(res) == {'softplus', 'rows', 'adam', 'layout', 'penalty'} and res['softplus']['FastSoftplus (ms)'] > 0
    assert res['softplus']['FastSoftplus, forward and backward, 64 rows (ms)'] > 0 and res['adam']['toy generator, FastAdam (ms)'] > 0
    toy = res['layout']['toy generator, 4,000 rows']
    assert toy['features as rows (ms)'] > 0 and toy['largest difference'] < 1e-4 and res['penalty']['MixtureLogpGrad (ms)'] > 0
    r = _run(['benchmarks/step_profile.py', '--only', 'b', '--json', str(tmp_path / 'prof.json')])
    assert r.returncode == 0, r.stderr[-2000:]
    (row,) = json.loads((tmp_path / 'prof.json').read_text())['rows']
    assert row['config'].startswith('(b)') and 0 < row['matmul'] < 1 and 0 < row['score'] < 1
    assert 0 < row['score_eta_flops'] < 1 and row['fixed_ms'] > 0

def test_step_alternatives_only(tmp_path):
    r = _run(['benchmarks/step_alternatives.py', '--only', 'rows', '--json', str(tmp_path / 'alt.json')])
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path / 'alt.json').read_text())
    assert set(res['results']) == {'rows'} and res['command'].endswith('--only rows --json ' + str(tmp_path / 'alt.json'))
