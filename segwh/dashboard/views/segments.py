"""Segment sizes and KPIs for any dimension: marts.segment_summary."""

import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count, money, percent, segment_sizes_chart

st.title("Segments")
st.caption("marts.segment_summary: one row per dimension and segment, as of the as-of date")

dims = queries.dimensions()
dimension = st.selectbox("Dimension", dims, index=dims.index("lifecycle") if "lifecycle" in dims else 0,
                         key="dimension")
summary = queries.segment_summary(dimension)
segment = st.selectbox("Segment", summary["segment"].tolist(), key="segment")
row = summary.set_index("segment").loc[segment]

row1 = st.columns(3)
row1[0].metric("Customers", count(row["customers"]))
row1[1].metric("Share of customers", percent(row["customer_share"]))
row1[2].metric("Net revenue", money(row["net_revenue"]))
row2 = st.columns(3)
row2[0].metric("Average order value", money(row["average_order_value"]))
row2[1].metric("Repeat rate", percent(row["repeat_rate"]))
row2[2].metric("Retention rate", percent(row["retention_rate"]))

st.subheader(f"Segment sizes: {dimension}")
st.altair_chart(segment_sizes_chart(summary, highlight=segment), width="stretch",
                height=max(200, 34 * len(summary) + 60))
st.subheader("Segment KPIs")
rates = ["customer_share", "conversion_rate", "repeat_rate", "retention_rate", "churn_rate",
         "email_open_rate", "email_click_rate"]
st.dataframe(summary, hide_index=True, width="stretch", column_config={
    **{c: st.column_config.NumberColumn(format="percent") for c in rates},
    **{c: st.column_config.NumberColumn(format="%.2f") for c in ["net_revenue", "average_order_value", "average_clv"]},
})
