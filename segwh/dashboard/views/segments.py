"""Segment sizes and KPIs for any dimension: marts.segment_summary."""

import altair as alt
import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count, money, percent

st.title("Segments")
st.caption("marts.segment_summary: one row per dimension and segment, as of the as-of date")

dims = queries.dimensions()
dimension = st.selectbox("Dimension", dims, index=dims.index("lifecycle") if "lifecycle" in dims else 0,
                         key="dimension")
summary = queries.segment_summary(dimension)
segment = st.selectbox("Segment", summary["segment"].tolist(), key="segment")
row = summary.set_index("segment").loc[segment]

cols = st.columns(6)
cols[0].metric("Customers", count(row["customers"]))
cols[1].metric("Share of customers", percent(row["customer_share"]))
cols[2].metric("Net revenue", money(row["net_revenue"]))
cols[3].metric("Average order value", money(row["average_order_value"]))
cols[4].metric("Repeat rate", percent(row["repeat_rate"]))
cols[5].metric("Retention rate", percent(row["retention_rate"]))

st.subheader(f"Segment sizes: {dimension}")
st.altair_chart(
    alt.Chart(summary).mark_bar().encode(
        x=alt.X("customers:Q", title="customers"),
        y=alt.Y("segment:N", sort="-x", title=None),
        color=alt.condition(alt.datum.segment == segment, alt.value("#e45756"), alt.value("#4c78a8")),
        tooltip=["segment", alt.Tooltip("customers:Q", format=",d"),
                 alt.Tooltip("customer_share:Q", format=".1%"), alt.Tooltip("net_revenue:Q", format=",.2f")],
    ).properties(height=max(160, 28 * len(summary))),
    width="stretch",
)
st.subheader("Segment KPIs")
st.dataframe(summary, hide_index=True, width="stretch")
