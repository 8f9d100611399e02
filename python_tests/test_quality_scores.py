"""Project quality as measured by tools the project did not write, on the
demo build: dbt-score (its default rules, with any [tool.dbt-score] settings of
pyproject.toml) and dbt-coverage's column-test coverage. dbt-coverage reads
the catalog, so the test runs `dbt docs generate` on the built warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_DIR, run_dbt

BIN = Path(sys.executable).parent
MIN_DBT_SCORE = 9.5
MIN_COLUMN_TEST_COVERAGE = 0.60


@pytest.fixture(scope="module")
def artifacts(duck_demo) -> Path:
    """manifest.json and catalog.json of the demo warehouse, in their own target path."""
    workdir = duck_demo.workdir / "quality"
    run_dbt(["docs", "generate"], workdir, env=duck_demo.env(), vars=duck_demo.vars)
    target = workdir / "target"
    assert (target / "manifest.json").exists() and (target / "catalog.json").exists()
    return target


def run_tool(args: list[str]) -> subprocess.CompletedProcess:
    # From the project folder, so dbt-score reads pyproject.toml's [tool.dbt-score].
    return subprocess.run(args, cwd=PROJECT_DIR, capture_output=True, text=True)


def test_dbt_score_with_default_rules(artifacts):
    proc = run_tool([str(BIN / "dbt-score"), "lint", "--manifest", str(artifacts / "manifest.json"), "--format", "json"])
    assert proc.stdout, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    score = report["project"]["score"]
    failing = sorted(
        (item["score"], name, [rule.rsplit(".", 1)[-1] for rule, r in item["results"].items() if r["result"] != "OK"])
        for name, item in report["evaluables"].items()
        if item["score"] < 10
    )
    assert score >= MIN_DBT_SCORE, f"dbt-score {score:.2f} < {MIN_DBT_SCORE}; lowest items: {failing[:15]}"
    # every model, seed and macro the project ships is scored (none skipped by a filter)
    kinds = {name.split(".")[0] for name in report["evaluables"]}
    assert {"model", "seed", "snapshot", "macro"} <= kinds


def test_column_test_coverage(artifacts, tmp_path):
    out = tmp_path / "coverage.json"
    proc = run_tool([str(BIN / "dbt-coverage"), "compute", "test", "--project-dir", str(PROJECT_DIR),
                     "--run-artifacts-dir", str(artifacts), "--cov-report", str(out)])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    report = json.loads(out.read_text())
    lowest = sorted((t["coverage"], t["name"], f"{t['covered']}/{t['total']}") for t in report["tables"])
    assert report["coverage"] >= MIN_COLUMN_TEST_COVERAGE, (
        f"column-test coverage {report['coverage']:.1%} < {MIN_COLUMN_TEST_COVERAGE:.0%}; lowest tables: {lowest[:10]}"
    )
