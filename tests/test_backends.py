"""The Ray and SLURM backends: Table 10's smoke preset through `vera-reproduce` gives the same table on every backend, a killed
Ray driver resumes with only the missing runs, and a backend that cannot run says so in one line before anything is submitted."""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time
from pathlib import Path
import pytest
from vera.tables import plan, run_table
from vera.toy import ToyConfig

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
ray = pytest.importorskip('ray', reason="the ray backend's tests need Ray (pip install -e '.[dev]' installs it)")
submitit = pytest.importorskip('submitit', reason="the slurm backend's tests need submitit (pip install -e '.[dev]' installs it)")

def _free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

ENV = dict(os.environ, RAY_USAGE_STATS_ENABLED='0', RAY_AUTH_MODE='disabled')   # a throwaway cluster on localhost: no token to share

def _cli(name, *args, timeout=1800):
    return subprocess.run([str(BIN / name), *map(str, args)], capture_output=True, text=True, timeout=timeout, env=ENV)

@pytest.fixture(scope='module')
def ray_address():
    "A two-CPU Ray cluster on this machine, as `ray start --head` makes one for a lab (its session files in a short temporary folder)."
    tmp, port = tempfile.mkdtemp(prefix='r', dir='/tmp'), _free_port()
    r = subprocess.run([str(BIN / 'ray'), 'start', '--head', '--port', str(port), '--num-cpus', '2', '--num-gpus', '0', '--temp-dir', tmp,
                        '--include-dashboard', 'false', '--disable-usage-stats'], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    try: yield f'127.0.0.1:{port}'
    finally:
        subprocess.run([str(BIN / 'ray'), 'stop', '--force'], capture_output=True, timeout=120, env=ENV)
        shutil.rmtree(tmp, ignore_errors=True)

def _table(out):
    return json.loads((Path(out) / 'table10' / 'smoke' / 'table.json').read_text())

def _records(out)->dict:
    return {p.parent.name: p.stat().st_mtime_ns for p in Path(out).glob('toy/*/metrics.json')}

@pytest.mark.slow
def test_every_backend_gives_the_same_table(tmp_path, ray_address):
    common = ['table10', '--preset', 'smoke', '--no-results', '--timeout', 1800]
    r = _cli('vera-reproduce', *common, '--out', tmp_path / 'ray', '--backend', 'ray', '--address', ray_address)
    assert r.returncode == 0, r.stderr[-3000:]
    r = _cli('vera-reproduce', *common, '--out', tmp_path / 'slurm', '--backend', 'slurm', '--slurm-cluster', 'local')  # every cell of an array at once
    assert r.returncode == 0, r.stderr[-3000:]
    # the local backend: Table 10's runs alone, one after another in this process (vera-reproduce's local path is tests/test_reproduce.py's)
    local = json.loads(json.dumps(run_table('table10', 'smoke', ToyConfig, tmp_path / 'local', None, 1)['table']))
    assert all(c['mean'] is not None or c['diverged'] for c in local['cells'].values()), local
    assert _table(tmp_path / 'ray') == local
    assert _table(tmp_path / 'slurm') == local
    assert any((tmp_path / 'slurm' / 'slurm' / 'table10').rglob('*_log.out'))      # the job logs beside the runs
    assert set(_records(tmp_path / 'local')) <= set(_records(tmp_path / 'ray')) == set(_records(tmp_path / 'slurm'))

@pytest.mark.slow
def test_killed_ray_driver_resumes_with_only_the_missing_runs(tmp_path, ray_address):
    out, n = tmp_path / 'runs', len(plan('table10', 'smoke'))
    cmd = [str(BIN / 'vera-toy'), '--table', 'table10', '--preset', 'smoke', '--runs', str(out), '--results', str(tmp_path / 'none'),
           '--backend', 'ray', '--address', ray_address]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=ENV)
    t0 = time.time()
    while not _records(out) and time.time() - t0 < 600: time.sleep(0.2)
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    time.sleep(5)                                          # Ray cancels the dead driver's tasks
    first = _records(out)
    assert 1 <= len(first) < n, first                     # killed mid-batch
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=ENV)
    assert r.returncode == 0, r.stderr[-3000:]
    line = next(l for l in r.stderr.splitlines() if 'submitting' in l)
    submitted = int(line.split('submitting')[1].split()[0])
    assert 1 <= submitted <= n - len(first), line          # only the runs without a record
    after = _records(out)
    assert len(after) == n and all(after[k] == v for k, v in first.items())   # the finished runs were not run again

def test_a_backend_that_cannot_run_says_so_before_submitting(tmp_path):
    port = _free_port()
    r = _cli('vera-reproduce', 'table10', '--preset', 'smoke', '--out', tmp_path, '--backend', 'ray', '--address', f'127.0.0.1:{port}', timeout=120)
    assert r.returncode == 1 and r.stderr.strip().count('\n') == 0 and 'no Ray cluster answers' in r.stderr, r.stderr
    assert not (tmp_path / 'table10').exists()            # nothing ran
    if shutil.which('sbatch') is None:
        r = _cli('vera-toy', '--table', 'table10', '--preset', 'smoke', '--runs', tmp_path, '--backend', 'slurm', timeout=120)
        assert r.returncode == 2 and 'no SLURM scheduler here' in r.stderr and r.stderr.strip().count('\n') == 0, r.stderr
        assert not (tmp_path / 'toy').exists()
    r = _cli('vera-toy', '--table', 'table10', '--preset', 'smoke', '--runs', tmp_path, '--backend', 'ray', '--address', 'nowhere', timeout=120)
    assert r.returncode == 2 and 'a Ray address is HOST:PORT' in r.stderr, r.stderr
