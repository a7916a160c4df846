"""The diagnose.* defaults live in SQL (sql/20_diagnose/40_data/diagnose_settings.sql); the
Python package keeps a copy for runs without a server (unit tests, the benchmark baseline).
The copy must be the SQL's moderate column, name for name and value for value."""

from wedopt.diagnose import DEFAULT_SETTINGS


def test_python_defaults_are_the_sql_moderate_column(db):
    rows = db.execute(
        "SELECT name, value_type, moderate FROM wedopt.setting_default WHERE area = 'diagnose'"
    ).fetchall()
    assert rows, "diagnose settings are defined in SQL"
    sql = {}
    for name, value_type, moderate in rows:
        sql[name] = int(moderate) if value_type == "integer" else float(moderate)
    assert sql == DEFAULT_SETTINGS
