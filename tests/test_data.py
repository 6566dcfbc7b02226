"""vera.data: the data home, every loader on the committed fixtures (tests/fixtures/data, a data home in the official
formats), the errors of missing and corrupt files, and, where VERA_DATA holds them, the real MNIST and HUMAN files.

The fixtures are what `write_fixtures` writes; `test_fixtures_are_reproduced` keeps them from drifting. To remake them
after a deliberate change of a writer: `python -c "from vera.data import write_fixtures; write_fixtures('tests/fixtures/data')"`.
No test downloads anything: the paths that would are checked with the download stubbed out.
"""
import gzip, os, pickle, shutil, sys
from pathlib import Path
from unittest import mock
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import vera.data as vd
from vera.data import (DATA_ENV, IMAGE_DATASETS, IMAGE_SOURCES, MNIST_MIRRORS, FIXTURE_SIZES, FIXTURE_KINDS, HUMAN_SHA256, URLS,
                       TABULAR_DATASETS, data_home, load_image_tensors, scale_images, image_dataset, ImageDataset,
                       read_human, read_hepmass, read_crop, read_mnist, write_fixture, write_fixtures)

FIX = Path(__file__).resolve().parent / 'fixtures' / 'data'
REAL = os.environ.get(DATA_ENV)


def _files(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): p for p in sorted(d.rglob('*')) if p.is_file() and p.name != '.gitattributes'}


def _error(f, cls=FileNotFoundError) -> str:
    with pytest.raises(cls) as e: f()
    return str(e.value)


@pytest.fixture
def copy(tmp_path):
    "A writable copy of the committed fixtures."
    shutil.copytree(FIX, tmp_path / 'data')
    return tmp_path / 'data'


# ---------------------------------------------------------------- the data home

def test_data_home_order(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_ENV, str(tmp_path / 'env'))
    assert data_home(tmp_path / 'arg') == tmp_path / 'arg'                    # 1. the argument
    assert data_home() == tmp_path / 'env'                                    # 2. VERA_DATA
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'xdg'))
    monkeypatch.setenv(DATA_ENV, '')                                          # empty: as if unset
    import platformdirs
    assert data_home() == Path(platformdirs.user_cache_dir('vera'))          # 3. the user's cache folder
    monkeypatch.delenv(DATA_ENV)
    if sys.platform.startswith('linux'): assert data_home() == tmp_path / 'xdg' / 'vera'
    monkeypatch.setitem(sys.modules, 'platformdirs', None)                    # without platformdirs: ~/.cache/vera
    assert data_home() == tmp_path / 'home' / '.cache' / 'vera'
    assert data_home('~/d') == tmp_path / 'home' / 'd'                        # ~ expanded
    monkeypatch.chdir(tmp_path)
    assert data_home('rel/x') == tmp_path / 'rel' / 'x'                       # relative: against the current directory
    monkeypatch.setenv(DATA_ENV, 'rel_env')
    assert data_home() == tmp_path / 'rel_env' and data_home().is_absolute()


# ---------------------------------------------------------------- fixtures

def test_fixtures_are_reproduced(tmp_path):
    mine, fresh = _files(FIX), _files(write_fixtures(tmp_path))
    assert sorted(mine) == sorted(fresh), f"files differ: committed only {sorted(set(mine) - set(fresh))}, written only {sorted(set(fresh) - set(mine))}"
    differ = [k for k in mine if mine[k].read_bytes() != fresh[k].read_bytes()]
    assert not differ, f"write_fixtures no longer writes the committed fixtures byte for byte: {differ}"


def test_fixtures_small_and_deterministic(tmp_path):
    total = sum(p.stat().st_size for p in _files(FIX).values())
    assert total < 2_300_000, f"the fixtures grew to {total} bytes"     # HUMAN's 168 training rows (8 per volunteer) are most of it: a test split of 6 volunteers must leave 10 labels per class
    a, b = write_fixture('svhn', tmp_path / 'a', n=(6, 3), seed=5), write_fixture('svhn', tmp_path / 'b', n=(6, 3), seed=5)
    assert (a / 'SVHN/test_32x32.mat').read_bytes() == (b / 'SVHN/test_32x32.mat').read_bytes()
    c = write_fixture('svhn', tmp_path / 'c', n=(6, 3), seed=6)
    assert (a / 'SVHN/test_32x32.mat').read_bytes() != (c / 'SVHN/test_32x32.mat').read_bytes()
    x, y = load_image_tensors('svhn', a, False, download=False)
    assert x.shape == (3, 3, 32, 32)
    assert load_image_tensors('svhn', a, True, download=False)[0].shape == (6, 3, 32, 32)
    assert read_hepmass(write_fixture('hepmass', tmp_path / 'h', n=50), 'test', download=False)[0].shape == (50, 28)
    with pytest.raises(ValueError, match='no fixture'): write_fixture('imagenet', tmp_path)


def test_no_two_image_fixtures_share_images():
    cifar, _ = load_image_tensors('cifar10', FIX, True, download=False)
    svhn, _ = load_image_tensors('svhn', FIX, True, download=False)
    assert (cifar.float() - svhn.float()).abs().mean() > 20


# ---------------------------------------------------------------- images

SHAPES = {(n, t): (FIXTURE_SIZES[n][0 if t else 1], s['channels'], s['size'], s['size'])
          for n, s in IMAGE_DATASETS.items() for t in (True, False)}


@pytest.mark.parametrize('name', list(IMAGE_DATASETS))
@pytest.mark.parametrize('train', [True, False])
def test_image_fixture_shapes(name, train):
    x, y = load_image_tensors(name, FIX, train, download=False)
    assert x.shape == SHAPES[name, train] and x.dtype == torch.uint8 and x.is_contiguous()
    assert y.shape == (len(x),) and y.dtype == torch.int64
    k = IMAGE_DATASETS[name]['classes']
    assert 0 <= y.min() and y.max() < k
    if train: assert set(y.tolist()) == set(range(k))                        # every class in the training split
    assert x.min() == 0 and x.max() == 255 and 40 < x.float().mean() < 200


@pytest.mark.parametrize('name', list(IMAGE_DATASETS))
def test_image_fixture_learnable(name):
    "Nearest class mean of the training split classifies the test split without error."
    x, y = load_image_tensors(name, FIX, True, download=False)
    xt, yt = load_image_tensors(name, FIX, False, download=False)
    means = torch.stack([x[y == c].double().mean(0) for c in range(IMAGE_DATASETS[name]['classes'])]).flatten(1)
    assert (torch.cdist(xt.double().flatten(1), means).argmin(1) == yt).all()


def test_mnist_pixels_match_the_idx_bytes():
    raw = FIX / 'MNIST' / 'raw'
    b, lb = (raw / 't10k-images-idx3-ubyte').read_bytes(), (raw / 't10k-labels-idx1-ubyte').read_bytes()
    assert b[:16] == bytes.fromhex('00000803 00000032 0000001c 0000001c')    # magic 2051, 50 images of 28 x 28
    x, y = load_image_tensors('mnist', FIX, False, download=False)
    for i, r, c in [(0, 0, 0), (0, 14, 14), (7, 10, 20), (49, 27, 27), (13, 5, 9)]:
        assert x[i, 0, r, c] == b[16 + i * 784 + r * 28 + c]
    assert y.tolist() == list(lb[8:])
    assert x[-1, 0, 14, 14] == 237 and y[:6].tolist() == [7, 5, 8, 8, 6, 9]   # as committed


def test_cifar_pixels_match_the_batches():
    x, y = load_image_tensors('cifar10', FIX, True, download=False)
    b1 = pickle.loads((FIX / 'cifar-10-batches-py' / 'data_batch_1').read_bytes(), encoding='latin1')   # our own fixture: safe
    assert len(b1['data']) == 8 and b1['batch_label'] == 'training batch 1 of 5'
    assert torch.equal(x[:8].reshape(8, -1), torch.from_numpy(b1['data'])) and y[:8].tolist() == b1['labels']
    assert x[0, 0, 10, 10] == b1['data'][0, 10 * 32 + 10] == 212                                         # channel 0 plane first
    assert x[1, 2, 20, 5] == b1['data'][1, 2048 + 20 * 32 + 5] == 204
    x100, y100 = load_image_tensors('cifar100', FIX, True, download=False)
    assert x100[0, 0, 10, 10] == 177 and y100[:3].tolist() == [75, 38, 94]


def test_svhn_pixels_match_the_mat_file():
    import scipy.io
    m = scipy.io.loadmat(str(FIX / 'SVHN' / 'test_32x32.mat'))
    x, y = load_image_tensors('svhn', FIX, False, download=False)
    assert m['X'].shape == (32, 32, 3, 20) and m['y'].shape == (20, 1) and m['y'].min() == 1 and m['y'].max() == 10
    for n, c, h, w in [(0, 0, 0, 0), (3, 1, 5, 30), (19, 2, 31, 7)]:
        assert x[n, c, h, w] == m['X'][h, w, c, n]
    assert y.tolist() == [0 if v == 10 else int(v) for v in m['y'][:, 0]]
    assert x[0, 0, 10, 10] == 85 and x[1, 2, 20, 5] == 158


@pytest.mark.parametrize('name', list(IMAGE_DATASETS))
def test_images_as_torchvision_reads_them(name):
    "torchvision's own dataset classes (their MD5 checks off: the fixtures are not the real files) read the same."
    import torchvision.datasets as D
    for train in (True, False):
        with mock.patch('torchvision.datasets.cifar.check_integrity', return_value=True), \
             mock.patch('torchvision.datasets.svhn.check_integrity', return_value=True):
            if name == 'cifar10': ds = D.CIFAR10(str(FIX), train=train)
            elif name == 'cifar100': ds = D.CIFAR100(str(FIX), train=train)
            elif name == 'svhn': ds = D.SVHN(str(FIX / 'SVHN'), split='train' if train else 'test')
            else: ds = D.MNIST(str(FIX), train=train)
        if name in ('cifar10', 'cifar100'): rx, ry = torch.as_tensor(ds.data).permute(0, 3, 1, 2), torch.as_tensor(ds.targets)
        elif name == 'svhn': rx, ry = torch.as_tensor(ds.data), torch.as_tensor(ds.labels)
        else: rx, ry = ds.data.unsqueeze(1), ds.targets
        x, y = load_image_tensors(name, FIX, train, download=False)
        assert torch.equal(x, rx) and torch.equal(y, ry.long())


def test_mnist_gz_only(tmp_path):
    raw = tmp_path / 'MNIST' / 'raw'; raw.mkdir(parents=True)
    for p in (FIX / 'MNIST' / 'raw').iterdir(): (raw / (p.name + '.gz')).write_bytes(gzip.compress(p.read_bytes(), mtime=0))
    for train in (True, False):
        a, b = load_image_tensors('mnist', tmp_path, train, download=False), load_image_tensors('mnist', FIX, train, download=False)
        assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    (raw / 't10k-images-idx3-ubyte.gz').write_bytes(b'\x1f\x8b' + b'junk' * 10)
    assert 't10k-images-idx3-ubyte.gz: not a readable gzip file' in _error(lambda: load_image_tensors('mnist', tmp_path, False, download=False), ValueError)


def test_sources_are_torchvisions():
    import torchvision.datasets as D
    assert IMAGE_SOURCES['cifar10'] == [(D.CIFAR10.url, D.CIFAR10.tgz_md5)]
    assert IMAGE_SOURCES['cifar100'] == [(D.CIFAR100.url, D.CIFAR100.tgz_md5)]
    assert IMAGE_SOURCES['svhn'] == [(D.SVHN.split_list[s][0], D.SVHN.split_list[s][2]) for s in ('train', 'test')]
    assert IMAGE_SOURCES['mnist'] == [(D.MNIST.mirrors[0] + f, m) for f, m in D.MNIST.resources]
    assert list(MNIST_MIRRORS) == D.MNIST.mirrors


# ---------------------------------------------------------------- scaled images and augmentation

def test_scale_images():
    x = torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8)
    assert torch.allclose(scale_images(x), x.float() / 127.5 - 1) and scale_images(x)[[0, -1]].tolist() == [-1.0, 1.0]
    assert scale_images(x, torch.float64).dtype == torch.float64


def _windows(img, pad=4):
    xp = F.pad(img[None], (pad,) * 4, mode='reflect')[0]; H, W = img.shape[-2:]
    return torch.stack([xp[:, r:r + H, c:c + W] for r in range(2 * pad + 1) for c in range(2 * pad + 1)])


@pytest.mark.parametrize('name', list(IMAGE_DATASETS))
def test_image_dataset(name):
    import torchvision.transforms as T
    x, y = load_image_tensors(name, FIX, False, download=False)
    ds = image_dataset(name, FIX, train=False, download=False)
    assert isinstance(ds, ImageDataset) and len(ds) == len(x)
    xi, yi = ds[2]
    assert xi.dtype == torch.float32 and xi.shape == x.shape[1:] and isinstance(yi, int) and yi == y[2]
    assert -1 <= xi.min() and xi.max() <= 1 and torch.equal(xi, scale_images(x[2]))
    C = x.shape[1]
    ref = T.Compose([T.ToTensor(), T.Normalize((0.5,) * C, (0.5,) * C)])(x[2].permute(1, 2, 0).numpy())   # torchvision's route
    assert torch.allclose(xi, ref, atol=1e-6)
    aug = image_dataset(name, FIX, train=False, download=False, augment=True)
    torch.manual_seed(0)
    w = _windows(scale_images(x[2])); flips = 0
    for _ in range(40):
        a, l = aug[2]
        assert l == y[2] and a.shape == xi.shape
        plain, mirrored = (w == a).flatten(1).all(1).any(), (w.flip(-1) == a).flatten(1).all(1).any()
        assert plain or mirrored
        flips += bool(mirrored and not plain)
    assert (flips > 0) == IMAGE_DATASETS[name]['flip']


def test_image_dataset_length_mismatch():
    with pytest.raises(ValueError, match='3 images but 2 labels'): ImageDataset(torch.zeros(3, 1, 4, 4, dtype=torch.uint8), torch.zeros(2))


# ---------------------------------------------------------------- tabular

def test_tabular_fixtures():
    assert TABULAR_DATASETS == ('hepmass', 'crop', 'human', 'mnist')
    for split, n in (('train', 168), ('test', 9)):
        X, y = read_human(FIX, split, download=False)
        assert X.shape == (n, 561) and X.dtype == np.float64 and y.dtype == np.int64 and sorted(set(y.tolist())) == list(range(6))
        assert X.min() == -1 and X.max() <= 1
        d = FIX / 'UCI HAR Dataset' / split
        first = (d / f'X_{split}.txt').read_bytes().split(b'\r\n')[0].split()
        assert X[0, :4].tolist() == [float(v) for v in first[:4]]
        assert (y + 1).tolist() == [int(v) for v in (d / f'y_{split}.txt').read_text().split()]
    X, y = read_human(FIX, 'train', download=False)
    assert X[0, :3].tolist() == [-0.509, -0.833, -0.05] and y[:6].tolist() == [2, 1, 4, 1, 5, 2]
    assert np.bincount(y).tolist() == [28] * 6
    for split in ('train', 'test'):
        X, y = read_hepmass(FIX, split, download=False)
        assert X.shape == (120, 28) and set(y.tolist()) == {0, 1} and X.dtype == np.float64
    X, y = read_hepmass(FIX, 'train', download=False)
    assert X[0, :3].tolist() == [-0.895467, 0.386902, -0.510805]
    X, y = read_crop(FIX, download=False)
    assert X.shape == (120, 174) and sorted(set(y.tolist())) == list(range(7)) and X[0, :2].tolist() == [9.25393, 4.72029]
    X, y = read_mnist(FIX, True, download=False)
    xi, yi = load_image_tensors('mnist', FIX, True, download=False)
    assert X.shape == (130, 784) and X.dtype == np.float64 and X.min() == 0 and X.max() == 255 and y.dtype == np.int64
    assert np.array_equal(X, xi.reshape(130, -1).numpy()) and np.array_equal(y, yi.numpy())


def test_human_fixture_layout():
    "The official layout: right-aligned fields, 3-digit exponents, CRLF in X, LF in y."
    b = (FIX / 'UCI HAR Dataset' / 'train' / 'X_train.txt').read_bytes()
    lines = b.split(b'\r\n')
    assert lines[-1] == b'' and len(lines) == 169 and b'\n' not in b.replace(b'\r\n', b'')
    assert len({len(l) for l in lines[:-1]}) == 1 and all(l.startswith(b' ') for l in lines[:-1])
    assert all(len(v.split(b'e')[1]) == 4 for v in lines[0].split())          # e-001, e+000
    assert b'\r' not in (FIX / 'UCI HAR Dataset' / 'train' / 'y_train.txt').read_bytes()


def test_table6_split_leaves_ten_labels_per_class():
    "A seeded 10 % validation split (Table 6's) leaves at least 10 examples of every class for seeds 0-2."
    for X, y in (read_human(FIX, 'train', download=False), read_crop(FIX, download=False), read_mnist(FIX, True, download=False)):
        for seed in range(3):
            perm = np.random.RandomState(seed).permutation(len(y))
            assert np.bincount(y[perm[:len(y) - int(round(0.1 * len(y)))]]).min() >= 10


def test_hepmass_gz_and_recorded_checksum(tmp_path):
    d = tmp_path / 'HEPMASS'; d.mkdir()
    (d / '1000_test.csv.gz').write_bytes(gzip.compress((FIX / 'HEPMASS' / '1000_test.csv').read_bytes(), mtime=0))
    a, b = read_hepmass(tmp_path, 'test', download=False), read_hepmass(FIX, 'test', download=False)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    (d / '1000_test.csv.gz.sha256').write_text('0' * 64 + '  1000_test.csv.gz\n')
    assert 'does not match the SHA-256 recorded' in _error(lambda: read_hepmass(tmp_path, 'test', download=False), ValueError)


def test_split_names():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"): read_human(FIX, 'val')
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"): read_hepmass(FIX, 'val')
    with pytest.raises(ValueError, match='unknown image dataset'): load_image_tensors('imagenet', FIX)


# ---------------------------------------------------------------- missing files

def _loaders(root, download):
    return {'mnist': lambda: load_image_tensors('mnist', root, True, download), 'cifar10': lambda: load_image_tensors('cifar10', root, False, download),
            'cifar100': lambda: load_image_tensors('cifar100', root, True, download), 'svhn': lambda: load_image_tensors('svhn', root, False, download),
            'human': lambda: read_human(root, 'test', download), 'hepmass': lambda: read_hepmass(root, 'train', download),
            'crop': lambda: read_crop(root, download), 'mnist_table': lambda: read_mnist(root, False, download)}

MISSING = {'mnist': ['MNIST/raw/train-images-idx3-ubyte', 'MNIST/raw/train-labels-idx1-ubyte'], 'cifar10': ['cifar-10-batches-py/test_batch'],
           'cifar100': ['cifar-100-python/train'], 'svhn': ['SVHN/test_32x32.mat'],
           'human': ['UCI HAR Dataset/test/X_test.txt', 'UCI HAR Dataset/test/y_test.txt'], 'hepmass': ['HEPMASS/1000_train.csv.gz'],
           'crop': ['CROP/WinnipegDataset.txt'], 'mnist_table': ['MNIST/raw/t10k-images-idx3-ubyte', 'MNIST/raw/t10k-labels-idx1-ubyte']}
FOLDER = {'mnist': 'MNIST/raw', 'mnist_table': 'MNIST/raw', 'svhn': 'SVHN', 'hepmass': 'HEPMASS', 'crop': 'CROP'}
SOURCE = {'mnist': [u for u, _ in IMAGE_SOURCES['mnist'][:2]], 'mnist_table': [u for u, _ in IMAGE_SOURCES['mnist'][2:]],
          'cifar10': [IMAGE_SOURCES['cifar10'][0][0]], 'cifar100': [IMAGE_SOURCES['cifar100'][0][0]], 'svhn': [IMAGE_SOURCES['svhn'][1][0]],
          'human': [URLS['human']], 'hepmass': [URLS['hepmass'].format(split='train')], 'crop': [URLS['crop']]}


@pytest.mark.parametrize('name', list(MISSING))
def test_missing_files_download_false(name, tmp_path, monkeypatch):
    monkeypatch.setattr(vd, '_online', lambda url: pytest.fail('download=False must not look for the network'))
    msg = _error(_loaders(tmp_path, False)[name])
    assert '\n' not in msg and '(download=False)' in msg, msg
    for f in MISSING[name]: assert str(tmp_path / f) in msg, (f, msg)
    for u in SOURCE[name]: assert u in msg, (u, msg)
    assert f"into {tmp_path / FOLDER.get(name, '')}".rstrip('/') in msg, msg
    assert 'root=' in msg and 'VERA_DATA environment variable' in msg and 'download=True' in msg
    if name in ('mnist', 'cifar10', 'cifar100', 'svhn'):
        key = 'mnist' if name == 'mnist' else name
        for u, m in IMAGE_SOURCES[key]:
            if u in msg: assert f'MD5 {m}' in msg
    assert not any(tmp_path.iterdir())                                        # nothing written


@pytest.mark.parametrize('name', list(MISSING))
def test_missing_files_offline(name, tmp_path, monkeypatch):
    "download=None: nothing is attempted when the host does not resolve."
    monkeypatch.setattr(vd, '_online', lambda url: False)
    monkeypatch.setattr(vd, '_download_images', lambda *a: pytest.fail('no download when offline'))
    monkeypatch.setattr(vd, '_fetch', lambda *a: pytest.fail('no download when offline'))
    msg = _error(_loaders(tmp_path, None)[name])
    assert 'offline:' in msg and 'does not resolve' in msg and str(tmp_path / MISSING[name][0]) in msg, msg


@pytest.mark.parametrize('name', list(MISSING))
def test_failed_download(name, tmp_path, monkeypatch):
    "download=True tries even when the host does not resolve; the failure ends in the same error, with its reason."
    monkeypatch.setattr(vd, '_online', lambda url: False)
    def boom(*a): raise OSError('network unreachable')
    monkeypatch.setattr(vd, '_download_images', boom)
    monkeypatch.setattr(vd, '_fetch', boom)
    msg = _error(_loaders(tmp_path, True)[name])
    assert 'download failed: OSError: network unreachable' in msg and 'call again once online' in msg, msg
    for u in SOURCE[name]: assert u in msg


def test_download_fetches_what_is_missing(tmp_path, monkeypatch):
    "A download that provides the files is read; download=None tries it when online."
    monkeypatch.setattr(vd, '_online', lambda url: True)
    calls = []
    def fake(name, root, train):
        calls.append((name, train)); shutil.copytree(FIX / 'SVHN', root / 'SVHN', dirs_exist_ok=True)
    monkeypatch.setattr(vd, '_download_images', fake)
    x, y = load_image_tensors('svhn', tmp_path, False)
    assert calls == [('svhn', False)] and len(x) == 20
    load_image_tensors('svhn', tmp_path, False); assert len(calls) == 1    # present: not fetched again
    monkeypatch.setattr(vd, '_download_images', lambda *a: None)         # a download that provides nothing
    assert 'the download did not provide them' in _error(lambda: load_image_tensors('cifar10', tmp_path, True))


def test_human_download_checks_train_sha256(tmp_path, monkeypatch):
    import io, zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for split in ('train', 'test'):
            for f in (f'X_{split}.txt', f'y_{split}.txt', f'subject_{split}.txt'): z.writestr(f'UCI HAR Dataset/{split}/{f}', (FIX / 'UCI HAR Dataset' / split / f).read_bytes())
    monkeypatch.setattr(vd, '_fetch', lambda url: buf.getvalue())
    msg = _error(lambda: read_human(tmp_path, 'test', download=True))     # the fixture's X_train.txt is not the real one
    assert 'X_train.txt fails its SHA-256 check' in msg
    monkeypatch.setattr(vd, 'HUMAN_SHA256', {k: vd._sha256(FIX / 'UCI HAR Dataset' / 'train' / k) for k in vd.HUMAN_SHA256})
    X, y = read_human(tmp_path, 'test', download=True)                    # test files: taken as the archive gives them
    assert X.shape == (9, 561) and (tmp_path / 'UCI HAR Dataset' / 'train' / 'X_train.txt').exists()


@pytest.fixture
def server(tmp_path):
    "A local HTTP server (127.0.0.1) for the files of a folder: yields (folder, base URL)."
    import functools, http.server, threading
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    folder = tmp_path / 'served'; folder.mkdir()
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield folder, f'http://127.0.0.1:{srv.server_address[1]}/'
    srv.shutdown(); srv.server_close()


def _md5(p): import hashlib; return hashlib.md5(Path(p).read_bytes()).hexdigest()


def test_download_images_from_a_server(server, tmp_path, monkeypatch):
    "The real download code (torchvision's download_url, MD5 checks, extraction) against a local server."
    import tarfile
    served, base = server
    with tarfile.open(served / 'cifar-100-python.tar.gz', 'w:gz') as t: t.add(FIX / 'cifar-100-python', 'cifar-100-python')
    shutil.copy(FIX / 'SVHN' / 'test_32x32.mat', served / 'test_32x32.mat')
    for f in ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'):
        (served / (f + '.gz')).write_bytes(gzip.compress((FIX / 'MNIST' / 'raw' / f).read_bytes(), mtime=0))
    monkeypatch.setitem(vd.IMAGE_SOURCES, 'cifar100', [(base + 'cifar-100-python.tar.gz', _md5(served / 'cifar-100-python.tar.gz'))])
    monkeypatch.setitem(vd.IMAGE_SOURCES, 'svhn', [('unused', ''), (base + 'test_32x32.mat', _md5(served / 'test_32x32.mat'))])
    monkeypatch.setitem(vd.IMAGE_SOURCES, 'mnist', [(base + f, _md5(served / f)) for f in ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz')] * 2)
    monkeypatch.setattr(vd, 'MNIST_MIRRORS', ('http://127.0.0.1:1/refused/', base))          # the first mirror fails
    home = tmp_path / 'home'
    for name, train in (('cifar100', False), ('svhn', False), ('mnist', True)):
        x, y = load_image_tensors(name, home, train, download=True)
        rx, ry = load_image_tensors(name, FIX, train, download=False)
        assert torch.equal(x, rx) and torch.equal(y, ry)
    files = sorted(p.relative_to(home).as_posix() for p in home.rglob('*') if p.is_file())
    assert files == ['MNIST/raw/train-images-idx3-ubyte', 'MNIST/raw/train-images-idx3-ubyte.gz', 'MNIST/raw/train-labels-idx1-ubyte',
                     'MNIST/raw/train-labels-idx1-ubyte.gz', 'SVHN/test_32x32.mat', 'cifar-100-python/meta', 'cifar-100-python/test',
                     'cifar-100-python/train']                                          # no archive, no temporary folder
    monkeypatch.setitem(vd.IMAGE_SOURCES, 'svhn', [('unused', ''), (base + 'test_32x32.mat', '0' * 32)])
    bad = tmp_path / 'bad'
    msg = _error(lambda: load_image_tensors('svhn', bad, False, download=True))
    assert 'download failed: RuntimeError: File not found or corrupted' in msg
    assert not [p for p in bad.rglob('*') if p.is_file()]                                  # a file that fails its MD5 is not kept


def test_download_tables_from_a_server(server, tmp_path, monkeypatch):
    import zipfile
    served, base = server
    (served / '1000_train.csv.gz').write_bytes(gzip.compress((FIX / 'HEPMASS' / '1000_train.csv').read_bytes(), mtime=0))
    with zipfile.ZipFile(served / 'data.zip', 'w') as z: z.write(FIX / 'CROP' / 'WinnipegDataset.txt', 'WinnipegDataset.txt')
    with zipfile.ZipFile(served / 'har.zip', 'w') as z:
        for split in ('train', 'test'):
            for f in (f'X_{split}.txt', f'y_{split}.txt', f'subject_{split}.txt'): z.write(FIX / 'UCI HAR Dataset' / split / f, f'UCI HAR Dataset/{split}/{f}')
    monkeypatch.setitem(vd.URLS, 'hepmass', base + '1000_{split}.csv.gz')
    monkeypatch.setitem(vd.URLS, 'crop', base + 'data.zip')
    monkeypatch.setitem(vd.URLS, 'human', base + 'har.zip')
    monkeypatch.setattr(vd, 'HUMAN_SHA256', {k: vd._sha256(FIX / 'UCI HAR Dataset' / 'train' / k) for k in vd.HUMAN_SHA256})
    home = tmp_path / 'home'
    for f in (lambda r, d: read_hepmass(r, 'train', d), lambda r, d: read_crop(r, d), lambda r, d: read_human(r, 'test', d), lambda r, d: read_human(r, 'train', d)):
        a, b = f(home, True), f(FIX, False)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert (home / 'HEPMASS' / '1000_train.csv.gz.sha256').read_text().split()[0] == vd._sha256(home / 'HEPMASS' / '1000_train.csv.gz')
    assert (home / 'CROP' / 'WinnipegDataset.txt.sha256').exists()


def test_download_argument():
    with pytest.raises(ValueError, match='download must be None'): load_image_tensors('mnist', FIX, download='yes')
    with pytest.raises(ValueError, match='download must be None'): read_crop(Path('/nonexistent'), download=1.5)


# ---------------------------------------------------------------- corrupt files

def test_truncated_idx(copy):
    p = copy / 'MNIST' / 'raw' / 't10k-images-idx3-ubyte'; p.write_bytes(p.read_bytes()[:-1])
    assert f'{p}: truncated' in _error(lambda: load_image_tensors('mnist', copy, False, download=False), ValueError)
    p.write_bytes(p.read_bytes()[:10])
    assert f'{p}: truncated IDX file' in _error(lambda: load_image_tensors('mnist', copy, False, download=False), ValueError)


def test_bad_idx(copy):
    raw = copy / 'MNIST' / 'raw'
    p = raw / 't10k-images-idx3-ubyte'; b = p.read_bytes(); p.write_bytes(b + b'\0')
    assert f'{p}: too long' in _error(lambda: load_image_tensors('mnist', copy, False, download=False), ValueError)
    p.write_bytes(b'\0\0\x08\x01' + b[4:])
    assert f'{p}: not an IDX file' in _error(lambda: load_image_tensors('mnist', copy, False, download=False), ValueError)
    p.write_bytes(b)
    q = raw / 't10k-labels-idx1-ubyte'; lb = bytearray(q.read_bytes()); lb[8 + 3] = 10; q.write_bytes(bytes(lb))
    assert f'{q}: labels must be integers in 0..9' in _error(lambda: load_image_tensors('mnist', copy, False, download=False), ValueError)
    q.write_bytes(vd._idx_bytes(np.zeros(49, np.uint8)))
    assert f'{q}: 49 labels for the 50 images' in _error(lambda: load_image_tensors('mnist', copy, False, download=False), ValueError)
    p.write_bytes(vd._idx_bytes(np.zeros((50, 32, 32), np.uint8)))
    assert f'{p}: images of 32 x 32 pixels' in _error(lambda: load_image_tensors('mnist', copy, False, download=False), ValueError)


def test_bad_cifar(copy):
    p = copy / 'cifar-10-batches-py' / 'data_batch_3'
    p.write_bytes(vd._py2_pickle({'data': np.zeros((2, 3000), np.uint8), 'labels': [0, 1]}))
    assert f"{p}: 'data' must be uint8 of shape (N, 3072)" in _error(lambda: load_image_tensors('cifar10', copy, download=False), ValueError)
    p.write_bytes(vd._py2_pickle({'data': np.zeros((2, 3072), np.uint8), 'labels': [0, 10]}))
    assert f'{p}: labels must be integers in 0..9' in _error(lambda: load_image_tensors('cifar10', copy, download=False), ValueError)
    p.write_bytes(vd._py2_pickle({'data': np.zeros((2, 3072), np.uint8), 'labels': [0]}))
    assert f'{p}: 1 labels for 2 images' in _error(lambda: load_image_tensors('cifar10', copy, download=False), ValueError)
    p.write_bytes(vd._py2_pickle([1, 2]))
    assert f'{p}: expected a pickled dict' in _error(lambda: load_image_tensors('cifar10', copy, download=False), ValueError)
    p.write_bytes(b'garbage')
    assert f'{p}: not a readable dataset batch' in _error(lambda: load_image_tensors('cifar10', copy, download=False), ValueError)
    q = copy / 'cifar-100-python' / 'test'
    q.write_bytes(vd._py2_pickle({'data': np.zeros((1, 3072), np.uint8), 'labels': [3]}))   # CIFAR100 needs fine_labels
    assert f"{q}: no 'fine_labels' entry" in _error(lambda: load_image_tensors('cifar100', copy, False, download=False), ValueError)


def test_cifar_bytes_keys(copy):
    "A batch re-pickled by Python 3 (bytes keys, protocol 4) reads too."
    p = copy / 'cifar-100-python' / 'test'
    x, y = load_image_tensors('cifar100', copy, False, download=False)
    p.write_bytes(pickle.dumps({b'data': x.reshape(len(x), -1).numpy(), b'fine_labels': y.tolist()}, protocol=4))
    a, b = load_image_tensors('cifar100', copy, False, download=False)
    assert torch.equal(a, x) and torch.equal(b, y)


@pytest.mark.parametrize('payload', ['open', 'system'])
def test_malicious_pickle_is_not_executed(copy, payload):
    made = copy.parent / f'pwned_{payload}'
    evil = (f"cbuiltins\nopen\n(V{made}\nVw\ntR." if payload == 'open' else f"cos\nsystem\n(Vtouch '{made}'\ntR.").encode()
    p = copy / 'cifar-10-batches-py' / 'test_batch'; p.write_bytes(evil)
    msg = _error(lambda: load_image_tensors('cifar10', copy, False, download=False), ValueError)
    assert str(p) in msg and 'refused to load the global' in msg and ('builtins.open' in msg or 'os.system' in msg), msg
    assert not made.exists()
    if payload == 'open':                     # what an unrestricted pickle.load would have done
        pickle.loads(evil).close(); assert made.exists()


def test_bad_svhn(copy):
    p = copy / 'SVHN' / 'test_32x32.mat'
    p.write_bytes(b'MATLAB 5.0 MAT-file' + b'\0' * 50)
    assert f'{p}: not a readable MATLAB file' in _error(lambda: load_image_tensors('svhn', copy, False, download=False), ValueError)
    p.write_bytes(vd._mat_bytes(X=np.zeros((32, 32, 3, 2), np.uint8), y=np.array([[0], [3]], np.uint8)))
    assert f'{p}: labels must lie in 1..10' in _error(lambda: load_image_tensors('svhn', copy, False, download=False), ValueError)
    p.write_bytes(vd._mat_bytes(X=np.zeros((28, 28, 3, 2), np.uint8), y=np.array([[1], [3]], np.uint8)))
    assert f'{p}: X must be uint8 of shape (32, 32, 3, N)' in _error(lambda: load_image_tensors('svhn', copy, False, download=False), ValueError)
    p.write_bytes(vd._mat_bytes(X=np.zeros((32, 32, 3, 2), np.uint8), y=np.array([[1]], np.uint8)))
    assert f'{p}: 1 labels for 2 images' in _error(lambda: load_image_tensors('svhn', copy, False, download=False), ValueError)
    p.write_bytes(vd._mat_bytes(Z=np.zeros(3)))
    assert f'{p}: expected variables X and y' in _error(lambda: load_image_tensors('svhn', copy, False, download=False), ValueError)


def test_bad_tables(copy):
    d = copy / 'UCI HAR Dataset' / 'test'
    (d / 'y_test.txt').write_text('1\n7\n' + '1\n' * 7)
    assert f"{d / 'y_test.txt'}: labels must be integers in 1..6" in _error(lambda: read_human(copy, 'test', download=False), ValueError)
    (d / 'X_test.txt').write_text(' 1.0 2.0\r\n')
    assert f"{d / 'X_test.txt'}: expected 561 columns" in _error(lambda: read_human(copy, 'test', download=False), ValueError)
    p = copy / 'CROP' / 'WinnipegDataset.txt'; p.write_text('f1,f2\n1,2\n')
    assert f"{p}: expected a header line starting with 'label'" in _error(lambda: read_crop(copy, download=False), ValueError)


# ---------------------------------------------------------------- the real data, where VERA_DATA holds it

def _holds(*parts):
    return bool(REAL) and all((Path(REAL) / p).exists() or (Path(REAL) / (p + '.gz')).exists() for p in parts)

HAS_MNIST = _holds(*[f'MNIST/raw/{s}-{k}-ubyte' for s in ('train', 't10k') for k in ('images-idx3', 'labels-idx1')])
HAS_HUMAN = _holds('UCI HAR Dataset/train/X_train.txt', 'UCI HAR Dataset/train/y_train.txt')


@pytest.mark.real_data('mnist')
def test_real_mnist():
    x, y = load_image_tensors('mnist', None, True, download=False)          # root None: the data home, VERA_DATA
    assert x.shape == (60000, 1, 28, 28) and x.dtype == torch.uint8 and y.shape == (60000,)
    assert np.bincount(y.numpy()).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    xt, yt = load_image_tensors('mnist', None, False, download=False)
    assert xt.shape == (10000, 1, 28, 28)
    assert abs(xt.double().mean().item() / 255 - 0.1325146) < 1e-6
    assert abs(scale_images(xt, torch.float64).mean().item() - (2 * 0.1325146 - 1)) < 2e-6
    import torchvision
    ds = torchvision.datasets.MNIST(REAL, train=False)
    assert torch.equal(xt[:, 0], ds.data) and torch.equal(yt, ds.targets)
    X, yy = read_mnist(None, False, download=False)
    assert X.shape == (10000, 784) and X.dtype == np.float64 and np.array_equal(yy, yt.numpy())


@pytest.mark.real_data('human')
def test_real_human():
    X, y = read_human(None, 'train', download=False)
    assert X.shape == (7352, 561) and X.dtype == np.float64 and y.dtype == np.int64
    assert y.min() == 0 and y.max() == 5 and np.bincount(y).tolist() == [1226, 1073, 986, 1286, 1374, 1407]
    assert X[0, :3].tolist() == [0.28858451, -0.020294171, -0.13290514]
    for f in HUMAN_SHA256: assert vd._sha256(Path(REAL) / 'UCI HAR Dataset' / 'train' / f) == HUMAN_SHA256[f]
