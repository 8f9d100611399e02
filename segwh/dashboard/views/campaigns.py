"""Campaign lift with 95% confidence intervals: marts.campaign_lift."""

import altair as alt
import pandas as pd
import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count, money, percent

st.title("Campaign lift")
st.caption("marts.campaign_lift: randomized treatment vs control; intervals are the mart's 95% confidence "
           "intervals (conversion: Wald, revenue: Welch)")

campaigns = queries.campaigns()
if campaigns.empty:
    st.info("No randomized campaign in the data (no campaign_assigned events with treatment or control).")
    st.stop()
campaign_id = st.selectbox("Campaign", campaigns["campaign_id"].tolist(), key="campaign")
overall = campaigns.set_index("campaign_id").loc[campaign_id]

significant = bool(overall["is_significant"])
row1 = st.columns(3)
row1[0].metric("Treatment customers", count(overall["treatment_customers"]))
row1[1].metric("Control customers", count(overall["control_customers"]))
row1[2].metric("Conversion lift significant", "yes" if significant else "no",
               help="yes when the 95% confidence interval of the conversion lift excludes 0")
row2 = st.columns(3)
row2[0].metric("Conversion, treatment", percent(overall["treatment_conversion_rate"]))
row2[1].metric("Conversion, control", percent(overall["control_conversion_rate"]))
row2[2].metric("Conversion lift", f"{100 * overall['conversion_lift_abs']:+.1f} pp",
               help="treatment − control conversion rate, in percentage points")
row3 = st.columns(3)
row3[0].metric("Conversion lift, 95% CI",
               f"{100 * overall['conversion_lift_ci_low']:+.1f} to {100 * overall['conversion_lift_ci_high']:+.1f} pp")
row3[1].metric("Revenue per customer lift", money(overall["revenue_lift_abs"]))
row3[2].metric("Revenue lift, 95% CI",
               f"{money(overall['revenue_lift_ci_low'])} to {money(overall['revenue_lift_ci_high'])}")

ALL = "all (everyone assigned)"
breakdowns = [ALL, *queries.campaign_dimensions(campaign_id)]
dimension = st.selectbox("Break down by segment before assignment", breakdowns,
                         index=breakdowns.index("lifecycle") if "lifecycle" in breakdowns else 0, key="dimension")
lift = queries.campaign_lift(campaign_id, "all" if dimension == ALL else dimension)


def interval_chart(frame: pd.DataFrame, value: str, low: str, high: str, title: str, fmt: str) -> alt.Chart:
    base = alt.Chart(frame).encode(y=alt.Y("segment:N", title=None))
    tooltip = ["segment", alt.Tooltip(f"{value}:Q", format=fmt), alt.Tooltip(f"{low}:Q", format=fmt),
               alt.Tooltip(f"{high}:Q", format=fmt), alt.Tooltip("treatment_customers:Q", format=",d"),
               alt.Tooltip("control_customers:Q", format=",d")]
    return alt.layer(
        alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="grey", strokeDash=[4, 4]).encode(x="zero:Q"),
        base.mark_rule(strokeWidth=2).encode(x=alt.X(f"{low}:Q", title=title, axis=alt.Axis(format=fmt)),
                                             x2=f"{high}:Q", tooltip=tooltip),
        base.mark_point(filled=True, size=70).encode(
            x=f"{value}:Q", tooltip=tooltip,
            color=alt.Color("is_significant:N", title="CI excludes 0",
                            scale=alt.Scale(domain=[True, False], range=["#e45756", "#4c78a8"]))),
    ).properties(height=max(120, 30 * len(frame)))


left, right = st.columns(2)
left.altair_chart(interval_chart(lift, "conversion_lift_abs", "conversion_lift_ci_low", "conversion_lift_ci_high",
                                 "conversion lift (treatment − control) with 95% CI", ".1%"), width="stretch")
right.altair_chart(interval_chart(lift, "revenue_lift_abs", "revenue_lift_ci_low", "revenue_lift_ci_high",
                                  "revenue per customer lift with 95% CI", ",.2f"), width="stretch")
st.dataframe(lift, hide_index=True, width="stretch")
