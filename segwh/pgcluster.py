"""A throwaway PostgreSQL cluster on a loopback port, for tests and demos.

    with throwaway_postgres() as pg:        # pg.env() -> PGHOST/PGPORT/... vars
        ...

or from the shell: ``python -m segwh.pgcluster start DIR`` / ``stop DIR``.
The server listens on 127.0.0.1 only, trusts local connections and lives in a
temporary data directory that is removed when it stops. When the current user
is root, the server runs as the ``postgres`` system user (initdb refuses root).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SERVER_GLOB = "/usr/lib/postgresql/*/bin/initdb"


def find_bindir() -> Path:
    """The newest installed PostgreSQL server's bin directory."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    candidates = sorted(glob.glob(SERVER_GLOB), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        raise RuntimeError(
            "No PostgreSQL server found. Install it with: apt-get install -y postgresql"
        )
    return Path(candidates[-1]).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    datadir: Path
    port: int
    bindir: Path
    user: str = "postgres"
    database: str = "postgres"

    def env(self) -> dict[str, str]:
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": "",
            "PGDATABASE": self.database,
        }

    def dsn(self) -> dict:
        return {"host": "127.0.0.1", "port": self.port, "user": self.user, "dbname": self.database}


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _chown_to_server_user(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for root, dirs, files in os.walk(path):
            os.chown(root, entry.pw_uid, entry.pw_gid)
            for name in dirs + files:
                os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


def start(basedir: Path | None = None, port: int | None = None) -> Cluster:
    bindir = find_bindir()
    base = Path(basedir) if basedir else Path(tempfile.mkdtemp(prefix="segwh-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)
    datadir = base / "data"
    _chown_to_server_user(base)
    port = port or free_port()
    subprocess.run(
        _as_server_user([str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
                         "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                         # a real-world collation (ICU en-US), so tests catch text ordering
                         # that differs from DuckDB (code point) unless a model asks for it
                         "--locale-provider=icu", "--icu-locale=en-US"]),
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c TimeZone=UTC")
    subprocess.run(
        _as_server_user([str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options,
                         "-l", str(base / "server.log"), "-w", "-t", "60", "start"]),
        check=True, stdout=subprocess.DEVNULL,
    )
    cluster = Cluster(datadir=datadir, port=port, bindir=bindir)
    (base / "port").write_text(str(port))
    _wait_ready(cluster)
    return cluster


def _wait_ready(cluster: Cluster, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            with socket.create_connection(("127.0.0.1", cluster.port), timeout=1):
                return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not accept connections on port {cluster.port}")


def stop(cluster: Cluster, remove: bool = True) -> None:
    subprocess.run(
        _as_server_user([str(cluster.bindir / "pg_ctl"), "-D", str(cluster.datadir),
                         "-m", "fast", "-w", "stop"]),
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    if remove:
        shutil.rmtree(cluster.datadir.parent, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(basedir: Path | None = None):
    cluster = start(basedir)
    try:
        yield cluster
    finally:
        stop(cluster)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("dir", type=Path, help="folder for the cluster's data and socket")
    args = parser.parse_args(argv)
    if args.action == "start":
        cluster = start(args.dir)
        for key, value in cluster.env().items():
            print(f"export {key}={value}")
    else:
        port = int((args.dir / "port").read_text())
        stop(Cluster(datadir=args.dir / "data", port=port, bindir=find_bindir()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
