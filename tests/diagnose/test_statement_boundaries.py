# ruff: noqa: E501 -- hostile SQL texts read better on one line
"""A second statement must never run through wedopt's entry points (issue 11, item 9).

Each text below is one statement to a lexer that gets PostgreSQL's lexical rules slightly
wrong, and two to PostgreSQL; the second takes a session-level advisory lock, which no
rollback releases. execute_explain_query, analyze_query and lint_query must refuse every
one with a clear error, and the lock must not be held afterwards. The texts also
cross-check wedopt's lexer against the server's parser (wedopt._parse_statements) and
against pglast (client-side).
"""

import random

import pglast
import psycopg
import pytest
from expect import clean_error
from wedopt.diagnose import lexer

LOCK_KEY = 4242
LOCK = f"SELECT pg_advisory_lock({LOCK_KEY})"

# (name, text, standard_conforming_strings)
HOSTILE = [
    ("comment ended by a carriage return alone", f"SELECT 1 -- a comment\r; {LOCK}", "on"),
    ("comment ended by CR in a DELETE", f"DELETE FROM booking WHERE id = 0 -- note\r; {LOCK}", "on"),
    ("U+00A0 at a token start", f"SELECT 1 AS \u00a0$$; {LOCK}; --$$", "on"),
    ("U+3000 at a token start", f"SELECT 1 AS \u3000$$; {LOCK}; --$$", "on"),
    ("U+0085 at a token start", f"SELECT 1 AS \u0085$$; {LOCK}; --$$", "on"),
    ("U+2028 at a token start", f"SELECT 1 AS \u2028$$; {LOCK}; --$$", "on"),
    ("U+1680 at a token start", f"SELECT 1 AS \u1680$$; {LOCK}; --$$", "on"),
    ("identifier with $ then a non-ASCII space", f"SELECT 1 AS a$\u00a0$; {LOCK}; --$\u00a0$", "on"),
    ("identifier with $ then a non-letter", f"SELECT 1 AS a$\u20ac$; {LOCK}; --$\u20ac$", "on"),
    ("E'' string continued on the next line", f"SELECT E'a'\n'\\'' ; {LOCK}; --'", "on"),
    ("E'' string continued over a comment", f"SELECT E'a' -- c\n'\\'' ; {LOCK}; --'", "on"),
    ("E'' string continued after a CR", f"SELECT E'a'\r'\\'' ; {LOCK}; --'", "on"),
    ("N'' with standard_conforming_strings off", f"SELECT N'\\'' ; {LOCK}; --'", "off"),
    (
        "a parameter named begin of type atomic",
        f"CREATE FUNCTION wedopt_t(begin atomic) RETURNS int LANGUAGE sql AS 'SELECT 1'; {LOCK}; --END",
        "on",
    ),
    (
        "RETURNS TABLE (begin atomic)",
        f"CREATE FUNCTION wedopt_t() RETURNS TABLE (begin atomic) LANGUAGE sql AS 'SELECT 1'; {LOCK}; --END",
        "on",
    ),
    ("plainly stacked", f"SELECT 1; {LOCK}", "on"),
    ("stacked after a trailing comment", f"SELECT 1 /* ; */; {LOCK} -- done", "on"),
    ("stacked after a dollar quote", f"SELECT $q$;$q$; {LOCK}", "on"),
]
ENTRY_POINTS = [
    ("execute_explain_query", "SELECT wedopt.execute_explain_query(%s, false)"),
    ("analyze_query", "SELECT * FROM wedopt.analyze_query(%s)"),
    ("lint_query", "SELECT * FROM wedopt.lint_query(%s)"),
]


def server_count(conn, text):
    """How many statements PostgreSQL's parser sees, or None when it refuses the text."""
    try:
        with conn.transaction():
            return len(conn.execute("SELECT stmt_no FROM wedopt._parse_statements(%s)", [text]).fetchall())
    except psycopg.Error:  # a syntax error, or a literal the scanner refuses
        return None


def lock_held(conn):
    return conn.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND pid = pg_backend_pid()",
        [LOCK_KEY],
    ).fetchone()[0]


@pytest.fixture
def booking(db):
    db.execute("CREATE TABLE booking (id int PRIMARY KEY, status text)")
    return db


@pytest.mark.parametrize(("name", "text", "scs"), HOSTILE, ids=[h[0] for h in HOSTILE])
@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=[e[0] for e in ENTRY_POINTS])
def test_no_second_statement_runs(booking, name, text, scs, entry):
    entry, call = entry
    booking.execute(f"SET standard_conforming_strings = {scs}")
    assert server_count(booking, text) == 2, "the case must really be two statements to PostgreSQL"
    try:
        booking.execute(call, [text])
        refused = None
    except psycopg.Error as exc:
        refused = exc
    assert lock_held(booking) == 0, f"{entry} ran the second statement of: {name}"
    assert refused is not None, f"{entry} accepted two statements: {name}"
    clean_error(refused, "42601")
    assert "exactly one statement" in refused.diag.message_primary


def test_the_lock_statement_itself_takes_the_lock(db):
    """The check above can fail: the second statement, run on its own, takes the lock."""
    db.execute(LOCK)
    assert lock_held(db) == 1
    db.execute(f"SELECT pg_advisory_unlock({LOCK_KEY})")


def test_explain_admin_with_analyze_refuses_too(connect, booking):
    admin = connect("wedopt_test_admin")
    for _, text, scs in HOSTILE:
        admin.execute(f"SET standard_conforming_strings = {scs}")
        with pytest.raises(psycopg.Error) as err:
            admin.execute("SELECT wedopt.execute_explain_query(%s, true)", [text])
        assert err.value.diag.sqlstate == "42601"
        assert lock_held(admin) == 0


@pytest.mark.parametrize(("name", "text", "scs"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_lexer_agrees_with_the_server(db, name, text, scs):
    db.execute(f"SET standard_conforming_strings = {scs}")
    mine = lexer.split_statements(text, standard_conforming_strings=scs == "on")
    server = db.execute(
        "SELECT statement FROM wedopt._parse_statements(%s) ORDER BY stmt_no", [text]
    ).fetchall()
    assert len(mine) == len(server)
    for got, (want,) in zip(mine, server, strict=True):
        assert want.strip(lexer.PG_SPACE).startswith(got.text), (got.text, want)
    if scs == "on":  # pglast has no standard_conforming_strings off
        assert len(pglast.parse_sql(text)) == len(server)


# Pieces of SQL text around the lexical rules that go wrong: quotes and their prefixes,
# continuation, comments, dollar quotes, every kind of space PostgreSQL has and does not have.
ATOMS = [
    "SELECT", " ", "1", ";", "'", "''", "E'", "N'", "B'", "X'", "U&'", '"', "$$", "$", "$a$", "$1", "\\",
    "--", "/*", "*/", "\n", "\r", "\t", "\f", "\u00a0", "\u3000", "\u0085", "\u2028", "\x1c", "é",
    "\U0001f600", "\u0663", "a", "x", "BEGIN", "ATOMIC", "END", "CASE", "(", ")", "CREATE FUNCTION f",
    "e", "_", "0", ".", "-", "*", "/", "+", "&", "U&", "::",
]  # fmt: skip
# Well-formed literals with traps inside, to build texts the server accepts more often.
LITERALS = [
    "'a;b'", "E'\\';'", "E'a'\n'b;'", "E'x' -- c\n'\\';'", "'x'\r'y'", "$$;$$", "$t$ $$ ; $t$",
    "U&'\\0041;'", "B'01'", "X'1f'", "\"a;b\"", "a$b", "\u00e9t\u00e9", "x\u00a0", "/* ; /* ; */ */ 1",
    "1 -- ;\n", "1 -- ;\r", "N'n;'", "$1",
]  # fmt: skip


def generated_texts(seed, count):
    rng = random.Random(seed)  # noqa: S311 -- a seeded, repeatable corpus
    for i in range(count):
        if i % 2:
            body = "".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 8)))
        else:
            body = " || ".join(rng.choice(LITERALS) for _ in range(rng.randint(1, 4)))
        yield f"SELECT {body}; SELECT 2"


@pytest.mark.parametrize("scs", ["on", "off"])
def test_lexer_agrees_with_the_server_on_generated_texts(db, scs):
    """Wherever the server accepts a generated text, the lexer sees the same statements."""
    db.execute(f"SET standard_conforming_strings = {scs}")
    accepted = 0
    disagreements = []
    for text in generated_texts(seed=11 if scs == "on" else 12, count=3000):
        count = server_count(db, text)
        if count is None:
            continue
        accepted += 1
        try:
            mine = len(lexer.split_statements(text, standard_conforming_strings=scs == "on"))
        except lexer.LexError as exc:
            mine = f"error {exc}"
        if mine != count:
            disagreements.append((text, count, mine))
    assert accepted >= 600, accepted  # the comparison is over a real number of texts
    assert not disagreements, disagreements[:10]
