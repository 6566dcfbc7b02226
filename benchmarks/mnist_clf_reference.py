#!/usr/bin/env python3
"""Reference for the CPU-scale MNIST JEM run: the same network, optimiser, schedule, batches and augmentation as
07_jem's `mnist_cpu` preset (WRN-10-1, Adam betas (0, 0.9), 200 warm-up iterations, x0.3 at epoch 2, batch 32,
reflect-pad-4 random crops, 3 epochs), trained as a plain classifier (cross-entropy only, no energy term).

    python benchmarks/mnist_clf_reference.py LR OUT.json      # e.g. 3e-3 results/jem_mnist_cpu_attempts/classifier_only_lr3e-3.json

Prints and writes the test accuracy at the end of each epoch (all 10,000 test images), one thread.
"""
import sys, json, time, torch, torch.nn.functional as F
from vera.jem import WideResNet, EpochBatches, load_image_tensors, scale_images
from vera.core import make_adam
lr, out_path = float(sys.argv[1]), sys.argv[2]; torch.manual_seed(0); torch.set_num_threads(1)
x, y = load_image_tensors('mnist', '../shared/data', train=True); xt, yt = load_image_tensors('mnist', '../shared/data', train=False)
net = WideResNet(10, 1, in_channels=1, dropout=0.0); opt = make_adam(net.parameters(), lr, betas=(0.0, 0.9))
data = EpochBatches(x, y, 32, 0, augment=True)
def ev():
    net.eval(); c = 0
    with torch.no_grad():
        for i in range(0, 10000, 500): c += (net(scale_images(xt[i:i+500])).argmax(1) == torch.as_tensor(yt[i:i+500])).sum().item()
    net.train(); return c / 10000
out = []; t0 = time.time()
for it in range(5625):
    m = min(1, (it + 1) / 200) * (0.3 if it >= 3750 else 1)
    for g in opt.param_groups: g['lr'] = lr * m
    xb, yb = data(it); loss = F.cross_entropy(net(xb), yb); opt.zero_grad(); loss.backward(); opt.step()
    if (it + 1) % 1875 == 0: out.append(dict(iteration=it + 1, test_acc=ev(), sec=time.time() - t0)); print(out[-1], flush=True)
json.dump(dict(lr=lr, curve=out), open(out_path, 'w'), indent=1)
