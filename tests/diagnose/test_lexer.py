"""wedopt's lexer against PostgreSQL's own parser (pglast, client-side only: never in the server)."""

import pglast
import pytest
from wedopt.diagnose import lexer

# Texts whose statement count PostgreSQL's parser decides; each hides semicolons or quotes.
CORPUS = [
    "SELECT 1",
    "SELECT 1;",
    "SELECT 1; SELECT 2",
    "SELECT ';'",
    "SELECT 'a'';b'",
    "SELECT E'\\';' ; SELECT 2",
    "SELECT e'\\\\'; SELECT 1",
    "SELECT $$;$$",
    "SELECT $tag$ ; $$ ; $tag$",
    "SELECT $a$ $b$ ; $a$",
    "SELECT $_x1$;$_x1$, $$a$$",
    "SELECT 1 /* ; /* nested ; */ ; */",
    "SELECT 1 /* a */ /**/ + /* ; */ 2",
    "SELECT 1 -- ;\n",
    "SELECT 1 --x\n; SELECT 2 /* */",
    'SELECT 1 AS ";"',
    'SELECT 1 AS "a"";b"',
    'SELECT U&"d\\0061t;a"',
    "SELECT U&'d\\0061t;a'",
    "SELECT U&'d!0061t;a' UESCAPE '!'",
    "SELECT $1::int; SELECT $2",
    "SELECT a$b FROM (SELECT 1 AS a$b) s",
    ";;",
    "  ",
    "-- only a comment\n",
    "/* only ; a comment */",
    "SELECT 1;;SELECT 2;",
    "SELECT B'101', X'ff' ; SELECT N'x'",
    "SELECT 'a'\n'b'",
    "SELECT 1::int;SELECT 2",
    "INSERT INTO t VALUES (1); DELETE FROM t",
    "SELECT 1 FROM t WHERE a <> 2 AND b !=-1; SELECT 2",
    "SELECT 2*-3; SELECT 1--2\n",
    "SELECT '--;'; SELECT '/*'",
    'SELECT "--", "/*" FROM t',
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3",
    "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql "
    "BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END; END",
    "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql; SELECT 1",
    "DO $do$ BEGIN RAISE NOTICE ';'; END $do$",
    "SELECT (ARRAY[1,2])[1:2]; SELECT 1",
    "SELECT 'it''s' || E'\\x41;' || $q$'$q$",
    "SELECT 1e5, 1.5E-3, .5, 0x1F; SELECT 2",
    'SELECT café, "naïve;" FROM t; SELECT 1',
    "WITH x AS (SELECT ';' AS s) SELECT * FROM x; SELECT 2",
    "SELECT 1 /* multi\nline ; */ ; -- end",
]


@pytest.mark.parametrize("text", CORPUS)
def test_statement_count_matches_postgresql(text):
    expected = len(pglast.parse_sql(text))
    assert len(lexer.split_statements(text)) == expected


@pytest.mark.parametrize("text", CORPUS)
def test_statement_texts_match_postgresql(text):
    """Same statements as PostgreSQL's parser finds (it keeps trailing comments, wedopt drops them)."""
    expected = [s.strip() for s in pglast.split(text)]
    mine = [s.text for s in lexer.split_statements(text)]
    assert len(mine) == len(expected)
    for got, want in zip(mine, expected, strict=True):
        assert want.startswith(got) and got


@pytest.mark.parametrize(
    "text",
    ["SELECT 'open", 'SELECT "open', "SELECT $$ open", "SELECT 1 /* open /* */", "SELECT E'\\'", 'SELECT ""'],
)
def test_unterminated_tokens_are_errors_like_in_postgresql(text):
    with pytest.raises(pglast.parser.ParseError):
        pglast.parse_sql(text)
    with pytest.raises(lexer.LexError):
        lexer.split_statements(text)


def test_backslash_quote_without_standard_conforming_strings():
    text = "SELECT 'a\\'; b'; SELECT 2"
    assert len(lexer.split_statements(text, standard_conforming_strings=False)) == 2
    with pytest.raises(lexer.LexError):  # with them on, the backslash escapes nothing
        lexer.split_statements(text)


def test_classify_statements():
    def info(text):
        (statement,) = lexer.split_statements(text)
        return lexer.classify(statement)

    assert info("SELECT * FROM t WHERE a = $2")["param_count"] == 2
    assert info("(SELECT 1)")["kind"] == "query"
    assert info("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")["kind"] == "dml"
    assert info("update t set a = 1;")["command"] == "UPDATE"
    assert info("select '$1'")["param_count"] == 0
    for utility in (
        "VACUUM t",
        "CREATE TABLE x (a int)",
        "drop table t",
        "ALTER TABLE t ADD b int",
        "COPY t TO STDOUT",
        "SET work_mem = '1GB'",
        "EXPLAIN SELECT 1",
        "CREATE INDEX ON t (a)",
    ):
        assert info(utility)["kind"] == "utility", utility
    assert info("1 + 1")["kind"] == "unknown"
