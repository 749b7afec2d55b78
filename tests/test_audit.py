"""The audit log: recording, feedback, the report, retention, threads, and opening the configured database."""
from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

import retrieval.audit as audit_module
from retrieval.audit import (AuditError, AuditLog, build_audit, engine_options, normalise_question,
                             questions)
from retrieval.config import AuditSettings, Settings
from retrieval.models import Answer, Citation

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def make_answer(*sections: str, answerable: bool = True, mode: str = "offline", language: str = "zh",
                units: tuple[str, ...] = ("市科技局",)) -> Answer:
    citations = tuple(Citation("dalian", s, "heading", "quote", units) for s in sections)
    return Answer(question="q", text="a", answerable=answerable, language=language, mode=mode,
                  citations=citations, units=units if answerable else ())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'audit.sqlite'}"


@pytest.fixture
def audit(url, clock):
    log_ = AuditLog(url, 30, clock=clock)
    yield log_
    log_.close()


def rows(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(questions).order_by(questions.c.id)).all()
    finally:
        engine.dispose()


# -- recording -----------------------------------------------------------------------------------
def test_record_answer_stores_every_field(audit, url, clock):
    first = audit.record_answer(42, -100, "临床医学研究中心由哪个部门负责?", make_answer("三(四)", "三(四)", "三(三)2"),
                                812.6)
    second = audit.record_answer(None, None, "x" * 5000, make_answer(answerable=False, mode="llm", language="en"),
                                 5, channel="cli")
    assert isinstance(first, int) and second > first
    one, two = rows(url)
    assert (one.channel, one.user_id, one.chat_id, one.language, one.mode, one.answerable) == \
        ("telegram", 42, -100, "zh", "offline", True)
    assert one.question == "临床医学研究中心由哪个部门负责?"
    assert one.cited == ["三(四)", "三(三)2"]  # citation order, each section once
    assert one.units == ["市科技局"]
    assert one.latency_ms == 813 and one.feedback == 0 and one.feedback_at is None
    assert one.created_at == T0  # aware UTC back from SQLite
    assert (two.channel, two.user_id, two.answerable, two.mode, two.cited) == ("cli", None, False, "llm", [])
    assert len(two.question) == 1000


def test_unknown_channel_is_refused(audit):
    with pytest.raises(ValueError):
        audit.record_answer(1, 1, "q", make_answer(), 1, channel="email")


def test_questions_are_not_logged_at_info(audit, caplog):
    caplog.set_level(logging.DEBUG, logger="retrieval.audit")
    record = audit.record_answer(7, 7, "SECRET-ISH QUESTION TEXT", make_answer(), 10)
    audit.record_feedback(record, 7, -1)
    audit.report(T0 - timedelta(days=1))
    assert "SECRET-ISH" not in caplog.text


# -- feedback ------------------------------------------------------------------------------------
def test_only_the_asker_can_rate(audit, url):
    record = audit.record_answer(42, 1, "q", make_answer("三(四)"), 10)
    assert audit.record_feedback(record, 43, -1) is False
    assert audit.record_feedback(record + 99, 42, -1) is False
    assert audit.record_feedback(record, None, -1) is False
    assert rows(url)[0].feedback == 0
    assert audit.record_feedback(record, 42, -1) is True
    assert audit.record_feedback(record, 42, 1) is True  # a new rating replaces the old
    row = rows(url)[0]
    assert row.feedback == 1 and row.feedback_at == T0


def test_anonymous_rows_cannot_be_rated(audit):
    record = audit.record_answer(None, None, "q", make_answer(), 10, channel="cli")
    assert audit.record_feedback(record, None, 1) is False


@pytest.mark.parametrize("value", [2, -2, 5])
def test_feedback_value_is_checked(audit, value):
    record = audit.record_answer(1, 1, "q", make_answer(), 10)
    with pytest.raises(ValueError):
        audit.record_feedback(record, 1, value)


# -- report --------------------------------------------------------------------------------------
def test_report_counts_feedback_latency_and_unanswered(audit, clock):
    for i, latency in enumerate([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]):
        audit.record_answer(1, 1, f"answered {i}", make_answer("三(四)", mode="llm" if i < 3 else "offline"), latency)
    down = audit.record_answer(2, 2, "谁负责创新券?", make_answer("三(三)2", "五(一)"), 50)
    up = audit.record_answer(3, 3, "liked", make_answer("一(一)"), 60)
    audit.record_feedback(down, 2, -1)
    audit.record_feedback(up, 3, 1)
    for text in ["如何申请 飞行汽车补贴？", "如何申请飞行汽车补贴?", " 如何申请飞行汽车补贴 ", "What about drones?",
                 "what   about DRONES", "一次性问题"]:
        audit.record_answer(4, 4, text, make_answer(answerable=False), 20)
    clock.advance(minutes=1)

    report = audit.report(T0 - timedelta(hours=1), top=2)

    assert (report.total, report.answered, report.abstained) == (18, 12, 6)
    assert (report.llm, report.offline) == (3, 15)
    assert (report.thumbs_up, report.thumbs_down) == (1, 1)
    assert report.latency_p50_ms == 100 and report.latency_p95_ms == 1000
    assert [(d.id, d.question, d.cited) for d in report.disliked] == [(down, "谁负责创新券?", ("三(三)2", "五(一)"))]
    assert [(u.normalized, u.example, u.count) for u in report.unanswered] == [
        ("如何申请飞行汽车补贴", "如何申请飞行汽车补贴", 3), ("what about drones", "what about DRONES", 2)]


def test_report_period_excludes_rows_outside_it(audit, clock):
    audit.record_answer(1, 1, "old", make_answer(), 10)
    clock.advance(days=3)
    audit.record_answer(1, 1, "new", make_answer(), 10)
    clock.advance(seconds=1)
    assert audit.report(clock.now - timedelta(days=1)).total == 1
    assert audit.report(T0, until=T0 + timedelta(days=1)).total == 1
    assert audit.report(T0.replace(tzinfo=None)).total == 2  # naive means UTC


def test_report_lists_latest_dislikes_first_up_to_top(audit, clock):
    ids = []
    for i in range(5):
        ids.append(audit.record_answer(1, 1, f"bad {i}", make_answer("一(一)"), 10))
        audit.record_feedback(ids[-1], 1, -1)
        clock.advance(minutes=1)
    report = audit.report(T0, top=3)
    assert report.thumbs_down == 5
    assert [d.id for d in report.disliked] == ids[::-1][:3]
    assert "latest 3 of 5" in report.render("en")


def test_report_on_empty_database(audit, clock):
    report = audit.report(T0 - timedelta(days=7))
    assert (report.total, report.answered, report.abstained, report.thumbs_down) == (0, 0, 0, 0)
    assert report.latency_p50_ms is None and report.disliked == () and report.unanswered == ()
    assert json.loads(json.dumps(report.to_dict()))["total"] == 0
    assert "No questions" in report.render("en")
    assert "没有提问" in report.render("zh")


def test_render_and_to_dict(audit, clock):
    record = audit.record_answer(1, 1, "谁负责创新券?", make_answer("三(三)2"), 120)
    audit.record_feedback(record, 1, -1)
    audit.record_answer(1, 1, "飞行汽车?", make_answer(answerable=False), 30)
    clock.advance(seconds=1)
    report = audit.report(T0)
    en, zh = report.render("en"), report.render("zh")
    assert "Questions: 2" in en and "answered 1 (50%)" in en and "谁负责创新券? → 三(三)2" in en
    assert "1× 飞行汽车?" in en
    assert "提问:2" in zh and "最常见的未回答问题" in zh
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["disliked"][0]["cited"] == ["三(三)2"]
    assert data["unanswered"] == [{"question": "飞行汽车?", "normalized": "飞行汽车", "count": 1}]
    assert data["since"] == T0.isoformat()


# -- retention -----------------------------------------------------------------------------------
def test_purge_deletes_rows_older_than_retention(audit, url, clock):
    audit.record_answer(1, 1, "old", make_answer(), 10)
    clock.advance(days=29)
    audit.record_answer(1, 1, "newer", make_answer(), 10)  # a day has passed: purges, but nothing is old yet
    assert len(rows(url)) == 2
    clock.advance(days=1, seconds=1)
    audit.record_answer(1, 1, "newest", make_answer(), 10)
    assert [r.question for r in rows(url)] == ["newer", "newest"]


def test_purge_runs_on_start(url, clock):
    first = AuditLog(url, 30, clock=clock)
    first.record_answer(1, 1, "old", make_answer(), 10)
    first.close()
    clock.advance(days=31)
    second = AuditLog(url, 30, clock=clock)
    assert rows(url) == []
    second.close()


def test_purge_runs_at_most_once_a_day_from_record_answer(audit, clock, monkeypatch):
    calls = []
    monkeypatch.setattr(audit, "purge", lambda: calls.append(clock.now) or 0)
    for _ in range(5):
        clock.advance(hours=1)
        audit.record_answer(1, 1, "q", make_answer(), 10)
    assert calls == []  # the start-up purge counts for today
    clock.advance(days=1)
    audit.record_answer(1, 1, "q", make_answer(), 10)
    audit.record_answer(1, 1, "q", make_answer(), 10)
    assert len(calls) == 1


def test_retention_must_be_positive(url):
    with pytest.raises(ValueError):
        AuditLog(url, 0)


# -- threads -------------------------------------------------------------------------------------
@pytest.mark.parametrize("memory", [False, True])
def test_concurrent_writes_from_eight_threads_lose_nothing(tmp_path, memory):
    audit = AuditLog("sqlite://" if memory else f"sqlite:///{tmp_path / 'a.sqlite'}", 30)
    per_thread, ids, errors = 25, [], []
    start = threading.Barrier(8)

    def work(user: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                record = audit.record_answer(user, user, f"q {user} {i}", make_answer("三(四)"), i)
                assert audit.record_feedback(record, user, 1 if i % 2 else -1)
                ids.append(record)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(user,)) for user in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(ids)) == 8 * per_thread
    report = audit.report(datetime.now(timezone.utc) - timedelta(hours=1))
    assert report.total == 8 * per_thread
    assert report.thumbs_up + report.thumbs_down == 8 * per_thread
    audit.close()


# -- opening the database ------------------------------------------------------------------------
def settings_for(tmp_path, database_url=None) -> Settings:
    return Settings(data_dir=tmp_path / "nested" / "data", audit=AuditSettings(database_url=database_url,
                                                                              retention_days=12))


def test_build_defaults_to_sqlite_under_data_dir(tmp_path):
    audit = build_audit(settings_for(tmp_path))
    audit.record_answer(1, 1, "q", make_answer(), 10)
    assert (tmp_path / "nested" / "data" / "audit.sqlite").is_file()
    assert audit.retention == timedelta(days=12)
    audit.close()


def test_build_uses_the_configured_url(tmp_path):
    target = tmp_path / "elsewhere" / "log.db"
    audit = build_audit(settings_for(tmp_path, f"sqlite:///{target}"))
    audit.record_answer(1, 1, "q", make_answer(), 10)
    assert target.is_file() and not (tmp_path / "nested" / "data" / "audit.sqlite").exists()
    audit.close()


@pytest.mark.parametrize("configured", ["postgresql+psycopg://policybot:pw@db.internal:5432/policybot",
                                        "postgresql://policybot@db.internal/policybot"])
def test_build_passes_a_postgresql_url_through(tmp_path, monkeypatch, configured):
    seen = {}
    monkeypatch.setattr(audit_module, "AuditLog", lambda url, days: seen.update(url=url, days=days))
    build_audit(settings_for(tmp_path, configured))
    assert seen == {"url": configured, "days": 12}
    options = engine_options(make_url(configured))
    assert options["pool_pre_ping"] is True and "connect_args" not in options


def test_sqlite_options_allow_threads_and_wait_for_locks():
    options = engine_options(make_url("sqlite:////tmp/x.sqlite"))
    assert options["connect_args"]["check_same_thread"] is False
    assert options["connect_args"]["timeout"] >= 5


def test_postgres_scheme_is_accepted(monkeypatch):
    seen = {}

    def fake_create_engine(url, **options):
        seen["url"] = url
        raise ImportError("no driver in the test environment")

    monkeypatch.setattr(audit_module, "create_engine", fake_create_engine)
    with pytest.raises(AuditError):
        AuditLog("postgres://u:pw@h/db", 30)
    assert seen["url"].drivername == "postgresql"


@pytest.mark.parametrize("bad", ["postgresql+nosuchdriver://u:hunter2@h/db", "not a url hunter2"])
def test_unusable_url_is_a_clear_error_without_the_password(bad):
    with pytest.raises(AuditError) as info:
        AuditLog(bad, 30)
    assert "hunter2" not in str(info.value)


# -- normalisation -------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [("如何申请创新券？", "如何申请 创新券?"), ("ＡＢＣ  def!", "abc def"),
                                  ("What about drones?", " what, about... DRONES ")])
def test_normalise_groups_variants(a, b):
    assert normalise_question(a) == normalise_question(b)


def test_normalise_keeps_distinct_questions_apart():
    assert normalise_question("补贴多少") != normalise_question("补贴多少钱")
    assert normalise_question("a b") != normalise_question("ab")


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise_question(text)
    assert normalise_question(once) == once
