"""The import graph: the library never imports an experiment, experiments never import each other, and the batch runner
and table assembler know experiments only through their specs."""
import ast, json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = {'toy', 'ssl', 'jem', 'bias', 'nice', 'modes'}

def imports(mod:str)->set:
    "The vera modules `vera/<mod>.py` imports (absolute or relative)."
    tree = ast.parse((ROOT / 'vera' / f'{mod}.py').read_text())
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom):
            if n.level == 1 and n.module: out.add(n.module.split('.')[0])
            elif n.level == 1: out |= {a.name for a in n.names}
            elif n.module and n.module.startswith('vera.'): out.add(n.module.split('.')[1])
            elif n.module == 'vera': out |= {a.name for a in n.names}
        elif isinstance(n, ast.Import):
            out |= {a.name.split('.')[1] for a in n.names if a.name.startswith('vera.')}
    return out - {'_modidx'}

def modules()->list:
    return sorted(p.stem for p in (ROOT / 'vera').glob('*.py') if not p.stem.startswith('_'))

def test_the_library_imports_no_experiment():
    for m in modules():
        if m in EXPERIMENTS: continue
        assert not imports(m) & EXPERIMENTS, f"vera.{m} imports the experiments {sorted(imports(m) & EXPERIMENTS)}"

def test_experiments_do_not_import_each_other():
    for m in EXPERIMENTS:
        assert not imports(m) & (EXPERIMENTS - {m}), f"vera.{m} imports {sorted(imports(m) & (EXPERIMENTS - {m}))}"

def test_the_import_graph_has_no_cycle():
    g = {m: (imports(m) & set(modules())) - {m} for m in modules()}
    seen, done = set(), set()
    def visit(m, path):
        assert m not in seen or m in done, f"import cycle: {' -> '.join(path + [m])}"
        if m in done: return
        seen.add(m)
        for n in g[m]: visit(n, path + [m])
        done.add(m)
    for m in g: visit(m, [])

def test_every_spec_names_an_experiment_and_its_results_folder():
    from vera.tables import spec_names, load_spec
    assert spec_names(), 'no table specs shipped in vera/specs'
    for n in spec_names():
        s = load_spec(n)
        assert s['name'] == n and s['kind'] in EXPERIMENTS, (n, s['kind'])
        assert not Path(s['results']).is_absolute() and '..' not in s['results'], s['results']
