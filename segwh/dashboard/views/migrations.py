"""Migrations between two consecutive periods, drawn as a flow: marts.segment_migrations."""

import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count, flow_chart

st.title("Migrations")
st.caption("marts.segment_migrations: customers by segment at the end of the previous period (left) "
           "and at the end of the chosen period (right); '(none)' = entered or exited")

dims = queries.migration_dimensions()
dimension = st.selectbox("Dimension", dims, index=dims.index("lifecycle") if "lifecycle" in dims else 0,
                         key="dimension")
periods = queries.migration_periods(dimension)
if not periods:
    st.info("No period of this dimension has a previous period yet: segment history needs two completed periods.")
    st.stop()
period_end = st.selectbox("Period ending", periods, format_func=lambda d: f"{d:%Y-%m-%d}", key="period_end")
show_stays = st.checkbox("Include customers who kept their segment", value=True, key="show_stays")

moves = queries.migrations(dimension, period_end)
previous = moves["previous_period_end"].iloc[0]
totals = moves.groupby("migration_type")["customers"].sum()
cols = st.columns(4)
for col, kind, label in zip(cols, ["stay", "move", "entry", "exit"], ["Stayed", "Moved", "Entered", "Exited"]):
    col.metric(label, count(totals.get(kind, 0)))

shown = moves if show_stays else moves[moves["migration_type"] != "stay"]
if shown.empty:
    st.info("Nobody changed segment in this period.")
else:
    st.altair_chart(
        flow_chart(shown, "from_segment", "to_segment", "customers",
                   left_title=f"{previous:%Y-%m-%d}", right_title=f"{period_end:%Y-%m-%d}"),
        width="stretch",
    )
st.dataframe(moves.drop(columns=["previous_period_end", "period_end"]), hide_index=True, width="stretch")
