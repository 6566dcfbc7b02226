"""Does a JEM energy fit its own training set? Reload the energy of finished `run_jem` runs (MNIST, WRN depth/width from
each run's metrics.json) and measure accuracy on the first N training images and on the whole test set.

  python benchmarks/jem_train_accuracy.py 10000 results/jem_mnist_cpu_attempts/train_accuracy.json runs/jem/mnist_cpu runs/jem/mnist_cpu_lr1e-3
"""
import sys, json
import torch
from vera.core import read_metrics
from vera.nets import WideResNet
from vera.metrics import evaluate_classifier
from vera.data import _tensor_batches
from vera.data import load_image_tensors
from vera.vera import load_checkpoint

if __name__ == '__main__':
    torch.set_num_threads(1)
    n, out, runs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    x, y = load_image_tensors('mnist', train=True)          # from the data home
    xt, yt = load_image_tensors('mnist', train=False)
    rows = []
    for r in runs:
        p = read_metrics(r)['params']
        net = WideResNet(p['depth'], p['widen'], 10, 1, p['dropout'])
        net.load_state_dict(load_checkpoint(f'{r}/checkpoint.pt')['trainer']['modules']['ebm']); net.eval()
        tr, te = evaluate_classifier(net, _tensor_batches(x[:n], y[:n])), evaluate_classifier(net, _tensor_batches(xt, yt))
        rows.append(dict(run=r, lr=p['lr'], train_acc=tr['accuracy'], n_train=tr['n'], test_acc=te['accuracy'], n_test=te['n']))
        print(rows[-1], flush=True)
    json.dump(dict(rows=rows, command=' '.join(['python', 'benchmarks/jem_train_accuracy.py'] + sys.argv[1:])), open(out, 'w'), indent=1)
