"""lint_query takes every statement PostgreSQL accepts (issue 11, item 10).

Validity is PostgreSQL's parser's to decide, never sqlglot's: on a corpus of statements the
server accepts, many of which sqlglot refuses, lint_query refuses none, no message shows
Python internals, and where sqlglot could not read a query the finding rules_not_applied
says so in plain words while the checks PostgreSQL's parse serves still run.
"""

import json
from pathlib import Path

import pytest
from wedopt.diagnose import querylint

CORPUS_FILE = Path(__file__).parent / "data" / "postgresql_statements.sql"
LINT = "SELECT code, message, suggestion, evidence FROM wedopt.lint_query(%s)"
WRAPPERS = (
    "EXPLAIN {q}",
    "CREATE VIEW wedopt_v AS {q}",
    "WITH w AS ({q}) SELECT * FROM w",
    "SELECT * FROM ({q}) AS sub",
    "DECLARE wedopt_c CURSOR FOR {q}",
    "COPY ({q}) TO STDOUT",
    "/* leading comment */ {q};",
)


def base_statements() -> list[str]:
    return [
        line for line in CORPUS_FILE.read_text().splitlines() if line.strip() and not line.startswith("--")
    ]


def parses(conn, text):
    try:
        with conn.transaction():
            return conn.execute("SELECT node_type FROM wedopt._parse_statements(%s)", [text]).fetchall()
    except Exception:
        return None


@pytest.fixture
def corpus(db):
    """The statements, and each SELECT of them wrapped in the forms above, that the server parses."""
    texts = []
    for q in base_statements():
        rows = parses(db, q)
        assert rows is not None and len(rows) == 1, f"the corpus holds a statement PostgreSQL refuses: {q}"
        texts.append(q)
        if rows[0][0] == "SelectStmt":
            for wrapper in WRAPPERS:
                wrapped = wrapper.format(q=q)
                rows = parses(db, wrapped)
                if rows is not None and len(rows) == 1:
                    texts.append(wrapped)
    return texts


def test_lint_refuses_no_statement_the_server_accepts(db, corpus):
    refused_by_sqlglot = [q for q in corpus if querylint.read_tree(q) is None]
    # The corpus is a real test of the claim: hundreds of statements sqlglot cannot read.
    assert len(refused_by_sqlglot) >= 300, len(refused_by_sqlglot)
    failures = []
    for q in corpus:
        try:
            with db.transaction():
                rows = db.execute(LINT, [q]).fetchall()
        except Exception as exc:  # noqa: BLE001 -- every refusal is collected and reported
            failures.append((q, str(exc).splitlines()[0]))
            continue
        for code, message, suggestion, evidence in rows:
            shown = " ".join([message or "", suggestion or "", json.dumps(evidence)])
            if "<class" in shown or "sqlglot" in shown.lower() or "Traceback" in shown:
                failures.append((q, f"{code}: {shown[:200]}"))
    assert not failures, failures[:20]


def test_a_query_sqlglot_cannot_read_says_which_rules_were_not_applied(db, lint):
    db.execute("CREATE TABLE booking (id int PRIMARY KEY, status text)")
    # xmlpi(name ...), IS NFKC NORMALIZED, xmlserialize, JOIN USING (...) AS j: PostgreSQL
    # syntax that sqlglot refuses.
    select = "SELECT xmlpi(name php, status) FROM booking WHERE status IS NFKC NORMALIZED"
    update = "UPDATE booking SET status = xmlserialize(content '<a/>'::xml AS text)"
    joined = (
        "SELECT * FROM booking b JOIN booking c USING (id) AS j WHERE b.status IS NOT NFKC NORMALIZED "
        "ORDER BY b.id OFFSET 50000"
    )
    for q in (select, update, joined):
        assert querylint.read_tree(q) is None, q
    rows = lint(db, select)
    note = [r for r in rows if r["code"] == "rules_not_applied"]
    assert len(note) == 1 and "PostgreSQL accepts it" in note[0]["message"], rows
    assert "leading-wildcard LIKE" in note[0]["message"]
    # The checks PostgreSQL's own parse serves still run on such a statement.
    rows = lint(db, update)
    assert {"dml_without_where", "rules_not_applied"} <= {r["code"] for r in rows}, rows
    rows = lint(db, joined)
    assert {"select_star_join", "large_offset", "rules_not_applied"} <= {r["code"] for r in rows}, rows
    # A statement sqlglot reads gets no such note.
    assert "rules_not_applied" not in {r["code"] for r in lint(db, "SELECT id FROM booking WHERE id = 1")}


def test_utility_statements_are_linted_not_refused(db, lint):
    for q in ("VACUUM (ANALYZE, PARALLEL 2) pg_class", "REINDEX (VERBOSE) TABLE CONCURRENTLY pg_class"):
        assert querylint.read_tree(q) is None, q
        assert lint(db, q) == []
