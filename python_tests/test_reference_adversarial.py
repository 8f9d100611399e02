"""The published numbers equal an independent computation on adversarial data:
customer facts and the buy-till-you-die columns against lifetimes, RFM scores
and segments against an exact Python implementation, for the scoring methods
hybrid (the default) and thresholds and both segment presets. Input has only
the required columns and no customers file, so it also proves optional columns
and customers are derived."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import reference as ref
from adversarial import AS_OF, make_events
from conftest import WITHOUT_UNIT_TESTS, duck_warehouse

THRESHOLDS = {"recency": [30, 90, 180, 365], "frequency": [2, 3, 5, 8], "monetary": [50, 150, 400, 1000]}


@pytest.fixture(scope="module", params=[11, 12])
def adversarial(request, tmp_path_factory):
    seed = request.param
    workdir = tmp_path_factory.mktemp(f"adversarial_{seed}")
    raw = make_events(seed)
    # one seed as CSV, one as Parquet: both readers are part of the input contract
    path = workdir / ("events.csv" if seed % 2 else "events.parquet")
    if path.suffix == ".csv":
        raw.to_csv(path, index=False)
    else:
        raw.to_parquet(path, index=False)
    wh = duck_warehouse(workdir, path, None, as_of_date=str(AS_OF.date()))
    wh.build(WITHOUT_UNIT_TESTS)
    clean = ref.clean_events(raw)
    orders = ref.orders(clean, AS_OF)
    return wh, raw, clean, orders


def test_data_is_adversarial(adversarial):
    _, raw, clean, orders = adversarial
    buyers = orders[~orders.fully_refunded].groupby("customer_id").size()
    assert (buyers == 1).mean() >= 0.6, "at least 60% single-purchase buyers"
    assert raw.event_id.duplicated().sum() > 0, "exact duplicate rows present"
    assert (clean.occurred_at.dt.normalize() > AS_OF).sum() > 0, "events after the as-of date present"
    assert (clean.occurred_at.dt.time == pd.Timestamp("23:59:59.999999").time()).sum() > 0
    assert orders.fully_refunded.sum() > 0 and (orders.refund > orders.gross).sum() > 0
    same_day = orders.assign(day=orders.occurred_at.dt.normalize()).duplicated(["customer_id", "day"])
    assert same_day.sum() > 0, "several orders on one day present"


def test_btyd_columns_equal_lifetimes(adversarial):
    wh, _, _, orders = adversarial
    expected = ref.btyd_summary(orders, AS_OF)
    facts = wh.query("select * from marts.customer_facts").set_index("customer_id")
    buyers = facts[facts.is_buyer]
    assert set(buyers.index) == set(expected.index)
    got = buyers.loc[expected.index]
    assert (got.btyd_frequency.to_numpy() == expected.frequency.to_numpy()).all()
    assert (got.btyd_recency.to_numpy() == expected.recency.to_numpy()).all()
    assert (got.btyd_t.to_numpy() == expected["T"].to_numpy()).all()
    np.testing.assert_allclose(got.btyd_monetary_value.to_numpy(dtype=float),
                               expected.monetary_value.to_numpy(dtype=float), rtol=1e-9, atol=1e-9)
    non_buyers = facts[~facts.is_buyer]
    assert non_buyers[["btyd_frequency", "btyd_recency", "btyd_t", "btyd_monetary_value"]].isna().all().all()


def test_order_facts_equal_reference(adversarial):
    wh, _, clean, orders = adversarial
    expected = ref.customer_order_facts(orders, AS_OF)
    facts = wh.query("select * from marts.customer_facts").set_index("customer_id")
    # every customer with an event on or before the as-of date, and nobody else
    assert set(facts.index) == set(ref.observed(clean, AS_OF).customer_id)
    with_orders = facts.loc[expected.index]
    assert (with_orders.order_count.to_numpy() == expected.order_count.to_numpy()).all()
    assert (with_orders.refunded_order_count.to_numpy() == expected.refunded_order_count.to_numpy()).all()
    for column in ["gross", "refunded", "net"]:
        got_cents = (with_orders[f"{column}_revenue"].astype(float) * 100).round().astype("int64")
        assert (got_cents.to_numpy() == expected[f"{column}_cents"].to_numpy()).all(), column
    buyers = expected[expected.order_count > 0]
    got = facts.loc[buyers.index, "days_since_last_order"]
    assert (got.to_numpy() == buyers.days_since_last_order.to_numpy()).all()


def rfm_expected(orders, **kwargs) -> pd.DataFrame:
    return ref.rfm(ref.rfm_buyers(orders, AS_OF), **kwargs).set_index("customer_id").sort_index()


def assert_rfm_equal(got: pd.DataFrame, expected: pd.DataFrame):
    got = got.set_index("customer_id").sort_index()
    assert list(got.index) == list(expected.index)
    for column in ["r_score", "f_score", "m_score", "rfm_cell", "rfm_segment", "recommended_action"]:
        mismatched = (got[column].to_numpy() != expected[column].to_numpy()).sum()
        assert mismatched == 0, f"{column}: {mismatched} customers differ"
    assert got.rfm_segment.notna().all()


def test_rfm_default_scores_and_segments_equal_reference(adversarial):
    wh, _, _, orders = adversarial
    got = wh.query("select * from marts.customer_rfm")
    expected = rfm_expected(orders)  # the reference's default method: hybrid
    assert_rfm_equal(got, expected)
    assert set(got.scoring_method) == {"hybrid"}
    # skew does not lump everybody together: every F band has members
    assert got.rfm_segment.nunique() >= 5
    assert set(got.f_score) == {1, 2, 3, 4, 5}


# quantile against the reference: test_rfm_defaults.py (on 70% one-time buyers)
@pytest.mark.parametrize("variant", [
    {"rfm_scoring_method": "thresholds"},
    {"rfm_segment_map": "rf_grid_10"},
])
def test_rfm_variants_equal_reference(adversarial, variant):
    wh, _, _, orders = adversarial
    # only the RFM models (and their tests): the rest of the warehouse stays as built
    rfm_models = ["--select", "int_customers_rfm_scored", "customer_rfm"]
    wh.build(rfm_models, vars=variant)
    got = wh.query("select * from marts.customer_rfm")
    kwargs = {"method": variant.get("rfm_scoring_method", "hybrid"),
              "preset": variant.get("rfm_segment_map", "classic_11"), "thresholds": THRESHOLDS}
    if kwargs["method"] == "thresholds":
        # thresholds are in currency units; the reference works in cents
        kwargs["thresholds"] = {**THRESHOLDS, "monetary": [c * 100 for c in THRESHOLDS["monetary"]]}
    assert_rfm_equal(got, rfm_expected(orders, **kwargs))
    assert set(got.scoring_method) == {kwargs["method"]}
    assert set(got.segment_map) == {kwargs["preset"]}
    wh.build(rfm_models)  # restore defaults for the next test
