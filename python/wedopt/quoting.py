"""Identifiers in the SQL wedopt writes (suggestions, statements it builds): quoted exactly as
PostgreSQL's quote_ident() quotes them, so that every suggestion runs as printed.

quote_ident() (ruleutils.c, quote_identifier) leaves a name bare only when it starts with a-z
or _, holds only a-z, 0-9 and _, and is no keyword other than an unreserved one: reserved,
type/function-name and column-name keywords are quoted (order, user, left, int, values...).
QUOTED_KEYWORDS is PostgreSQL 15's list (src/include/parser/kwlist.h, every category but
UNRESERVED_KEYWORD); tests/unit/test_quoting.py holds it against the server's pg_get_keywords()
and the server's own quote_ident(). Quoting a word that a later PostgreSQL no longer reserves
is harmless, so the set may only grow.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    return text.split()


# Reserved; type or function name; column name (pg_get_keywords() catcode R, T, C).
QUOTED_KEYWORDS = frozenset(
    _words("""
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign from
    grant group having in initially intersect into lateral leading limit localtime localtimestamp
    not null offset on only or order placing primary references returning select session_user some
    symmetric table then to trailing true union unique user using variadic when where window with

    authorization binary collation concurrently cross current_schema freeze full ilike inner is
    isnull join left like natural notnull outer overlaps right similar tablesample verbose

    between bigint bit boolean char character coalesce dec decimal exists extract float greatest
    grouping inout int integer interval least national nchar none normalize nullif numeric out
    overlay position precision real row setof smallint substring time timestamp treat trim values
    varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi
    xmlroot xmlserialize xmltable
    """)
)
_BARE = re.compile(r"[a-z_][a-z0-9_]*\Z")


def quote_ident(name: str) -> str:
    """name as an SQL identifier: bare where PostgreSQL's quote_ident() leaves it bare."""
    if _BARE.match(name) and name not in QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_qualified(*parts: str | None) -> str:
    """schema.name (parts that are None or empty left out), each part quoted."""
    return ".".join(quote_ident(p) for p in parts if p)


def fold_unquoted(name: str) -> str:
    """What PostgreSQL makes of an identifier written without quotes: ASCII letters lowered
    (downcase_identifier; other characters stay as they are in UTF-8)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
