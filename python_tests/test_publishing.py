"""BI-safe publishing on DuckDB: while dbt builds and segwh.publish swaps the
published file, reader processes query the segment tables in a loop. They
never get an error, never see a half-built or mixed publication, and never
make a build fail."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd

from conftest import duck_warehouse

# every dimension of the seed segment_dimensions
DIMENSIONS = len(pd.read_csv(Path(__file__).resolve().parents[1] / "seeds" / "segment_dimensions.csv"))

# One statement, so one consistent view of the file: every customer has one
# row per dimension in segment_memberships, and every mart is as of one date.
CONSISTENCY_SQL = """
select
    (select count(*) from marts.customer_facts) as customers,
    (select count(*) from marts.customer_segments) as segmented,
    (select count(*) from marts.segment_memberships) as memberships,
    (select count(distinct dimension) from marts.segment_memberships) as dimensions,
    (select cast(min(as_of_date) as varchar) from marts.customer_facts) as facts_as_of,
    (select cast(max(as_of_date) as varchar) from marts.customer_facts) as facts_as_of_max,
    (select cast(min(as_of_date) as varchar) from marts.segment_memberships) as memberships_as_of,
    (select cast(max(as_of_date) as varchar) from marts.customer_segments) as segments_as_of,
    (select sum(customers) from marts.segment_summary where dimension = 'lifecycle') as summarized
"""

READER = textwrap.dedent("""
    import json, sys, time
    import duckdb

    path, stop_file, mode, sql = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    import os
    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    while not os.path.exists(stop_file):
        try:
            con = held or duckdb.connect(path, read_only=True)
            row = con.execute(sql).fetchone()
            if held is None:
                con.close()
            print(json.dumps({"row": list(row)}), flush=True)
        except Exception as error:
            print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
        time.sleep(0.05)
""")


def start_reader(path, stop_file, mode):
    return subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop_file), mode, CONSISTENCY_SQL],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def publish(build, published):
    subprocess.run([sys.executable, "-m", "segwh.publish", "--from", str(build), "--to", str(published)],
                   check=True, capture_output=True, text=True)


def test_readers_never_block_builds_and_never_see_partial_tables(demo_data, tmp_path):
    wh = duck_warehouse(tmp_path / "build", demo_data / "events.parquet", demo_data / "customers.parquet")
    published = tmp_path / "bi" / "published.duckdb"
    events = pd.read_parquet(demo_data / "events.parquet", columns=["occurred_at"])
    last_day = pd.to_datetime(events["occurred_at"], utc=True).max().normalize().tz_localize(None)
    as_of_dates = [str((last_day - pd.Timedelta(days=d)).date()) for d in (400, 0, 200)]

    wh.run(vars={"as_of_date": as_of_dates[0]})
    publish(wh.path, published)

    stop = tmp_path / "stop"
    readers = {mode: start_reader(published, stop, mode) for mode in ("reconnect", "held")}
    try:
        time.sleep(1.0)
        for as_of in as_of_dates[1:]:
            # Builds write the build file while readers hold the published one: no lock conflict.
            wh.run(vars={"as_of_date": as_of})
            publish(wh.path, published)
            time.sleep(1.0)
    finally:
        stop.touch()
        outputs = {mode: reader.communicate(timeout=60) for mode, reader in readers.items()}

    for mode, (stdout, stderr) in outputs.items():
        records = [json.loads(line) for line in stdout.splitlines() if line.strip()]
        errors = [r["error"] for r in records if "error" in r]
        assert not errors, f"{mode} reader errors: {errors[:3]} {stderr[-500:]}"
        rows = [r["row"] for r in records]
        assert len(rows) > 20, f"{mode} reader made only {len(rows)} reads"
        seen = set()
        for customers, segmented, memberships, dimensions, facts_as_of, facts_as_of_max, \
                memberships_as_of, segments_as_of, summarized in rows:
            assert customers > 0 and segmented == customers == summarized, (mode, customers, segmented, summarized)
            assert memberships == dimensions * customers and dimensions == DIMENSIONS, (mode, memberships, customers)
            assert facts_as_of == facts_as_of_max == memberships_as_of == segments_as_of, (mode, facts_as_of)
            seen.add(facts_as_of)
        if mode == "held":
            # A held connection keeps the publication it opened.
            assert seen == {as_of_dates[0]}, (mode, seen)
        else:
            # Reconnecting readers moved through the publications, in order, never a mix.
            assert seen == set(as_of_dates), (mode, seen)
            order = [row[4] for row in rows]
            firsts = [as_of for i, as_of in enumerate(order) if i == 0 or order[i - 1] != as_of]
            assert firsts == as_of_dates, (mode, firsts)


def test_publish_refuses_an_empty_build(tmp_path):
    import duckdb

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = subprocess.run([sys.executable, "-m", "segwh.publish", "--from", str(empty), "--to",
                             str(tmp_path / "published.duckdb")], capture_output=True, text=True)
    assert result.returncode != 0 and "no marts tables" in result.stderr
    assert not (tmp_path / "published.duckdb").exists()
