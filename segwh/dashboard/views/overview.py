"""Overview KPIs: marts.customer_facts and marts.customer_lifetime_value."""

import altair as alt
import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count, money

st.title("Overview")
kpis = queries.overview()
st.caption(f"As of {kpis['as_of_date']:%Y-%m-%d} · marts.customer_facts, marts.customer_lifetime_value")

cols = st.columns(5)
cols[0].metric("Customers", count(kpis["customers"]))
cols[1].metric("Buyers", count(kpis["buyers"]))
cols[2].metric("Purchases", count(kpis["orders"]))
cols[3].metric("Net revenue", money(kpis["net_revenue"]))
cols[4].metric("Average predicted CLV per buyer", money(kpis["average_predicted_clv"]))

st.subheader("Customers by lifecycle status")
lifecycle = queries.segment_summary("lifecycle")
st.altair_chart(
    alt.Chart(lifecycle).mark_bar().encode(
        x=alt.X("customers:Q", title="customers"),
        y=alt.Y("segment:N", sort="-x", title=None),
        tooltip=["segment", alt.Tooltip("customers:Q", format=",d"),
                 alt.Tooltip("customer_share:Q", format=".1%")],
    ).properties(height=240),
    width="stretch",
)
