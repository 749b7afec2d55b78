"""``policybot report`` over an audit database written directly with AuditLog; no index is needed."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.cli_report import register
from retrieval.audit import AuditLog, build_audit
from retrieval.config import load_settings
from retrieval.models import Answer, Citation

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yaml"

register(cli)  # bot/cli.py does this too; registering twice just replaces the command


def make_answer(*sections: str, answerable: bool = True, mode: str = "offline") -> Answer:
    citations = tuple(Citation("dalian", s, "heading", "quote") for s in sections)
    return Answer(question="q", text="a", answerable=answerable, language="zh", mode=mode, citations=citations)


def open_audit(data: Path, clock=None) -> AuditLog:
    """The database the command will read: the one build_audit picks for this data dir."""
    settings = load_settings(CONFIG, data_dir=data)
    if clock is None:
        return build_audit(settings)
    return AuditLog(f"sqlite:///{data / 'audit.sqlite'}", settings.audit.retention_days, clock=clock)


def run(data: Path, *args: str, config: Path = CONFIG):
    return CliRunner().invoke(cli, ["--config", str(config), "--data", str(data), "report", *args])


@pytest.fixture
def data(tmp_path) -> Path:
    """A week of traffic plus one question from ten days ago."""
    data = tmp_path / "data"
    now = datetime.now(timezone.utc)
    old = open_audit(data, clock=lambda: now - timedelta(days=10))
    old.record_answer(9, 9, "十天前的问题", make_answer("一(一)"), 30)
    old.close()
    audit = open_audit(data)
    bad = audit.record_answer(1, 1, "谁负责创新券?", make_answer("三(三)2", mode="llm"), 900)
    audit.record_feedback(bad, 1, -1)
    audit.record_answer(2, 2, "如何申请飞行汽车补贴？", make_answer(answerable=False), 40)
    audit.record_answer(3, 3, "如何申请 飞行汽车补贴?", make_answer(answerable=False), 60)
    audit.record_answer(None, None, "临床医学研究中心", make_answer("三(四)"), 120, channel="cli")
    audit.close()
    return data


def test_text_report(data):
    result = run(data)
    assert result.exit_code == 0, result.output
    assert "Questions: 4" in result.output and "abstained 2" in result.output
    assert "谁负责创新券? → 三(三)2" in result.output
    assert "2× 如何申请 飞行汽车补贴?" in result.output  # the latest wording stands for the group
    assert "十天前" not in result.output


def test_json_report(data):
    result = run(data, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["total"], report["answered"], report["abstained"]) == (4, 2, 2)
    assert (report["llm"], report["offline"], report["thumbs_down"]) == (1, 3, 1)
    assert report["disliked"][0]["cited"] == ["三(三)2"]
    assert report["unanswered"][0]["count"] == 2


def test_days_widens_the_period(data):
    report = json.loads(run(data, "--days", "30", "--json").output)
    assert report["total"] == 5


def test_chinese_report(data):
    result = run(data, "--lang", "zh")
    assert result.exit_code == 0 and "提问:4" in result.output


def test_empty_data_dir_needs_no_index(tmp_path):
    data = tmp_path / "fresh"
    result = run(data)
    assert result.exit_code == 0, result.output
    assert "No questions in this period." in result.output
    # Only the audit database was created: the command never opened the search index.
    assert {p.name for p in data.iterdir()} <= {"audit.sqlite", "audit.sqlite-wal", "audit.sqlite-shm"}


@pytest.mark.parametrize("args", [["--days", "0"], ["--days", "x"], ["--lang", "fr"], ["--top", "0"]])
def test_bad_options_are_usage_errors(data, args):
    assert run(data, *args).exit_code == 2


def test_unusable_database_url_is_a_clean_error(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("audit:\n  database_url: postgresql+nosuchdriver://u:hunter2@db/policybot\n", encoding="utf-8")
    result = run(tmp_path / "data", config=config)
    assert result.exit_code == 1
    assert "Error: cannot open the audit database" in result.output and "hunter2" not in result.output
