"""The README stays a newcomer's page and the docs/ pages it points to stay true:
the README is at most 400 lines; every relative link of README.md and
docs/*.md reaches an existing file (and heading, for a link with an anchor);
every seed, model and make target the README names exists; and
docs/configuration.md names every var of dbt_project.yml.

No build: these read files only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR

README = PROJECT_DIR / "README.md"
DOCS = sorted((PROJECT_DIR / "docs").glob("*.md"))
MAX_README_LINES = 400

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
SCHEMAS = ("staging", "intermediate", "marts", "quarantine", "snapshots")


def without_code(text: str) -> str:
    """The text outside fenced code blocks and inline code spans."""
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def code_of(text: str) -> str:
    """Fenced code blocks and inline code spans, one per line."""
    return "\n".join(FENCE.findall(text) + re.findall(r"`([^`\n]+)`", FENCE.sub("", text)))


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a page: lower case, every
    character but letters, digits, '_', '-' and spaces dropped, spaces as '-';
    a repeated heading gets -1, -2, ..."""
    anchors: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", FENCE.sub("", markdown), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        candidate, n = slug, 0
        while candidate in anchors:
            n += 1
            candidate = f"{slug}-{n}"
        anchors.add(candidate)
    return anchors


def make_targets() -> set[str]:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*):(?!=)", makefile, re.M))


def model_names() -> set[str]:
    names = {p.stem for p in (PROJECT_DIR / "models").rglob("*.sql")}
    for snapshot_file in (PROJECT_DIR / "snapshots").glob("*.yml"):
        names |= {s["name"] for s in yaml.safe_load(snapshot_file.read_text()).get("snapshots", [])}
    return names


def readme_marts() -> set[str]:
    """The first column of the README's table of marts (header `| mart |`)."""
    table = re.search(r"^\| mart \|.*?(?=^$)", README.read_text(), re.S | re.M)
    assert table, "README.md has no table of marts (a header row starting '| mart |')"
    return set(re.findall(r"^\| `(\w+)` \|", table.group(0), re.M))


def test_readme_is_a_newcomers_page():
    lines = README.read_text().splitlines()
    assert len(lines) <= MAX_README_LINES, (
        f"README.md has {len(lines)} lines (at most {MAX_README_LINES}): move reference text to docs/")
    assert DOCS, "docs/ holds no page"


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_relative_links_reach_a_file_and_heading(page):
    broken = []
    for target in LINK.findall(without_code(page.read_text())):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{target}: no file {linked}")
        elif anchor and linked.suffix == ".md" and anchor not in github_anchors(linked.read_text()):
            broken.append(f"{target}: no heading #{anchor} in {linked.name}")
    assert not broken, "\n".join(broken)


def test_what_the_readme_names_exists():
    text = README.read_text()
    code = code_of(text)

    seeds = set(re.findall(r"seeds/([\w-]+\.csv)", text))
    assert seeds, "the README names no seed file"
    missing_seeds = sorted(s for s in seeds if not (PROJECT_DIR / "seeds" / s).exists())
    assert not missing_seeds, f"seeds named in README.md but not in seeds/: {missing_seeds}"

    targets = set(re.findall(r"(?<![\w-])make +([a-z][\w-]*)", code))
    assert {"run", "test"} <= targets, "the README must name its two commands"
    missing_targets = sorted(targets - make_targets())
    assert not missing_targets, f"make targets named in README.md but not in the Makefile: {missing_targets}"

    models = model_names()
    named = set(re.findall(rf"(?<![\w.])(?:{'|'.join(SCHEMAS)})\.(\w+)", code))
    named |= set(re.findall(r"(?<![\w.])((?:stg|int|base)_\w+)", code))
    named |= readme_marts()
    assert named, "the README names no model"
    missing_models = sorted(named - models)
    assert not missing_models, f"models named in README.md but not in models/ or snapshots/: {missing_models}"


def test_every_mart_is_in_the_readme_table():
    listed = readme_marts()
    marts = {p.stem for p in (PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    assert marts - listed == set(), f"marts missing from the README's table: {sorted(marts - listed)}"


def test_configuration_page_names_every_var():
    variables = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    page = (PROJECT_DIR / "docs" / "configuration.md").read_text()
    named = set(re.findall(r"`(\w+)`", page))
    missing = sorted(v for v in variables if v not in named)
    assert not missing, f"vars of dbt_project.yml missing from docs/configuration.md: {missing}"
