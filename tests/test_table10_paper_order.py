"""The committed Table 10 with VERA λ = 1 in the paper's step order is what the committed run records give."""
import importlib.util, json, tempfile
from pathlib import Path
from vera.core import sync_records

ROOT = Path(__file__).resolve().parent.parent
REC = ROOT / 'results' / 'table10_paper_order'

def _tool():
    spec = importlib.util.spec_from_file_location('table10_paper_order', ROOT / 'tools' / 'table10_paper_order.py')
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m

def test_whole_table_matches_records():
    committed = json.loads((REC / 'table10.json').read_text())
    with tempfile.TemporaryDirectory() as d:
        sync_records(REC, Path(d))                        # only the committed records, nothing of a local runs/
        t = _tool().whole_table(Path(d))
    assert t['complete'], 'a paper-order cell has fewer than 3 committed seeds'
    for ds in committed['datasets']:
        c = t['cells'][f'{ds}/vera_lam1']
        assert c['values'] == committed['cells'][f'{ds}/vera_lam1']['values'] and c['n_iters'] == [100_000]
        assert json.loads(json.dumps(t['checks'][ds])) == committed['checks'][ds]
    assert (REC / 'table10.md').read_text() == t['markdown'] + '\n'
