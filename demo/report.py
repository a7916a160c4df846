"""The demo's report: plain-text sections, printed as they are made and kept for a file.
A wedopt call that fails is shown with its error, recorded, and the demo goes on (and
exits non-zero at the end)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import psycopg

CELL_WIDTH = 60
MAX_TABLE_WIDTH = 130


class Report:
    def __init__(self, echo: bool = True):
        self.lines: list[str] = []
        self.echo = echo
        self.failures: list[str] = []

    def line(self, text: str = "") -> None:
        for part in text.split("\n"):
            self.lines.append(part)
            if self.echo:
                print(part, flush=True)

    def section(self, title: str) -> None:
        self.line()
        self.line(f"== {title}")

    def table(self, columns: Sequence[str], rows: Sequence[Sequence], indent: str = "  ") -> None:
        for text in format_table(columns, rows):
            self.line(indent + text)

    def failed(self, what: str, err: Exception) -> None:
        message = getattr(getattr(err, "diag", None), "message_primary", None) or str(err)
        self.failures.append(f"{what}: {message}")
        self.line(f"  (failed: {message})")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, dict | list):
        value = json.dumps(value, default=str)
    text = " ".join(str(value).split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 3] + "..."


def format_table(columns: Sequence[str], rows: Sequence[Sequence]) -> list[str]:
    """A psql-like table; as 'column: value' records when it would be too wide."""
    if not rows:
        return ["(no rows)"]
    cells = [[cell(v) for v in row] for row in rows]
    widths = [max(len(str(c)), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    if sum(widths) + 2 * len(widths) > MAX_TABLE_WIDTH:
        out, label = [], max(len(str(c)) for c in columns)
        for n, row in enumerate(cells, 1):
            out.append(f"-[ {n} ]")
            out.extend(f"{str(c).ljust(label)} | {v}" for c, v in zip(columns, row, strict=True))
        return out

    def fmt(row):
        return "  ".join(
            v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(row, widths, strict=True)
        ).rstrip()

    return [fmt([str(c) for c in columns]), "  ".join("-" * w for w in widths), *(fmt(r) for r in cells)]


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).replace("-", "", 1).replace("x", "").isdigit()


def fetch(
    report: Report, conn: psycopg.Connection, function: str, sql: str, *, params=None
) -> list[dict] | None:
    """Run sql (a call of wedopt.<function>): its rows as dicts; None, with the error in the
    report, when it fails."""
    try:
        cur = conn.execute(sql, params)
    except psycopg.Error as err:
        report.failed(f"wedopt.{function}", err)
        return None
    columns = [d.name for d in cur.description]
    return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


def shorten(text, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 3] + "..."
