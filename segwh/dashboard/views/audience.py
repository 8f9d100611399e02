"""Audience export: consenting customers of a segment, hashed identifiers, as CSV: marts.segment_audience_exports."""

import streamlit as st

from segwh.dashboard import queries
from segwh.dashboard.charts import count

st.title("Audience export")
if not queries.audience_available():
    st.warning(
        "The activation marts are not in this warehouse: they are built only when the var "
        "activation_hash_salt is set (export SEGWH_ACTIVATION_SALT=... before `dbt build`; `make run` sets the "
        "public demo salt). Rebuild and publish with a salt to export audiences.")
    st.stop()

st.caption("marts.segment_audience_exports: only customers consenting on the channel at the end of the as-of "
           "date; emails only as salted SHA-256 hashes")
counts = queries.audience_counts()
if counts.empty:
    st.info("Nobody consents on any channel (no consent source), so every audience is empty.")
    st.stop()

cols = st.columns(3)
dims = sorted(counts["dimension"].unique())
dimension = cols[0].selectbox("Dimension", dims, index=dims.index("lifecycle") if "lifecycle" in dims else 0,
                              key="dimension")
segments = sorted(counts.loc[counts["dimension"] == dimension, "segment"].unique())
segment = cols[1].selectbox("Segment", segments, key="segment")
channels = sorted(counts.loc[(counts["dimension"] == dimension) & (counts["segment"] == segment), "channel"].unique())
channel = cols[2].selectbox("Channel", channels, index=channels.index("email") if "email" in channels else 0,
                            key="channel")

audience = queries.audience(dimension, segment, channel)
st.metric("Consenting customers", count(len(audience)))
if channel != "email":
    st.info(f"The mart publishes a hashed identifier (email_hash) for the email channel only; a {channel} "
            "audience has none, so it is counted here but not offered as a file.")
else:
    st.download_button(
        "Download CSV", audience.to_csv(index=False).encode("utf-8"),
        file_name=f"audience_{dimension}_{segment}_{channel}.csv", mime="text/csv", key="download")
    st.caption(f"The file: {len(audience):,} rows, columns {', '.join(queries.AUDIENCE_COLUMNS)}. First 50 rows:")
    st.dataframe(audience.head(50), hide_index=True, width="stretch")
