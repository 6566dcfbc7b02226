"""Put a papermill-executed copy of an experiment notebook back into nbs/ with its outputs.

    python tools/commit_executed.py EXECUTED.ipynb nbs/NN_name.ipynb "COMMAND"

papermill adds a cell tagged `injected-parameters` after the `parameters` cell. Left in nbs/, it would change what
plain `papermill nbs/NN_name.ipynb out.ipynb` runs, so it is replaced by a Markdown cell that states the command and
the injected values: the outputs below it come from that run, while the `parameters` cell keeps the paper's defaults.
Every source cell must match the notebook in nbs/ (only outputs are taken), so no stale code is committed.
"""
import json, sys
from pathlib import Path

def main(executed, target, command):
    ex, nb = json.loads(Path(executed).read_text()), json.loads(Path(target).read_text())
    cells = []
    for c in ex['cells']:
        tags = c.get('metadata', {}).get('tags') or []
        if 'injected-parameters' in tags:
            src = ''.join(c['source']).strip()
            cells.append(dict(cell_type='markdown', metadata={}, source=
                f"**The outputs below come from a real run:** `{command}`, which injected these parameters after the defaults above:\n\n"
                f"```python\n{src}\n```"))
            continue
        cells.append(c)
    src_ex = [''.join(c['source']) for c in cells if c['cell_type'] == 'code']
    src_nb = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']
    if src_ex != src_nb: sys.exit(f"{executed} was executed from other code than {target}: re-run it from the current notebook")
    for c in cells:
        c.get('metadata', {}).pop('papermill', None); c.get('metadata', {}).pop('execution', None)
    nb['cells'] = cells
    Path(target).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    print(f"wrote {target} with the outputs of {executed}")

if __name__ == '__main__': main(*sys.argv[1:4])
