"""Facts about the installed extension: versions of its SQL, its Python and their dependencies."""

from __future__ import annotations

import sys
from importlib import metadata

from . import RUNTIME_DEPENDENCIES, __version__


def dependency_versions(names=RUNTIME_DEPENDENCIES) -> list[tuple[str, str]]:
    """(name, version) of each runtime dependency, 'missing' where it cannot be found."""
    found = []
    for name in names:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "missing"))
    return found


def version_info(plpy) -> list[dict]:
    """Rows for wedopt.version_info(): one per component."""
    row = plpy.execute(
        "SELECT e.extversion, pg_catalog.current_setting('server_version') AS server_version "
        "FROM pg_catalog.pg_extension AS e WHERE e.extname OPERATOR(pg_catalog.=) 'wedopt'"
    )
    sql_version = row[0]["extversion"] if row else None
    server_version = row[0]["server_version"] if row else None
    package_dir = __file__.rsplit("/", 2)[0]
    rows = [
        {"component": "wedopt (SQL)", "version": sql_version, "detail": "pg_extension.extversion"},
        {"component": "wedopt (Python)", "version": __version__, "detail": package_dir},
        {"component": "python", "version": sys.version.split()[0], "detail": sys.executable},
        {"component": "postgresql", "version": server_version, "detail": "server_version"},
    ]
    rows += [
        {"component": name, "version": version, "detail": "Python dependency"}
        for name, version in dependency_versions()
    ]
    return rows


def check_loaded_version(
    expected: str, loaded: str | None, package_version: str
) -> tuple[str, str, str] | None:
    """Why the package must not be used, as (sqlstate, message, hint), or None when all is well.

    ``loaded`` is the version an earlier call put in this session's GD (None if none did);
    ``package_version`` is ``wedopt.__version__`` of the package now imported.
    """
    if loaded is not None and loaded != expected:
        return (
            "55000",
            f"wedopt: this session has wedopt's Python package {loaded} loaded, "
            f"but the extension is now at version {expected}",
            "Python modules cannot be reloaded inside a session: reconnect, then call the function again.",
        )
    if package_version != expected:
        return (
            "55000",
            f"wedopt: the installed Python package is version {package_version}, "
            f"but the extension is at version {expected}",
            f"Run `make install` (or `pgxn install wedopt={expected}`) to install "
            f"the matching Python package, then reconnect.",
        )
    return None
