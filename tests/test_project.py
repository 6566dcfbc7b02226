"""Project layout contracts: console script, docs site config, ignored outputs."""
from pathlib import Path
import yaml

try: import tomllib
except ImportError: import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/"nbs"

def _pyproject(): return tomllib.loads((ROOT/"pyproject.toml").read_text(encoding="utf-8"))

def test_console_script():
    scripts = _pyproject()["project"].get("scripts", {})
    assert "vera-toy" in scripts, "pyproject.toml [project.scripts] must define vera-toy"
    assert scripts["vera-toy"].startswith("vera.toy:"), f"vera-toy should point into vera.toy, got {scripts['vera-toy']}"

def _sidebar():
    "The docs sidebar contents: website.sidebar in nbs/_quarto.yml and the metadata files it lists"
    qy = NBS/"_quarto.yml"
    assert qy.exists(), "nbs/_quarto.yml is missing"
    cfg = yaml.safe_load(qy.read_text(encoding="utf-8"))
    assert cfg["project"]["type"] == "website"
    contents = []
    for d in [cfg] + [yaml.safe_load((NBS/f).read_text(encoding="utf-8")) for f in cfg.get("metadata-files", []) if (NBS/f).exists()]:
        sb = (d.get("website") or {}).get("sidebar") or {}
        for s in (sb if isinstance(sb, list) else [sb]): contents += s.get("contents") or []
    return contents

def _entries(contents):
    for c in contents:
        if isinstance(c, dict):
            if "href" in c: yield c["href"]
            yield from _entries(c.get("contents") or [])
        else: yield c

def test_quarto_sidebar_sections():
    contents = _sidebar()
    sections = {c["section"]: c.get("contents") or [] for c in contents if isinstance(c, dict) and "section" in c}
    assert {"Method", "Experiments"} <= sections.keys(), f"sidebar sections are {sorted(sections)}; need Method and Experiments"
    assert "index.ipynb" in list(_entries(contents)), "index.ipynb is not in the sidebar"

def test_every_notebook_in_sidebar():
    "custom_sidebar = true: nbdev will not add new notebooks to nbs/sidebar.yml, so each must be listed by hand"
    listed = set(_entries(_sidebar()))
    nbs = sorted(p.name for p in NBS.glob("*.ipynb") if not p.name.startswith(("_", ".")))
    missing = [n for n in nbs if n not in listed]
    assert not missing, f"notebooks missing from the docs sidebar: {missing}: add them to nbs/sidebar.yml (section Method or Experiments)"

def test_gitignore():
    lines = {l.strip().strip("/") for l in (ROOT/".gitignore").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")}
    missing = [p for p in ("runs", ".venv", "_proc", "_docs") if p not in lines]
    assert not missing, f".gitignore must ignore {missing}"
