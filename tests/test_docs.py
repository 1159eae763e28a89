"""Every column of the published tables says what it means (each layer's _models.yml,
warehouse/_columns.yml, the contract), in the Dagster UI and in `cchc docs`'s page, which is built
offline from the published copy; marts is the dashboards' and alerts' only surface."""

import re
import subprocess
import sys

import dagster as dg
import pytest
from inbox_builder import dossier, write_month, write_reference

from pipelines.db import NOT_PUBLISHED, PUBLISHED_SCHEMAS, read_published
from pipelines.defs.assets import marts as marts_asset
from pipelines.model.docs import column_descriptions, columns, table_descriptions
from pipelines.model.lineage import lineage
from pipelines.refresh import refresh
from pipelines.settings import PROJECT_ROOT

MARTS = sorted(n for n in lineage() if n.startswith("marts."))
PUBLISHED = sorted(n for n in lineage() if n.split(".")[0] in PUBLISHED_SCHEMAS and n not in NOT_PUBLISHED)


@pytest.fixture
def published(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1"), dossier("HS-2", trang_thai="4")])
    refresh(inbox)


def test_every_published_column_is_described_and_no_description_is_stale(published):
    with read_published() as con:
        built = {t: {c.name: c for c in columns(con, t)} for t in PUBLISHED}
    undescribed = [f"{t}.{c}" for t, cols in built.items() for c, col in cols.items() if not col.description]
    assert undescribed == []
    described, _ = column_descriptions()
    stale = [f"{t}.{c}" for t, cols in described.items() for c in cols if c not in built.get(t, {})]
    assert stale == []
    assert [t for t in PUBLISHED if not table_descriptions().get(t)] == [], "a table without a comment above its CREATE"


def test_the_dagster_ui_shows_each_tables_columns_with_their_meaning(published):
    event = dg.DagsterInstance.get().get_latest_materialization_event(dg.AssetKey(["marts", "ranking"]))
    metadata = event.asset_materialization.metadata
    schema = metadata["dagster/column_schema"].schema
    by_name = {c.name: c for c in schema.columns}
    assert by_name["units_ranked"].description.startswith("Units of the level ranked")
    assert by_name["rank"].type == "BIGINT"
    assert metadata["dagster/row_count"].value > 0
    spec = next(s for s in marts_asset.specs if s.key == dg.AssetKey(["marts", "ranking"]))
    assert spec.description.startswith("The ranking page: units of a level ranked")


def test_cchc_docs_writes_one_page_that_describes_every_marts_column(published, tmp_path):
    out = tmp_path / "docs"
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "docs", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href)="(?!#)[^"]*"', page) == []  # nothing to fetch: it opens offline
    with read_published() as con:
        for table in MARTS:
            assert f'<section id="{table}">' in page
            for c in columns(con, table):
                assert f"<td><code>{c.name}</code></td><td>{c.type}</td><td>" in page
    assert "every unit below the scope&#x27;s target, with the points it costs" in page
    ranking = page.split('<section id="marts.ranking">')[1].split("</section>")[0]
    made_from = ranking.split("made from: ")[1].split(" · ")[0]
    assert made_from == ", ".join(f'<a href="#{t}">{t}</a>' for t in
                                  ("core.dim_don_vi", "kpi.composite", "kpi.periods", "kpi.scorecard"))


def test_cchc_docs_without_a_published_copy_says_what_to_do(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "docs", "--out", str(tmp_path / "d")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "cchc refresh" in done.stderr and "Traceback" not in done.stderr


def test_the_dashboards_and_the_alerts_read_marts_alone():
    """marts is their one surface (the views of warehouse/marts/70_ to 82_ over core, kpi and the
    refreshes' log); of meta they read only which copy they have (meta.publication, meta.model)."""
    readers = [*(PROJECT_ROOT / "dashboards").rglob("*.py"), *(PROJECT_ROOT / "pipelines" / "alert").glob("*.py"),
               *(PROJECT_ROOT / "warehouse" / "alerts").glob("*.sql")]
    found = [f"{f.relative_to(PROJECT_ROOT)}: {m}" for f in readers
             for m in re.findall(r"\b(?:core|kpi|staging|meta)\.[a-z_]+\b", f.read_text(encoding="utf-8"))
             if m not in ("meta.publication", "meta.model")]
    assert len(readers) > 20 and found == []
