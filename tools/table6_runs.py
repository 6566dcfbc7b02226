#!/usr/bin/env python3
"""Run the Table 6 grid of nbs/09_ssl.ipynb at its CPU budget outside the notebook, whole datasets first.

    OMP_NUM_THREADS=1 python tools/table6_runs.py [JOBS] [--records results/table6_runs] [--skip mnist/jem_pcd,...]

The plan is the notebook's (`run_ssl` with SSL_CPU_BUDGET, run folders runs/ssl/<dataset>/<method>/seed<s>, the
data home), so its records are exactly those the notebook would write, and `papermill nbs/09_ssl.ipynb ...`
afterwards finds every run finished. The order puts whole datasets first, so that a grid stopped early
leaves complete rows, and a background process survives a closed notebook. The committed records (--records) are
adopted first and the finished runs added to them at the end.
"""
import sys, json
import vera.ssl
from vera.core import run_parallel, sync_records, project_path
from vera.ssl import SSL_CPU_BUDGET as B, ssl_plan

ORDER = [('mnist', 'vera'), ('human', 'jem_pcd'), ('human', 'vera'), ('human', 'vat'), ('human', 'supervised'), ('human', 'all_labels'),
         ('mnist', 'supervised'), ('mnist', 'all_labels'), ('mnist', 'vat'), ('mnist', 'jem_pcd')]   # a grid stopped early has whole datasets

def plan(skip=()):
    pairs = [(ds, m) for ds, m in ORDER if f'{ds}/{m}' not in skip]
    return [q for ds, m in pairs for q in ssl_plan([ds], [m], [0, 1, 2], B['n_iters'], B['lr'], B['decay_at'], B['eval_every'],
                                                   project_path('runs/ssl'), max_rows=None)]

if __name__ == '__main__':
    args = sys.argv[1:]
    records = args[args.index('--records') + 1] if '--records' in args else None
    skip = args[args.index('--skip') + 1].split(',') if '--skip' in args else ()
    jobs = int(args[0]) if args and args[0].isdigit() else 2
    if records: print(len(sync_records(project_path(records), project_path('runs/ssl'))), 'records adopted')
    p = plan(skip)
    res = run_parallel(vera.ssl.run_ssl, p, jobs, 'ssl runs')
    if records: print(len(sync_records(project_path('runs/ssl'), project_path(records))), 'records added')
    for q, r in zip(p, res): print(q['dataset'], q['method'], q['seed'], r.get('val_acc_tail'), r.get('status', 'ok'), r.get('error', ''))
