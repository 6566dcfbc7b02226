"""Every notebook runs under nbdev-test's rules: one pytest test per notebook.

Each notebook runs in its own fresh Python process (so notebooks share no torch state and a crash stays
isolated) through `nbdev.test.test_nb`, with nbdev-test's settings read from pyproject.toml: cells flagged
with `tst_flags` (notest, slow, cuda) are skipped, the repository root goes on sys.path, `IN_TEST` is set
for the notebook only (by `test_nb`), and `cell_timeout` bounds each cell.

Environment knobs:
- `VERA_TEST_FLAGS="slow cuda"` also runs the cells with those flags (like `nbdev-test --flags`);
- `VERA_NB_TIMEOUT=SECONDS` bounds each notebook (default 600).
"""
import os, re, signal, subprocess, sys, tempfile, time
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/"nbs"
TIMEOUT = float(os.environ.get("VERA_NB_TIMEOUT", 600))
TAIL = 12_000  # characters of the notebook's output shown on failure

def _notebooks():
    "Notebooks nbdev-test would pick: nbs/*.ipynb and nbs/notes/*.ipynb not starting with `_` or `.`, unless nbs/.notest exists"
    if (NBS/".notest").exists(): return []
    return sorted(p for p in [*NBS.glob("*.ipynb"), *NBS.glob("notes/*.ipynb")] if not p.name.startswith(("_", ".")))

# Runs in the child process: mirrors what `nbdev_test` passes to `test_nb` for a single notebook.
_RUNNER = r"""
import os, sys
from pathlib import Path
from nbdev.config import get_config, import_obj
from nbdev.test import test_nb, nb_test_cells
fn = Path(sys.argv[1]).absolute()
cfg = get_config(fn.parent)
skip = cfg.tst_flags
if isinstance(skip, str): skip = skip.split()
force = os.environ.get("VERA_TEST_FLAGS", "").split()
os.chdir(cfg.nbs_path)
setup = cfg.get("test_setup")
if setup: import_obj(setup)(nb_test_cells(fn, skip, force))
ok, secs = test_nb(fn, skip_flags=skip, force_flags=force, basepath=cfg.config_path,
                   cell_timeout=cfg.cell_timeout or None)
sys.stdout.flush()
print(f"\n{'Success.' if ok else 'FAILED.'} {fn.name} in {secs:.1f}s (skipped flags: {sorted(set(skip)-set(force))})", flush=True)
sys.exit(0 if ok else 1)
"""

_ansi = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

def run_notebook(nb, timeout=TIMEOUT):
    "Run notebook `nb` in a fresh interpreter; return (returncode, combined output, timed_out)"
    env = {k: v for k, v in os.environ.items() if k != "IN_TEST"}  # `test_nb` sets it for the notebook itself
    env.setdefault("PYTHONUNBUFFERED", "1")
    with tempfile.TemporaryFile(mode="w+b") as log:
        p = subprocess.Popen([sys.executable, "-X", "faulthandler", "-c", _RUNNER, str(nb)], cwd=ROOT, env=env,
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        timed_out = False
        try: p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            p.send_signal(signal.SIGINT)  # nbdev's handler prints the running cell's stack, then exits
            try: p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.seek(0)
        out = _ansi.sub("", log.read().decode("utf-8", "replace"))
    return p.returncode, out, timed_out

@pytest.mark.parametrize("nb", _notebooks(), ids=lambda p: p.name)
def test_notebook(nb):
    t0 = time.time()
    rc, out, timed_out = run_notebook(nb)
    ok = rc == 0 and "Success." in out and not timed_out
    if ok: return
    if timed_out: why = f"timed out after {TIMEOUT:.0f}s"
    elif rc is not None and rc < 0: why = f"crashed with signal {signal.Signals(-rc).name}"
    else: why = f"failed (exit code {rc})"
    tail = out[-TAIL:] if len(out) > TAIL else out
    pytest.fail(f"nbs/{nb.name} {why} after {time.time()-t0:.0f}s under nbdev-test rules "
                f"(reproduce: nbdev-test --path nbs/{nb.name}). Notebook output:\n{tail}", pytrace=False)
