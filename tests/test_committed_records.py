"""The committed run records stay valid: each experiment's own "finished?" check takes them as finished runs of their
parameters, on a machine with no data (records carry neither the data root nor the run folder, and a finished run
needs no data to be recognised). Nothing is trained here: a record not taken as finished would start training, and
the empty data home makes that fail at once."""
import json, shutil
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / 'results'

@pytest.fixture
def no_data(tmp_path, monkeypatch):
    monkeypatch.setenv('VERA_DATA', str(tmp_path / 'empty-data-home'))
    return tmp_path

def test_table6_records_are_finished_runs(no_data):
    from vera.core import sync_records
    from vera.ssl import SSL_CPU_BUDGET as B, SSL_METHODS, ssl_plan, run_ssl
    runs = no_data / 'ssl'
    assert len(sync_records(RESULTS / 'table6_runs', runs)) == 30
    plan = ssl_plan(['human', 'mnist'], list(SSL_METHODS), [0, 1, 2], B['n_iters'], B['lr'], B['decay_at'], B['eval_every'], runs)
    for p in plan:
        m = run_ssl(**p, train=False, download=False, show_progress=False)
        rec = json.loads((Path(p['out_dir']) / 'metrics.json').read_text())
        assert m == rec['metrics'], (p['dataset'], p['method'], p['seed'], m)

def test_jem_cpu_record_is_the_presets_finished_run(no_data):
    from vera.jem import jem_config, run_jem
    d = no_data / 'jem'; shutil.copytree(RESULTS / 'jem_mnist_cpu', d)
    rec = json.loads((d / 'metrics.json').read_text())
    assert run_jem(**jem_config('mnist_cpu', out_dir=str(d), device='cpu', download=False)) == rec['metrics']

def test_table10_paper_order_records_are_finished_runs(no_data):
    from vera.toy import toy_plan, run_toy
    src = RESULTS / 'table10_paper_order'
    shutil.copytree(src / 'table10', no_data / 'table10')
    plan = toy_plan('table10', no_data, methods=['vera_lam1'], step_order='paper')
    assert len(plan) == 9
    for p in plan:
        rec = json.loads((Path(p['out_dir']) / 'metrics.json').read_text())
        assert run_toy(**p, show_progress=False) == rec['metrics'], p['out_dir']
        assert not (Path(p['out_dir']) / 'checkpoint.pt').exists()        # taken as finished: nothing was trained
