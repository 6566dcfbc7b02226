"""The docs page of 12_reproduce shows the committed tables: its stored outputs are those a fresh execution gives."""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def test_committed_tables_shown_in_docs():
    r = subprocess.run([sys.executable, str(ROOT / 'tools' / 'show_tables.py'), '--check'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    shown = (ROOT / 'nbs' / '12_reproduce.ipynb').read_text()
    tables = sorted((ROOT / 'results').rglob('table.md'))
    assert tables
    for f in tables:                      # every committed table, by its title line
        first = f.read_text().split('\n', 1)[0].replace('*', '')
        assert first[:60] in shown.replace('*', ''), f'{f.relative_to(ROOT)} is not shown'
