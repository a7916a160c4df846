"""Hostile input: every text of the corpus is refused (42501 or 22023, a message, a HINT), logged
as refused, and nothing changes in the database. The statement count PostgreSQL's parser sees
(wedopt._parse_statements) is cross-checked against pglast (libpg_query) on a generated corpus."""

import itertools

import pglast
import psycopg
import pytest
from conftest import refused, run

SNAPSHOT = """
    SELECT
        (SELECT array_agg(c.oid::regclass::text || ':' || c.relkind::text || ':'
                          || coalesce(i.indisvalid::text, '-')
                          ORDER BY c.oid)
         FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid
         WHERE c.relnamespace NOT IN
             ('pg_catalog'::regnamespace, 'pg_toast'::regnamespace, 'wedopt'::regnamespace)
           AND c.relnamespace::regnamespace::text NOT LIKE 'pg_temp%'),
        (SELECT count(*) FROM public.booking),
        (SELECT array_agg(rolname ORDER BY rolname) FROM pg_roles),
        (SELECT array_agg(proname ORDER BY proname) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
        (SELECT array_agg(c.oid::regclass::text || coalesce(c.reloptions::text, '') ORDER BY c.oid)
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace)
"""

# Each entry: the text, and why it is hostile.
CORPUS = [
    ("VACUUM booking; DROP TABLE booking", "stacked statements"),
    ("CREATE INDEX ON booking (venue_id); DROP TABLE venue", "stacked after an allowed one"),
    ("ANALYZE booking;;DROP TABLE venue", "empty statement between"),
    ("ANALYZE booking -- comment\r DROP TABLE venue", "-- comment ended by a carriage return"),
    ("ANALYZE booking /* ; */; DROP TABLE venue", "comment holding a semicolon, then a second statement"),
    ("ANALYZE booking /* /* nested */ */; DROP TABLE venue", "nested comment"),
    ("ANALYZE\u00a0booking; DROP TABLE venue", "Unicode no-break space"),
    ("\u2003ANALYZE booking; DROP TABLE venue", "Unicode em space at the start"),
    ('ANALYZE U&"b\\006Fooking"; DROP TABLE venue', "Unicode escape identifier"),
    ("ANALYZE booking; SELECT E'\\'; DROP TABLE venue; --'", "E'' string with an escaped quote"),
    ("ANALYZE booking; SELECT $x$; DROP TABLE venue; $x$", "dollar quoting"),
    ("ANALYZE b$\u00e9; DROP TABLE venue", "$ inside an identifier then a non-ASCII character"),
    ("DO $$BEGIN EXECUTE 'DROP TABLE venue'; END$$", "DO block"),
    ("COPY booking TO PROGRAM 'id'", "COPY ... PROGRAM"),
    ("COPY (SELECT 1) TO PROGRAM 'touch /tmp/wedopt_pwned'", "COPY query TO PROGRAM"),
    ("SELECT pg_catalog.pg_sleep(0)", "a query"),
    ("DROP TABLE venue", "DROP of a table"),
    ("DROP INDEX booking_pkey CASCADE", "DROP INDEX ... CASCADE"),
    ("TRUNCATE booking", "TRUNCATE"),
    ("ALTER TABLE booking OWNER TO postgres", "ALTER TABLE other than storage parameters"),
    ("ALTER TABLE booking SET (parallel_workers = 8)", "a storage parameter outside the list"),
    ("ALTER TABLE booking ADD COLUMN x int", "ALTER TABLE ADD COLUMN"),
    ("ALTER TABLE booking SET (fillfactor = 70), ADD COLUMN x int", "an allowed and a refused subcommand"),
    ("GRANT ALL ON booking TO PUBLIC", "GRANT"),
    ("CREATE INDEX ON booking (public.side_effect(guest))", "index expression with side effects"),
    ("CREATE INDEX ON booking (id) WHERE public.side_effect(guest) <> ''", "predicate with side effects"),
    ("CREATE INDEX ON booking (public.sql_side_effect(guest))", "SQL function marked immutable"),
    ("CREATE INDEX ON booking (public.definer_fn(guest))", "the caller's SECURITY DEFINER function"),
    ("CREATE INDEX ON booking (id) WHERE id IN (SELECT 1)", "subquery in the predicate"),
    ("CREATE INDEX ON booking ((guest || now()::text))", "a stable function"),
    ("CREATE INDEX ON booking (id) WHERE random() > 0.5", "a volatile function"),
    (
        "CREATE STATISTICS s1 ON (public.side_effect(guest)) FROM booking",
        "statistics expression with side effects",
    ),
    ("CREATE INDEX ON pg_catalog.pg_class (relname)", "system catalog target"),
    ("VACUUM pg_class", "system catalog, unqualified"),
    ("VACUUM pg_catalog.pg_statistic", "system catalog"),
    ("ANALYZE information_schema.sql_features", "information_schema"),
    ("REINDEX TABLE pg_catalog.pg_class", "system catalog reindex"),
    ("REINDEX SYSTEM", "REINDEX SYSTEM"),
    ("REINDEX DATABASE postgres", "REINDEX DATABASE"),
    ("REINDEX SCHEMA public", "REINDEX SCHEMA"),
    ("VACUUM", "database-wide VACUUM"),
    ("VACUUM FULL", "database-wide VACUUM FULL"),
    ("ANALYZE booking (guest)", "column list"),
    ("CLUSTER", "database-wide CLUSTER"),
    ("VACUUM wedopt.setting", "wedopt's own schema"),
    ("CREATE INDEX ON wedopt.action_log (reason)", "wedopt's own table"),
    ("DROP INDEX wedopt.action_log_pending_idx", "wedopt's own index"),
    ("CREATE INDEX ON not_mine (id)", "a table the caller does not own"),
    ("VACUUM not_mine", "VACUUM of a table the caller does not own"),
    ("VACUUM booking, not_mine", "one table of two not owned"),
    ("CREATE INDEX ON booking (id) TABLESPACE pg_default", "TABLESPACE"),
    ("CREATE INDEX booking_pkey ON booking (id)", "a name already taken"),
    ("CREATE INDEX ON no_such_table (id)", "a table that does not exist"),
    ("VACUUM (FULL, PARALLEL 2) booking; SELECT 1", "stacked after options"),
    ("CREATE INDEX ON booking (venue_id) WHERE $1 > 0", "a parameter"),
    ("", "empty text"),
    ("-- only a comment", "only a comment"),
    ("CREATE INDEX ON booking (venue_id", "does not parse"),
    ("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE FUNCTION"),
    ("REFRESH MATERIALIZED VIEW booking", "REFRESH of a table"),
    ("DROP INDEX booking", "DROP INDEX of a table"),
    ("CREATE INDEX ON booking (id); COMMIT; VACUUM booking", "stacked transaction control"),
    ("SET ROLE postgres", "SET ROLE"),
    ("RESET ALL", "RESET"),
    ("CALL public.p()", "CALL"),
]


@pytest.fixture
def hostile_db(act_db):
    su, admin = act_db
    su.execute("CREATE SEQUENCE public.effects")
    su.execute("GRANT USAGE ON SEQUENCE public.effects TO wedopt_test_admin")
    admin.execute(
        "CREATE FUNCTION public.side_effect(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE"
        " AS $$BEGIN PERFORM nextval('public.effects'); RETURN t; END$$"
    )
    admin.execute(
        "CREATE FUNCTION public.sql_side_effect(t text) RETURNS text LANGUAGE sql IMMUTABLE"
        " AS $$SELECT t || nextval('public.effects')::text$$"
    )
    admin.execute(
        "CREATE FUNCTION public.definer_fn(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER"
        " AS $$BEGIN RETURN t; END$$"
    )
    return su, admin


def test_hostile_corpus_is_refused_and_changes_nothing(hostile_db):
    su, admin = hostile_db
    before = su.execute(SNAPSHOT).fetchone()
    logged_before = su.execute("SELECT count(*) FROM wedopt.action_log WHERE status = 'refused'").fetchone()[
        0
    ]
    for text, why in CORPUS:
        error = refused(admin, text)
        assert error.sqlstate in ("42501", "22023"), (why, text, error.sqlstate, str(error))
        assert str(error).startswith("wedopt: "), (why, str(error))
        assert error.diag.message_hint, (why, text)
        assert (error.diag.message_detail or "").startswith("Logged as refused: wedopt.action_log id "), (
            why,
            text,
        )
    assert su.execute(SNAPSHOT).fetchone() == before
    assert su.execute("SELECT last_value, is_called FROM public.effects").fetchone() == (1, False)
    logged = su.execute("SELECT count(*) FROM wedopt.action_log WHERE status = 'refused'").fetchone()[0]
    assert logged - logged_before == len(CORPUS)
    # The log says what was asked, by whom, and why it was refused.
    row = su.execute(
        "SELECT queued_by, reason, sqlstate, error FROM wedopt.action_log WHERE statement = %s",
        [CORPUS[0][0]],
    ).fetchone()
    assert row == ("wedopt_test_admin", "test", "22023", row[3]) and "exactly one statement" in row[3]


def test_nothing_runs_for_a_refused_text_in_a_transaction(hostile_db):
    """The refusal is logged although the caller's transaction rolls back."""
    su, admin = hostile_db
    with psycopg.connect(admin.info.dsn, autocommit=False) as conn:
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            run(conn, "VACUUM booking; DROP TABLE venue")
        conn.rollback()
    assert su.execute("SELECT count(*) FROM wedopt.action_log WHERE status = 'refused'").fetchone()[0] == 1
    assert su.execute("SELECT to_regclass('public.venue') IS NOT NULL").fetchone()[0]


def _generated_corpus():
    """Allowed statements joined to a second one through every separator and trick of the corpus."""
    firsts = [
        "ANALYZE booking",
        "VACUUM (ANALYZE) booking",
        "CREATE INDEX ON booking (venue_id)",
        "CLUSTER booking",
    ]
    seconds = ["DROP TABLE venue", "SELECT 1", "GRANT ALL ON booking TO PUBLIC", "DO $$BEGIN END$$"]
    joins = [
        "; ",
        ";",
        " ;\n",
        " -- c\r",  # comment ended by CR, no semicolon: one statement (a syntax error) or two?
        " -- c\n;",
        " /* ; */ ;",
        "; /* */ ",
        ";\u00a0",
        ";\u2003",
        ";\t\f",  # not \v: PostgreSQL 15's scanner does not take it as a space, pglast's (16+) does
        " ; -- ; \n",
        "; $$ ; $$",
        "; E'\\'' ;",
    ]
    for a, b, j in itertools.product(firsts, seconds, joins):
        yield a + j + b


def test_statement_count_agrees_with_pglast_on_a_generated_corpus(hostile_db):
    su, admin = hostile_db
    compared = 0
    for text in _generated_corpus():
        try:
            expected = len(pglast.parse_sql(text))
        except pglast.parser.ParseError:
            expected = None
        try:
            got = su.execute("SELECT count(*) FROM wedopt._parse_statements(%s)", [text]).fetchone()[0]
        except psycopg.errors.SyntaxError:
            got = None
        assert got == expected, text
        compared += 1
        # Never more than one statement gets through, whatever the two parsers say.
        error = refused(admin, text)
        assert error.sqlstate in ("42501", "22023"), (text, str(error))
    assert compared == 4 * 4 * 13
    assert su.execute("SELECT to_regclass('public.venue') IS NOT NULL").fetchone()[0]
