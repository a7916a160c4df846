"""The pure-Python core of the bootstrap, without a server."""

from wedopt import core


def test_matching_versions_pass():
    assert core.check_loaded_version("1.2.0", None, "1.2.0") is None
    assert core.check_loaded_version("1.2.0", "1.2.0", "1.2.0") is None


def test_session_loaded_with_another_version_is_refused():
    sqlstate, message, hint = core.check_loaded_version("1.2.0", "1.1.0", "1.1.0")
    assert sqlstate == "55000"
    assert "1.1.0" in message and "1.2.0" in message
    assert "reconnect" in hint


def test_stale_package_is_refused():
    sqlstate, message, hint = core.check_loaded_version("1.2.0", None, "1.1.0")
    assert sqlstate == "55000"
    assert "installed Python package is version 1.1.0" in message
    assert "make install" in hint


def test_dependency_versions_reports_missing():
    found = dict(core.dependency_versions(("sqlglot", "surely-not-installed-pkg")))
    assert found["surely-not-installed-pkg"] == "missing"
    assert found["sqlglot"] != "missing"
