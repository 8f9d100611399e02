"""The dashboard: `make dashboard` (streamlit run segwh/dashboard/app.py).

Reads the published DuckDB file read-only (SEGWH_PUBLISHED_PATH, default
published.duckdb) or, with SEGWH_TARGET=postgres, the schema marts of the
PostgreSQL warehouse (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE as in
profiles.yml). Every number comes from a mart; see docs/dashboard.md.
"""

from pathlib import Path

import streamlit as st

from segwh.dashboard import PAGES
from segwh.dashboard.data import NotPublished, source

VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="Segmentation dashboard", layout="wide")

page = st.navigation([
    st.Page(VIEWS / script, title=title, url_path=url_path, default=(i == 0))
    for i, (url_path, title, script) in enumerate(PAGES)
])

try:
    warehouse = source()
except RuntimeError as error:    # TARGET=spark
    st.error(str(error))
    st.stop()
try:
    warehouse.query("select 1 as ok")
    publication = warehouse.publication()
except NotPublished as error:
    st.error(str(error))
    st.stop()
except Exception as error:  # a server that is down, wrong credentials: say so, not a traceback
    st.error(f"Cannot read {warehouse.describe()}: {error}")
    st.stop()
st.sidebar.caption(f"Reading {warehouse.describe()}")
if publication:
    st.sidebar.caption(f"Published {publication['published_at']:%Y-%m-%d %H:%M:%S} UTC")

page.run()
