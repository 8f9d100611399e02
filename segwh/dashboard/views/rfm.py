"""The RFM recency x frequency grid: marts.customer_rfm."""

import altair as alt
import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count

st.title("RFM grid")
st.caption("marts.customer_rfm: buyers by recency score (R) and frequency score (F); higher is better")

ALL = "All RFM segments"
segment = st.selectbox("RFM segment", [ALL, *queries.rfm_segments()], key="rfm_segment")
measures = {"Customers": "customers", "Net revenue": "net_revenue", "Average monetary": "average_monetary"}
measure = st.radio("Cell value", list(measures), horizontal=True, key="measure")
grid = queries.rfm_grid(None if segment == ALL else segment)
column = measures[measure]

st.metric("Buyers in the grid", count(grid["customers"].sum()))
value_format = ",d" if column == "customers" else ",.0f"
base = alt.Chart(grid).encode(
    x=alt.X("f_score:O", title="F score (frequency)", axis=alt.Axis(labelAngle=0)),
    y=alt.Y("r_score:O", title="R score (recency)", sort="descending"),
)
st.altair_chart(
    alt.layer(
        base.mark_rect().encode(
            color=alt.Color(f"{column}:Q", title=measure, scale=alt.Scale(scheme="blues")),
            tooltip=["r_score", "f_score", alt.Tooltip("customers:Q", format=",d"),
                     alt.Tooltip("net_revenue:Q", format=",.2f"), alt.Tooltip("average_monetary:Q", format=",.2f")],
        ),
        base.mark_text(fontSize=13).encode(
            text=alt.Text(f"{column}:Q", format=value_format),
            color=alt.condition(f"datum.{column} > {grid[column].max() / 2 if len(grid) else 0}",
                                alt.value("white"), alt.value("black")),
        ),
    ).properties(height=380),
    width="stretch",
)
st.dataframe(grid, hide_index=True, width="stretch")
