#!/usr/bin/env python3
"""Write the training history of an unfinished run (its evaluations and the logged step statistics) from its checkpoint to JSON.

    python tools/checkpoint_history.py RUN_DIR OUT.json

For a run that has not finished yet, so its record (metrics.json) does not exist: the evidence of what it did so far,
read from `RUN_DIR/checkpoint.pt` (the trainer's iteration, configuration and `fit`'s history), nothing recomputed.
"""
import sys, json, time, os
from pathlib import Path
import torch

def main(run_dir, out):
    p = Path(run_dir) / 'checkpoint.pt'
    ck = torch.load(p, map_location='cpu', weights_only=False)
    h = ck['history']
    rec = dict(run_dir=str(run_dir), checkpoint_written=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(os.path.getmtime(p))),
               iteration=ck['trainer']['iteration'], config=ck['trainer'].get('config'), eval_curve=h['eval'],
               stats=dict(iteration=h['iteration'], **h['stats']), command=' '.join(['python', 'tools/checkpoint_history.py'] + sys.argv[1:]))
    Path(out).write_text(json.dumps(rec, indent=0))
    print(f"{out}: iteration {rec['iteration']}, {len(h['eval'])} evaluations, {len(h['iteration'])} logged steps")

if __name__ == '__main__': main(*sys.argv[1:3])
