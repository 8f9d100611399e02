"""Incremental builds equal a full refresh, and read only new raw data.

Randomized purchase histories (adversarial.make_events) are split into batches
that arrive one after the other, with late events, exact copies re-sent in a
later batch, conflicting versions of old events and refunds that arrive before
their order. After each plain build, what base_raw__events stores
(stg_raw__events, quarantined_events, event_ingestion_summary,
event_load_manifest) and int_orders_netted must equal a --full-refresh on the
same raw data.

DuckDB (a folder of Parquet files): files arrive in random order, one of them
far older than everything loaded; an earlier file is rewritten in place and
one is deleted (the build reloads every file); a build with nothing new reads
nothing and changes nothing. That a build reads only the new file is shown by
the log and by the files loaded before it, which are unreadable (zeroed, same
size and modification time) while it runs. A customer who asks to be erased
after their rows were loaded leaves base_raw__events, is counted per file, and
the other version of an event they held in conflict is released. The
ingestion summary is reconciled with counts computed in pandas from the raw
files. PostgreSQL: batches inserted into one raw table, with a load-timestamp
column (_loaded_at: each build reads the rows loaded since the last, one
manifest row per load) and without one (the whole table re-read). Rows
released from quarantine (their customer arrives later) reach every mart on
the next plain build."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg2
import pytest
from psycopg2.extras import execute_values

from adversarial import make_events, write_release_scenario
from compare import assert_same_table
from conftest import duck_warehouse, pg_database_warehouse

SELECT = ["--select", "+int_orders_netted", "+stg_raw__events", "+int_customer_days", "+int_multiday_session_days"]
# ... and the views on base_raw__events that say what became of every raw row
SELECT_LOADS = SELECT + ["event_load_manifest", "event_ingestion_summary", "quarantined_events"]
COLUMNS = ["event_id", "customer_id", "event_type", "occurred_at", "order_id", "revenue", "session_id"]
EVENTS_SQL = "select * from staging.stg_raw__events order by event_id"
# loaded_at: the start of the build that wrote the row, different in any two builds
BUILD_TIME = ["loaded_at"]
ORDERS_SQL = "select * from intermediate.int_orders_netted order by order_id"
BASE_SQL = "select * from staging.base_raw__events"

# What a build leaves, per table: (query, key or None for every column,
# columns that depend on when or how the rows were loaded, not on the data)
STATE = {
    "stg_raw__events": (EVENTS_SQL, ["event_id"], ["loaded_at"]),
    "quarantined_events": ("select * from quarantine.quarantined_events", None, ["detected_at"]),
    "event_ingestion_summary": ("select * from quarantine.event_ingestion_summary",
                                ["outcome", "quarantine_reason"], ["detected_at"]),
    "event_load_manifest": ("select * from quarantine.event_load_manifest", ["source_file"],
                            ["loaded_at", "load_mode"]),
    "int_orders_netted": (ORDERS_SQL, ["order_id"], []),
    "int_customer_days": ("select * from intermediate.int_customer_days", ["customer_id", "occurred_on"], []),
    "int_multiday_session_days": ("select * from intermediate.int_multiday_session_days",
                                  ["customer_id", "session_id", "occurred_on"], []),
}


def raw_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The raw event columns; session_id (text) empty where a frame has none."""
    return frame.reindex(columns=COLUMNS).astype({"session_id": "string"})


def make_batches(seed: int, n_batches: int, shuffle: bool, max_delay: int) -> list[pd.DataFrame]:
    """Events cut into n_batches by time. Each event arrives in its own time
    slice's batch or, late, up to max_delay batches after it. With shuffle the
    batches then arrive in random order. Extras: copies of earlier rows sent
    again, and conflicting versions (same event_id, other content)."""
    rng = np.random.default_rng(seed)
    events = make_events(seed, customers=150)
    # visits from 06:00 to 06:00 UTC: many sessions span midnight, and a late
    # event can move the day its session starts (int_customer_days); refunds
    # have no session
    visit_day = (events["occurred_at"] - pd.Timedelta(hours=6)).dt.strftime("%Y%m%d")
    events["session_id"] = (events["customer_id"] + "-" + visit_day).where(events["event_type"] != "order_refunded")
    times = events["occurred_at"].astype("int64")
    edges = np.linspace(times.min(), times.max(), n_batches + 1)[1:-1]  # equal spans of time
    slot = np.searchsorted(edges, times)
    delay = np.where(rng.random(len(events)) < 0.15, rng.integers(1, max_delay + 1, len(events)), 0)
    arrival = np.minimum(slot + delay, n_batches - 1)
    batches = [events[arrival == b].copy() for b in range(n_batches)]
    for b in range(1, n_batches):
        earlier = pd.concat(batches[:b])
        resent = earlier.sample(n=min(5, len(earlier)), random_state=seed + b)
        conflicting = earlier[earlier.event_type == "page_view"].sample(n=1, random_state=seed + b).copy()
        conflicting["event_type"] = "product_view"
        batches[b] = pd.concat([batches[b], resent, conflicting])
    if shuffle:
        order = rng.permutation(n_batches)
        batches = [batches[i] for i in order]
    return batches


def load_duck_batch(directory, number: int, batch: pd.DataFrame):
    batch.pipe(raw_columns).to_parquet(directory / f"batch_{number:02d}.parquet", index=False)


def loaded_events(wh):
    return wh.query(EVENTS_SQL).drop(columns=BUILD_TIME)


def full_refresh_frames(tmp_path, raw_glob, vars=None):
    full = duck_warehouse(tmp_path, raw_glob, None, **(vars or {}))
    full.run(SELECT + ["--full-refresh"])
    return loaded_events(full), full.query(ORDERS_SQL)


def assert_same(incremental, expected_events, expected_orders):
    assert_same_table(loaded_events(incremental), expected_events, ["event_id"], "stg_raw__events")
    assert_same_table(incremental.query(ORDERS_SQL), expected_orders, ["order_id"], "int_orders_netted")


def side_by_side(*calls):
    """Run dbt builds of different warehouses at the same time; their results."""
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


def load_state(wh, folder: Path | None = None, skip=(), drop: dict | None = None) -> dict[str, pd.DataFrame]:
    """The STATE tables of a warehouse, without their load-time columns; file
    paths relative to `folder`, so that warehouses reading copies of the same
    files compare equal. `skip`: tables left out; `drop`: more columns left
    out, per table."""
    state = {}
    for name, (sql, _, build_time) in STATE.items():
        if name in skip:
            continue
        frame = wh.query(sql).drop(columns=build_time + (drop or {}).get(name, []))
        if folder is not None and "source_file" in frame:
            frame["source_file"] = frame["source_file"].str.replace(f"{folder}/", "", regex=False)
        state[name] = frame
    return state


def assert_same_state(got: dict, expected: dict, label: str):
    assert list(got) == list(expected), label
    for name, frame in got.items():
        keys = STATE[name][1] or list(frame.columns)
        assert_same_table(frame, expected[name], keys, f"{label}: {name}")


def mirror(source: Path, target: Path):
    """Make `target` hold exact copies of the files of `source` (same names,
    sizes and modification times) and nothing else."""
    target.mkdir(exist_ok=True)
    for path in target.iterdir():
        path.unlink()
    for path in source.iterdir():
        shutil.copy2(path, target / path.name)


@contextmanager
def unreadable(paths):
    """Zero these files while the block runs, keeping their size and
    modification time (what the load plan compares): a build that reads one of
    them fails. Restored after."""
    saved = []
    for path in paths:
        stat = path.stat()
        saved.append((path, path.read_bytes(), stat.st_atime_ns, stat.st_mtime_ns))
        path.write_bytes(b"\0" * stat.st_size)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    try:
        yield
    finally:
        for path, content, atime, mtime in saved:
            path.write_bytes(content)
            os.utime(path, ns=(atime, mtime))


def raw_outcome_counts(raw: pd.DataFrame, erased_customers=()) -> dict[str, int]:
    """Where the raw rows of all loaded files should go, computed from the raw
    rows alone: rows of erased customers are erased; of the others, every row
    equal to another one is an exact duplicate, except one per distinct row,
    which is kept (clean or quarantined)."""
    raw = raw.pipe(raw_columns)
    erased = raw.customer_id.isin(list(erased_customers))
    kept = raw[~erased]
    distinct = len(kept.drop_duplicates())
    return {"raw_rows": len(raw), "erased": int(erased.sum()), "exact_duplicate": len(kept) - distinct,
            "kept": distinct}


def assert_summary_reconciles(wh, raw: pd.DataFrame, erased_customers=()):
    expected = raw_outcome_counts(raw, erased_customers)
    summary = wh.query(STATE["event_ingestion_summary"][0])
    by_outcome = summary.groupby("outcome").raw_rows.sum().astype(int).to_dict()
    got = {"raw_rows": int(summary.raw_rows.sum()), "erased": by_outcome.get("erased", 0),
           "exact_duplicate": by_outcome.get("exact_duplicate", 0),
           "kept": by_outcome.get("clean", 0) + by_outcome.get("quarantined", 0)}
    assert got == expected, "event_ingestion_summary against the raw files"
    manifest = wh.query(STATE["event_load_manifest"][0])
    assert int(manifest.raw_rows.sum()) == len(raw), "event_load_manifest against the raw files"
    assert int(manifest.erased_rows.sum()) == expected["erased"], "event_load_manifest erased_rows"


@pytest.mark.parametrize("seed, lookback", [(31, 3), (32, 400), (33, 3)])
def test_duckdb_files_in_any_order_changed_or_deleted_load_like_a_full_refresh(tmp_path, seed, lookback):
    """Five files of a history. They arrive in random order, except that the
    oldest one comes fourth: its events are far older than the files loaded
    before it (beyond a 3-day lookback; 400 days covers them). After the
    second file, each step is a plain build compared with a full refresh of
    the same files: a new file; the late file; an earlier file rewritten in
    place (rows removed, rows changed, one added); a file deleted; a new file
    after that reload; and a build with nothing new, which changes nothing.
    The full refresh reads exact copies of the files (same names, sizes and
    times) so that the files the plain build must not read can be zeroed
    while it runs."""
    rng = np.random.default_rng(seed)
    batches = make_batches(seed, n_batches=5, shuffle=False, max_delay=1)
    later = [int(i) for i in rng.permutation(np.arange(1, 5))]
    arrival = later[:3] + [0] + later[3:]  # the oldest slice arrives fourth
    raw, copies = tmp_path / "raw", tmp_path / "raw_copies"
    raw.mkdir()
    files = [raw / f"batch_{n:02d}.parquet" for n in range(5)]  # in order of arrival
    wh = duck_warehouse(tmp_path / "incremental", raw / "batch_*.parquet", None, incremental_lookback_days=lookback)
    full = duck_warehouse(tmp_path / "full", copies / "batch_*.parquet", None, incremental_lookback_days=lookback)

    def write(number: int, frame: pd.DataFrame):
        frame.pipe(raw_columns).to_parquet(files[number], index=False)

    def step(label: str, log: str, not_read=()):
        """A plain build of the incremental warehouse and a full refresh of the
        copies, side by side; the plain build logs `log` and does not read the
        files `not_read`; both leave the same state."""
        mirror(raw, copies)
        with unreadable(not_read):
            result, _ = side_by_side(lambda: wh.run(SELECT_LOADS),
                                     lambda: full.run(SELECT_LOADS + ["--full-refresh"]))
        assert log in result.output, f"{label}: expected '{log}' in the dbt log"
        got = load_state(wh, raw)
        assert_same_state(got, load_state(full, copies), label)
        return got

    def manifest():
        """The files' bookkeeping (what each file's rows became may change with later files)."""
        return wh.query("select source_file, file_size, file_modified_at, load_mode, loaded_at, raw_rows, "
                        "erased_rows from quarantine.event_load_manifest").set_index("source_file")

    # the first two files: a first build is a full load
    write(0, batches[arrival[0]])
    write(1, batches[arrival[1]])
    assert "full load of 2 file(s)" in wh.run(SELECT_LOADS).output

    # a new file, then the late one: only it is read (the others are unreadable meanwhile),
    # the other files' bookkeeping is unchanged
    for number, label in [(2, "a new file"), (3, "a late file, older than all loaded")]:
        write(number, batches[arrival[number]])
        before = manifest()
        step(label, f"): 1 new file(s) of {number + 1}", not_read=files[:number])
        after = manifest()
        assert after.loc[str(files[number]), "load_mode"] == "incremental", label
        assert after.loc[str(files[number]), "raw_rows"] == len(batches[arrival[number]]), label
        assert_same_table(after.drop(index=str(files[number])).reset_index(), before.reset_index(),
                          ["source_file"], f"{label}: the earlier files' bookkeeping is unchanged")

    # an earlier file rewritten in place: some rows removed, some changed, one added
    rewritten = batches[arrival[1]].reset_index(drop=True)
    picked = rng.choice(len(rewritten), size=8, replace=False)
    removed, changed = picked[:4], picked[4:]
    rewritten.loc[changed, "occurred_at"] = rewritten.loc[changed, "occurred_at"] + pd.Timedelta(hours=1)
    rewritten.loc[changed[:2], "customer_id"] = rewritten.customer_id.iloc[int(removed[0])]
    added = rewritten.iloc[[int(changed[-1])]].assign(event_id="e9999999", event_type="page_view",
                                                      order_id=None, revenue=np.nan)
    rewritten = pd.concat([rewritten.drop(index=removed), added])
    modified = files[1].stat().st_mtime_ns
    write(1, rewritten)
    os.utime(files[1], ns=(modified + 60 * 10**9, modified + 60 * 10**9))  # whatever the clock's resolution
    state = step("a file changed in place", "reloading all 4 file(s): 1 changed in place")
    assert (manifest().load_mode == "full").all()
    assert state["event_load_manifest"].set_index("source_file").loc[files[1].name, "raw_rows"] == len(rewritten)

    # a file deleted: its rows leave with it
    files[0].unlink()
    state = step("a file deleted", "reloading all 3 file(s): 1 gone")
    assert files[0].name not in set(state["event_load_manifest"].source_file)
    assert files[0].name not in set(state["quarantined_events"].source_file)

    # a new file after the reload: incremental again
    write(4, batches[arrival[4]])
    step("a new file after a reload", "): 1 new file(s) of 4", not_read=files[1:4])

    # nothing new: no raw row is read and nothing changes, not even loaded_at
    stored = wh.query(BASE_SQL)
    result = wh.run(SELECT_LOADS)
    assert "): 0 new file(s) of 4" in result.output
    assert_same_table(wh.query(BASE_SQL), stored, list(stored.columns), "nothing new: base_raw__events")
    assert_same_state(load_state(wh, raw), load_state(full, copies), "nothing new")

    # where the rows of the files present went, counted from the files themselves
    present = pd.concat([pd.read_parquet(path) for path in files[1:]])
    assert_summary_reconciles(wh, present)


def write_erasure_scenario(folder: Path, seed: int = 41):
    """Two raw files of a history cut in time, and the customer to erase:
    the busiest buyer of the first file, with an exact copy of one of their
    rows in the same file and of two in the second; the second file also holds
    a version of another customer's order line under the erased customer
    (conflicting_duplicate, both versions held back). Returns (the two frames
    as written, the customer, the event_id in conflict, its other customer)."""
    events = make_events(seed, customers=60)
    cut = events.occurred_at.quantile(0.5)
    old, recent = events[events.occurred_at < cut], events[events.occurred_at >= cut]
    buyers = old[old.event_type == "order_completed"].customer_id
    erased = buyers.value_counts().index[0]
    mine = old[old.customer_id == erased]
    assert len(mine) >= 4
    other_line = old[(old.event_type == "order_completed") & (old.customer_id != erased)].iloc[[0]]
    conflicting = other_line.assign(customer_id=erased)
    first = pd.concat([old, mine.iloc[[0]]])
    second = pd.concat([recent, mine.iloc[[1, 2]], conflicting])
    first.pipe(raw_columns).to_parquet(folder / "batch_00.parquet", index=False)
    second.pipe(raw_columns).to_parquet(folder / "batch_01.parquet", index=False)
    return [first, second], erased, other_line.event_id.iloc[0], other_line.customer_id.iloc[0]


def request_erasure(folder: Path, customer: str, *warehouses) -> Path:
    """An erasure requests file (column customer_id) asking to forget
    `customer`, given to the warehouses' builds (var raw_erasure_requests_path)."""
    requests = folder / "erasure_requests.csv"
    pd.DataFrame({"customer_id": [customer]}).to_csv(requests, index=False)
    for warehouse in warehouses:
        warehouse.vars["raw_erasure_requests_path"] = str(requests)
    return requests


def assert_erased(wh, frames: list[pd.DataFrame], erased: str, label: str):
    """No stored row of the customer; each file's erased_rows counts their raw rows in it."""
    left = wh.query(f"select count(*) as n from staging.base_raw__events where customer_id = '{erased}'")
    assert left.n[0] == 0, f"{label}: {left.n[0]} rows of the erased customer are still in base_raw__events"
    files = wh.query("select erased_rows from quarantine.event_load_manifest order by source_file")
    assert files.erased_rows.tolist() == [int((f.customer_id == erased).sum()) for f in frames], \
        f"{label}: event_load_manifest.erased_rows"
    assert_summary_reconciles(wh, pd.concat(frames), [erased])


def test_duckdb_erasure_after_load_removes_the_rows_and_releases_their_conflicts(tmp_path):
    """A customer whose rows are loaded asks to be forgotten: the next plain
    build (no new file) deletes their rows from base_raw__events, counts them
    per file (event_load_manifest.erased_rows) and in event_ingestion_summary,
    and releases the other version of an event they held in conflict. Equal
    to a full refresh, reconciled with counts from the raw files; one more
    plain build changes nothing."""
    raw = tmp_path / "raw"
    raw.mkdir()
    frames, erased, event_id, other_customer = write_erasure_scenario(raw)
    second = raw / "batch_01.parquet"
    second_content = second.read_bytes()
    second.unlink()  # the second file arrives later, making the conflict on a plain build
    wh = duck_warehouse(tmp_path / "incremental", raw / "batch_*.parquet", None, incremental_lookback_days=3)
    full = duck_warehouse(tmp_path / "full", raw / "batch_*.parquet", None, incremental_lookback_days=3)
    wh.run(SELECT_LOADS)
    second.write_bytes(second_content)
    assert "): 1 new file(s) of 2" in wh.run(SELECT_LOADS).output
    held = wh.query(f"select raw_customer_id, quarantine_reason from quarantine.quarantined_events "
                    f"where raw_event_id = '{event_id}'")
    assert sorted(held.raw_customer_id) == sorted([erased, other_customer])
    assert set(held.quarantine_reason) == {"conflicting_duplicate"}
    assert_summary_reconciles(wh, pd.concat(frames))
    before = wh.query(BASE_SQL)

    request_erasure(tmp_path, erased, wh, full)
    result, _ = side_by_side(lambda: wh.run(SELECT_LOADS), lambda: full.run(SELECT_LOADS + ["--full-refresh"]))
    assert "): 0 new file(s) of 2" in result.output
    released = wh.query(f"select customer_id, loaded_at from staging.stg_raw__events where event_id = '{event_id}'")
    assert released.customer_id.tolist() == [other_customer], "the other version is released"
    assert released.loaded_at[0] > before.loaded_at.max(), "released by this build"
    assert_erased(full, frames, erased, "full refresh")
    assert_erased(wh, frames, erased, "erasure after load")
    assert_same_state(load_state(wh, raw), load_state(full, raw), "erasure after load")

    stored = wh.query(BASE_SQL)
    wh.run(SELECT_LOADS)
    assert_same_table(wh.query(BASE_SQL), stored, list(stored.columns), "a plain build after the erasure")


def test_duckdb_rows_of_an_erased_customer_are_erased_as_their_files_are_read(tmp_path):
    """The customer asked to be forgotten before their files arrive: their rows
    (and their version of another customer's event, so no conflict) are
    erased as each file is read and counted in its erased_rows. Equal to a
    full refresh, reconciled with counts from the raw files."""
    raw = tmp_path / "raw"
    raw.mkdir()
    frames, erased, event_id, other_customer = write_erasure_scenario(raw)
    second = raw / "batch_01.parquet"
    second_content = second.read_bytes()
    second.unlink()
    wh = duck_warehouse(tmp_path / "incremental", raw / "batch_*.parquet", None, incremental_lookback_days=3)
    full = duck_warehouse(tmp_path / "full", raw / "batch_*.parquet", None, incremental_lookback_days=3)
    request_erasure(tmp_path, erased, wh, full)
    for number, log in [(1, "full load of 1 file(s)"), (2, "): 1 new file(s) of 2")]:
        if number == 2:
            second.write_bytes(second_content)
        result, _ = side_by_side(lambda: wh.run(SELECT_LOADS), lambda: full.run(SELECT_LOADS + ["--full-refresh"]))
        assert log in result.output
        assert_erased(wh, frames[:number], erased, f"{number} file(s)")
        assert_same_state(load_state(wh, raw), load_state(full, raw), f"{number} file(s) of an erased customer")
    kept = wh.query(f"select customer_id from staging.stg_raw__events where event_id = '{event_id}'")
    assert kept.customer_id.tolist() == [other_customer]


def test_duckdb_incremental_runs_in_time_order_equal_a_full_refresh_at_any_as_of_date(tmp_path):
    """3 batches in time order, events up to 1 batch late. The history spans at
    most 267 days (orders until 2024-08-15, refunds up to 40 days later), so a
    batch at most 89 days: a late event is inside a 100-day lookback. Then an
    earlier as-of date, and back to the default."""
    batches = make_batches(11, n_batches=3, shuffle=False, max_delay=1)
    raw = tmp_path / "raw"
    raw.mkdir()
    raw_glob = raw / "batch_*.parquet"
    wh = duck_warehouse(tmp_path / "incremental", raw_glob, None, incremental_lookback_days=100)
    for number, batch in enumerate(batches):
        load_duck_batch(raw, number, batch)
        wh.run(SELECT)
    middle = str(pd.concat(batches).occurred_at.quantile(0.5).date())
    expected, expected_middle = side_by_side(
        lambda: full_refresh_frames(tmp_path / "full", raw_glob),
        lambda: full_refresh_frames(tmp_path / "full_middle", raw_glob, {"as_of_date": middle}))
    assert_same(wh, *expected)
    wh.run(SELECT, vars={"as_of_date": middle})
    assert_same(wh, *expected_middle)
    wh.run(SELECT)
    assert_same(wh, *expected)


def test_events_later_than_the_lookback_are_loaded_by_the_next_plain_build(tmp_path):
    events = make_events(13, customers=60)
    raw = tmp_path / "raw"
    raw.mkdir()
    cut = events.occurred_at.quantile(0.5)
    recent, old = events[events.occurred_at >= cut], events[events.occurred_at < cut]
    # the old half arrives after the recent half: far later than a 3-day lookback
    wh = duck_warehouse(tmp_path / "wh", raw / "batch_*.parquet", None, incremental_lookback_days=3)
    load_duck_batch(raw, 0, recent)
    wh.run(SELECT)
    load_duck_batch(raw, 1, old)
    # with the reconciliation of raw rows, loaded files and the ingestion summary
    with_check = SELECT_LOADS + ["assert_raw_events_reconcile", "--indirect-selection", "cautious",
                           "--exclude", "test_type:generic", "test_type:unit"]
    result = wh.build(with_check)
    assert result.ok and "WARN=0" in result.output and "ERROR=0" in result.output
    assert "PASS assert_raw_events_reconcile" in result.output
    assert_same(wh, *full_refresh_frames(tmp_path / "full", raw / "batch_*.parquet"))


def insert_pg_batch(cur, batch: pd.DataFrame, loaded_at: pd.Timestamp | None):
    rows = [tuple(None if pd.isna(v) else v for v in row)
            for row in batch.pipe(raw_columns).astype(object).itertuples(index=False)]
    if loaded_at is not None:
        rows = [row + (loaded_at.to_pydatetime(),) for row in rows]
    execute_values(cur, "insert into raw_incremental.events values %s", rows)


@pytest.mark.parametrize("seed, shuffle, lookback, loaded_at_column", [
    (21, False, 70, False),  # no load timestamp: every build reads the whole table
    (22, True, 400, True),  # _loaded_at: every build reads the rows loaded since the last
    (23, True, 3, False),
    (24, True, 3, True),
])
def test_postgres_incremental_runs_equal_a_full_refresh(postgres_cluster, tmp_path, seed, shuffle, lookback,
                                                        loaded_at_column):
    batches = make_batches(seed, n_batches=4 if not shuffle else 3, shuffle=shuffle, max_delay=1)
    incremental = pg_database_warehouse(postgres_cluster, f"incremental_check_{seed}", tmp_path / "inc",
                                        raw_schema="raw_incremental", incremental_lookback_days=lookback)
    conn = psycopg2.connect(**incremental.connect_kwargs())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create schema raw_incremental")
    cur.execute("create table raw_incremental.events (event_id text, customer_id text, event_type text, "
                "occurred_at timestamp, order_id text, revenue double precision, session_id text"
                + (", _loaded_at timestamp)" if loaded_at_column else ")"))
    load_times = [pd.Timestamp("2025-01-01") + pd.Timedelta(hours=n) for n in range(len(batches))]
    for number, batch in enumerate(batches):
        insert_pg_batch(cur, batch, load_times[number] if loaded_at_column else None)
        result = incremental.run(SELECT_LOADS)
        if number:
            assert ("rows with _loaded_at after the last load" if loaded_at_column
                    else "the whole table is read") in result.output
    conn.close()

    manifest = incremental.query("select * from quarantine.event_load_manifest order by file_modified_at")
    if loaded_at_column:
        # one 'file' per load: the rows loaded since the previous build
        assert manifest.raw_rows.tolist() == [len(batch) for batch in batches]
        assert [pd.Timestamp(t) for t in manifest.file_modified_at] == load_times
        assert manifest.source_file.nunique() == len(batches)
        assert manifest.load_mode.tolist() == ["full"] + ["incremental"] * (len(batches) - 1)
    else:
        assert manifest.raw_rows.tolist() == [sum(len(batch) for batch in batches)]
        assert manifest.load_mode.tolist() == ["full"]
    # with a row per load, the source_file of a row is its load, and a copy
    # re-sent in a later load is a row of that load (raw_copies per load);
    # a full refresh is one load
    per_load = {"quarantined_events": ["source_file", "raw_copies"]} if loaded_at_column else {}
    got = load_state(incremental, skip=["event_load_manifest"], drop=per_load)

    stored = incremental.query(BASE_SQL)
    incremental.run(SELECT_LOADS)  # re-running with nothing new changes nothing
    if loaded_at_column:
        assert_same_table(incremental.query(BASE_SQL), stored, list(stored.columns), "nothing new: base_raw__events")
    assert_same_state(load_state(incremental, skip=["event_load_manifest"], drop=per_load), got, "idempotent")

    incremental.run(SELECT_LOADS + ["--full-refresh"])
    assert_same_state(got, load_state(incremental, skip=["event_load_manifest"], drop=per_load), "full refresh")
    assert_summary_reconciles(incremental, pd.concat(batches))


RELEASED_TABLES = {
    "intermediate.int_orders_netted": ["order_id"],
    "intermediate.int_customer_days": ["customer_id", "occurred_on"],
    "marts.customer_facts": ["customer_id"],
    "marts.customer_segment_history": ["period_end", "customer_id", "dimension"],
    "marts.segment_transitions": ["period_end", "customer_id", "dimension"],
    "marts.segment_migrations": ["period_end", "dimension", "from_segment", "to_segment"],
}


def test_released_rows_reach_every_mart_on_the_next_plain_build(tmp_path):
    """Customers missing from the customers file have their events quarantined
    (unknown_customer). When the file gains them, their old events (far
    outside a 3-day lookback) are released: a plain build loads them, nets
    their orders and rebuilds the history periods they touch, equal to a
    full refresh on the same files."""
    raw = tmp_path / "raw"
    raw.mkdir()
    events_path, customers, late_customers, release = write_release_scenario(raw)

    wh = duck_warehouse(tmp_path / "incremental", events_path, customers, incremental_lookback_days=3)
    wh.run()
    held = wh.query("select count(*) as n from quarantine.quarantined_events where quarantine_reason = 'unknown_customer'")
    raw_events = pd.read_parquet(events_path)
    assert held.n[0] == (raw_events.customer_id.isin(late_customers)).sum() > 0

    release()  # the customers arrive
    wh.run()
    full = duck_warehouse(tmp_path / "full", events_path, customers, incremental_lookback_days=3)
    full.run(["--full-refresh"])

    facts = wh.query("select customer_id, order_count from marts.customer_facts")
    assert set(late_customers) <= set(facts[facts.order_count > 0].customer_id)
    assert_same_table(loaded_events(wh), loaded_events(full), ["event_id"], "stg_raw__events")
    for name, keys in RELEASED_TABLES.items():
        assert_same_table(wh.query(f"select * from {name}"), full.query(f"select * from {name}"), keys,
                          f"released rows: {name}", rtol=1e-12)
