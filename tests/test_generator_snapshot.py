"""tools/generator_snapshot.py draws from the generator stored in a JEM-VERA checkpoint: the same samples as the trainer's
own generator restored from that checkpoint, with its width and latent size read from the weights."""
import os, sys
from pathlib import Path
import pytest, torch

ROOT = Path(__file__).resolve().parent.parent
DATA = str(ROOT / 'tests' / 'fixtures' / 'data')   # MNIST fixture files in the official idx format
sys.path.insert(0, str(ROOT / 'tools'))

def test_snapshot_matches_the_runs_generator(tmp_path):
    from generator_snapshot import generator_samples, snapshot
    from vera.jem import JEMConfig
    from vera.nets import SNGANGenerator, WideResNet
    from vera.runs import run, RunContext
    from vera.vera import VERA, load_checkpoint
    cfg = JEMConfig.preset('smoke', n_iters=6, eval_every=6, n_eval=50, n_test=50, n_ood=10, n_samples=4, mala_chunk=4,
                           mala_steps=1, mala_burn_in=1, n_per_class=1, gen_feats=6, noise_dim=5)
    run(cfg, out_dir=tmp_path / 'run', ctx=RunContext(root=DATA, device='cpu', show_progress=False, options=dict(ckpt_minutes=None, ckpt_every=3)))
    x, info = generator_samples(tmp_path / 'run', n=10, seed=3)
    assert (info['iteration'], info['gen_feats'], info['noise_dim']) == (6, 6, 5) and x.shape == (10, 1, 28, 28)
    # reference: the run's trainer rebuilt from its parameters and restored by the package's own checkpoint loader
    tr = VERA(WideResNet(10, 1, 10, 1), SNGANGenerator(5, 6, 1, 28), noise_dim=5, num_samples=4, device='cpu')
    load_checkpoint(tmp_path / 'run' / 'checkpoint.pt', tr, restore_rng=False, strict_config=False)
    torch.manual_seed(3)
    ref = tr.sample(10)
    torch.testing.assert_close(x, ref, rtol=0, atol=0)
    info2 = snapshot(tmp_path / 'run', tmp_path / 'grid.png', 4)
    assert (tmp_path / 'grid.png').stat().st_size > 0 and info2['iteration'] == 6
    with pytest.raises(FileNotFoundError, match='no checkpoint'): generator_samples(tmp_path / 'nosuch')
    (tmp_path / 'bad').mkdir(); (tmp_path / 'bad' / 'checkpoint.pt').write_bytes(b'not a checkpoint')
    with pytest.raises(ValueError, match='corrupt'): generator_samples(tmp_path / 'bad')
