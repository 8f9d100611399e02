"""Overview KPIs: marts.customer_facts and marts.customer_lifetime_value."""

import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count, money, segment_sizes_chart

st.title("Overview")
kpis = queries.overview()
st.caption(f"As of {kpis['as_of_date']:%Y-%m-%d} · marts.customer_facts, marts.customer_lifetime_value")

row1 = st.columns(3)
row1[0].metric("Customers", count(kpis["customers"]))
row1[1].metric("Buyers", count(kpis["buyers"]))
row1[2].metric("Purchases", count(kpis["orders"]))
row2 = st.columns(3)
row2[0].metric("Net revenue", money(kpis["net_revenue"]))
row2[1].metric("Average predicted CLV per buyer", money(kpis["average_predicted_clv"]))
row2[2].metric("Total predicted CLV", money(kpis["total_predicted_clv"]))

st.subheader("Customers by lifecycle status")
lifecycle = queries.segment_summary("lifecycle")
st.altair_chart(segment_sizes_chart(lifecycle), width="stretch", height=240)
