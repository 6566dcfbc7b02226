"Provenance of a run made from a copied tree: VERA_GIT_SHA names its commit."
from vera.core import git_sha, project_path

def test_env_names_the_commit(monkeypatch, tmp_path):
    monkeypatch.delenv('VERA_GIT_SHA', raising=False)
    assert git_sha(tmp_path) is None                       # no repository, no variable: unknown
    own = git_sha(project_path('.'))
    monkeypatch.setenv('VERA_GIT_SHA', 'abc123')
    assert git_sha(tmp_path) == 'abc123' and git_sha(project_path('.')) == 'abc123'   # the variable wins, also over a (possibly stale) .git
    assert own != 'abc123'
