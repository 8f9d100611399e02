"""The dashboard's pages, run by streamlit as scripts (segwh/dashboard/app.py)."""
