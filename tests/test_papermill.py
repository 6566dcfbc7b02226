"""papermill overrides reach the experiment notebooks (the `parameters` tag works end to end)."""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def test_papermill_overrides_toy_notebook(tmp_path):
    out = tmp_path / 'run'
    r = subprocess.run([sys.executable, '-m', 'papermill', str(ROOT / 'nbs' / '06_toy.ipynb'), str(tmp_path / 'out.ipynb'),
                        '-p', 'n_iters', '30', '-p', 'dataset', 'circles', '-p', 'out_dir', str(out), '--cwd', str(ROOT / 'nbs')],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads((out / 'metrics.json').read_text())
    assert rec['params']['n_iters'] == 30 and rec['params']['dataset'] == 'circles' and rec['metrics']['iterations'] == 30
