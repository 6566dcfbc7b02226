"""The docs build's notebook processing (`make docs-check`, what the docs deploy workflow runs) succeeds.

`nbdev-proc-nbs` executes, in a fresh kernel per notebook, only the cells the rendered page needs: exported cells
and every cell that contains an import anywhere in it. Such a cell that uses a name defined in a plain cell fails
there (NameError) although the notebook runs top to bottom. This test runs the same processing with `force=True`
(no cache: every notebook, against the current package), from the repository root, into `_proc/` as the command does.

One difference from the console script: if Quarto is missing, `nbdev-proc-nbs` first tries to install it with sudo
(a password prompt, or a network download); the processing does not need Quarto, so that step is skipped here.
"""
import os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = float(os.environ.get("VERA_DOCS_TIMEOUT", 900))
TAIL = 8_000

_RUNNER = """
import nbdev.quarto as q
q._ensure_quarto = lambda: None     # processing needs no Quarto; never try to install it from a test
_sidebar = q.nbdev_sidebar.__wrapped__
q.nbdev_sidebar.__wrapped__ = lambda *a, force=False, **k: _sidebar(*a, **k)   # force=True below is for the cache, not the hand-written sidebar
q.nbdev_proc_nbs.__wrapped__(force=True)
"""

def test_docs_processing():
    env = {k: v for k, v in os.environ.items() if k != "IN_TEST"}
    env.setdefault("OMP_NUM_THREADS", "1")
    t0 = time.time()
    try:
        r = subprocess.run([sys.executable, "-c", _RUNNER], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise AssertionError(f"nbdev-proc-nbs did not finish within {TIMEOUT:.0f}s; output tail:\n{out[-TAIL:]}") from None
    out = r.stdout + r.stderr
    failed = sorted(set(re.findall(r"Error in notebook: .*? in cell \d+", out)))
    assert r.returncode == 0, (f"nbdev-proc-nbs failed (exit code {r.returncode}) after {time.time() - t0:.0f}s"
                               + (": " + "; ".join(failed) if failed else "")
                               + " (reproduce: make docs-check). Output tail:\n" + out[-TAIL:])
