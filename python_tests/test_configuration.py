"""Invalid configuration and malformed input stop the build at once, with a
message that names the var, file or column; optional inputs may be absent."""

from __future__ import annotations

import collections
import json
import shutil

import pandas as pd
import pytest

from adversarial import make_events
from conftest import WITHOUT_UNIT_TESTS, DuckWarehouse, duck_warehouse, run_dbt


@pytest.fixture(scope="module")
def small_events(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("config")
    path = workdir / "events.parquet"
    make_events(seed=3, customers=40).to_parquet(path, index=False)
    return workdir, path


@pytest.mark.parametrize("bad_vars, named", [
    ({"rfm_bins": 0}, "rfm_bins"),
    ({"rfm_bins": "five"}, "rfm_bins"),
    ({"rfm_scoring_method": "ntile"}, "rfm_scoring_method"),
    ({"rfm_recency_thresholds": [90, 30, 180, 365]}, "rfm_recency_thresholds"),
    ({"rfm_frequency_thresholds": [2, 3, 5]}, "rfm_frequency_thresholds"),
    ({"as_of_date": "2024-13-01"}, "as_of_date"),
    ({"as_of_date": "2023-02-29"}, "as_of_date"),
    ({"as_of_date": "last tuesday"}, "as_of_date"),
    ({"usage_heavy_min_percentile": 1.5}, "usage_heavy_min_percentile"),
    ({"churn_risk_medium_min": 0.7}, "churn_risk_medium_min"),
    ({"churn_risk_method": "heuristic"}, "churn_risk_method"),
    ({"value_tier_method": "clv"}, "value_tier_method"),
    ({"lifecycle_at_risk_cadence_multiple": 3.0}, "lifecycle_at_risk_cadence_multiple"),
    ({"segment_activity_window_days": 0}, "segment_activity_window_days"),
    ({"daypart_start_hours": {"morning": 5, "afternoon": 4, "evening": 17, "night": 22}}, "daypart_start_hours"),
    ({"history_period": "quarter"}, "history_period"),
    ({"history_start_date": "2025-02-30"}, "history_start_date"),
    ({"history_lookback_periods": -1}, "history_lookback_periods"),
    ({"cart_abandonment_channel": "fax"}, "cart_abandonment_channel"),
    ({"activation_hash_salt": "too-short"}, "activation_hash_salt"),
    ({"activation_hash_salt": "sixteen-chars-but-it's-quoted"}, "activation_hash_salt"),
])
def test_invalid_vars_fail_the_build_naming_the_var(small_events, bad_vars, named):
    workdir, events = small_events
    wh = duck_warehouse(workdir / "bad", events, None)
    result = wh.build(["--select", "int_as_of_date"], vars=bad_vars, check=False)
    assert not result.ok
    assert f"Invalid configuration: var '{named}'" in result.output
    assert "START sql" not in result.output, "no model may run with invalid configuration"


def test_unset_salt_skips_the_activation_marts_and_builds_the_rest(small_events):
    """No SEGWH_ACTIVATION_SALT and no var: the models that hash identifiers
    (int_customer_emails_hashed and the two activation marts) are disabled,
    a warning names the var and the environment variable, and the rest of
    the project (here a slim selection up to customer_facts, on a fresh
    warehouse) builds with its data tests."""
    workdir, events = small_events
    wh = duck_warehouse(workdir / "no_salt", events, None)
    no_salt = {**wh.env(), "SEGWH_ACTIVATION_SALT": ""}
    result = run_dbt(["build", "--select", "+customer_facts", *WITHOUT_UNIT_TESTS], wh.workdir, env=no_salt,
                     vars=wh.vars)
    message = " ".join(result.output.split())
    assert "Warning: var 'activation_hash_salt' is empty, so the activation marts" in message
    assert "SEGWH_ACTIVATION_SALT" in message and " ERROR=0 " in message
    assert wh.query("select count(*) as n from marts.customer_facts")["n"][0] > 0
    listed = run_dbt(["ls", "--resource-type", "model", "--output", "name"], wh.workdir, env=no_salt,
                     vars=wh.vars).output.split()
    assert "customer_facts" in listed and "customer_segments" in listed
    assert not {"int_customer_emails_hashed", "cart_abandonment_audience", "segment_audience_exports"} & set(listed)


def test_a_slim_selection_downstream_of_a_model_rebuilds_it_and_its_tests(duck_demo, tmp_path):
    """`dbt build --select customer_rfm+` on a built warehouse (a copy of the
    demo build): customer_rfm, every model below it, their data tests and
    their unit tests run and pass, and the rebuilt marts hold what they held.
    (On an empty warehouse a downstream selection cannot run in any dbt
    project: its first model reads parents that were never built. `+model`
    selections are checked on an empty warehouse above.)"""
    copy = DuckWarehouse(path=tmp_path / "warehouse.duckdb", workdir=tmp_path, vars=duck_demo.vars)
    shutil.copy(duck_demo.path, copy.path)
    counts = "select (select count(*) from marts.customer_rfm) as rfm, (select count(*) from marts.segment_memberships) as memberships"
    before = copy.query(counts)
    copy.build(["--select", "customer_rfm+"])
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    ran = collections.Counter(r["unique_id"].split(".")[0] for r in results)
    models = {r["unique_id"].split(".")[-1] for r in results if r["unique_id"].startswith("model.")}
    assert {"customer_rfm", "customer_segments", "segment_memberships", "segment_summary"} <= models
    assert ran["unit_test"] > 0 and ran["test"] > 0
    assert {r["status"] for r in results} <= {"success", "pass", "no-op"}, "an error, failure or skip"
    pd.testing.assert_frame_equal(copy.query(counts), before)


def test_missing_required_column_names_the_column(small_events, tmp_path):
    _, events = small_events
    frame = pd.read_parquet(events).drop(columns=["revenue"])
    path = tmp_path / "no_revenue.csv"
    frame.to_csv(path, index=False)
    wh = duck_warehouse(tmp_path, path, None)
    result = wh.build(["--select", "base_raw__events"], check=False)
    assert not result.ok
    assert "missing required column(s): revenue" in result.output


def test_optional_columns_and_customers_file_may_be_absent(small_events, tmp_path):
    _, events = small_events
    wh = duck_warehouse(tmp_path, events, None)
    wh.build(WITHOUT_UNIT_TESTS)
    staged = wh.query("select count(*) as n, count(session_id) as sessions, count(category) as categories "
                      "from staging.stg_raw__events")
    assert staged.n[0] > 0 and staged.sessions[0] == 0 and staged.categories[0] == 0
    customers = wh.query("select bool_or(is_from_customer_source) as any_source, count(*) as n "
                         "from staging.stg_raw__customers")
    assert not customers.any_source[0] and customers.n[0] == pd.read_parquet(events).customer_id.nunique()
