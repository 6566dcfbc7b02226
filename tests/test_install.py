"""A non-editable install works in any folder: the console scripts and the Python API, with their own names in
their help and errors, and no file of the repository needed at run time."""
import json, os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    "The package built and installed (not editable) into a folder of its own, which goes first on sys.path."
    target = tmp_path_factory.mktemp('site')
    r = subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '--no-build-isolation', '--target', str(target), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    work = tmp_path_factory.mktemp('anywhere')
    env = {k: v for k, v in os.environ.items() if k not in ('VERA_DATA', 'IN_TEST')}
    env.update(PYTHONPATH=str(target), HOME=str(work), XDG_CACHE_HOME=str(work / 'cache'), VERA_PROGRESS='0')
    return target, work, env

def _run(installed, *cmd, **kw):
    target, work, env = installed
    return subprocess.run(list(cmd), capture_output=True, text=True, cwd=work, env=env, timeout=600, **kw)

def test_the_installed_copy_is_imported(installed):
    target, work, env = installed
    r = _run(installed, sys.executable, '-c', 'import vera, vera.toy, vera.jem, vera.ssl, vera.data; print(vera.__file__)')
    assert r.returncode == 0 and r.stdout.strip().startswith(str(target)), r.stdout + r.stderr
    assert not (target / 'vera' / '..' / 'nbs').resolve().exists()

def test_vera_toy_and_the_python_api_in_any_folder(installed):
    target, work, env = installed
    r = _run(installed, str(target / 'bin' / 'vera-toy'), '--n-iters', '20', '--out-dir', 'toy')
    assert r.returncode == 0, r.stderr[-3000:]
    rec = json.loads((work / 'toy' / 'metrics.json').read_text())
    assert rec['metrics']['status'] == 'ok' and rec['metrics']['iterations'] == 20
    r = _run(installed, sys.executable, '-c', 'from vera.toy import run_toy; print(run_toy("rings", 10, eval_every=10, n_test=200, out_dir="api", show_progress=False)["status"])')
    assert r.returncode == 0 and r.stdout.strip().endswith('ok'), r.stderr[-3000:]

def test_vera_jem_names_itself_and_finds_no_data_clearly(installed):
    target, work, env = installed
    r = _run(installed, str(target / 'bin' / 'vera-jem'), '--help')
    assert r.returncode == 0 and r.stdout.startswith('usage: vera-jem') and 'python -m' not in r.stdout.split('\n')[0]
    # no data home holds MNIST and there is no internet: a one-line error naming the files, the address and the folder
    r = _run(installed, str(target / 'bin' / 'vera-jem'), '--preset', 'smoke', '--device', 'cpu', '--out-dir', 'jem', '--root', str(work / 'data'))
    assert r.returncode == 2 and r.stderr.startswith('vera-jem: error:') and 'Traceback' not in r.stderr, r.stderr[-3000:]
    assert 'train-images-idx3-ubyte' in r.stderr and str(work / 'data') in r.stderr
    assert not (work / 'jem' / 'metrics.json').exists()

def test_vera_jem_trains_on_a_data_home_given_by_the_environment(installed):
    target, work, env = installed
    env = dict(env, VERA_DATA=str(ROOT / 'tests' / 'fixtures' / 'data'))
    r = subprocess.run([str(target / 'bin' / 'vera-jem'), '--preset', 'smoke', '--device', 'cpu', '--out-dir', 'jem2', '--set', 'n_iters=4',
                        '--set', 'eval_every=4', '--set', 'batch_size=8'], capture_output=True, text=True, cwd=work, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads((work / 'jem2' / 'metrics.json').read_text())['metrics']['iterations'] == 4

def test_vera_reproduce_outside_a_clone(installed):
    target, work, env = installed
    r = _run(installed, str(target / 'bin' / 'vera-reproduce'), 'table10', '--dry-run')
    assert r.returncode == 2 and '--nbs' in r.stderr and 'Traceback' not in r.stderr, r.stderr
