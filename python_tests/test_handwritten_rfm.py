"""The benchmark's hand-written RFM core (segwh/handwritten_rfm.py) computes
exactly the marts customer_facts and customer_rfm: same customers, same column
names and types, same values, on generated data with the default vars."""

from __future__ import annotations

import duckdb
import pytest

from conftest import PROJECT_DIR, duck_warehouse
from segwh.handwritten_rfm import rfm_core_sql, run

SEGMENT_MAP_CSV = str(PROJECT_DIR / "seeds" / "rfm_segment_map.csv")
RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def rfm_warehouse(tmp_path_factory):
    """Generated data (2000 customers, seed 11), only +customer_facts +customer_rfm
    built by dbt, then the hand-written query run in the same DuckDB file after
    dbt has exited (target ci: keep_open false)."""
    from segwh.generate import generate

    data = tmp_path_factory.mktemp("handwritten_rfm_data")
    generate(customers=2000, seed=11, out=data, quiet=True)
    wh = duck_warehouse(tmp_path_factory.mktemp("handwritten_rfm_duck"), data / "events.parquet",
                        data / "customers.parquet", data / "consents.parquet")
    wh.build(["--select", "+customer_facts", "+customer_rfm",
              "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"])
    con = duckdb.connect(str(wh.path))
    try:
        con.execute("set TimeZone = 'UTC'")
        seconds, rows = run(con, str(data / "events.parquet"), str(data / "customers.parquet"), SEGMENT_MAP_CSV)
    finally:
        con.close()
    return wh, rows


def _columns(con, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()


def test_query_is_one_select():
    statements = duckdb.connect().extract_statements(
        rfm_core_sql("events.parquet", "customers.parquet", SEGMENT_MAP_CSV))
    assert len(statements) == 1
    assert statements[0].type == duckdb.StatementType.SELECT


def test_same_columns_and_types(rfm_warehouse):
    wh, _ = rfm_warehouse
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        facts = _columns(con, "marts", "customer_facts")
        rfm = _columns(con, "marts", "customer_rfm")
        mine = _columns(con, "main", "handwritten_rfm")
    finally:
        con.close()
    assert len(facts) == 40 and len(rfm) == 13
    fact_names = {name for name, _ in facts}
    expected = facts + [column for column in rfm if column[0] not in fact_names]
    assert len(expected) == 51
    assert mine == expected


def test_same_customers_and_values(rfm_warehouse):
    wh, rows = rfm_warehouse
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        facts = _columns(con, "marts", "customer_facts")
        rfm = _columns(con, "marts", "customer_rfm")
        fact_names = {name for name, _ in facts}

        n_facts, n_rfm, n_mine, n_mine_scored = con.execute("""
            select
                (select count(*) from marts.customer_facts),
                (select count(*) from marts.customer_rfm),
                (select count(*) from main.handwritten_rfm),
                (select count(*) from main.handwritten_rfm where r_score is not null)
        """).fetchone()
        assert n_mine == rows == n_facts > 1000
        assert n_mine_scored == n_rfm > 500

        unmatched = con.execute("""
            select
                count(*) filter (where h.customer_id is null),
                count(*) filter (where f.customer_id is null)
            from main.handwritten_rfm as h
            full join marts.customer_facts as f on h.customer_id = f.customer_id
        """).fetchone()
        assert unmatched == (0, 0), "customers differ (missing here, extra here)"
        rfm_unmatched = con.execute("""
            select count(*)
            from main.handwritten_rfm as h
            full join marts.customer_rfm as r on h.customer_id = r.customer_id
            where (r.customer_id is null) != (h.r_score is null)
        """).fetchone()[0]
        assert rfm_unmatched == 0, "scored customers differ from customer_rfm's"

        failures = []
        sources = [("f", name, data_type) for name, data_type in facts] + [
            ("r", name, data_type) for name, data_type in rfm if name not in fact_names
        ]
        for alias, name, data_type in sources:
            if name == "customer_id":
                continue
            if data_type == "DOUBLE":
                differs = (f"(h.{name} is null) != ({alias}.{name} is null) or abs(h.{name} - {alias}.{name})"
                           f" > {RELATIVE_TOLERANCE} * greatest(abs(h.{name}), abs({alias}.{name}))")
            else:  # integers, decimals (money), dates, timestamps, text, booleans: exact
                differs = f"h.{name} is distinct from {alias}.{name}"
            bad, example = con.execute(f"""
                select count(*), any_value([h.customer_id, cast(h.{name} as varchar), cast({alias}.{name} as varchar)])
                from main.handwritten_rfm as h
                inner join marts.customer_facts as f on h.customer_id = f.customer_id
                left join marts.customer_rfm as r on h.customer_id = r.customer_id
                where {differs}
            """).fetchone()
            if bad:
                failures.append(f"{name} ({data_type}): {bad} rows differ, e.g. [customer, mine, mart] = {example}")
    finally:
        con.close()
    assert not failures, "\n".join(failures)
