#!/usr/bin/env python3
"""Store the outputs of the "committed tables" cell of nbs/12_reproduce.ipynb, executed afresh.

    python tools/show_tables.py [--check]

The docs site renders the notebooks' stored outputs (nbdev-docs does not execute them), so the cell that shows
results/<table>/table.md must carry its outputs. This script runs that cell's code in a fresh IPython shell
(execnb) from nbs/, the notebook's working directory, and writes its outputs into the notebook. With `--check` it
writes nothing and exits 1 when the stored outputs differ from those of a fresh execution.
"""
import json, os, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT / 'nbs' / '12_reproduce.ipynb'
MARK = '# the committed tables:'

def _plain(o): return json.loads(json.dumps({k: v for k, v in dict(o).items() if k != 'execution_count'}))

def fresh_outputs(code:str)->list:
    "The outputs of `code` run in a new shell from nbs/ (after importing `project_path`)."
    from execnb.shell import CaptureShell
    here = os.getcwd(); os.chdir(ROOT / 'nbs')
    try:
        sh = CaptureShell()
        sh.run('from vera.core import project_path')
        outs = sh.run(code)
        if sh.exc is not None: sys.exit(f'the committed-tables cell failed: {sh.exc!r}')
    finally: os.chdir(here)
    return [_plain(o) for o in outs]

def main(argv=None)->int:
    check = '--check' in (sys.argv[1:] if argv is None else argv)
    nb = json.loads(NB.read_text())
    cells = [c for c in nb['cells'] if c['cell_type'] == 'code' and MARK in ''.join(c['source'])]
    if len(cells) != 1: sys.exit(f'{NB}: expected one code cell marked {MARK!r}, found {len(cells)}')
    c = cells[0]
    outs = fresh_outputs(''.join(c['source']))
    if check:
        same = [_plain(o) for o in c.get('outputs', [])] == outs
        print('up to date' if same else f'stale: the stored outputs of the committed-tables cell in {NB.name} are not those of a fresh run (make tables)')
        return 0 if same else 1
    c['outputs'], c['execution_count'] = outs, None
    NB.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    print(f'{NB.relative_to(ROOT)}: stored {len(outs)} outputs of the committed-tables cell')
    return 0

if __name__ == '__main__': sys.exit(main())
