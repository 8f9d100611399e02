"""A throwaway Spark standalone cluster on 127.0.0.1: one master and N
workers started with the pyspark package's own `bin/spark-class`, for tests
and for trying the `spark` target against a real cluster manager.

    with standalone_cluster(workdir, workers=2) as cluster:
        env = {"SPARK_MASTER": cluster.master_url}   # then dbt --target spark

Every process is started in its own process group and stopped (TERM, then
KILL) when the block ends. Needs Java 17 on PATH.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from segwh.pgcluster import free_port


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


@dataclass
class StandaloneCluster:
    master_url: str
    web_url: str
    workdir: Path
    processes: list = field(default_factory=list)

    def state(self) -> dict:
        """The master's JSON status: workers, running and completed applications."""
        with urllib.request.urlopen(self.web_url + "/json/", timeout=5) as response:
            return json.load(response)

    def alive_workers(self) -> list[dict]:
        return [w for w in self.state().get("workers", []) if w.get("state") == "ALIVE"]


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(spark_home() / "bin" / "spark-class"), *args], env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def standalone_cluster(workdir: Path, workers: int = 2, cores: int = 1, memory: str = "1536m",
                       timeout: float = 90):
    """Start a master and `workers` workers (each `cores` cores, `memory`
    memory) on loopback ports; yield a StandaloneCluster once every worker
    has registered; stop them all afterwards."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_LOG_DIR": str(workdir / "logs"), "SPARK_WORKER_DIR": str(workdir / "work")}
    port, web_port = free_port(), free_port()
    cluster = StandaloneCluster(master_url=f"spark://127.0.0.1:{port}", web_url=f"http://127.0.0.1:{web_port}",
                                workdir=workdir)
    try:
        cluster.processes.append(_start(
            ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
             "--webui-port", str(web_port)], workdir / "master.log", env))
        for number in range(workers):
            cluster.processes.append(_start(
                ["org.apache.spark.deploy.worker.Worker", cluster.master_url, "--host", "127.0.0.1",
                 "--cores", str(cores), "--memory", memory, "--webui-port", str(free_port()),
                 "--work-dir", str(workdir / f"worker-{number}")], workdir / f"worker-{number}.log", env))
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError, ValueError):
                if len(cluster.alive_workers()) == workers:
                    break
            if time.monotonic() > deadline or any(p.poll() is not None for p in cluster.processes):
                logs = "\n".join(f.read_text()[-1500:] for f in sorted(workdir.glob("*.log")))
                raise RuntimeError(f"the standalone cluster did not start within {timeout} s:\n{logs}")
            time.sleep(1)
        yield cluster
    finally:
        for process in reversed(cluster.processes):
            _stop(process)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="Start a throwaway Spark standalone cluster on 127.0.0.1 "
                                                 "until interrupted (Ctrl-C or kill).")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1, help="cores per worker")
    parser.add_argument("--memory", default="1536m", help="memory per worker")
    parser.add_argument("--workdir", default=None, help="logs and executor folders (default: a temporary folder)")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="segwh-spark-cluster-"))

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C, and `kill` (also when started in the background, where SIGINT is ignored)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    with standalone_cluster(workdir, workers=args.workers, cores=args.cores, memory=args.memory) as cluster:
        print(f"export SPARK_MASTER={cluster.master_url}   # master UI {cluster.web_url}, logs in {workdir}",
              flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while all(p.poll() is None for p in cluster.processes):
                time.sleep(1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
