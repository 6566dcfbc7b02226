"""README.md is generated from nbs/index.ipynb by tools/make_readme.py and must not drift from it."""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def test_readme_up_to_date(tmp_path):
    out = tmp_path/"README.md"
    r = subprocess.run([sys.executable, str(ROOT/"tools"/"make_readme.py"), str(out), "--nb", str(ROOT/"nbs"/"index.ipynb")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"tools/make_readme.py failed:\n{r.stdout}\n{r.stderr}"
    readme = ROOT/"README.md"
    assert readme.exists(), "README.md is missing: run make readme"
    assert readme.read_text(encoding="utf-8") == out.read_text(encoding="utf-8"), "README.md is out of date: run make readme"

def _render(cells):
    sys.path.insert(0, str(ROOT/"tools"))
    try: import make_readme
    finally: sys.path.remove(str(ROOT/"tools"))
    return [b for cell in cells for b in make_readme.render_cell(cell)]

def test_readme_rules():
    "The generator drops hidden cells, strips directives, keeps text outputs and rebases links"
    code = lambda src, outputs=(): dict(cell_type="code", source=src, outputs=list(outputs), metadata={})
    md = lambda src: dict(cell_type="markdown", source=src, metadata={})
    res = lambda txt: dict(output_type="execute_result", data={"text/plain": txt}, metadata={}, execution_count=1)
    blocks = _render([
        md("# vera\n\n![fig](../results/toy.png) and [core](00_core.ipynb) and [paper](https://arxiv.org/abs/2010.04230)"),
        dict(cell_type="raw", source="---\ntitle: x\n---", metadata={}),
        code("#| hide\nfrom vera.core import *"),
        code("#| export\ndef f(): pass"),
        code("#|include: false\nx = 1"),
        code("#| eval: false\n1 + 1", [res("2")]),
        code("#| echo: false\nprint('hi')", [dict(output_type="stream", name="stdout", text="hi\n"),
                                             dict(output_type="stream", name="stderr", text="warning\n")]),
        code("#| output: false\n3", [res("3")]),
        code("#| default_exp core"),
        code("x", [dict(output_type="display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"}, metadata={}),
                   dict(output_type="display_data", data={"text/markdown": "**bold**", "text/plain": "md"}, metadata={})]),
    ])
    assert blocks == [
        "# vera\n\n![fig](results/toy.png) and [core](nbs/00_core.ipynb) and [paper](https://arxiv.org/abs/2010.04230)",
        "```python\n1 + 1\n```", "```\n2\n```",
        "```\nhi\n```",
        "```python\n3\n```",
        "```python\nx\n```", "**bold**",
    ]
