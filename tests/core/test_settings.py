"""Settings: defaults per aggressiveness level, validated changes, reset."""

import pytest
from expect import sql_error


@pytest.fixture
def with_test_setting(db):
    db.execute(
        "SELECT wedopt._define_setting('test.threshold_ms', 'test', 'integer', "
        "'50', '30', '20', 'a setting made by the test', 'ms')"
    )
    return db


def test_default_follows_aggressiveness(with_test_setting):
    db = with_test_setting
    get = "SELECT wedopt.get_setting('test.threshold_ms')"
    assert db.execute(get).fetchone()[0] == "30"
    db.execute("SELECT wedopt.set_setting('aggressiveness', 'conservative')")
    assert db.execute(get).fetchone()[0] == "50"
    db.execute("SELECT wedopt.set_setting('aggressiveness', 'aggressive')")
    assert db.execute(get).fetchone()[0] == "20"
    db.execute("SELECT wedopt.reset_setting('aggressiveness')")
    assert db.execute(get).fetchone()[0] == "30"


def test_set_and_reset_a_value(with_test_setting):
    db = with_test_setting
    assert db.execute("SELECT wedopt.set_setting('test.threshold_ms', '75')").fetchone()[0] == "75"
    row = db.execute("SELECT value, source FROM wedopt.settings WHERE name = 'test.threshold_ms'").fetchone()
    assert row == ("75", "set")
    assert db.execute("SELECT wedopt.reset_setting('test.threshold_ms')").fetchone()[0] == "30"
    row = db.execute("SELECT value, source FROM wedopt.settings WHERE name = 'test.threshold_ms'").fetchone()
    assert row == ("30", "default")


@pytest.mark.parametrize(
    ("name", "value", "sqlstate"),
    [
        ("no.such.setting", "1", "42704"),
        ("test.threshold_ms", "fast", "22023"),
        ("aggressiveness", "reckless", "22023"),
        ("test.threshold_ms", None, "22004"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(with_test_setting, name, value, sqlstate):
    db = with_test_setting
    err = sql_error(db, "SELECT wedopt.set_setting(%s, %s)", [name, value])
    assert err.diag.sqlstate == sqlstate
    assert err.diag.message_primary.startswith("wedopt: ")
    assert err.diag.message_hint
    assert db.execute("SELECT count(*) FROM wedopt.setting").fetchone()[0] == 0
