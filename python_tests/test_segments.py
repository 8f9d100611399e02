"""Behavioral segments: every rule equals an independent pandas implementation
on the demo data, planted personas land in the segment they should (precision
and recall), and segment_summary equals an independent computation."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import reference as ref
import segments_reference as seg_ref

DIMENSIONS = ["purchase_behavior", "seasonality", "usage_rate", "lifecycle", "engagement", "journey_stage",
              "occasion", "day_preference", "daypart", "birthday", "benefit", "churn_risk", "value_tier",
              "preferred_channel"]
EXACT = ["is_seasonal_buyer", "engagement_points", "top_category", "preferred_hour"]
MEASURES = ["activity_per_active_week", "activity_percent_rank", "email_open_rate", "email_click_rate",
            "top_occasion_share", "discounted_order_share", "discount_value_share", "price_ratio",
            "churn_risk_score", "value_percent_rank"]
# reference column -> warehouse column, where the names differ
RENAMED = {"activity_pr": "activity_percent_rank", "value_pr": "value_percent_rank", "cadence": "purchase_cadence_days"}

# persona -> (dimension, segments it should land in, minimum recall or None when the
# persona has no clear signature in that dimension, why)
PERSONA_EXPECTATIONS = {
    "champion": ("rfm_segment", {"Champions"}, 0.9),
    "lapsed_regular": ("lifecycle", {"lapsed"}, 0.9),
    "one_time_buyer": ("purchase_behavior", {"first_time_buyer"}, 0.9),
    "new_customer": ("lifecycle", {"new"}, 0.9),
    "discount_hunter": ("benefit", {"price_driven"}, 0.9),
    "holiday_shopper": ("occasion", {"holiday_season"}, 0.9),
    "window_shopper": ("journey_stage", {"consideration"}, 0.9),
    "email_engaged_non_buyer": ("engagement", {"engaged", "highly_engaged"}, 0.9),
    # ~10% of a premium buyer's sessions are ordinary by design and a quarter of them buy
    # once or twice, so a single ordinary purchase hides the signature: no 0.9 floor.
    "premium_buyer": ("benefit", {"premium"}, None),
    # cart abandoners have no customer-level signature beyond carts (see the audience mart)
    "cart_abandoner": ("journey_stage", {"consideration"}, None),
}


@pytest.fixture(scope="module")
def warehouse_segments(duck_demo):
    return duck_demo.query("select * from marts.customer_segments").set_index("customer_id").sort_index()


def test_every_rule_equals_independent_implementation(warehouse_segments, duck_demo, demo_clean, demo_data):
    demo_events, as_of = demo_clean
    customers = pd.read_parquet(demo_data / "customers.parquet")
    # churn risk is 1 - P(alive) (lifetimes' formula) at the warehouse's BG/NBD parameters;
    # test_clv checks those parameters against lifetimes' own fit
    bgnbd = duck_demo.query("select r, alpha, a, b from marts.clv_model_parameters").iloc[0].to_dict()
    expected = seg_ref.customer_segments(demo_events, as_of, customers, bgnbd).rename(columns=RENAMED)
    got = warehouse_segments
    # everyone with an event is segmented (customers without events are prospects everywhere)
    assert set(expected.index) <= set(got.index)
    got = got.loc[expected.index]
    for dimension in DIMENSIONS:
        mismatched = got[dimension].to_numpy() != expected[dimension].to_numpy()
        assert mismatched.sum() == 0, (
            f"{dimension}: {mismatched.sum()} customers differ, e.g. "
            f"{list(zip(got.index[mismatched][:3], got[dimension][mismatched][:3], expected[dimension][mismatched][:3]))}")
    for column in EXACT:
        left, right = got[column].astype(object), expected[column].astype(object)
        same = (left == right) | (left.isna() & right.isna())
        assert same.all(), f"{column}: {(~same).sum()} customers differ"
    for column in [*MEASURES, "purchase_cadence_days"]:
        np.testing.assert_allclose(got[column].astype(float), expected[column].astype(float),
                                   rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=column)


def test_planted_personas_land_in_their_segments(warehouse_segments, demo_data):
    personas = pd.read_parquet(demo_data / "personas.parquet").set_index("customer_id").persona
    segments = warehouse_segments.join(personas, how="inner")
    rows, failures = [], []
    for persona, (dimension, targets, floor) in PERSONA_EXPECTATIONS.items():
        is_persona = segments.persona == persona
        in_target = segments[dimension].isin(targets)
        recall = (is_persona & in_target).sum() / is_persona.sum()
        precision = (is_persona & in_target).sum() / in_target.sum()
        rows.append({"persona": persona, "dimension": dimension, "segment": "|".join(sorted(targets)),
                     "customers": int(is_persona.sum()), "recall": round(float(recall), 3),
                     "precision": round(float(precision), 3), "required_recall": floor})
        if floor is not None and recall < floor:
            failures.append(f"{persona} -> {dimension} {sorted(targets)}: recall {recall:.3f} < {floor}")
    table = pd.DataFrame(rows)
    print("\n" + table.to_string(index=False))
    report = os.environ.get("PERSONA_REPORT")
    if report:
        table.to_json(report, orient="records", indent=1)
    assert not failures, failures


def test_segment_summary_equals_independent_computation(duck_demo, demo_clean):
    demo_events, as_of = demo_clean
    memberships = duck_demo.query("select customer_id, dimension, segment from marts.segment_memberships")
    expected = seg_ref.segment_summary(demo_events, as_of, memberships)
    got = duck_demo.query("select * from marts.segment_summary").set_index(["dimension", "segment"]).sort_index()
    expected = expected.sort_index()
    assert list(got.index) == list(expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(got[column].astype(float).to_numpy(), expected[column].astype(float).to_numpy(),
                                   rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=column)


def test_docs_carry_every_segment_definition():
    """The segment tables of docs/segments.md and the customer_segments.yml
    descriptions are generated from the seed."""
    import yaml

    from segwh.segment_docs import DIMENSION_TITLES, markdown, yaml_description

    segments_doc = (ref.PROJECT_DIR / "docs" / "segments.md").read_text()
    assert markdown() in segments_doc, (
        "docs/segments.md segment tables differ from seeds/segment_definitions.csv: "
        "regenerate them with python -m segwh.segment_docs markdown")
    model = yaml.safe_load((ref.PROJECT_DIR / "models/marts/customer_segments.yml").read_text())["models"][0]
    columns = {c["name"]: c["description"] for c in model["columns"]}
    for dimension, title in DIMENSION_TITLES.items():
        assert columns[dimension] == f"{title}. {yaml_description(dimension)}", dimension
    # the snapshot audits every dimension of the seed segment_dimensions
    snapshot = yaml.safe_load(next((ref.PROJECT_DIR / "snapshots").glob("*.yml")).read_text())["snapshots"][0]
    assert snapshot["config"]["check_cols"] == list(DIMENSION_TITLES), "snapshot check_cols != segment_dimensions"
