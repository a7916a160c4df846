"""A throwaway PostgreSQL cluster: initdb + pg_ctl, its own port and socket directory,
stopped and removed at the end, also after a failure or an interrupted run. Used by the
tests, the demo and the benchmarks (see harness/__init__.py)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_CONFIG = os.environ.get("PG_CONFIG") or (
    "/usr/lib/postgresql/15/bin/pg_config"
    if Path("/usr/lib/postgresql/15/bin/pg_config").exists()
    else "pg_config"
)
RUN_ROOT = Path(tempfile.gettempdir())
PREFIX = "wedopt-test-"
# The standby's name, which its walreceiver gives the primary as application_name.
STANDBY_NAME = "wedopt_test_standby"

SERVER_SETTINGS = {
    "listen_addresses": "''",
    "shared_preload_libraries": "'pg_cron,pg_stat_statements'",
    "cron.use_background_workers": "on",
    "cron.database_name": "'postgres'",
    "max_worker_processes": "32",
    "max_connections": "200",
    "pg_stat_statements.track": "all",
    # Every test's fresh database adds its own entries; at the default 5,000 a full run evicts
    # entries (pg_stat_statements_info.dealloc) that later tests read (missing_index counts
    # the CREATE INDEX statements it finds there).
    "pg_stat_statements.max": "50000",
    "track_io_timing": "on",
    "track_functions": "all",
    # A throwaway cluster: durability buys nothing, speed does.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "log_min_messages": "warning",
    "logging_collector": "off",
}


def bindir() -> Path:
    return Path(subprocess.check_output([PG_CONFIG, "--bindir"], text=True).strip())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres OS user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _chown_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(path, pw.pw_uid, pw.pw_gid)


@dataclass
class Cluster:
    root: Path
    port: int
    settings: dict = field(default_factory=dict)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> str:
        return str(self.root)

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    def conninfo(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"host={self.socket_dir} port={self.port} dbname={dbname} user={user}"

    def env(self) -> dict:
        """Environment for libpq tools (psql, pg_dump) pointed at this cluster."""
        env = dict(os.environ)
        env.update(PGHOST=self.socket_dir, PGPORT=str(self.port), PGUSER="postgres")
        return env

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            as_postgres([str(bindir() / "pg_ctl"), "-D", str(self.datadir), *args]),
            check=check,
            capture_output=True,
            text=True,
        )

    def start(self) -> None:
        result = self.pg_ctl("-l", str(self.logfile), "-w", "-t", "60", "start", check=False)
        if result.returncode != 0:
            log = self.logfile.read_text() if self.logfile.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {result.stderr}\n{log[-4000:]}")

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            self.pg_ctl("-m", "immediate", "-w", "stop", check=False)

    def stop_command(self) -> list[str]:
        """The command that stops this cluster by hand (what `make demo KEEP=1` prints)."""
        return as_postgres([str(bindir() / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "stop"])

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop", check=False)
        self.start()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def reap_stale_clusters() -> None:
    """Stop and remove clusters that a killed earlier run left behind (their pytest is gone)."""
    for root in RUN_ROOT.glob(PREFIX + "*"):
        owner = root / "owner.pid"
        with contextlib.suppress(FileNotFoundError, ValueError):
            pid = int(owner.read_text())
            try:
                os.kill(pid, 0)
                continue  # its run is still going
            except ProcessLookupError:
                pass
        pidfile = root / "data" / "postmaster.pid"
        with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
            os.kill(int(pidfile.read_text().splitlines()[0]), signal.SIGQUIT)
            time.sleep(0.5)
        shutil.rmtree(root, ignore_errors=True)


def _new_root() -> Path:
    """A run directory that reap_stale_clusters() removes once this pytest is gone."""
    root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=RUN_ROOT))
    (root / "owner.pid").write_text(str(os.getpid()))
    root.chmod(0o755)
    _chown_to_postgres(root)
    return root


def create_cluster(extra_settings: dict | None = None) -> Cluster:
    reap_stale_clusters()
    cluster = Cluster(root=_new_root(), port=_free_port())
    try:
        subprocess.run(
            as_postgres(
                [
                    str(bindir() / "initdb"),
                    "-D",
                    str(cluster.datadir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        settings = dict(SERVER_SETTINGS)
        settings.update(port=str(cluster.port), unix_socket_directories=f"'{cluster.socket_dir}'")
        settings.update(extra_settings or {})
        cluster.settings = settings
        conf = "".join(f"{k} = {v}\n" for k, v in settings.items())
        # The data directory belongs to postgres; append as root through a file we own.
        with open(cluster.datadir / "postgresql.auto.conf", "a") as fh:
            fh.write(conf)
        cluster.start()
    except BaseException:
        cluster.destroy()
        raise
    return cluster


def create_standby(primary: Cluster) -> Cluster:
    """A hot standby streaming from primary: pg_basebackup -R (as the postgres OS user) into
    its own run directory, its own port and socket directory; removed like any cluster."""
    reap_stale_clusters()
    standby = Cluster(root=_new_root(), port=_free_port())
    try:
        subprocess.run(
            as_postgres(
                [
                    str(bindir() / "pg_basebackup"),
                    "-D",
                    str(standby.datadir),
                    "-R",
                    "--wal-method=stream",
                    "--checkpoint=fast",
                    "--no-sync",
                    "-h",
                    primary.socket_dir,
                    "-p",
                    str(primary.port),
                    "-U",
                    "postgres",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        settings = dict(primary.settings)
        settings.update(
            port=str(standby.port),
            unix_socket_directories=f"'{standby.socket_dir}'",
            hot_standby="on",
            cluster_name=f"'{STANDBY_NAME}'",
        )
        standby.settings = settings
        # The copied postgresql.auto.conf names the primary's port and socket: later lines win.
        with open(standby.datadir / "postgresql.auto.conf", "a") as fh:
            fh.write("".join(f"{k} = {v}\n" for k, v in settings.items()))
        standby.start()
    except BaseException:
        standby.destroy()
        raise
    return standby


def wait_for_replay(primary_conn, standby_conn, timeout: float = 60.0) -> None:
    """Wait until the standby has replayed everything the primary wrote so far."""
    lsn = primary_conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    while True:
        done = standby_conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]
        if done:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"standby did not replay up to {lsn} within {timeout} s")
        time.sleep(0.05)
