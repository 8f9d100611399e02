"""The cohort retention heatmap: marts.cohort_retention."""

import altair as alt
import streamlit as st

from segwh.dashboard import queries

st.title("Cohort retention")
st.caption("marts.cohort_retention: cohorts by month of first purchase; faded cells are the partly observed "
           "as-of month")

measures = {
    "Retention rate": ("retention_rate", ".0%"),
    "Active customers": ("active_customers", ",d"),
    "Revenue per customer": ("revenue_per_customer", ",.2f"),
    "Cumulative revenue per customer": ("cumulative_revenue_per_customer", ",.2f"),
}
measure = st.selectbox("Cell value", list(measures), key="measure")
column, value_format = measures[measure]
cohorts = queries.cohort_retention()
cohorts["cohort"] = cohorts["cohort_month"].dt.strftime("%Y-%m")

st.altair_chart(
    alt.Chart(cohorts).mark_rect().encode(
        x=alt.X("months_since_first_purchase:O", title="months since first purchase", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:O", title="cohort (month of first purchase)", axis=alt.Axis(labelOverlap=False)),
        color=alt.Color(f"{column}:Q", title=measure, scale=alt.Scale(scheme="greens")),
        opacity=alt.condition(alt.datum.is_complete_month, alt.value(1.0), alt.value(0.45)),
        tooltip=["cohort", "months_since_first_purchase", alt.Tooltip("cohort_size:Q", format=",d"),
                 alt.Tooltip("active_customers:Q", format=",d"), alt.Tooltip("retention_rate:Q", format=".1%"),
                 alt.Tooltip("revenue_per_customer:Q", format=",.2f"),
                 alt.Tooltip("cumulative_revenue_per_customer:Q", format=",.2f"), "is_complete_month"],
    ).properties(height=max(240, 20 * cohorts["cohort"].nunique())),
    width="stretch",
)
sizes = cohorts[cohorts["months_since_first_purchase"] == 0][["cohort", "cohort_size"]]
st.subheader("Cohort sizes")
st.dataframe(sizes, hide_index=True, width="content")
