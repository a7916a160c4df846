"""The execution-time cross-check: before a rebuilt admin statement runs, wedopt records what it
must do (_act_expect); the event triggers wedopt_act_confirm_ddl / _drop compare what the server
really ran and roll back anything else, in the caller's transaction and in the dispatcher worker."""

import psycopg
import pytest
from conftest import action, index_valid, refused, run, wait


@pytest.fixture
def check_db(act_db):
    su, admin = act_db
    su.execute("SELECT wedopt.set_setting('act.freeze_days', '{}')")
    return su, admin


def side_effect_trigger(su):
    """A user event trigger whose side effect is more DDL: each CREATE INDEX also creates a table."""
    su.execute(
        "CREATE FUNCTION public.side_effect() RETURNS event_trigger LANGUAGE plpgsql AS"
        " $$ BEGIN CREATE TABLE IF NOT EXISTS public.side_effect (id int); END $$"
    )
    su.execute(
        "CREATE EVENT TRIGGER side_effect ON ddl_command_start WHEN TAG IN ('CREATE INDEX')"
        " EXECUTE FUNCTION public.side_effect()"
    )


def test_admin_statements_are_confirmed(check_db):
    su, admin = check_db
    for sql, note in (
        ("CREATE INDEX booking_guest ON booking (guest)", "confirmed by the event trigger: CREATE INDEX"),
        ("ALTER TABLE booking SET (fillfactor = 90)", "confirmed by the event trigger: ALTER TABLE"),
        (
            "CREATE STATISTICS public.booking_st ON venue_id, guest FROM booking",
            "confirmed by the event trigger",
        ),
        ("DROP INDEX booking_guest", "confirmed by the event trigger: DROP INDEX"),
        ("ANALYZE booking", "not confirmable: PostgreSQL fires no event trigger for ANALYZE"),
    ):
        action_id, status = run(admin, sql)
        assert status == "succeeded", sql
        assert note in action(admin, action_id)["detail"]["event_trigger"][0], sql
    # Dispatched: the worker's session confirms a concurrent build and a concurrent refresh (whose
    # own temporary diff tables are accepted).
    su.execute(
        "CREATE MATERIALIZED VIEW public.mv AS SELECT venue_id, count(*) FROM public.booking GROUP BY 1"
    )
    su.execute("CREATE UNIQUE INDEX mv_venue ON public.mv (venue_id)")
    su.execute("ALTER MATERIALIZED VIEW public.mv OWNER TO wedopt_test_admin")
    for sql in (
        "CREATE INDEX CONCURRENTLY booking_date ON booking (event_date)",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY mv",
    ):
        row = wait(admin, run(admin, sql)[0])
        assert row["status"] == "succeeded", row
        assert row["detail"]["event_trigger"]["1"].startswith("confirmed by the event trigger"), row
    # Nothing expected: ordinary DDL of the database is not touched.
    assert su.execute("SELECT current_setting('wedopt.act_expect', true)").fetchone()[0] in (None, "")
    su.execute("CREATE TABLE public.plain (id int)")
    su.execute("CREATE INDEX ON public.plain (id)")
    su.execute("DROP TABLE public.plain")


def test_ddl_side_effect_is_rolled_back(check_db):
    su, admin = check_db
    side_effect_trigger(su)
    error = refused(admin, "CREATE INDEX booking_guest ON booking (guest)")
    assert error.sqlstate == "42501", error
    assert (
        "the server ran CREATE TABLE of table public.side_effect where wedopt expected CREATE INDEX only"
        in str(error)
    ), error
    assert "rolled back" in error.diag.message_hint
    assert su.execute(
        "SELECT to_regclass('public.side_effect'), to_regclass('public.booking_guest')"
    ).fetchone() == (
        None,
        None,
    )
    logged = su.execute(
        "SELECT status, sqlstate, error FROM wedopt.action_log"
        " WHERE statement LIKE 'CREATE INDEX booking_guest%'"
    ).fetchone()
    assert logged[:2] == ("failed", "42501") and "event trigger wedopt_act_confirm_ddl" in logged[2], logged


def test_ddl_side_effect_in_the_dispatcher_worker(check_db):
    su, admin = check_db
    side_effect_trigger(su)
    row = wait(admin, run(admin, "CREATE INDEX CONCURRENTLY booking_date ON booking (event_date)")[0])
    assert row["status"] == "failed" and row["sqlstate"] == "42501", row
    assert (
        "ran CREATE TABLE of table public.side_effect where wedopt expected CREATE INDEX only" in row["error"]
    ), row
    assert su.execute("SELECT to_regclass('public.side_effect')").fetchone()[0] is None
    assert index_valid(su, "public.booking_date") in (None, False)
    su.execute("DROP EVENT TRIGGER side_effect")
    assert wait(admin, run(admin, "CREATE INDEX CONCURRENTLY booking_date ON booking (event_date)")[0])[
        "status"
    ] == ("succeeded")


def test_a_wrong_expectation_is_caught(check_db):
    """The triggers themselves: another object, another tag, a drop of something else."""
    su, _ = check_db
    su.execute("SELECT wedopt._act_expect('CREATE INDEX booking_guest ON public.booking (guest)', 'public')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="CREATE INDEX of another index"):
        su.execute("CREATE INDEX venue_name ON public.venue (name)")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="ran CREATE TABLE of table public.other"):
        su.execute("CREATE TABLE public.other (id int)")
    su.execute("CREATE INDEX booking_guest ON public.booking (guest)")  # the expected one passes
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="0 commands in one CREATE INDEX"):
        su.execute("CREATE INDEX IF NOT EXISTS booking_guest ON public.booking (guest)")
    state = su.execute("SELECT wedopt._act_expect(NULL)").fetchone()[0]
    assert state["seen"] == 1
    su.execute("SELECT wedopt._act_expect('DROP INDEX public.booking_guest', 'public')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="the server dropped"):
        su.execute("ALTER TABLE public.venue DROP CONSTRAINT venue_pkey")
    su.execute("SELECT wedopt._act_expect(NULL)")
    su.execute("CREATE TABLE public.other (id int)")  # no expectation, no check


def test_disabled_event_trigger_refuses_before_running(check_db):
    su, admin = check_db
    su.execute("ALTER EVENT TRIGGER wedopt_act_confirm_ddl DISABLE")
    error = refused(admin, "CREATE INDEX booking_guest ON booking (guest)")
    assert error.sqlstate == "55000" and "would not fire here" in str(error), error
    assert su.execute("SELECT to_regclass('public.booking_guest')").fetchone()[0] is None
    su.execute("ALTER EVENT TRIGGER wedopt_act_confirm_ddl ENABLE")
    assert run(admin, "CREATE INDEX booking_guest ON booking (guest)")[1] == "succeeded"


def test_wedopt_audit_and_user_logging_triggers_pass(check_db):
    """Event triggers that do no DDL of their own, and wedopt's audit (which may put its triggers
    back after an ALTER TABLE), do not trip the check."""
    su, admin = check_db
    su.execute("SELECT wedopt.enable_audit('public.booking')")
    su.execute("CREATE TABLE public.ddl_seen (tag text)")
    su.execute("GRANT INSERT ON public.ddl_seen TO wedopt_test_admin")
    su.execute(
        "CREATE FUNCTION public.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS"
        " $$ BEGIN INSERT INTO public.ddl_seen VALUES (tg_tag); END $$"
    )
    su.execute("CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION public.log_ddl()")
    for sql in (
        "ALTER TABLE booking SET (autovacuum_vacuum_scale_factor = 0.01)",
        "CREATE INDEX ON booking (guest)",
    ):
        action_id, status = run(admin, sql)
        assert status == "succeeded", sql
        assert action(admin, action_id)["detail"]["event_trigger"][0].startswith("confirmed"), sql
    assert [r[0] for r in su.execute("SELECT tag FROM public.ddl_seen").fetchall()] == [
        "ALTER TABLE",
        "CREATE INDEX",
    ]
