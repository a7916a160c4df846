"""wedopt: the in-database Python of the wedopt PostgreSQL extension.

Modules take ``plpy`` as an argument and never import it at top level, so the same
code runs inside PL/Python and under plain pytest.
"""

try:
    from ._version import __version__
except ImportError:  # a source checkout that `make` has not built yet
    __version__ = "0+source"

# Packages the in-database code imports; version_info() reports their versions.
RUNTIME_DEPENDENCIES = ("sqlglot",)
