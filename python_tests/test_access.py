"""PostgreSQL access: the bi_reader role (dbt grants on the marts, USAGE on the
marts schema from the build) reads every segment table and nothing else: not
raw, staging, quarantine, intermediate, seeds, the snapshot, nor any schema
added later (every relation outside the marts is tried). A BI login is a
member of the group role, as a DBA would set it up."""

from __future__ import annotations

import psycopg2
import pytest

MARTS = [
    "customer_facts", "customer_rfm", "customer_segments", "segment_memberships", "segment_summary",
    "cart_abandonment_audience", "product_affinity", "campaign_lift", "campaign_pre_assignment_segments",
    "cohort_retention",
    "customer_segment_history", "segment_migrations", "segment_transitions", "segment_audience_exports",
    "clv_model_parameters", "customer_lifetime_value",
]
NOT_FOR_BI = [
    "raw.events", "raw.customers", "raw.consents", "staging.stg_raw__events", "staging.stg_raw__customers",
    "staging.stg_raw__consents", "intermediate.int_customer_emails_hashed",
    "intermediate.int_orders_netted", "intermediate.int_events_observed", "seeds.event_types",
    "snapshots.customer_segments_snapshot", "staging.base_raw__events", "quarantine.event_load_manifest",
    "quarantine.quarantined_events", "quarantine.event_ingestion_summary",
]


@pytest.fixture(scope="module")
def bi_login(pg_demo, postgres_cluster):
    conn = psycopg2.connect(**postgres_cluster.dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("drop role if exists bi_dashboard")
        cur.execute("create role bi_dashboard login in role bi_reader")
    conn.close()
    login = psycopg2.connect(**{**postgres_cluster.dsn(), "user": "bi_dashboard"})
    login.autocommit = True
    yield login
    login.close()


def relations(pg_demo, where: str) -> list[str]:
    """Tables and views of the demo warehouse (as its owner sees them)."""
    found = pg_demo.query(f"""
        select table_schema || '.' || table_name as relation from information_schema.tables
        where table_schema not in ('information_schema', 'pg_catalog', 'pg_toast') and {where}
        order by 1""")
    return list(found["relation"])


def test_bi_reader_reads_every_mart(bi_login, pg_demo):
    marts = relations(pg_demo, "table_schema = 'marts'")
    assert {f"marts.{mart}" for mart in MARTS} <= set(marts)
    with bi_login.cursor() as cur:
        for mart in marts:
            cur.execute(f"select count(*) from {mart}")
            assert cur.fetchone()[0] > 0, mart


def test_bi_reader_reads_nothing_outside_the_marts(bi_login, pg_demo):
    """Every table and view of every other schema the build or the loader
    wrote (raw, staging, quarantine, intermediate, seeds, snapshots, and any
    schema added later) is refused, as is creating anything in the marts."""
    others = relations(pg_demo, "table_schema != 'marts'")
    assert set(NOT_FOR_BI) <= set(others)
    assert {relation.split(".")[0] for relation in others} >= {
        "raw", "staging", "quarantine", "intermediate", "seeds", "snapshots"}
    readable = []
    with bi_login.cursor() as cur:
        for relation in others:
            try:
                cur.execute(f"select count(*) from {relation}")
                readable.append(relation)
            except psycopg2.errors.InsufficientPrivilege:
                pass
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("create table marts.bi_scratch (n int)")
    assert readable == []


@pytest.mark.parametrize("relation", NOT_FOR_BI)
def test_bi_reader_cannot_read_anything_else(bi_login, relation):
    with bi_login.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(f"select count(*) from {relation}")


def test_bi_reader_cannot_write_the_marts(bi_login):
    with bi_login.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute("delete from marts.customer_segments")
