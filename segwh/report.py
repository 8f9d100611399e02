"""Print segment sizes from a built warehouse as a table.

    python -m segwh.report [--target dev|ci|postgres|spark]

Reads marts.customer_rfm and marts.customer_facts; the numbers themselves are
computed by the dbt models, this only formats them. On Spark it reads the
tables' Parquet files under SPARK_WAREHOUSE_DIR (segwh.spark_files).
"""

from __future__ import annotations

import argparse
import os
import sys

SEGMENT_SIZES_SQL = """
select
    rfm.rfm_segment,
    count(*) as customers,
    round(avg(rfm.recency_days), 1) as avg_recency_days,
    round(avg(rfm.frequency), 2) as avg_orders,
    round(cast(sum(rfm.monetary) as numeric), 2) as net_revenue,
    min(definitions.segment_rank) as segment_rank
from marts.customer_rfm as rfm
left join seeds.segment_definitions as definitions
    on rfm.rfm_segment = definitions.segment
    and definitions.dimension = 'rfm_segment'
group by rfm.rfm_segment
order by segment_rank, rfm.rfm_segment
"""

TOTALS_SQL = """
select
    count(*) as customers,
    sum(case when is_buyer then 1 else 0 end) as buyers,
    min(as_of_date) as as_of_date
from marts.customer_facts
"""


def connect(target: str):
    if target == "postgres":
        import psycopg2

        from segwh.generate import dsn_from_env

        return psycopg2.connect(**dsn_from_env())
    if target == "spark":
        from segwh.spark_files import parquet_catalog

        return parquet_catalog()
    import duckdb

    default = "ci.duckdb" if target == "ci" else "warehouse.duckdb"
    return duckdb.connect(os.environ.get("DBT_DUCKDB_PATH", default), read_only=True)


def fetch(conn, sql: str) -> list[tuple]:
    cursor = conn.cursor()
    cursor.execute(sql)
    return cursor.fetchall()


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    numeric = [all(r[i].replace(".", "", 1).replace("-", "", 1).isdigit() for r in rows) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print RFM segment sizes.")
    parser.add_argument("--target", default="dev", choices=["dev", "ci", "postgres", "spark"])
    args = parser.parse_args(argv)

    conn = connect(args.target)
    customers, buyers, as_of = fetch(conn, TOTALS_SQL)[0]
    segments = fetch(conn, SEGMENT_SIZES_SQL)
    conn.close()

    rows = [
        [str(name), str(count), f"{100.0 * count / buyers:.1f}", str(recency), str(orders), f"{revenue:.2f}"]
        for name, count, recency, orders, revenue, _rank in segments
    ]
    print(f"\nRFM segments as of {as_of}: {buyers} buyers of {customers} customers "
          f"({customers - buyers} never bought and are not scored)\n")
    print(format_table(["segment", "customers", "share %", "avg recency d", "avg orders", "net revenue"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
