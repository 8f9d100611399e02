"""The Streamlit dashboard on the marts (`make dashboard`); see docs/dashboard.md."""

# (url path, title, script in views/): the app's navigation, its screenshots and its browser test
PAGES = [
    ("overview", "Overview", "overview.py"),
    ("segments", "Segments", "segments.py"),
    ("rfm", "RFM grid", "rfm.py"),
    ("migrations", "Migrations", "migrations.py"),
    ("cohorts", "Cohort retention", "cohorts.py"),
    ("campaigns", "Campaign lift", "campaigns.py"),
    ("clv", "Customer lifetime value", "clv.py"),
    ("audience", "Audience export", "audience.py"),
]
