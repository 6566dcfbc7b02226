#!/usr/bin/env python3
"""Draw samples from the generator of a JEM-VERA run's checkpoint (finished or still training) into a PNG grid.

    python tools/generator_snapshot.py RUN_DIR OUT.png [N] [SEED]

Reads `RUN_DIR/checkpoint.pt` only (nothing trains, nothing is written into the run folder): the generator's width and
latent size are read from its weights, the image size from its output channels (1 channel: MNIST, 28 pixels; else 32).
The samples are x = g(z) + sigma * eps with z ~ N(0, I), as the energy sees them during training (no MALA refinement,
BatchNorm in training mode as in the training step). It prints the checkpoint's iteration and its last logged statistics.
"""
import sys
from pathlib import Path
import torch
from vera.nets import SNGANGenerator
from vera.jem import save_grid
from vera.score import GaussianGenerator
from vera.vera import load_checkpoint

def generator_samples(run_dir, n:int=64, seed:int=0)->tuple: # (samples (n, C, H, W), info)
    p = Path(run_dir) / 'checkpoint.pt'
    ck = load_checkpoint(p)          # clear errors for a missing, corrupt or foreign file
    sd = ck['trainer']['modules'].get('gen')
    if sd is None: raise ValueError(f"{p} holds no generator (a PCD run, or not a vera checkpoint)")
    nz = sd['net.linear.weight'].shape[1]
    ch, feats = sd['net.out.weight'].shape[:2]
    g = GaussianGenerator(SNGANGenerator(nz, feats, ch, 28 if ch == 1 else 32), nz)
    g.load_state_dict(sd)
    torch.manual_seed(seed)
    with torch.no_grad(): x = g.sample(n)[0]
    last = {k: round(float(v[-1]), 4) for k, v in ck['history']['stats'].items()}
    return x, dict(iteration=ck['trainer']['iteration'], gen_feats=feats, noise_dim=nz, last_stats=last)

def snapshot(run_dir, out, n:int=64, seed:int=0)->dict:
    x, info = generator_samples(run_dir, n, seed)
    save_grid(x, out)
    return info

if __name__ == '__main__':
    if len(sys.argv) < 3: sys.exit(__doc__)
    torch.set_num_threads(1)
    print(snapshot(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:5])))
