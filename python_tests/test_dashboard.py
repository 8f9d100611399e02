"""The dashboard (make dashboard, segwh/dashboard): every page shows the numbers of
the marts, its filters work, it reopens a new publication, and it runs in a real
browser.

- Streamlit's AppTest runs each page script in this process on a publication of
  the demo warehouse (duck_demo) and compares what it shows with the marts, read
  here with plain SQL.
- The browser test starts `streamlit run` on a free loopback port and drives it
  with Playwright and Debian's chromium (executable_path; `make test` installs
  it, see the Makefile's `browser`). It writes a screenshot of every page; set
  DASHBOARD_SCREENSHOTS=docs/images to refresh the README's (the committed ones
  come from `make run`'s demo: python -m segwh.dashboard.screenshots).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from conftest import new_database
from segwh.dashboard import PAGES
from segwh.publish import publish

PROJECT_DIR = Path(__file__).resolve().parents[1]
VIEWS = PROJECT_DIR / "segwh" / "dashboard" / "views"
CHROMIUM = os.environ.get("SEGWH_CHROMIUM", "/usr/bin/chromium")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def published(duck_demo, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "published.duckdb"
    publish(duck_demo.path, path)
    return path


def marts(path: Path, sql: str, params: list | None = None):
    """The reference: the published marts, read with plain SQL."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@pytest.fixture
def app(published, monkeypatch):
    """Run one page script (views/<name>.py) against the published demo."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SEGWH_PUBLISHED_PATH", str(published))
    monkeypatch.setenv("SEGWH_TARGET", "ci")

    def run(page: str, published_path: Path | None = None):
        if published_path:
            monkeypatch.setenv("SEGWH_PUBLISHED_PATH", str(published_path))
        at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def n(value) -> str:
    return f"{int(value):,}"


def money(value) -> str:
    return f"{float(value):,.2f}"


def pct(value) -> str:
    return f"{100 * float(value):.1f}%"


# ---------------------------------------------------------------- pages (AppTest)


def test_the_app_navigates_every_page_and_says_when_nothing_is_published(published, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SEGWH_TARGET", "ci")
    monkeypatch.setenv("SEGWH_PUBLISHED_PATH", str(published))
    at = AppTest.from_file(str(VIEWS.parent / "app.py"), default_timeout=60).run()
    assert not at.exception and at.title[0].value == PAGES[0][1]          # the default page
    assert any("Published" in c.value for c in at.sidebar.caption)
    for url_path, title, script in PAGES[1:]:
        at.switch_page(f"views/{script}").run()
        assert not at.exception, (url_path, [e.value for e in at.exception])
        assert at.title[0].value == title
    monkeypatch.setenv("SEGWH_PUBLISHED_PATH", str(tmp_path / "never_published.duckdb"))
    at = AppTest.from_file(str(VIEWS.parent / "app.py"), default_timeout=60).run()
    assert not at.exception and "make run" in at.error[0].value


def test_overview_kpis_equal_customer_facts(app, published):
    facts = marts(published, """
        select count(*) as customers, count(*) filter (where is_buyer) as buyers,
               sum(order_count) as orders, sum(net_revenue) as net_revenue
        from marts.customer_facts""").iloc[0]
    clv = marts(published, "select avg(predicted_clv) as v, sum(predicted_clv) as total "
                           "from marts.customer_lifetime_value").iloc[0]
    shown = metrics(app("overview"))
    assert shown == {
        "Customers": n(facts["customers"]),
        "Buyers": n(facts["buyers"]),
        "Purchases": n(facts["orders"]),
        "Net revenue": money(facts["net_revenue"]),
        "Average predicted CLV per buyer": money(clv["v"]),
        "Total predicted CLV": money(clv["total"]),
    }


def test_segments_page_shows_segment_summary_for_every_dimension(app, published):
    summary = marts(published, "select * from marts.segment_summary")
    at = app("segments")
    dimensions = sorted(summary["dimension"].unique())
    assert at.selectbox(key="dimension").options == dimensions
    for dimension in dimensions:
        at.selectbox(key="dimension").select(dimension).run()
        expected = summary[summary["dimension"] == dimension].set_index("segment")
        shown_table = at.dataframe[0].value.set_index("segment")
        assert sorted(shown_table.index) == sorted(expected.index)
        assert (shown_table["customers"] == expected.loc[shown_table.index, "customers"]).all()
        assert sorted(at.selectbox(key="segment").options) == sorted(expected.index)
    # choosing a segment shows its KPIs
    at.selectbox(key="dimension").select("rfm_segment").run()
    at.selectbox(key="segment").select("Champions").run()
    row = summary[(summary["dimension"] == "rfm_segment") & (summary["segment"] == "Champions")].iloc[0]
    shown = metrics(at)
    assert shown["Customers"] == n(row["customers"])
    assert shown["Share of customers"] == pct(row["customer_share"])
    assert shown["Net revenue"] == money(row["net_revenue"])
    assert shown["Average order value"] == money(row["average_order_value"])
    assert shown["Repeat rate"] == pct(row["repeat_rate"])


def test_rfm_grid_counts_buyers_per_score_cell_and_filters_by_segment(app, published):
    rfm = marts(published, "select r_score, f_score, rfm_segment, monetary from marts.customer_rfm")
    at = app("rfm")
    grid = at.dataframe[0].value.set_index(["r_score", "f_score"])
    expected = rfm.groupby(["r_score", "f_score"]).size()
    assert grid["customers"].sort_index().tolist() == expected.sort_index().tolist()
    assert metrics(at)["Buyers in the grid"] == n(len(rfm))
    assert grid["net_revenue"].sum() == pytest.approx(rfm["monetary"].sum())
    for segment in ["Champions", "Hibernating"]:
        at.selectbox(key="rfm_segment").select(segment).run()
        mine = rfm[rfm["rfm_segment"] == segment]
        shown = at.dataframe[0].value.set_index(["r_score", "f_score"])["customers"].sort_index()
        assert shown.tolist() == mine.groupby(["r_score", "f_score"]).size().sort_index().tolist()
        assert metrics(at)["Buyers in the grid"] == n(len(mine))


def test_migrations_page_shows_the_chosen_periods_moves(app, published):
    moves = marts(published, "select * from marts.segment_migrations")
    at = app("migrations")
    for dimension in ["lifecycle", "rfm_segment"]:
        at.selectbox(key="dimension").select(dimension).run()
        periods = sorted(moves.loc[(moves["dimension"] == dimension) & moves["previous_period_end"].notna(),
                                   "period_end"].dt.date.unique(), reverse=True)
        assert at.selectbox(key="period_end").options == [f"{p:%Y-%m-%d}" for p in periods]
        for period in [periods[0], periods[len(periods) // 2]]:
            at.selectbox(key="period_end").select(period).run()
            mine = moves[(moves["dimension"] == dimension) & (moves["period_end"].dt.date == period)]
            by_type = mine.groupby("migration_type")["customers"].sum()
            shown = metrics(at)
            for label, kind in [("Stayed", "stay"), ("Moved", "move"), ("Entered", "entry"), ("Exited", "exit")]:
                assert shown[label] == n(by_type.get(kind, 0)), (dimension, period, label)
            table = at.dataframe[0].value
            assert len(table) == len(mine) and table["customers"].sum() == mine["customers"].sum()
    # the flow is drawn, with and without the customers who stayed
    assert at.get("vega_lite_chart")
    at.checkbox(key="show_stays").uncheck().run()
    assert not at.exception and at.get("vega_lite_chart")


def test_cohort_heatmap_reads_cohort_retention(app, published):
    cohorts = marts(published, """
        select strftime(cohort_month, '%Y-%m') as cohort, cohort_size
        from marts.cohort_retention where months_since_first_purchase = 0 order by cohort_month""")
    at = app("cohorts")
    sizes = at.dataframe[0].value
    assert sizes["cohort"].tolist() == cohorts["cohort"].tolist()
    assert sizes["cohort_size"].tolist() == cohorts["cohort_size"].tolist()
    for measure, column in [("Active customers", "active_customers"),
                            ("Cumulative revenue per customer", "cumulative_revenue_per_customer")]:
        at.selectbox(key="measure").select(measure).run()
        assert column in at.get("vega_lite_chart")[0].proto.spec


def test_campaign_lift_shows_the_marts_lift_and_confidence_intervals(app, published):
    lift = marts(published, "select * from marts.campaign_lift")
    at = app("campaigns")
    overall = lift[lift["dimension"] == "all"].sort_values(["assigned_at", "campaign_id"])
    assert at.selectbox(key="campaign").options == overall["campaign_id"].tolist()
    for campaign in overall["campaign_id"].tolist()[:2]:
        at.selectbox(key="campaign").select(campaign).run()
        row = overall[overall["campaign_id"] == campaign].iloc[0]
        shown = metrics(at)
        assert shown["Treatment customers"] == n(row["treatment_customers"])
        assert shown["Control customers"] == n(row["control_customers"])
        assert shown["Conversion lift"] == f"{100 * row['conversion_lift_abs']:+.1f} pp"
        assert shown["Conversion lift, 95% CI"] == (f"{100 * row['conversion_lift_ci_low']:+.1f} to "
                                                    f"{100 * row['conversion_lift_ci_high']:+.1f} pp")
        assert shown["Revenue lift, 95% CI"] == (f"{money(row['revenue_lift_ci_low'])} to "
                                                 f"{money(row['revenue_lift_ci_high'])}")
        assert shown["Conversion lift significant"] == ("yes" if row["is_significant"] else "no")
        at.selectbox(key="dimension").select("value_tier").run()
        table = at.dataframe[0].value.set_index("segment").sort_index()
        expected = lift[(lift["campaign_id"] == campaign) & (lift["dimension"] == "value_tier")] \
            .set_index("segment").sort_index()
        assert table.index.tolist() == expected.index.tolist()
        for column in ["treatment_customers", "control_customers", "conversion_lift_abs",
                       "conversion_lift_ci_low", "conversion_lift_ci_high", "revenue_lift_ci_low",
                       "revenue_lift_ci_high", "is_significant"]:
            assert table[column].tolist() == pytest.approx(expected[column].tolist(), nan_ok=True), column


def test_clv_page_shows_historical_and_predicted_clv_and_filters_by_segment(app, published):
    values = marts(published, """
        select clv.customer_id, facts.net_revenue, clv.predicted_clv
        from marts.customer_lifetime_value as clv
        inner join marts.customer_facts as facts on clv.customer_id = facts.customer_id""")
    at = app("clv")
    shown = metrics(at)
    assert shown["Buyers"] == n(len(values))
    assert shown["Average historical CLV"] == money(values["net_revenue"].mean())
    assert shown["Average predicted CLV (365 d)"] == money(values["predicted_clv"].mean())
    assert shown["Total predicted CLV"] == money(values["predicted_clv"].sum())
    at.selectbox(key="dimension").select("value_tier").run()
    at.selectbox(key="segment").select("high").run()
    members = marts(published, """
        select customer_id from marts.segment_memberships where dimension = 'value_tier' and segment = 'high'""")
    mine = values[values["customer_id"].isin(members["customer_id"])]
    shown = metrics(at)
    assert 0 < len(mine) < len(values)
    assert shown["Buyers"] == n(len(mine))
    assert shown["Average predicted CLV (365 d)"] == money(mine["predicted_clv"].mean())


def test_audience_export_is_the_consenting_customers_with_hashed_emails(app, published):
    from segwh.dashboard import queries

    at = app("audience")
    at.selectbox(key="dimension").select("lifecycle").run()
    at.selectbox(key="segment").select("lapsed").run()
    at.selectbox(key="channel").select("email").run()
    expected = marts(published, """
        select * from marts.segment_audience_exports
        where dimension = 'lifecycle' and segment = 'lapsed' and channel = 'email'""")
    assert len(expected) > 0
    assert metrics(at)["Consenting customers"] == n(len(expected))
    # the file offered for download: hashes and consent proof only
    exported = queries.audience("lifecycle", "lapsed", "email")
    assert list(exported.columns) == queries.AUDIENCE_COLUMNS
    assert sorted(exported["email_hash"]) == sorted(expected["email_hash"])
    assert exported["email_hash"].str.fullmatch(r"[0-9a-f]{64}").all()
    text = exported.to_csv(index=False)
    assert "@" not in text and "customer_id" not in text
    # other channels carry no hashed identifier: counted, not offered as a file
    channels = at.selectbox(key="channel").options
    other = [c for c in channels if c != "email"]
    if other:
        at.selectbox(key="channel").select(other[0]).run()
        assert not at.get("download_button")
        assert any("hashed identifier" in i.value for i in at.info)


def test_audience_page_explains_a_build_without_activation_salt(app, published, tmp_path):
    unsalted = tmp_path / "unsalted.duckdb"
    shutil.copy(published, unsalted)
    con = duckdb.connect(str(unsalted))
    con.execute("drop table marts.segment_audience_exports")
    con.execute("drop table marts.cart_abandonment_audience")
    con.close()
    at = app("audience", published_path=unsalted)
    assert any("activation_hash_salt" in w.value for w in at.warning)
    assert not at.dataframe and not at.metric


# ---------------------------------------------------------------- a new publication


def test_a_long_running_app_reopens_the_file_when_a_new_publication_replaces_it(app, duck_demo, tmp_path,
                                                                                  monkeypatch):
    """Publish, read, publish a build with fewer customers over it: the same
    process (same source, same AppTest session) shows the new numbers."""
    from segwh.dashboard import data

    path = tmp_path / "published.duckdb"
    publish(duck_demo.path, path)
    monkeypatch.setenv("SEGWH_PUBLISHED_PATH", str(path))
    source = data.source()          # the one reader of this file in this process, as in the app
    before = int(data.query("select count(*) as n from marts.customer_facts")["n"].iloc[0])
    at = app("overview", published_path=path)
    assert metrics(at)["Customers"] == n(before)

    smaller = tmp_path / "smaller_build.duckdb"
    shutil.copy(duck_demo.path, smaller)
    con = duckdb.connect(str(smaller))
    con.execute("delete from marts.customer_facts where customer_id in "
                "(select customer_id from marts.customer_facts order by customer_id limit 100)")
    con.close()
    publish(smaller, path)

    after = int(data.query("select count(*) as n from marts.customer_facts")["n"].iloc[0])
    assert (before, after, source.opened) == (before, before - 100, 2)
    at.run()
    assert metrics(at)["Customers"] == n(before - 100)
    source.close()


# ---------------------------------------------------------------- the real browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_server(published, tmp_path_factory):
    """`streamlit run` as `make dashboard` starts it, on a free loopback port."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing: `make test` installs Debian's chromium (make browser)")
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard_server") / "streamlit.log"
    env = {**os.environ, "SEGWH_PUBLISHED_PATH": str(published), "SEGWH_TARGET": "ci",
           "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), os.environ.get("PYTHONPATH", "")])}
    streamlit = str(Path(sys.executable).parent / "streamlit")
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [streamlit, "run", "segwh/dashboard/app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--client.toolbarMode", "viewer",
             "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser_page(dashboard_server):
    from playwright.sync_api import sync_playwright

    from segwh.dashboard.screenshots import launch

    with sync_playwright() as playwright:
        browser = launch(playwright, CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def metric_value(page, label: str):
    label_re = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label_re)).get_by_test_id("stMetricValue")


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label`, as a user does."""
    from segwh.dashboard.screenshots import wait_until_rendered

    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)
    page.wait_for_timeout(300)       # the rerun starts
    wait_until_rendered(page)


def test_every_page_in_a_real_browser(browser_page, dashboard_server, published, tmp_path):
    from playwright.sync_api import expect

    from segwh.dashboard.screenshots import page_url, save_png, wait_until_rendered

    page = browser_page
    shots = Path(os.environ.get("DASHBOARD_SCREENSHOTS") or tmp_path)
    titles = {url_path: title for url_path, title, _ in PAGES}
    facts = marts(published, """
        select count(*) as customers, count(*) filter (where is_buyer) as buyers,
               sum(order_count) as orders, sum(net_revenue) as net_revenue
        from marts.customer_facts""").iloc[0]
    summary = marts(published, "select * from marts.segment_summary")

    def visit(url_path: str) -> None:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(page_url(dashboard_server, url_path))
        wait_until_rendered(page)
        expect(page.locator("h1").first).to_have_text(re.compile(re.escape(titles[url_path].split()[0])))
        expect(page.get_by_test_id("stException")).to_have_count(0)

    def shot(url_path: str) -> None:
        save_png(page, shots / f"dashboard-{url_path}.png")

    # overview: the KPIs of customer_facts
    visit("overview")
    expect(metric_value(page, "Customers")).to_have_text(n(facts["customers"]))
    expect(metric_value(page, "Buyers")).to_have_text(n(facts["buyers"]))
    expect(metric_value(page, "Purchases")).to_have_text(n(facts["orders"]))
    expect(metric_value(page, "Net revenue")).to_have_text(money(facts["net_revenue"]))
    shot("overview")

    # segments: a segment's size after choosing a dimension and a segment in the filters
    visit("segments")
    default = summary[summary["dimension"] == "lifecycle"].sort_values(["customers", "segment"],
                                                                        ascending=[False, True]).iloc[0]
    expect(metric_value(page, "Customers")).to_have_text(n(default["customers"]))
    choose(page, "Dimension", "value_tier")
    choose(page, "Segment", "high")
    high = summary[(summary["dimension"] == "value_tier") & (summary["segment"] == "high")].iloc[0]
    expect(metric_value(page, "Customers")).to_have_text(n(high["customers"]))
    expect(metric_value(page, "Net revenue")).to_have_text(money(high["net_revenue"]))
    choose(page, "Dimension", "rfm_segment")
    choose(page, "Segment", "Champions")
    champions = summary[(summary["dimension"] == "rfm_segment") & (summary["segment"] == "Champions")].iloc[0]
    expect(metric_value(page, "Customers")).to_have_text(n(champions["customers"]))
    shot("segments")

    # RFM grid: all buyers, then one segment's
    visit("rfm")
    expect(metric_value(page, "Buyers in the grid")).to_have_text(n(facts["buyers"]))
    choose(page, "RFM segment", "Champions")
    expect(metric_value(page, "Buyers in the grid")).to_have_text(n(champions["customers"]))
    visit("rfm")   # the screenshot shows the whole grid
    shot("rfm")

    # migrations: the latest period of lifecycle, then of rfm_segment
    moves = marts(published, "select * from marts.segment_migrations")
    visit("migrations")
    for dimension in ["lifecycle", "rfm_segment"]:
        if dimension != "lifecycle":      # lifecycle is the default
            choose(page, "Dimension", dimension)
        mine = moves[moves["dimension"] == dimension]
        latest = mine[mine["period_end"] == mine["period_end"].max()]
        for label, kind in [("Stayed", "stay"), ("Moved", "move"), ("Entered", "entry")]:
            expect(metric_value(page, label)).to_have_text(
                n(latest.loc[latest["migration_type"] == kind, "customers"].sum()))
    choose(page, "Dimension", "lifecycle")
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    shot("migrations")

    # cohorts: the heatmap is drawn
    visit("cohorts")
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    shot("cohorts")

    # campaign lift: the first campaign's numbers and interval
    lift = marts(published, "select * from marts.campaign_lift where dimension = 'all' "
                            "order by assigned_at, campaign_id")
    first = lift.iloc[0]
    visit("campaigns")
    expect(metric_value(page, "Treatment customers")).to_have_text(n(first["treatment_customers"]))
    expect(metric_value(page, "Conversion lift, 95% CI")).to_have_text(
        f"{100 * first['conversion_lift_ci_low']:+.1f} to {100 * first['conversion_lift_ci_high']:+.1f} pp")
    if len(lift) > 1:
        second = lift.iloc[1]
        choose(page, "Campaign", second["campaign_id"])
        expect(metric_value(page, "Treatment customers")).to_have_text(n(second["treatment_customers"]))
        choose(page, "Campaign", first["campaign_id"])
    shot("campaigns")

    # CLV
    clv = marts(published, "select avg(predicted_clv) as v, count(*) as buyers from marts.customer_lifetime_value")
    visit("clv")
    expect(metric_value(page, "Buyers")).to_have_text(n(clv["buyers"].iloc[0]))
    expect(metric_value(page, "Average predicted CLV (365 d)")).to_have_text(money(clv["v"].iloc[0]))
    shot("clv")

    # audience: the downloaded file is the mart's consenting customers, hashed emails only
    visit("audience")
    choose(page, "Dimension", "value_tier")
    choose(page, "Segment", "high")
    expected = marts(published, """
        select email_hash from marts.segment_audience_exports
        where dimension = 'value_tier' and segment = 'high' and channel = 'email'""")
    expect(metric_value(page, "Consenting customers")).to_have_text(n(len(expected)))
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").get_by_role("button").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert sorted(r["email_hash"] for r in rows) == sorted(expected["email_hash"])
    assert set(rows[0]) == {"email_hash", "channel", "dimension", "segment", "consent_recorded_at", "as_of_date"}
    assert {r["channel"] for r in rows} == {"email"}
    shot("audience")

    assert sorted(p.name for p in shots.glob("dashboard-*.png")) == sorted(f"dashboard-{u}.png" for u, _, _ in PAGES)


# ---------------------------------------------------------------- PostgreSQL: the schema marts


DASHBOARD_MARTS = ["customer_facts", "customer_lifetime_value", "customer_rfm", "segment_summary",
                   "segment_memberships", "segment_migrations", "cohort_retention", "campaign_lift",
                   "segment_audience_exports"]


@pytest.fixture(scope="module")
def pg_marts(postgres_cluster, published):
    """A database of the throwaway cluster whose schema marts holds the published
    demo's marts with their column types (the dashboard's PostgreSQL path, without a
    second dbt build)."""
    import psycopg2
    from psycopg2.extras import execute_values

    name = "dashboard_marts"
    new_database(postgres_cluster, name)
    settings = {**postgres_cluster.dsn(), "dbname": name}
    duck = duckdb.connect(str(published), read_only=True)
    conn = psycopg2.connect(**settings)
    try:
        with conn.cursor() as cur:
            cur.execute("create schema marts")
            for table in DASHBOARD_MARTS:
                columns = duck.execute("""
                    select column_name, data_type from information_schema.columns
                    where table_schema = 'marts' and table_name = ? order by ordinal_position""", [table]).fetchall()
                types = {"VARCHAR": "text", "DOUBLE": "double precision"}
                cur.execute(f"create table marts.{table} ("
                            + ", ".join(f"{c} {types.get(t, t.lower())}" for c, t in columns) + ")")
                rows = duck.execute(f"select * from marts.{table}").fetchall()
                execute_values(cur, f"insert into marts.{table} values %s", rows, page_size=5000)
        conn.commit()
    finally:
        conn.close()
        duck.close()
    return {**postgres_cluster.env(), "PGDATABASE": name}


def test_every_page_shows_the_same_on_postgres(app, pg_marts, monkeypatch):
    """TARGET=postgres: the same pages on the schema marts show the same as on the published file."""
    shown = {}
    for target in ["ci", "postgres"]:
        monkeypatch.setenv("SEGWH_TARGET", target)
        for key, value in pg_marts.items():
            monkeypatch.setenv(key, value)
        for url_path, _, _ in PAGES:
            at = app(url_path)
            shown[target, url_path] = (metrics(at), [d.value for d in at.dataframe],
                                       [s.options for s in at.selectbox])
    for url_path, _, _ in PAGES:
        duck, pg = shown["ci", url_path], shown["postgres", url_path]
        assert pg[0] == duck[0], url_path
        assert pg[2] == duck[2], url_path
        for pg_frame, duck_frame in zip(pg[1], duck[1]):
            assert pg_frame.shape == duck_frame.shape, url_path
            for column in duck_frame.columns:
                if duck_frame[column].dtype.kind == "f":
                    assert pg_frame[column].astype(float).tolist() == pytest.approx(
                        duck_frame[column].tolist(), nan_ok=True), (url_path, column)
                else:
                    assert pg_frame[column].astype(str).tolist() == duck_frame[column].astype(str).tolist(), \
                        (url_path, column)
