#!/usr/bin/env python3
"""Reference for the CPU-scale MNIST JEM run: the same network, optimiser, schedule, batches and augmentation as
07_jem's `mnist_cpu` preset (WRN-10-1, Adam betas (0, 0.9), 200 warm-up iterations, x0.3 at epoch 2, batch 32,
reflect-pad-4 random crops, 3 epochs), trained as a plain classifier (cross-entropy only, no energy term).

    python benchmarks/mnist_clf_reference.py LR OUT.json [GAMMA [ALPHA]]   # e.g. 3e-3 results/jem_mnist_cpu_attempts/classifier_only_lr3e-3.json

With GAMMA > 0 the loss is ALPHA * cross-entropy + GAMMA/2 * E||grad_x log p(x)||^2 on the data batch (log p(x) = logsumexp
of the logits), i.e. the JEM loss without its energy term (f(negatives) - f(data)): an ablation that isolates the
gradient penalty (JEM's defaults: GAMMA 0.1, ALPHA 100).

Writes the test accuracy, ECE and NLL (all 10,000 test images) and the accuracy on the first 10,000 training images at the end of each epoch, one thread.
"""
import sys, json, time, torch, torch.nn.functional as F
from vera.nets import WideResNet
from vera.data import EpochBatches
from vera.metrics import evaluate_classifier
from vera.data import load_image_tensors, scale_images
from vera.core import make_adam
from vera.vera import lr_multiplier

def main(lr:float, out_path:str, gamma:float=0.0, alpha:float=1.0, epochs:int=3, batch:int=32):
    torch.manual_seed(0); torch.set_num_threads(1)
    x, y = load_image_tensors('mnist', train=True); xt, yt = load_image_tensors('mnist', train=False)   # from the data home
    net = WideResNet(10, 1, in_channels=1, dropout=0.0); opt = make_adam(net.parameters(), lr, betas=(0.0, 0.9))
    data = EpochBatches(x, y, batch, 0, augment=True)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_multiplier(200, [2 * data.iters_per_epoch], 0.3))   # the trainers' schedule
    test = [(scale_images(xt[i:i + 500]), yt[i:i + 500]) for i in range(0, len(xt), 500)]
    train10k = [(scale_images(x[i:i + 500]), y[i:i + 500]) for i in range(0, 10_000, 500)]   # fit of the training set itself
    curve, t0 = [], time.time()
    for it in range(epochs * data.iters_per_epoch):
        xb, yb = data(it)
        if gamma > 0:
            xb = xb.detach().requires_grad_(True); out = net(xb)
            (gx,) = torch.autograd.grad(out.logsumexp(1).sum(), xb, create_graph=True)
            loss = alpha * F.cross_entropy(out, yb) + gamma / 2 * gx.flatten(1).pow(2).sum(1).mean()
        else: loss = alpha * F.cross_entropy(net(xb), yb)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if (it + 1) % data.iters_per_epoch == 0:
            m, mtr = evaluate_classifier(net, test), evaluate_classifier(net, train10k)
            curve.append(dict(iteration=it + 1, train10k_acc=mtr['accuracy'], test_acc=m['accuracy'], test_ece=m['ece'], test_nll=m['nll'], sec=time.time() - t0)); print(curve[-1], flush=True)
    json.dump(dict(lr=lr, gamma=gamma, alpha=alpha, curve=curve, command=' '.join(['python', 'benchmarks/mnist_clf_reference.py'] + sys.argv[1:])), open(out_path, 'w'), indent=1)

if __name__ == '__main__': main(float(sys.argv[1]), sys.argv[2], *map(float, sys.argv[3:5]))
