#!/usr/bin/env python3
"""Diagnosis of Table 6's VAT baseline on MNIST, which ends far below the supervised baseline at the CPU budget:
does the power iteration's finite-difference size xi (10, the released code's value) cause it?

    python benchmarks/vat_xi.py XI SEED      # e.g. 1e-6 0 (Miyato et al.'s small xi); writes runs/vat_diag/mnist_xi<XI>_seed<SEED>/

Runs `run_ssl('mnist', 'vat', ...)` at the budget of the first MNIST row of Table 6 (10,000 iterations, lr 3e-4, decays at
60/80 %; SSL_CPU_BUDGET's MNIST rate is now 1e-3) with VAT's xi
replaced, and prints val_acc_tail and the validation-accuracy curve. (The run record's parameters do not list xi; the
checkpoint's trainer config does.)
"""
import sys, json, torch
import vera.ssl as S

def main(xi:float, seed:int):
    torch.set_num_threads(1)
    orig = S.VAT.__init__
    def init(self, net, eps, **kw): kw.pop('xi', None); orig(self, net, eps, xi=xi, **kw)
    S.VAT.__init__ = init
    b = S.SSL_CPU_BUDGET
    m = S.run_ssl('mnist', 'vat', seed, n_iters=b['n_iters']['mnist'], lr=3e-4, decay_at=b['decay_at'], eval_every=b['eval_every'],
                  out_dir=f'runs/vat_diag/mnist_xi{xi:g}_seed{seed}', show_progress=False)
    rec = json.load(open(f'runs/vat_diag/mnist_xi{xi:g}_seed{seed}/metrics.json'))
    print('val_acc_tail', m['val_acc_tail'], [(e['iteration'], round(e['val_acc'], 3)) for e in rec['eval_curve']])

if __name__ == '__main__': main(float(sys.argv[1]), int(sys.argv[2]))
