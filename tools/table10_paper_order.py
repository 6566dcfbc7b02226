#!/usr/bin/env python3
"""Table 10's VERA lambda = 1 cells with Algorithm 1 in the paper's step order (eta step first), at the paper's 100,000 iterations.

    OMP_NUM_THREADS=1 python tools/table10_paper_order.py DATASETS [JOBS]      (DATASETS: comma-separated, e.g. rings)
    python tools/table10_paper_order.py --summary                              (only assemble what is finished)

The runs are 06_toy's own plan (`toy_plan('table10', methods=['vera_lam1'], step_order='paper')`, seeds 0, 1, 2, the
mixture energy, lr 1e-3, batch 200), in `runs/table10/<dataset>/vera_lam1_paper/seed<s>`, so they sit beside the
released order's runs and never touch them; finished and interrupted runs are picked up again. Each finished record is
copied to `results/table10_paper_order/`, and `results/table10_paper_order/summary.json` sets the cells beside the
released order's committed cells (`results/table10.json`), PCD's and the paper's, with two checks (VERA
lambda = 1 within 0.15 nats of the paper, and above PCD).
Once every dataset has its three seeds, `table10.json` and `table10.md` beside it hold the whole Table 10 with the
VERA lambda = 1 row in the paper's order (every other row, and the emulated released print of ML, as committed in
`results/table10.json` and `results/table10_released_protocol.json`) and Table 10's acceptance checks on it.
"""
import sys, json
from vera.core import project_path, sync_records, atomic_write_bytes
from vera.toy import toy_plan, run_many, table10, table10_markdown, table10_checks, table10_checks_markdown

RUNS, REC = project_path('runs'), project_path('results/table10_paper_order')

DATASETS = ('moons', 'circles', 'rings')

def whole_table(runs=RUNS, datasets=DATASETS) -> dict:
    "Table 10 as committed with its VERA lambda = 1 row replaced by the paper-order cells of `runs`, the checks, and `complete` (3 seeds everywhere)."
    ours = table10(runs, datasets, (0, 1, 2), step_order='paper')['cells']
    t = json.loads(project_path('results/table10.json').read_text())
    released = {f'{ds}/vera_lam1': t['cells'][f'{ds}/vera_lam1'] for ds in datasets}
    t = dict(t, cells={**t['cells'], **{k: dict(ours[k], label="VERA λ = 1 (paper's step order)") for k in released}},
             step_order='VERA lambda = 1: paper (eta step first); every other VERA row: released')
    chk = table10_checks(t, json.loads(project_path('results/table10_released_protocol.json').read_text())['cells'])
    md = table10_markdown(t).replace('| VERA λ = 1 |', "| VERA λ = 1, paper's step order |")
    return dict(t, checks=chk['checks'], released_vera_lam1=released, complete=all(ours[k]['seeds_done'] == 3 for k in released),
                markdown=md + '\n\n' + table10_checks_markdown(chk))

def summary(w:dict) -> dict:
    "Per dataset, the paper-order cell of `whole_table` beside the released order's, PCD's and the paper's, with the two checks (None below 3 seeds)."
    out = {}
    for ds in w['datasets']:
        c, r, k = w['cells'][f'{ds}/vera_lam1'], w['released_vera_lam1'][f'{ds}/vera_lam1'], w['checks'][ds]
        done = c['mean'] is not None and c['seeds_done'] == 3
        out[ds] = dict(paper_order=dict(values=c['values'], mean=c['mean'], std=c['std'], n_iters=c['n_iters'], diverged=c['diverged'],
                                        missing=c['missing'], best_seen_mean=c['best_seen_mean']),
                       released_order=dict(values=r['values'], mean=r['mean'], std=r['std']), pcd_mean=w['cells'][f'{ds}/pcd']['mean'],
                       paper=c['paper'], within_0_15_of_paper=bool(k['vera_ok']) if done else None,
                       beats_pcd=bool(k['vera_minus_pcd'] > 0) if done else None)
    return out

if __name__ == '__main__':
    args = sys.argv[1:]
    sync_records(REC, RUNS)                               # the committed records count as finished runs here too
    if args and args[0] != '--summary':
        datasets, jobs = args[0].split(','), int(args[1]) if len(args) > 1 else 1
        plan = toy_plan('table10', RUNS, datasets=datasets, seeds=(0, 1, 2), methods=['vera_lam1'], step_order='paper')
        res = run_many(plan, jobs)
        for q, m in zip(plan, res): print(q['out_dir'], m.get('status'), m.get('loglik'), m.get('error', ''))
        sync_records(RUNS / 'table10', REC / 'table10')
    w = whole_table()
    s = summary(w)
    REC.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(REC / 'summary.json', json.dumps(dict(summary=s, command='python tools/table10_paper_order.py ' + ' '.join(args)), indent=1).encode())
    if w['complete']:
        atomic_write_bytes(REC / 'table10.json', json.dumps({k: v for k, v in w.items() if k not in ('markdown', 'released_vera_lam1', 'complete')}, indent=1).encode())
        atomic_write_bytes(REC / 'table10.md', (w['markdown'] + '\n').encode()); print(w['markdown'])
    for ds, v in s.items():
        p = v['paper_order']
        print(ds, 'paper order:', None if p['mean'] is None else round(p['mean'], 3), [round(x, 3) for x in p['values']],
              '| released:', round(v['released_order']['mean'], 3), '| PCD:', round(v['pcd_mean'], 3), '| paper:', v['paper'],
              '| within 0.15:', v['within_0_15_of_paper'], '| beats PCD:', v['beats_pcd'])
