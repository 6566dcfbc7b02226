"""papermill's `parameters` cell tag survives nbdev-clean.

nbdev-clean drops every cell metadata key not in its allow-list, and papermill finds the cell to override by
its `parameters` tag, so pyproject.toml must list `tags` in `allowed_cell_metadata_keys`. Each check copies
a notebook into a throw-away project holding a copy of pyproject.toml and runs the real `nbdev-clean` there;
the repository is never touched. A synthetic notebook keeps the guard exercised even when no notebook has a
`parameters` cell, and a control run with the key removed from the copied pyproject.toml proves the check
can fail.
"""
import json, re, shutil, subprocess, sys
from pathlib import Path
import pytest

try: import tomllib
except ImportError: import tomli as tomllib  # Python 3.10 (nbdev depends on tomli there)

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT/"pyproject.toml"

def _cells(nb_path): return json.loads(Path(nb_path).read_text(encoding="utf-8"))["cells"]
def _tags(cell): return (cell.get("metadata") or {}).get("tags") or []

def _param_notebooks():
    return sorted(p for p in (ROOT/"nbs").glob("*.ipynb")
                  if not p.name.startswith((".", "_")) and any("parameters" in _tags(c) for c in _cells(p)))

def _synthetic_nb(path):
    "Write a small papermill-style notebook: imports, a `parameters` cell, a derived-values cell"
    src = lambda s: s.splitlines(keepends=True)
    cells = [
        dict(cell_type="code", id="a0000001", execution_count=None, outputs=[], metadata={},
             source=src("import math")),
        dict(cell_type="code", id="a0000002", execution_count=3, outputs=[],
             metadata={"tags": ["parameters"], "scrolled": True, "ExecuteTime": {"end_time": "2024-01-01"}},
             source=src("out_dir = 'runs/synthetic'\nseed = 1234\nn_steps = 100")),
        dict(cell_type="code", id="a0000003", execution_count=None, outputs=[], metadata={},
             source=src("steps = n_steps // 2")),
    ]
    nb = dict(cells=cells, nbformat=4, nbformat_minor=5,
              metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                        "language_info": {"name": "python"}})
    Path(path).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return Path(path)

def _nbdev_clean_cmd():
    exe = Path(sys.executable).parent/"nbdev-clean"
    if exe.exists(): return [str(exe)]
    found = shutil.which("nbdev-clean")
    if not found: pytest.fail("nbdev-clean not found: install the dev extras (pip install -e '.[dev]')")
    return [found]

def check_tags_survive(nb_src, pyproject_text, tmp):
    "Copy `nb_src` into a project at `tmp` configured by `pyproject_text`, nbdev-clean it, assert tags survive"
    proj = Path(tmp)/"proj"
    (proj/"nbs").mkdir(parents=True)
    (proj/"vera").mkdir()
    (proj/"vera"/"__init__.py").write_text('__version__ = "0.0.0"\n')
    (proj/"pyproject.toml").write_text(pyproject_text, encoding="utf-8")
    nb = proj/"nbs"/Path(nb_src).name
    shutil.copyfile(nb_src, nb)
    before = [set(_tags(c)) for c in _cells(nb)]
    tagged = [i for i, t in enumerate(before) if "parameters" in t]
    assert tagged, f"{Path(nb_src).name} has no cell tagged `parameters`"
    r = subprocess.run(_nbdev_clean_cmd() + ["--fname", str(nb)], cwd=proj, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"nbdev-clean failed on {nb.name}:\n{r.stdout}\n{r.stderr}"
    after = _cells(nb)
    assert len(after) == len(before), f"nbdev-clean changed the number of cells of {nb.name}"
    lost = [i for i in tagged if "parameters" not in _tags(after[i])]
    assert not lost, (f"nbdev-clean stripped the papermill `parameters` tag from cell(s) {lost} of {nb.name}: "
                      f"add \"tags\" to allowed_cell_metadata_keys in [tool.nbdev] of pyproject.toml")
    for i, t in enumerate(before):  # every tag survives, not just `parameters`
        assert set(_tags(after[i])) == t, f"tags of cell {i} of {nb.name} changed: {t} -> {_tags(after[i])}"
    return after

def _cases():
    return [pytest.param(p, id=p.name) for p in _param_notebooks()] + [pytest.param(None, id="synthetic")]

@pytest.mark.parametrize("nb", _cases())
def test_parameters_tag_survives_clean(nb, tmp_path):
    if nb is None: nb = _synthetic_nb(tmp_path/"synthetic.ipynb")
    after = check_tags_survive(nb, PYPROJECT.read_text(encoding="utf-8"), tmp_path)
    if nb.name == "synthetic.ipynb":  # nbdev-clean did run: it dropped the metadata it does not allow
        md = after[1]["metadata"]
        assert "scrolled" not in md and "ExecuteTime" not in md, f"nbdev-clean did not clean: {md}"

def _without_allowed_keys(text):
    "`text` of pyproject.toml with the `allowed_cell_metadata_keys` setting removed"
    new = re.sub(r"(?m)^\s*allowed_cell_metadata_keys\s*=.*\n", "", text)
    assert new != text, "allowed_cell_metadata_keys not found in pyproject.toml"
    assert "allowed_cell_metadata_keys" not in tomllib.loads(new)["tool"]["nbdev"]
    return new

def test_guard_fails_without_allowed_key(tmp_path):
    "Control: with `allowed_cell_metadata_keys` removed from a copy of pyproject.toml, the check must fail"
    nb = _synthetic_nb(tmp_path/"synthetic.ipynb")
    stripped = _without_allowed_keys(PYPROJECT.read_text(encoding="utf-8"))
    with pytest.raises(AssertionError, match="stripped the papermill `parameters` tag"):
        check_tags_survive(nb, stripped, tmp_path)

def test_nbdev_config():
    cfg = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["nbdev"]
    assert "tags" in cfg.get("allowed_cell_metadata_keys", []), \
        "pyproject.toml [tool.nbdev] must have allowed_cell_metadata_keys = ['tags'] (else nbdev-clean strips `parameters`)"
    flags = cfg.get("tst_flags", [])
    if isinstance(flags, str): flags = flags.split()
    assert {"slow", "cuda"} <= set(flags), f"tst_flags must contain slow and cuda, got {flags}"
