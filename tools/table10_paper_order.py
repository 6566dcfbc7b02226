#!/usr/bin/env python3
"""Table 10's VERA lambda = 1 cells with Algorithm 1 in the paper's step order (eta step first), at the paper's 100,000 iterations.

    OMP_NUM_THREADS=1 python tools/table10_paper_order.py DATASETS [JOBS]      (DATASETS: comma-separated, e.g. rings)
    python tools/table10_paper_order.py --summary                              (only assemble what is finished)

The runs are 06_toy's own plan (`toy_plan('table10', methods=['vera_lam1'], step_order='paper')`, seeds 0, 1, 2, the
mixture energy, lr 1e-3, batch 200), in `runs/table10/<dataset>/vera_lam1_paper/seed<s>`, so they sit beside the
released order's runs and never touch them; finished and interrupted runs are picked up again. Each finished record is
copied to `results/table10_paper_order/`, and `results/table10_paper_order/summary.json` sets the cells beside the
released order's committed cells (`results/table10.json`), PCD's and the paper's, with the issue's two checks.
Once every dataset has its three seeds, `table10.json` and `table10.md` beside it hold the whole Table 10 with the
VERA lambda = 1 row in the paper's order (every other row, and the emulated released print of ML, as committed in
`results/table10.json` and `results/table10_released_protocol.json`) and the issue's acceptance checks on it.
"""
import sys, json
from vera.core import project_path, sync_records, atomic_write_bytes
from vera.toy import toy_plan, run_many, table10, table10_markdown, table10_checks, table10_checks_markdown, PAPER_TABLE10

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

def whole_table(runs=RUNS, datasets=('moons', 'circles', 'rings')) -> dict|None:
    "Table 10 as committed with its VERA lambda = 1 row replaced by the paper-order cells of `runs`, and the checks; None until every cell has 3 seeds."
    ours = table10(runs, datasets, (0, 1, 2), step_order='paper')['cells']
    if any(ours[f'{ds}/vera_lam1']['seeds_done'] < 3 for ds in datasets): return None
    t = json.loads(project_path('results/table10.json').read_text())
    t = dict(t, cells={**t['cells'], **{f'{ds}/vera_lam1': dict(ours[f'{ds}/vera_lam1'], label="VERA λ = 1 (paper's step order)") for ds in datasets}},
             step_order='VERA lambda = 1: paper (eta step first); every other VERA row: released')
    rel = json.loads(project_path('results/table10_released_protocol.json').read_text())['cells']
    chk = table10_checks(t, rel)
    md = table10_markdown(t).replace('| VERA λ = 1 |', "| VERA λ = 1, paper's step order |")
    return dict(t, checks=chk['checks'], markdown=md + '\n\n' + table10_checks_markdown(chk))

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
    w = whole_table()
    if w is not None:
        atomic_write_bytes(REC / 'table10.json', json.dumps({k: v for k, v in w.items() if k != 'markdown'}, indent=1).encode())
        atomic_write_bytes(REC / 'table10.md', (w['markdown'] + '\n').encode()); print(w['markdown'])
    for ds, v in s.items():
        p = v['paper_order']
        print(ds, 'paper order:', None if p['mean'] is None else round(p['mean'], 3), [round(x, 3) for x in p['values']],
              '| released:', round(v['released_order']['mean'], 3), '| PCD:', round(v['pcd_mean'], 3), '| paper:', v['paper'],
              '| within 0.15:', v['within_0_15_of_paper'], '| beats PCD:', v['beats_pcd'])
