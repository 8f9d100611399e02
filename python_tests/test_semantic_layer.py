"""The semantic layer (models/semantic): MetricFlow's `mf validate-configs`
passes on the demo build, including the checks against the warehouse, and
`mf query` results equal independent SQL on the marts: customers, segment
share, net revenue, AOV and repeat rate by segment; conversion, retention and
churn by segment (segment_summary's rates); predicted and historical CLV; and
history by period end and segment, with the snapshot measures taken at the
last period end of a coarser grain. The same checks run on DuckDB and on
PostgreSQL.

mf reads `target/semantic_manifest.json` under the project folder and the
profile's default target. Each engine gets its own folder: links to the
project's files and `target` linked to the target path of that warehouse's
build (whose semantic manifest dbt wrote); DBT_TARGET names the engine's
target (profiles.yml's default target reads it)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ACTIVATION_SALT, PROJECT_DIR, DuckWarehouse

MF = str(Path(sys.executable).parent / "mf")
SEMANTIC_DIR = PROJECT_DIR / "models" / "semantic"
PROJECT_ENTRIES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots", "tests", "analyses")
REL = 1e-9


class Mf:
    """The mf CLI on one built warehouse."""

    def __init__(self, warehouse, folder: Path):
        self.warehouse = warehouse
        self.folder = folder
        for entry in PROJECT_ENTRIES:
            if (PROJECT_DIR / entry).exists():
                (folder / entry).symlink_to(PROJECT_DIR / entry)
        (folder / "target").symlink_to(warehouse.workdir / "target")
        # mf has no --target option: it reads the profile's default, DBT_TARGET
        target = "ci" if isinstance(warehouse, DuckWarehouse) else "postgres"
        self.env = {**os.environ, **warehouse.env(), "SEGWH_ACTIVATION_SALT": ACTIVATION_SALT,
                    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_TARGET": target,
                    "DBT_PROJECT_DIR": str(folder), "DBT_PROFILES_DIR": str(folder)}
        self.queries = 0

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([MF, *args], cwd=self.folder, env=self.env, capture_output=True, text=True)

    def query(self, metrics: list[str], group_by: list[str], where: str | None = None) -> pd.DataFrame:
        self.queries += 1
        out = self.folder / f"query_{self.queries}.csv"
        args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out),
                "--quiet"]
        if where:
            args += ["--where", where]
        proc = self.run(*args)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
        frame = pd.read_csv(out, keep_default_na=True)
        for column in frame.columns:
            if column.startswith("metric_time"):
                frame[column] = pd.to_datetime(frame[column]).dt.date
        return frame


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def mf(request, tmp_path_factory) -> Mf:
    warehouse = request.getfixturevalue({"duckdb": "duck_demo", "postgres": "pg_demo"}[request.param])
    return Mf(warehouse, tmp_path_factory.mktemp(f"mf_{request.param}"))


def assert_frames_match(got: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same keys; every other column equal to 1e-9 relative (NULL where NULL)."""
    got = got.set_index(keys).sort_index()
    expected = expected.set_index(keys).sort_index()
    assert list(got.index) == list(expected.index)
    for column in expected.columns:
        want = pd.to_numeric(expected[column], errors="raise").astype(float)
        have = pd.to_numeric(got[column], errors="raise").astype(float)
        assert list(have.isna()) == list(want.isna()), column
        pd.testing.assert_series_equal(have[want.notna()], want[want.notna()], check_names=False, rtol=REL,
                                       obj=column)


# ---------------------------------------------------------------- configuration


def test_semantic_dimensions_are_the_seed_dimensions():
    """Every segment dimension of seeds/segment_dimensions.csv is a dimension
    of both segment semantic models, and nothing else is: a new dimension
    that forgets the semantic layer fails here."""
    with open(PROJECT_DIR / "seeds" / "segment_dimensions.csv") as seed:
        dimensions = [row["dimension"] for row in csv.DictReader(seed)]
    models = {m["name"]: m for m in yaml.safe_load((SEMANTIC_DIR / "_semantic_models.yml").read_text())
              ["semantic_models"]}
    assert [d["name"] for d in models["customer_segments"]["dimensions"]] == dimensions
    history = [d["name"] for d in models["customer_period_segments"]["dimensions"] if d["type"] == "categorical"]
    assert history == dimensions


def test_every_metric_says_what_it_counts():
    metrics = yaml.safe_load((SEMANTIC_DIR / "_metrics.yml").read_text())["metrics"]
    assert len(metrics) >= 20
    assert all(len(m.get("description", "")) > 20 and m.get("label") for m in metrics)


def test_mf_validate_configs_passes_including_the_warehouse_checks(mf):
    """The semantic validations, then the checks against the warehouse:
    semantic models, dimensions, entities, measures and metrics each query
    the built tables."""
    proc = mf.run("validate-configs")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert "Successfully validated the semantics of built manifest (ERRORS: 0, FUTURE_ERRORS: 0, WARNINGS: 0)" in output
    for step in ("semantic models", "dimensions", "entities", "measures", "metrics"):
        assert f"Successfully validated {step} against data warehouse (ERRORS: 0" in output, output[-3000:]
    assert not re.search(r"ERRORS: [1-9]", output)


def test_time_spine_covers_every_day_of_the_data(mf):
    wh = mf.warehouse
    spine = wh.query("select min(date_day) as first_day, max(date_day) as last_day, count(*) as days, "
                     "count(distinct date_day) as distinct_days from marts.time_spine_daily")
    bounds = wh.query("""
        select min(h.period_start) as first_period, max(f.as_of_date) as as_of_date,
               min(cast(f.first_seen_at as date)) as first_seen
        from marts.customer_facts as f cross join (select min(period_start) as period_start
                                                   from marts.customer_segment_history) as h""")
    first_day, last_day = pd.Timestamp(spine["first_day"][0]), pd.Timestamp(spine["last_day"][0])
    assert (first_day.month, first_day.day, last_day.month, last_day.day) == (1, 1, 12, 31)
    assert first_day <= pd.Timestamp(bounds["first_period"][0])
    assert first_day <= pd.Timestamp(bounds["first_seen"][0])
    assert last_day >= pd.Timestamp(bounds["as_of_date"][0])
    assert spine["days"][0] == spine["distinct_days"][0] == (last_day - first_day).days + 1


# ---------------------------------------------------------------- current metrics by segment


def test_customers_share_revenue_and_aov_by_segment(mf):
    got = mf.query(["customers", "buyers", "segment_share", "net_revenue", "average_order_value", "repeat_rate",
                    "average_historical_clv"], ["customer__lifecycle"])
    expected = mf.warehouse.query("""
        select s.lifecycle as customer__lifecycle,
               count(*) as customers,
               sum(case when f.order_count > 0 then 1 else 0 end) as buyers,
               cast(count(*) as double precision) / (select count(*) from marts.customer_facts) as segment_share,
               sum(f.net_revenue) as net_revenue,
               sum(f.net_revenue) / nullif(sum(f.order_count), 0) as average_order_value,
               cast(sum(case when f.order_count > 1 then 1 else 0 end) as double precision)
                   / nullif(sum(case when f.order_count > 0 then 1 else 0 end), 0) as repeat_rate,
               sum(f.net_revenue) / count(*) as average_historical_clv
        from marts.customer_facts as f
        inner join marts.customer_segments as s on f.customer_id = s.customer_id
        group by s.lifecycle""")
    assert_frames_match(got, expected, ["customer__lifecycle"])
    assert got["segment_share"].sum() == pytest.approx(1, rel=REL)


def test_rates_by_segment_equal_segment_summary(mf):
    """Conversion, retention and churn need per-customer session and window
    counts that only segment_summary publishes among the marts."""
    got = mf.query(["conversion_rate", "retention_rate", "churn_rate", "repeat_rate", "customers"],
                   ["customer__rfm_segment"])
    expected = mf.warehouse.query("""
        select segment as customer__rfm_segment, conversion_rate, retention_rate, churn_rate, repeat_rate, customers
        from marts.segment_summary where dimension = 'rfm_segment'""")
    assert_frames_match(got, expected, ["customer__rfm_segment"])
    assert got["retention_rate"].notna().sum() >= 3


def test_predicted_clv_by_value_tier(mf):
    got = mf.query(["total_predicted_clv", "average_predicted_clv", "expected_purchases"], ["customer__value_tier"])
    expected = mf.warehouse.query("""
        select s.value_tier as customer__value_tier,
               sum(c.predicted_clv) as total_predicted_clv,
               avg(c.predicted_clv) as average_predicted_clv,
               sum(c.expected_purchases) as expected_purchases
        from marts.customer_lifetime_value as c
        inner join marts.customer_segments as s on c.customer_id = s.customer_id
        group by s.value_tier""")
    # customers who never bought (value tier 'none') have no CLV row: mf keeps no row for them either
    assert_frames_match(got.dropna(subset=["total_predicted_clv"]), expected, ["customer__value_tier"])
    assert expected["total_predicted_clv"].notna().all()


def test_totals_without_group_by(mf):
    got = mf.query(["customers", "buyers", "net_revenue", "total_predicted_clv"], ["metric_time__day"])
    expected = mf.warehouse.query("""
        select f.as_of_date as metric_time__day, count(*) as customers,
               sum(case when f.is_buyer then 1 else 0 end) as buyers, sum(f.net_revenue) as net_revenue,
               (select sum(predicted_clv) from marts.customer_lifetime_value) as total_predicted_clv
        from marts.customer_facts as f group by f.as_of_date""")
    expected["metric_time__day"] = pd.to_datetime(expected["metric_time__day"]).dt.date
    assert_frames_match(got, expected, ["metric_time__day"])


# ---------------------------------------------------------------- history by period


def test_history_by_month_and_segment(mf):
    got = mf.query(["period_customers", "period_net_revenue", "period_segment_share"],
                   ["metric_time__month", "customer_period__lifecycle"])
    expected = mf.warehouse.query("""
        select h.period_end as metric_time__month, h.segment as customer_period__lifecycle,
               count(*) as period_customers, sum(h.period_net_revenue) as period_net_revenue,
               cast(count(*) as double precision) / max(p.customers) as period_segment_share
        from marts.customer_segment_history as h
        inner join (select period_end, count(distinct customer_id) as customers
                    from marts.customer_segment_history group by period_end) as p
            on h.period_end = p.period_end
        where h.dimension = 'lifecycle'
        group by h.period_end, h.segment""")
    # monthly history: metric_time__month is the first day of the period's month
    expected["metric_time__month"] = pd.to_datetime(expected["metric_time__month"]).dt.to_period("M").dt.start_time.dt.date
    assert_frames_match(got, expected, ["metric_time__month", "customer_period__lifecycle"])
    assert got["metric_time__month"].nunique() > 12


def test_history_by_year_takes_snapshots_at_the_last_period_end(mf):
    """Customers and historical CLV at a year are those of its last period
    end (not a sum over its months); revenue in the period adds up."""
    got = mf.query(["period_customers", "period_buyers", "period_net_revenue", "period_average_historical_clv"],
                   ["metric_time__year"])
    history = mf.warehouse.query("""
        select period_end, customer_id, max(period_net_revenue) as period_net_revenue,
               max(lifetime_net_revenue) as lifetime_net_revenue,
               max(case when dimension = 'purchase_behavior' and segment <> 'prospect' then 1 else 0 end) as is_buyer
        from marts.customer_segment_history group by period_end, customer_id""")
    history["year"] = pd.to_datetime(history["period_end"]).dt.year
    history["period_net_revenue"] = history["period_net_revenue"].astype(float)
    history["lifetime_net_revenue"] = history["lifetime_net_revenue"].astype(float)
    rows = []
    for year, in_year in history.groupby("year"):
        last = in_year[in_year["period_end"] == in_year["period_end"].max()]
        rows.append({"metric_time__year": pd.Timestamp(year=year, month=1, day=1).date(),
                     "period_customers": len(last), "period_buyers": last["is_buyer"].sum(),
                     "period_net_revenue": in_year["period_net_revenue"].sum(),
                     "period_average_historical_clv": last["lifetime_net_revenue"].sum() / len(last)})
    assert_frames_match(got, pd.DataFrame(rows), ["metric_time__year"])
