"""Every committed toy table (Table 10, Figure 1, stability and the Table 10 investigations) is what its committed records
give, and every committed toy record is the finished run of its config: adopted, never retrained."""
import json
from pathlib import Path
import pytest
from vera.tables import spec_names, load_spec, assemble, table_markdown, results_dir, plan
from vera.runs import run, read_records, finished, run_dir
from vera.toy import ToyConfig

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / 'results'
TOY = [n for n in spec_names() if load_spec(n)['kind'] == 'toy']

@pytest.mark.parametrize('name', TOY)
def test_committed_table_equals_its_records(name):
    s = load_spec(name); d = results_dir(s, RESULTS)
    if not (d / 'table.json').exists(): pytest.skip(f'{name}: no committed table')
    t = assemble(s, s.get('committed', 'cpu'), [d / 'runs'])
    assert json.loads((d / 'table.json').read_text()) == json.loads(json.dumps(t)), name
    assert (d / 'table.md').read_text() == table_markdown(t), name

@pytest.mark.parametrize('name', TOY)
def test_committed_records_are_finished_runs_of_the_table(name, tmp_path):
    "Each committed record sits in its config's folder and is adopted by `run` from the committed records: nothing trains."
    s = load_spec(name); d = results_dir(s, RESULTS) / 'runs'
    recs = read_records([d], 'toy')
    if not recs: pytest.skip(f'{name}: no committed records')
    keys = {ToyConfig.from_dict(q['fields']).key() for q in plan(s, s.get('committed', 'cpu'))}
    for rec in recs:
        cfg = ToyConfig.from_dict(rec['params'])
        assert rec['key'] == cfg.key() and Path(rec['_dir']) == run_dir(d, cfg), rec['_dir']
        assert cfg.key() in keys, f"{rec['_dir']} is no run of {name}'s committed preset"
        assert run(cfg, root=tmp_path, records=[d]) == finished(cfg, run_dir(d, cfg))
    assert not any(tmp_path.rglob('checkpoint.pt'))

def test_paper_order_cells_keep_their_numbers():
    "The migrated Algorithm 1 order records give the cells first committed for them (results/table10_paper_order, 100,000 iterations)."
    t = json.loads((RESULTS / 'table10' / 'table.json').read_text())
    want = {'moons': [-2.6364994049072266, -2.6792752742767334, -2.631584882736206],
            'circles': [-3.46881365776062, -3.451861619949341, -3.4861934185028076],
            'rings': [-3.254316568374634, -3.3399956226348877, -3.3374972343444824]}
    for ds, v in want.items(): assert t['cells'][f'vera_lam1/{ds}']['values'] == v, ds
