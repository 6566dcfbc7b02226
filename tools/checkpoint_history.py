#!/usr/bin/env python3
"""Write the training history of an unfinished run (its evaluations and the logged step statistics) from its checkpoint to JSON.

    python tools/checkpoint_history.py RUN_DIR OUT.json

For a run that has not finished yet, so its record (metrics.json) does not exist: the evidence of what it did so far,
read from `RUN_DIR/checkpoint.pt` (the trainer's iteration, configuration and `fit`'s history), nothing recomputed.
"""
import sys, json, time, os
from pathlib import Path
from vera.core import project_path
from vera.vera import load_checkpoint

def _shown(p)->str:
    "`p` relative to the project root where it lies inside it, so that a record carries no machine path."
    p, root = Path(p).resolve(), project_path('.').resolve()
    return str(p.relative_to(root)) if p.is_relative_to(root) else str(p)

def main(run_dir, out):
    p = Path(run_dir) / 'checkpoint.pt'
    ck = load_checkpoint(p)          # clear errors for a missing, corrupt or foreign file
    h = ck['history']
    rec = dict(run_dir=_shown(run_dir), checkpoint_written=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(os.path.getmtime(p))),
               iteration=ck['trainer']['iteration'], config=ck['trainer'].get('config'), eval_curve=h['eval'],
               stats=dict(iteration=h['iteration'], **h['stats']), command=' '.join(['python', 'tools/checkpoint_history.py', _shown(run_dir), _shown(out)]))
    Path(out).write_text(json.dumps(rec, indent=0))
    print(f"{out}: iteration {rec['iteration']}, {len(h['eval'])} evaluations, {len(h['iteration'])} logged steps")

if __name__ == '__main__': main(*sys.argv[1:3])
