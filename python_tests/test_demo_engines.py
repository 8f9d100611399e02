"""The demo data built on DuckDB and on PostgreSQL: every data and unit test
passes on both, the published numbers equal the independent reference, and the
two engines produce identical mart tables."""

from __future__ import annotations

import numpy as np
import pytest

import reference as ref
from compare import assert_same_table

MARTS = {
    "customer_facts": ["customer_id"],
    "customer_rfm": ["customer_id"],
    "customer_segments": ["customer_id"],
    "segment_memberships": ["customer_id", "dimension"],
    "segment_summary": ["dimension", "segment"],
}


def test_demo_builds_and_passes_every_test_on_duckdb(duck_demo):
    facts = duck_demo.query("select count(*) as n from marts.customer_facts")
    assert facts.n[0] > 0


def test_demo_builds_and_passes_every_test_on_postgres(pg_demo):
    facts = pg_demo.query("select count(*) as n from marts.customer_facts")
    assert facts.n[0] > 0


@pytest.fixture(scope="module")
def demo_reference(demo_clean):
    clean, as_of = demo_clean
    return clean, ref.orders(clean, as_of), as_of


def test_demo_is_heavily_skewed(duck_demo):
    shares = duck_demo.query("""
        select avg(case when order_count = 1 then 1.0 else 0.0 end) as single_share,
               count(distinct rfm_segment) as segments
        from marts.customer_facts
        left join marts.customer_rfm using (customer_id)
        where order_count > 0
    """)
    assert shares.single_share[0] >= 0.55
    assert shares.segments[0] >= 8, "skew must not put everybody in a few segments"


def test_demo_btyd_equals_lifetimes(duck_demo, demo_reference):
    _, orders, as_of = demo_reference
    expected = ref.btyd_summary(orders, as_of)
    facts = duck_demo.query("select * from marts.customer_facts where is_buyer").set_index("customer_id")
    assert set(facts.index) == set(expected.index)
    got = facts.loc[expected.index]
    for ours, theirs in [("btyd_frequency", "frequency"), ("btyd_recency", "recency"), ("btyd_t", "T")]:
        assert (got[ours].to_numpy() == expected[theirs].to_numpy()).all(), ours
    np.testing.assert_allclose(got.btyd_monetary_value.to_numpy(dtype=float),
                               expected.monetary_value.to_numpy(dtype=float), rtol=1e-9, atol=1e-9)


def test_demo_rfm_equals_reference(duck_demo, demo_reference):
    _, orders, as_of = demo_reference
    expected = ref.rfm(ref.rfm_buyers(orders, as_of)).set_index("customer_id").sort_index()
    got = duck_demo.query("select * from marts.customer_rfm").set_index("customer_id").sort_index()
    assert list(got.index) == list(expected.index)
    for column in ["r_score", "f_score", "m_score", "rfm_segment", "recommended_action"]:
        assert (got[column].to_numpy() == expected[column].to_numpy()).all(), column


@pytest.mark.parametrize("mart", sorted(MARTS))
def test_duckdb_and_postgres_marts_are_identical(duck_demo, pg_demo, mart):
    duck = duck_demo.query(f"select * from marts.{mart}")
    pg = pg_demo.query(f"select * from marts.{mart}")
    assert_same_table(pg, duck, MARTS[mart], f"{mart} (postgres vs duckdb)", rtol=1e-12, atol=1e-9)


def test_every_model_seed_and_column_is_described(duck_demo):
    """dbt docs: every model, seed and snapshot, and every column the warehouse has, carries a description."""
    import json

    from conftest import run_dbt

    run_dbt(["docs", "generate"], duck_demo.workdir, env=duck_demo.env(), vars=duck_demo.vars)
    manifest = json.loads((duck_demo.workdir / "target" / "manifest.json").read_text())
    catalog = json.loads((duck_demo.workdir / "target" / "catalog.json").read_text())
    missing = []
    snapshotted = manifest["nodes"]["model.behavioral_segmentation.customer_segments"]["columns"]
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        if not node.get("description"):
            missing.append(f"{uid} (model)")
        # A snapshot's columns are those of customer_segments plus dbt's own.
        inherited = snapshotted if node["resource_type"] == "snapshot" else {}
        for column in catalog["nodes"].get(uid, {}).get("columns", {}):
            described = {**inherited, **node["columns"]}
            if not described.get(column.lower(), {}).get("description"):
                missing.append(f"{uid}.{column}")
    assert not missing, missing
