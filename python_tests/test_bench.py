"""`make bench` at a tiny scale: every step runs, the JSON has every measure,
and the cross-checks the benchmark makes on the way hold (the hand-written
query equals the RFM marts, lifetimes equals the btyd_* columns, the
incremental build equals the full build). Timings are not asserted: speed is
measured by the benchmark itself, at scale."""

from __future__ import annotations

import json

from segwh import bench


def test_scale_parsing():
    assert bench.parse_scale("1M") == 1_000_000
    assert bench.parse_scale("2.5m") == 2_500_000
    assert bench.parse_scale("20k") == 20_000
    assert bench.parse_scale("100_000") == 100_000
    assert bench.scale_label(10_000_000) == "10M"
    assert bench.scale_label(20_000) == "20k"


def test_bench_runs_every_step_and_its_checks_hold(tmp_path):
    cache = tmp_path / "bench"
    assert bench.main(["--events", "20k", "--cache", str(cache), "--memory-limit", "2GB"]) == 0
    result = json.loads((cache / "results" / "bench-20k.json").read_text())

    data = result["data"]
    assert data["events"] > 15_000
    assert 0 < data["increment_events"] < 0.02 * data["events"]
    assert data["base_events"] + data["increment_events"] == data["events"]

    full = result["full"]
    assert full["wall_seconds"] > full["inside_dbt_seconds"] > 0
    assert full["peak_rss_gb"] > 0
    assert full["nodes"] >= 30

    rfm = result["rfm"]
    assert rfm["columns_missing_in_handwritten"] == []
    assert rfm["columns_compared"] == 51
    assert rfm["rows_differing"] == 0
    assert rfm["handwritten_rows"] > 0

    assert result["lifetimes"]["equals_customer_facts_btyd"] is True
    assert result["lifetimes"]["orders"] > 0

    inc = result["incremental"]
    assert inc["marts_rows_differing_from_full"] == {table: 0 for table in bench.COMPARED_MARTS}

    settings = result["duckdb_settings"]
    assert settings["memory_limit"].replace(" ", "") in ("1.8GiB", "1.9GiB", "2.0GB", "2GB")
    assert int(settings["threads"]) == result["requested"]["threads"]

    assert set(result["ratios"]) >= {
        "full_build_wall_to_lifetimes", "rfm_core_inside_dbt_to_handwritten", "incremental_to_full_wall",
    }
    assert all(value is not None and value > 0 for value in result["ratios"].values())
