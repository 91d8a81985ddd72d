"""Real PostgreSQL and Redis servers from Debian's packages, started for the tests on free loopback ports.

Each lives in its own temporary directory and is stopped (and the directory removed) at the end. As root,
PostgreSQL runs as the `postgres` user, which the Debian package creates. `make test` installs the packages.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from stack.processes import free_port, port_in_use

PASSWORD = "brobygger-test-secret"


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def redis_bin() -> Path | None:
    found = shutil.which("redis-server")
    return Path(found) if found else None


def _serve(argv: list[str], port: int, log: Path, timeout: float = 30) -> subprocess.Popen[bytes]:
    """Start a server in its own session, its output in `log`; return once it listens on `port`."""
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-2000:]}")
        if port_in_use("127.0.0.1", port):
            return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server did not listen on {port} within {timeout:.0f} s")


@dataclass
class Postgres:
    """One PostgreSQL cluster with a password-protected `brobygger` user and database."""

    bindir: Path
    port: int = field(default_factory=free_port)
    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="brobygger-pg-")))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://brobygger:{PASSWORD}@127.0.0.1:{self.port}/brobygger"

    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def init(self) -> None:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.home, user.pw_uid, user.pw_gid)
        (self.home / "pw").write_text(PASSWORD)
        if os.geteuid() == 0:
            os.chown(self.home / "pw", pwd.getpwnam("postgres").pw_uid, -1)
        subprocess.run([*self._as_owner(), str(self.bindir / "initdb"), "-D", str(self.home / "data"),
                        "-U", "brobygger", f"--pwfile={self.home / 'pw'}", "--auth=scram-sha-256",
                        "--encoding=UTF8", "--locale=C"], check=True, capture_output=True)

    def start(self) -> None:
        self.proc = _serve([*self._as_owner(), str(self.bindir / "postgres"), "-D", str(self.home / "data"),
                            "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                            "-c", f"unix_socket_directories={self.home}", "-c", "fsync=off",
                            "-c", "full_page_writes=off"], self.port, self.home / "postgres.log")
        self._create_database()

    def _create_database(self) -> None:
        import psycopg2

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="brobygger", password=PASSWORD,
                                        dbname="postgres")
                break
            except psycopg2.OperationalError:  # listening, but still starting up
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = 'brobygger'")
            if cur.fetchone() is None:
                cur.execute("CREATE DATABASE brobygger")
        conn.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
            self.proc.wait(30)

    def restart(self) -> None:
        self.stop()
        self.start()

    def query(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        import psycopg2

        with psycopg2.connect(self.url) as conn, conn.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


@dataclass
class Redis:
    binary: Path
    port: int = field(default_factory=free_port)
    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="brobygger-redis-")))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = _serve([str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no", "--dir", str(self.home), "--requirepass", PASSWORD],
                           self.port, self.home / "redis.log")

    def command_calls(self) -> dict[str, int]:
        """How often each command ran (INFO commandstats), to see that Rasa really used this server."""
        out = subprocess.run(["redis-cli", "-p", str(self.port), "--no-auth-warning", "-a", PASSWORD,
                              "INFO", "commandstats"], check=True, capture_output=True, text=True).stdout
        calls: dict[str, int] = {}
        for line in out.splitlines():
            if line.startswith("cmdstat_"):
                name, _, stats = line.partition(":")
                calls[name.removeprefix("cmdstat_")] = int(stats.split(",")[0].split("=")[1])
        return calls

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self.home, ignore_errors=True)
