#!/usr/bin/env python3
"""Reference for the CPU-scale MNIST JEM run: the same network, optimiser, schedule, batches and augmentation as
07_jem's `mnist_cpu` preset (WRN-10-1, Adam betas (0, 0.9), 200 warm-up iterations, x0.3 at epoch 2, batch 32,
reflect-pad-4 random crops, 3 epochs), trained as a plain classifier (cross-entropy only, no energy term).

    python benchmarks/mnist_clf_reference.py LR OUT.json      # e.g. 3e-3 results/jem_mnist_cpu_attempts/classifier_only_lr3e-3.json

Writes the test accuracy, ECE and NLL at the end of each epoch (all 10,000 test images), one thread.
"""
import sys, json, time, torch, torch.nn.functional as F
from vera.jem import WideResNet, EpochBatches, load_image_tensors, scale_images, evaluate_classifier
from vera.core import make_adam
from vera.vera import lr_multiplier

def main(lr:float, out_path:str, epochs:int=3, batch:int=32):
    torch.manual_seed(0); torch.set_num_threads(1)
    x, y = load_image_tensors('mnist', '../shared/data', train=True); xt, yt = load_image_tensors('mnist', '../shared/data', train=False)
    net = WideResNet(10, 1, in_channels=1, dropout=0.0); opt = make_adam(net.parameters(), lr, betas=(0.0, 0.9))
    data = EpochBatches(x, y, batch, 0, augment=True)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_multiplier(200, [2 * data.iters_per_epoch], 0.3))   # the trainers' schedule
    test = [(scale_images(xt[i:i + 500]), yt[i:i + 500]) for i in range(0, len(xt), 500)]
    curve, t0 = [], time.time()
    for it in range(epochs * data.iters_per_epoch):
        xb, yb = data(it); loss = F.cross_entropy(net(xb), yb)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if (it + 1) % data.iters_per_epoch == 0:
            m = evaluate_classifier(net, test)
            curve.append(dict(iteration=it + 1, test_acc=m['accuracy'], test_ece=m['ece'], test_nll=m['nll'], sec=time.time() - t0)); print(curve[-1], flush=True)
    json.dump(dict(lr=lr, curve=curve, command=' '.join(['python', 'benchmarks/mnist_clf_reference.py'] + sys.argv[1:])), open(out_path, 'w'), indent=1)

if __name__ == '__main__': main(float(sys.argv[1]), sys.argv[2])
