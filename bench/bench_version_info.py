"""The cost of the PL/Python bootstrap: first call in a session versus later calls."""

import time

from bench.run import Result, Server

TITLE = "PL/Python bootstrap: first wedopt.version_info() in a session vs later calls"


def run(server: Server) -> Result:
    dbname = server.new_database()
    firsts, laters = [], []
    for _ in range(10):
        with server.connect(dbname) as conn:
            t0 = time.perf_counter()
            conn.execute("SELECT * FROM wedopt.version_info()").fetchall()
            firsts.append((time.perf_counter() - t0) * 1000)
            for _ in range(20):
                t0 = time.perf_counter()
                conn.execute("SELECT * FROM wedopt.version_info()").fetchall()
                laters.append((time.perf_counter() - t0) * 1000)
    firsts.sort()
    laters.sort()
    first, later = firsts[len(firsts) // 2], laters[len(laters) // 2]
    return Result(
        columns=["call", "median ms", "samples"],
        rows=[["first in session", first, len(firsts)], ["later", later, len(laters)]],
        figures={"bootstrap overhead ratio (first / later)": first / later},
    )
