"""`make docs`: dbt's documentation site as one self-contained file
(static_index.html) after a build, with anonymous usage statistics off: the
page's only outside request would be dbt's usage tracker (a script from a CDN
reporting to getdbt.com), which it starts only when the embedded manifest
says usage statistics are on."""

from __future__ import annotations

import json
import os
import re
import subprocess

from conftest import ACTIVATION_SALT, PROJECT_DIR


def test_make_docs_writes_one_self_contained_page_without_tracking(duck_demo):
    out = duck_demo.workdir / "docs"
    env = {**os.environ, "DBT_DUCKDB_PATH": str(duck_demo.path), "SEGWH_ACTIVATION_SALT": ACTIVATION_SALT}
    env.pop("DBT_SEND_ANONYMOUS_USAGE_STATS", None)  # make sets it, not the caller
    proc = subprocess.run(["make", "--no-print-directory", "docs", "TARGET=ci",
                           f"DBT_ARGS=--target-path {out} --log-path {out / 'logs'}"],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    page = (out / "static_index.html").read_text()

    # the embedded manifest's metadata: the page's tracker stays off
    assert re.findall(r'"send_anonymous_usage_stats":\s*(\w+)', page) == ["false"]
    # no script, stylesheet or font loaded from elsewhere
    assert not re.search(r"<script[^>]*\ssrc=[\"']?(https?:)?//", page)
    assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", page)
    assert not re.search(r"@import\s+url\([\"']?(https?:)?//", page)
    # the catalog of the built warehouse is inside: every mart with its columns
    catalog = json.loads((out / "catalog.json").read_text())
    marts = {node["metadata"]["name"] for node in catalog["nodes"].values() if node["metadata"]["schema"] == "marts"}
    assert {"customer_facts", "customer_segments", "customer_lifetime_value", "segment_audience_exports"} <= marts
    for name in ("model.behavioral_segmentation.customer_segments", "seed.behavioral_segmentation.segment_definitions"):
        assert name in page
