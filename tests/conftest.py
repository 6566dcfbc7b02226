"""Real-data checks run only where the data home named by VERA_DATA holds the files; elsewhere they are not collected.

A test marked `@pytest.mark.real_data('mnist')` (or 'human', ...) needs those files under $VERA_DATA. On a fresh
clone (no VERA_DATA) such tests are deselected, not skipped, and the header says how many and why; every other test
runs on fixture files written in the official formats, so nothing is skipped for want of data.
"""
import os
from pathlib import Path
import pytest

NEEDS = {'mnist': ['MNIST/raw/train-images-idx3-ubyte', 'MNIST/raw/t10k-images-idx3-ubyte'],
         'human': ['UCI HAR Dataset/train/X_train.txt', 'UCI HAR Dataset/train/y_train.txt']}

def have_real(name:str)->bool:
    root = os.environ.get('VERA_DATA')
    return bool(root) and all((Path(root) / f).exists() or (Path(root) / (f + '.gz')).exists() for f in NEEDS[name])

_DESELECTED = []

def pytest_collection_modifyitems(config, items):
    keep = []
    for it in items:
        m = it.get_closest_marker('real_data')
        if m is not None and not all(have_real(n) for n in (m.args or NEEDS)): _DESELECTED.append(it)
        else: keep.append(it)
    if _DESELECTED:
        config.hook.pytest_deselected(items=_DESELECTED)
        items[:] = keep

def pytest_report_header(config):
    root = os.environ.get('VERA_DATA')
    return f"real-data checks: {'on, VERA_DATA=' + root if root else 'off (VERA_DATA unset: they are not collected)'}"

def pytest_terminal_summary(terminalreporter):
    if _DESELECTED:
        terminalreporter.write_line(f"{len(_DESELECTED)} real-data checks not collected: VERA_DATA does not hold their files")
