"""Safe ingest for admins: a broken file never removes a good document, failures set the exit code,
and the report stays readable for large changes."""
from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from bot.cli import cli
from bot.render_text import ingest_text
from retrieval.models import DocumentReport, IngestReport
from tests.conftest import DALIAN


def test_a_broken_replacement_keeps_the_good_version(fresh_service):
    from tests.conftest import DALIAN

    path = fresh_service.settings.corpus_dir / DALIAN.name
    (fresh_service.settings.corpus_dir / "other.txt").write_text("标题\n一、总则\n（一）支持研发。\n", encoding="utf-8")
    fresh_service.reload()
    path.write_text("没有措施。", encoding="utf-8")
    report = fresh_service.reload()
    [failed] = report.failed
    assert failed.document == DALIAN.stem and failed.kept_previous and failed.measures == 51
    assert not any(d.removed for d in report.documents)
    assert len(fresh_service.measures(document=DALIAN.stem)) == 51
    assert report.to_dict()["documents"][-1]["kept_previous"] is True


def test_ingest_exits_non_zero_when_a_file_fails(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DALIAN, corpus / DALIAN.name)
    folders = ["--corpus", str(corpus), "--data", str(tmp_path / "data")]
    ok = CliRunner().invoke(cli, [*folders, "ingest", "--json"], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    (corpus / "notes.txt").write_text("只是一句说明。", encoding="utf-8")
    failed = CliRunner().invoke(cli, [*folders, "ingest", "--json"], catch_exceptions=False)
    assert failed.exit_code == 1
    report = json.loads(failed.output)
    assert report["failed"] == 1 and report["measures"] == 51
    [notes] = [d for d in report["documents"] if d["error"]]
    assert "notes.txt" in notes["error"] and notes["kept_previous"] is False
    text = CliRunner().invoke(cli, [*folders, "ingest"], catch_exceptions=False)
    assert text.exit_code == 1 and "✗ notes: notes.txt" in text.output and "1 file(s) not indexed" in text.output


def test_report_text_for_large_changes_and_warnings():
    ids = tuple(f"第{i}条" for i in range(1, 301))
    report = IngestReport(version=2, embedded=300, seconds=1.0, documents=(
        DocumentReport("big", "big.txt", measures=300, added=ids, warnings=("repeated ids: 第1条",), title="某办法"),
        DocumentReport("plan", "plan.txt", measures=51, error="plan.txt: no numbered measures", kept_previous=True)))
    text = ingest_text(report)
    assert "added (300): 第1条, 第2条" in text and "… and 280 more" in text and "第300条" not in text
    assert "! repeated ids: 第1条" in text and "《某办法》" in text
    assert "its previous 51 measures keep serving" in text
    assert report.to_dict()["documents"][0]["warnings"] == ["repeated ids: 第1条"]


def test_measures_show_lead_and_partner_units_apart():
    from bot.render_text import measure_dict, measure_text
    from retrieval.models import Measure

    m = Measure(document="plan", title="某方案", section="一(一)1", chapter="一、任务", subsection="", text="建设。",
                units=("市科技局", "市财政局"), lead_units=("市科技局",), support_units=("市财政局",),
                doc_number="某发〔2025〕1号", place="某市")
    text = measure_text(m)
    assert "牵头单位: 市科技局" in text and "配合单位: 市财政局" in text and "某发〔2025〕1号" in text
    data = measure_dict(m)
    assert data["lead_units"] == ["市科技局"] and data["partner_units"] == ["市财政局"] and data["place"] == "某市"
    assert data["units"] == ["市科技局", "市财政局"]
