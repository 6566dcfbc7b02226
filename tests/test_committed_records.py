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

@pytest.mark.parametrize('spec', ['table6', 'table6_v1', 'mnist_lr3e-4', 'vat_xi'])
def test_table6_records_are_finished_runs(no_data, spec):
    """Every committed record of Table 6 (and its investigations) is the finished run of a config the spec plans at the committed preset,
    adopted with no data and nothing trained; a spec with no search has every planned run committed. A record written before a field
    existed reads that field at its default (the run layer's rule), so its config is rebuilt from its params."""
    from vera.ssl import SSLConfig
    from vera.runs import run, run_dir, finished, read_records, RunContext
    from vera.tables import load_spec, plan, results_dir, record_roots
    s = load_spec(spec); preset = s.get('committed', 'cpu')
    committed = results_dir(s, RESULTS) / 'runs'
    planned = [SSLConfig.from_dict(q['fields']) for q in plan(s, preset, read_records(record_roots(s, RESULTS), 'ssl'))]
    own = read_records([committed], 'ssl')
    assert own, spec
    if not s['presets'][preset].get('select'): assert len(set(planned)) == len(planned) == len(own), spec
    for rec in own:
        c = SSLConfig.from_dict(rec['params'])
        assert c in planned and rec['key'] == c.key() and Path(rec['_dir']) == run_dir(committed, c), (spec, rec['_dir'])
        assert {k: v for k, v in c.to_dict().items() if k in rec['params']} == rec['params'], (spec, c)
        assert run(c, no_data / 'runs', [committed], ctx=RunContext(download=False)) == finished(c, run_dir(committed, c))
    assert not (no_data / 'runs').exists()          # taken as finished: nothing was trained, no run folder made

@pytest.mark.parametrize('spec', ['jem', 'jem_v1', 'jem_attempts', 'jem_classifier', 'jem_lambda_sweep', 'jem_train_accuracy', 'ess_jem'])
def test_jem_records_are_finished_runs(no_data, spec):
    "Every committed JEM record is the finished run of a config its spec plans, in that config's folder, adopted with no data and nothing trained."
    from vera.jem import JEMConfig
    from vera.runs import run, run_dir, finished, read_records, RunContext
    from vera.tables import load_spec, plan, results_dir
    s = load_spec(spec)
    committed = results_dir(s, RESULTS) / 'runs'
    planned = {JEMConfig.from_dict(q['fields']) for q in plan(s, s.get('committed', 'cpu'))}
    recs = read_records([committed], 'jem')
    if spec == 'jem':   # the cpu preset's whole grid; the run chosen on validation is the preset mnist_cpu
        assert {JEMConfig.from_dict(r['params']) for r in recs} == planned and len(recs) == 6
        assert [JEMConfig.from_dict(q['fields']) for q in plan(s, 'cpu', recs) if q['phase'] == 'report'] == [JEMConfig.preset('mnist_cpu')] * len(s['presets']['cpu']['columns'])
    if spec == 'jem_v1': assert [JEMConfig.from_dict(r['params']) for r in recs] == [JEMConfig.preset('mnist_cpu', clf_weight=10.0, ent_weight=1e-4, n_val=0)]
    if not recs: pytest.skip(f'{spec}: no committed records')
    for rec in recs:
        c = JEMConfig.from_dict(rec['params'])
        assert c in planned and rec['params'] == c.to_dict() and rec['key'] == c.key() and Path(rec['_dir']) == run_dir(committed, c), rec['_dir']
        assert run(c, no_data / 'runs', [committed], ctx=RunContext(device='cpu', download=False)) == finished(c, run_dir(committed, c))
    assert not (no_data / 'runs').exists()          # taken as finished: nothing was trained, no run folder made

@pytest.mark.parametrize('spec', ['table10', 'pcd_sigma1', 'sigma_clamp', 'step_order', 'figure1', 'stability'])
def test_toy_records_are_finished_runs(no_data, spec):
    "Every committed toy record is the finished run of its config, in its config's folder, adopted with nothing trained."
    from vera.toy import ToyConfig
    from vera.runs import run, run_dir, finished, read_records
    from vera.tables import load_spec, results_dir
    committed = results_dir(load_spec(spec), RESULTS) / 'runs'
    recs = read_records([committed], 'toy')
    if not recs: pytest.skip(f'{spec}: no committed records')
    for rec in recs:
        c = ToyConfig.from_dict(rec['params'])
        assert rec['params'] == c.to_dict() and Path(rec['_dir']) == run_dir(committed, c), rec['_dir']
        assert run(c, no_data / 'runs', [committed]) == finished(c, run_dir(committed, c))
    assert not (no_data / 'runs').exists()          # taken as finished: nothing was trained, no run folder made
