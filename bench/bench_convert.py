"""Converting a plain table: convert_to_partitioned() attach (no copy) and copy (batches, then a
cut-over), on the same 500,000-row table (a bigserial + timestamptz primary key, an index on the
time column, 11 months of rows), while another session inserts a row every few milliseconds:
how long each conversion takes, and the longest a writer's INSERT waited (the cut-over)."""

import threading
import time

from bench.run import Result, Server

TITLE = "convert_to_partitioned(): attach vs copy on 500k rows with a writer running (longest INSERT wait)"

ROWS = 500_000
TABLE = """
CREATE TABLE public.payment (id bigserial, paid_at timestamptz NOT NULL, amount numeric NOT NULL, note text,
    PRIMARY KEY (id, paid_at));
CREATE INDEX payment_paid ON public.payment (paid_at);
INSERT INTO public.payment (paid_at, amount, note)
SELECT TIMESTAMPTZ '2025-01-01' + g * INTERVAL '1 minute', g % 500, repeat('x', g % 40)
FROM generate_series(1, {rows}) g;
"""


def _convert(server: Server, method: str) -> tuple[float, float, int, list]:
    dbname = server.new_database()
    with server.connect(dbname) as conn, server.connect(dbname) as writer:
        conn.execute(TABLE.format(rows=ROWS))
        conn.execute("VACUUM ANALYZE public.payment")
        done = threading.Event()
        waits: list[float] = []

        def write():
            while not done.is_set():
                started = time.perf_counter()
                writer.execute("INSERT INTO public.payment (paid_at, amount) VALUES (now(), 1)")
                waits.append(time.perf_counter() - started)
                time.sleep(0.005)

        t = threading.Thread(target=write)
        t.start()
        try:
            time.sleep(0.2)
            started = time.perf_counter()
            steps = conn.execute(
                "SELECT step, detail FROM wedopt.convert_to_partitioned("
                "'public.payment', 'paid_at', '1 month', p_method => %s)",
                [method],
            ).fetchall()
            held = [d for s, d in steps if s in ("delta", "checked")]
            took = time.perf_counter() - started
            time.sleep(0.2)
        finally:
            done.set()
            t.join()
        assert (
            conn.execute("SELECT relkind FROM pg_class WHERE oid = 'public.payment'::regclass").fetchone()[0]
            == "p"
        )
        return took, max(waits), len(waits), held


def run(server: Server) -> Result:
    rows, held = [], []
    for method in ("attach", "copy"):
        took, wait, writes, steps = _convert(server, method)
        rows.append([method, ROWS, round(took, 2), round(wait, 3), writes])
        held += steps
    return Result(
        columns=["method", "rows", "conversion s", "longest INSERT wait s", "inserts during the run"],
        rows=rows,
        figures={
            "copy_longest_wait_s": rows[1][3],
            "attach_longest_wait_s": rows[0][3],
            "copy_over_attach_time": round(rows[1][2] / rows[0][2], 2),
        },
        notes=[
            "attach: one transaction under EXCLUSIVE then ACCESS EXCLUSIVE from the first count to "
            "the commit (count, VALIDATE scan, checksum): writes and, from ADD CONSTRAINT on, reads "
            "wait for all of it.",
            "copy: batches of partition.move_batch_blocks blocks while writes go on; the cut-over "
            "holds writes (reads go on) for the delta (a key anti-join for deletes, xmin-recent rows "
            "for the rest) and the count+checksum of both tables: " + "; ".join(held),
        ],
    )
