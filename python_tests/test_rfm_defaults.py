"""The default RFM scoring (method hybrid) gives every segment of the preset
classic_11 members, on the demo and on data where 70% of buyers bought once;
the method quantile still gives the old scores there (F jumps from 1 to 4, so
Potential Loyalist and Need Attention stay empty). Scores equal the reference."""

from __future__ import annotations

import pandas as pd
import pytest

import reference as ref
from adversarial import AS_OF, make_events
from conftest import duck_warehouse

CLASSIC_11 = {rule["rfm_segment"] for rule in ref.read_segment_map("classic_11")}
SCORES = ["r_score", "f_score", "m_score", "rfm_segment"]


@pytest.fixture(scope="module")
def skewed(tmp_path_factory):
    """800 customers, 70% of buyers with one purchase, built once (models only)
    with the method quantile, then the two RFM models again with the default."""
    workdir = tmp_path_factory.mktemp("rfm_skewed")
    raw = make_events(seed=31, customers=800, one_time_share=0.7)
    path = workdir / "events.parquet"
    raw.to_parquet(path, index=False)
    wh = duck_warehouse(workdir, path, None, as_of_date=str(AS_OF.date()))
    read = "select * from marts.customer_rfm"
    wh.run(["--select", "+customer_rfm"], vars={"rfm_scoring_method": "quantile"})
    quantile = wh.query(read)
    wh.run(["--select", "int_customers_rfm_scored", "customer_rfm"])
    default = wh.query(read)
    buyers = ref.rfm_buyers(ref.orders(ref.clean_events(raw), AS_OF), AS_OF)
    return buyers, default, quantile


def assert_scores_equal(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = got.set_index("customer_id").sort_index()[SCORES]
    expected = expected.set_index("customer_id").sort_index()[SCORES]
    assert list(got.index) == list(expected.index)
    for column in SCORES:
        differ = (got[column].to_numpy() != expected[column].to_numpy()).sum()
        assert differ == 0, f"{column}: {differ} customers differ"


def segment_counts(rfm: pd.DataFrame) -> dict[str, int]:
    return rfm.rfm_segment.value_counts().sort_index().to_dict()


def test_demo_default_fills_every_classic_11_segment(duck_demo):
    got = duck_demo.query("select scoring_method, segment_map, rfm_segment from marts.customer_rfm")
    print("\ndemo, hybrid:", segment_counts(got))
    assert set(got.scoring_method) == {"hybrid"} and set(got.segment_map) == {"classic_11"}
    assert set(got.rfm_segment) == CLASSIC_11, f"empty: {sorted(CLASSIC_11 - set(got.rfm_segment))}"


def test_skewed_default_fills_every_classic_11_segment(skewed):
    buyers, default, _ = skewed
    assert (buyers.frequency == 1).mean() >= 0.7, "at least 70% one-time buyers"
    print("\nskewed, hybrid:", segment_counts(default))
    assert set(default.scoring_method) == {"hybrid"}
    assert set(default.rfm_segment) == CLASSIC_11, f"empty: {sorted(CLASSIC_11 - set(default.rfm_segment))}"
    assert set(default.f_score) == {1, 2, 3, 4, 5}
    assert_scores_equal(default, ref.rfm(buyers))


def test_quantile_option_keeps_the_old_scores(skewed):
    buyers, default, quantile = skewed
    print("\nskewed, quantile:", segment_counts(quantile))
    assert set(quantile.scoring_method) == {"quantile"}
    assert_scores_equal(quantile, ref.rfm(buyers, method="quantile"))
    # the old gap: one-time buyers score 1, two purchases already 4
    assert set(quantile.f_score) == {1, 4, 5}
    assert not {"Potential Loyalist", "Need Attention"} & set(quantile.rfm_segment)
    # the methods differ in F only
    both = default.merge(quantile, on="customer_id", suffixes=("", "_quantile"))
    assert len(both) == len(default) == len(quantile)
    assert (both.r_score == both.r_score_quantile).all() and (both.m_score == both.m_score_quantile).all()
