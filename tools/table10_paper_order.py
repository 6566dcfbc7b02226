#!/usr/bin/env python3
"""Table 10's VERA lambda = 1 cells with Algorithm 1 in the paper's step order (eta step first), at the paper's 100,000 iterations.

    OMP_NUM_THREADS=1 python tools/table10_paper_order.py DATASETS [JOBS]      (DATASETS: comma-separated, e.g. rings)
    python tools/table10_paper_order.py --summary                              (only assemble what is finished)

The runs are 06_toy's own plan (`toy_plan('table10', methods=['vera_lam1'], step_order='paper')`, seeds 0, 1, 2, the
mixture energy, lr 1e-3, batch 200), in `runs/table10/<dataset>/vera_lam1_paper/seed<s>`, so they sit beside the
released order's runs and never touch them; finished and interrupted runs are picked up again. Each finished record is
copied to `results/table10_paper_order/`, and `results/table10_paper_order/summary.json` sets the cells beside the
released order's committed cells (`results/table10.json`), PCD's and the paper's, with the issue's two checks.
"""
import sys, json
from vera.core import project_path, sync_records, atomic_write_bytes
from vera.toy import toy_plan, run_many, table10, PAPER_TABLE10

RUNS, REC = project_path('runs'), project_path('results/table10_paper_order')

def summary(datasets=('moons', 'circles', 'rings')) -> dict:
    sync_records(REC, RUNS)                               # the committed records count as finished runs here too
    ours = table10(RUNS, datasets, (0, 1, 2), step_order='paper')['cells']
    released = json.loads(project_path('results/table10.json').read_text())['cells']
    out = {}
    for ds in datasets:
        c, r, pcd = ours[f'{ds}/vera_lam1'], released[f'{ds}/vera_lam1'], released[f'{ds}/pcd']
        paper = PAPER_TABLE10[ds]['vera_lam1']
        out[ds] = dict(paper_order=dict(values=c['values'], mean=c['mean'], std=c['std'], n_iters=c['n_iters'], diverged=c['diverged'],
                                        missing=c['missing'], best_seen_mean=c['best_seen_mean']),
                       released_order=dict(values=r['values'], mean=r['mean'], std=r['std']), pcd_mean=pcd['mean'], paper=paper,
                       within_0_15_of_paper=None if c['mean'] is None or c['seeds_done'] < 3 else bool(c['mean'] >= paper - 0.15),
                       beats_pcd=None if c['mean'] is None or c['seeds_done'] < 3 else bool(c['mean'] > pcd['mean']))
    return out

if __name__ == '__main__':
    args = sys.argv[1:]
    if args and args[0] != '--summary':
        datasets, jobs = args[0].split(','), int(args[1]) if len(args) > 1 else 1
        plan = toy_plan('table10', RUNS, datasets=datasets, seeds=(0, 1, 2), methods=['vera_lam1'], step_order='paper')
        sync_records(REC, RUNS)
        res = run_many(plan, jobs)
        for q, m in zip(plan, res): print(q['out_dir'], m.get('status'), m.get('loglik'), m.get('error', ''))
        sync_records(RUNS / 'table10', REC / 'table10')
    s = summary()
    REC.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(REC / 'summary.json', json.dumps(dict(summary=s, command='python tools/table10_paper_order.py ' + ' '.join(args)), indent=1).encode())
    for ds, v in s.items():
        p = v['paper_order']
        print(ds, 'paper order:', None if p['mean'] is None else round(p['mean'], 3), [round(x, 3) for x in p['values']],
              '| released:', round(v['released_order']['mean'], 3), '| PCD:', round(v['pcd_mean'], 3), '| paper:', v['paper'],
              '| within 0.15:', v['within_0_15_of_paper'], '| beats PCD:', v['beats_pcd'])
