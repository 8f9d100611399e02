"""The distribution of historical and predicted CLV: marts.customer_facts and marts.customer_lifetime_value."""

import math

import altair as alt
import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count, money

st.title("Customer lifetime value")
st.caption("Historical CLV: net revenue to date (marts.customer_facts.net_revenue). Predicted CLV: "
           "discounted value over the horizon (marts.customer_lifetime_value, BG/NBD + Gamma-Gamma). Buyers only.")

ALL = "(all buyers)"
dims = queries.dimensions()
left, right = st.columns(2)
dimension = left.selectbox("Only customers of dimension", [ALL, *dims], key="dimension")
segment = None
if dimension != ALL:
    segment = right.selectbox("Segment", queries.membership_segments(dimension), key="segment")
values = queries.clv(None if dimension == ALL else dimension, segment)

horizon = int(values["clv_horizon_days"].iloc[0]) if len(values) else 0
cols = st.columns(4)
cols[0].metric("Buyers", count(len(values)))
cols[1].metric("Average historical CLV", money(values["historical_clv"].mean() if len(values) else None))
cols[2].metric(f"Average predicted CLV ({horizon} d)", money(values["predicted_clv"].mean() if len(values) else None))
cols[3].metric("Total predicted CLV", money(values["predicted_clv"].sum() if len(values) else None))

if values.empty:
    st.info("No buyer in this segment.")
    st.stop()
LABELS = {"historical_clv": "historical (net revenue to date)", "predicted_clv": f"predicted (next {horizon} days)"}
long = values.melt(id_vars=["customer_id"], value_vars=list(LABELS), var_name="measure", value_name="value").dropna()
long["measure"] = long["measure"].map(LABELS)
# CLV is heavily skewed: bins of equal width in log10(value) (values under 1 share the first bin)
long["log_value"] = long["value"].clip(lower=1).map(math.log10)
decades = list(range(0, max(1, math.ceil(long["log_value"].max())) + 1))
for column, (measure, frame) in zip(st.columns(2), long.groupby("measure", sort=False)):
    column.markdown(f"**{measure}**")
    column.altair_chart(
        alt.Chart(frame).mark_bar(binSpacing=1).encode(
            x=alt.X("log_value:Q", bin=alt.Bin(step=0.1, extent=[decades[0], decades[-1]]), title="CLV (log scale)",
                    axis=alt.Axis(values=decades, labelExpr="format(pow(10, datum.value), ',')")),
            y=alt.Y("count():Q", title="buyers"),
            tooltip=[alt.Tooltip("count():Q", title="buyers")],
        ),
        width="stretch", height=260,
    )
st.subheader("Percentiles")
quantiles = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]
table = values[list(LABELS)].quantile(quantiles).rename(columns=LABELS)
table.index = [f"p{round(100 * q)}" for q in quantiles]
st.dataframe(table.round(2), width="content")
