"""pg_cron in the harness's server: background-worker mode (harness/cluster.py SERVER_SETTINGS:
shared_preload_libraries has pg_cron, cron.use_background_workers = on, cron.database_name =
'postgres'). pg_cron's schema lives in cron.database_name only; a test schedules a job for its
own database with cron.schedule_in_database() and waits for the run in cron.job_run_details.

    cron = PgCron(cluster, "mydb")          # creates the extension in the cron database
    job = cron.schedule("t-1", "SELECT 1")  # runs at the next minute (pg_cron 1.4: minutes only)
    run = cron.wait_for_run(job)            # {'status': 'succeeded', 'return_message': ..., ...}
    cron.unschedule_all()                   # the fixture does this after the test
"""

from __future__ import annotations

import time

import psycopg
from psycopg.rows import dict_row

# pg_cron 1.4 fires at minute boundaries: a job scheduled now runs within a minute, and its
# worker may take a few seconds to start on a busy machine.
RUN_TIMEOUT = 150.0
FINISHED = ("succeeded", "failed")


class PgCron:
    """pg_cron for one database of a harness server (a Cluster or a ContainerServer)."""

    def __init__(self, server, dbname: str):
        self.server = server
        self.dbname = dbname
        self.cron_database = server.settings.get("cron.database_name", "'postgres'").strip("'")
        with self.connect() as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_cron")

    def connect(self) -> psycopg.Connection:
        """An autocommit connection to the cron database (where cron.job lives)."""
        return psycopg.connect(
            self.server.conninfo(self.cron_database), autocommit=True, row_factory=dict_row
        )

    def schedule(
        self, name: str, command: str, schedule: str = "* * * * *", username: str = "postgres"
    ) -> int:
        """Schedule `command` (one statement) to run in this database; returns the job id."""
        with self.connect() as conn:
            return conn.execute(
                "SELECT cron.schedule_in_database(%s, %s, %s, %s, %s) AS jobid",
                [name, schedule, command, self.dbname, username],
            ).fetchone()["jobid"]

    def jobs(self) -> list[dict]:
        """This database's rows of cron.job."""
        with self.connect() as conn:
            return conn.execute(
                "SELECT * FROM cron.job WHERE database = %s ORDER BY jobid", [self.dbname]
            ).fetchall()

    def wait_for_run(self, jobid: int, timeout: float = RUN_TIMEOUT, after=None) -> dict:
        """The first finished run of the job (started after `after`, a timestamptz, if given):
        its row of cron.job_run_details. TimeoutError if none finished within `timeout` s."""
        deadline = time.monotonic() + timeout
        with self.connect() as conn:
            while True:
                row = conn.execute(
                    "SELECT * FROM cron.job_run_details WHERE jobid = %s AND status = ANY(%s)"
                    " AND (%s::timestamptz IS NULL OR start_time > %s::timestamptz)"
                    " ORDER BY start_time LIMIT 1",
                    [jobid, list(FINISHED), after, after],
                ).fetchone()
                if row is not None:
                    return row
                if time.monotonic() > deadline:
                    runs = conn.execute(
                        "SELECT status, return_message FROM cron.job_run_details WHERE jobid = %s", [jobid]
                    ).fetchall()
                    raise TimeoutError(f"pg_cron job {jobid} had no finished run within {timeout} s: {runs}")
                time.sleep(1)

    def unschedule_all(self) -> None:
        """Remove every job of this database, and their run details."""
        with self.connect() as conn:
            conn.execute(
                "DELETE FROM cron.job_run_details WHERE jobid IN"
                " (SELECT jobid FROM cron.job WHERE database = %s)",
                [self.dbname],
            )
            conn.execute("SELECT cron.unschedule(jobid) FROM cron.job WHERE database = %s", [self.dbname])
