"""The audit log: every question with its answer mode, cited sections, latency and feedback, and the report
admins read from it. SQLAlchemy Core, so SQLite (the default, a file under data_dir) and PostgreSQL (several
instances sharing one log) run the same code.
"""
from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy import (JSON, BigInteger, Boolean, Column, DateTime, Integer, MetaData, SmallInteger, String, Table,
                        Text, create_engine, delete, event, func, insert, select, update)
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from retrieval.config import Settings
from retrieval.text.textnorm import HAN_RE

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
CHANNELS = ("telegram", "cli")
PURGE_EVERY = timedelta(days=1)
SQLITE_BUSY_SECONDS = 30.0  # how long a writer waits for another process (bot vs. `policybot report`)
SHOWN_QUESTION_CHARS = 120  # a 👎 question in the rendered report; the JSON has it whole


class AuditError(Exception):
    """The audit database cannot be opened, created or written."""


class UTCDateTime(TypeDecorator):
    """Naive UTC in the database (SQLite has no time zones), aware UTC in Python."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else _utc(value).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


metadata = MetaData()
questions = Table(
    "questions", metadata,
    # BIGINT on PostgreSQL; SQLite only autoincrements an INTEGER primary key.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("user_id", BigInteger, nullable=True),  # Telegram ids exceed 32 bits
    Column("chat_id", BigInteger, nullable=True),
    Column("question", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("answerable", Boolean, nullable=False),
    Column("cited", JSON, nullable=False),  # section ids, in citation order
    Column("units", JSON, nullable=False),
    Column("latency_ms", Integer, nullable=False),
    Column("feedback", SmallInteger, nullable=False, default=0),  # -1 👎, 0 none, 1 👍
    Column("feedback_at", UTCDateTime(), nullable=True),
)


# -- the report --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DislikedAnswer:
    id: int
    created_at: datetime
    question: str
    cited: tuple[str, ...]
    mode: str
    language: str

    def to_dict(self) -> dict:
        return {"id": self.id, "created_at": self.created_at.isoformat(), "question": self.question,
                "cited": list(self.cited), "mode": self.mode, "language": self.language}


@dataclass(frozen=True)
class UnansweredQuestion:
    normalized: str  # what the counts group by
    example: str  # the latest wording a user actually typed, for people to read
    count: int

    def to_dict(self) -> dict:
        return {"question": self.example, "normalized": self.normalized, "count": self.count}


_TEXT = {
    "en": {"head": "Audit report {since} – {until} (UTC)", "empty": "No questions in this period.",
           "totals": "Questions: {total} — answered {answered} ({pct}%), abstained {abstained}",
           "modes": "Answer mode: LLM {llm}, offline {offline}", "channels": "Channels: {channels}",
           "feedback": "Feedback: 👍 {up}  👎 {down}",
           "latency": "Latency: p50 {p50} ms, p95 {p95} ms", "disliked": "👎 answers (latest {shown} of {total}):",
           "unanswered": "Most frequent unanswered questions:", "none": "—"},
    "zh": {"head": "审计报告 {since} – {until}(UTC)", "empty": "本期间没有提问。",
           "totals": "提问:{total} — 已回答 {answered}({pct}%),无法回答 {abstained}",
           "modes": "回答方式:LLM {llm},离线 {offline}", "channels": "渠道:{channels}",
           "feedback": "反馈:👍 {up}  👎 {down}",
           "latency": "耗时:p50 {p50} 毫秒,p95 {p95} 毫秒", "disliked": "👎 的回答(最近 {shown} / 共 {total}):",
           "unanswered": "最常见的未回答问题:", "none": "无"},
}


@dataclass(frozen=True)
class AuditReport:
    since: datetime
    until: datetime
    total: int = 0
    answered: int = 0
    abstained: int = 0
    llm: int = 0
    offline: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    latency_p50_ms: int | None = None
    latency_p95_ms: int | None = None
    disliked: tuple[DislikedAnswer, ...] = ()  # the latest 👎 answers, newest first
    unanswered: tuple[UnansweredQuestion, ...] = ()  # most frequent first: what the corpus lacks
    channels: tuple[tuple[str, int], ...] = ()  # (channel, questions), most first: telegram, cli

    def to_dict(self) -> dict:
        return {"since": self.since.isoformat(), "until": self.until.isoformat(), "total": self.total,
                "answered": self.answered, "abstained": self.abstained, "llm": self.llm, "offline": self.offline,
                "thumbs_up": self.thumbs_up, "thumbs_down": self.thumbs_down,
                "latency_p50_ms": self.latency_p50_ms, "latency_p95_ms": self.latency_p95_ms,
                "disliked": [d.to_dict() for d in self.disliked],
                "unanswered": [u.to_dict() for u in self.unanswered],
                "channels": dict(self.channels)}

    def render(self, language: str = "en") -> str:
        """Plain text; the Telegram side escapes it for HTML."""
        text = _TEXT["zh" if language == "zh" else "en"]
        stamp = "%Y-%m-%d %H:%M"
        lines = [text["head"].format(since=self.since.strftime(stamp), until=self.until.strftime(stamp))]
        if not self.total:
            return "\n".join(lines + [text["empty"]])
        lines += [text["totals"].format(total=self.total, answered=self.answered, abstained=self.abstained,
                                        pct=round(100 * self.answered / self.total)),
                  text["modes"].format(llm=self.llm, offline=self.offline),
                  text["channels"].format(channels=", ".join(f"{c} {n}" for c, n in self.channels) or text["none"]),
                  text["feedback"].format(up=self.thumbs_up, down=self.thumbs_down),
                  text["latency"].format(p50=self.latency_p50_ms, p95=self.latency_p95_ms)]
        if self.disliked:
            lines += ["", text["disliked"].format(shown=len(self.disliked), total=self.thumbs_down)]
            lines += [f"  #{d.id} {d.created_at:%m-%d %H:%M} {_shorten(d.question)} → "
                      f"{', '.join(d.cited) or text['none']}" for d in self.disliked]
        if self.unanswered:
            lines += ["", text["unanswered"]] + [f"  {u.count}× {_shorten(u.example)}" for u in self.unanswered]
        return "\n".join(lines)


# -- the log -----------------------------------------------------------------------------------
class AuditLog:
    """Questions, answers and feedback in one table. Thread-safe: a pooled connection per call."""

    def __init__(self, database_url: str, retention_days: int,
                 clock: Callable[[], datetime] | None = None) -> None:
        if retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, not {retention_days}")
        self.retention = timedelta(days=retention_days)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._engine, self.url = _open_engine(database_url)
        # SQLite takes one writer at a time anyway; serialising here keeps this process's threads from
        # ever seeing "database is locked", and the busy timeout covers other processes.
        self._lock = threading.RLock() if self.url.get_backend_name() == "sqlite" else None
        self._purge_lock = threading.Lock()
        self._last_purge: datetime | None = None
        self._create_table()
        self.purge()

    def now(self) -> datetime:
        """The log's clock (aware UTC): reports count back from it."""
        return _utc(self._clock())

    def close(self) -> None:
        self._engine.dispose()

    def record_answer(self, user_id: int | None, chat_id: int | None, question: str, answer,
                      latency_ms: float, *, channel: str = "telegram") -> int:
        """Store one answered (or abstained) question; returns the row id the feedback buttons carry."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; expected one of {CHANNELS}")
        now = self.now()
        row = {"created_at": now, "channel": channel, "user_id": user_id, "chat_id": chat_id,
               "question": question[:MAX_QUESTION_CHARS], "language": answer.language, "mode": answer.mode,
               "answerable": bool(answer.answerable),
               "cited": list(dict.fromkeys(c.section for c in answer.citations)),
               "units": list(answer.units), "latency_ms": max(0, round(latency_ms)), "feedback": 0}
        with self._transaction() as conn:
            record_id = int(conn.execute(insert(questions).values(**row)).inserted_primary_key[0])
        log.debug("audit: record=%d channel=%s user=%s mode=%s answerable=%s", record_id, channel, user_id,
                  answer.mode, answer.answerable)
        self._maybe_purge(now)
        return record_id

    def record_feedback(self, record_id: int, user_id: int | None, value: int) -> bool:
        """Rate an answer; only the user who asked may, and a new rating replaces the old one."""
        if value not in (-1, 0, 1):
            raise ValueError(f"feedback must be -1, 0 or 1, not {value!r}")
        if user_id is None:
            return False  # an anonymous rating cannot be matched to the asker
        stmt = (update(questions).where(questions.c.id == record_id, questions.c.user_id == user_id)
                .values(feedback=value, feedback_at=self.now()))
        with self._transaction() as conn:
            saved = conn.execute(stmt).rowcount == 1
        log.info("audit: feedback record=%s user=%s value=%d %s", record_id, user_id, value,
                 "saved" if saved else "refused (unknown record or not the asker)")
        return saved

    def purge(self) -> int:
        """Delete rows older than the retention period; returns how many."""
        now = self.now()
        cutoff = now - self.retention
        with self._transaction() as conn:
            deleted = conn.execute(delete(questions).where(questions.c.created_at < cutoff)).rowcount
        with self._purge_lock:
            self._last_purge = now
        if deleted:
            log.info("audit: purged %d rows older than %s", deleted, cutoff.isoformat(timespec="seconds"))
        return deleted

    def report(self, since: datetime, until: datetime | None = None, top: int = 10) -> AuditReport:
        """What was asked in [since, until): counts, feedback, latency, 👎 answers, frequent unanswered."""
        since, until = _utc(since), _utc(until) if until is not None else self.now()
        window = (questions.c.created_at >= since) & (questions.c.created_at < until)
        q = questions.c
        with self._transaction(write=False) as conn:
            groups = conn.execute(select(q.answerable, q.mode, q.feedback, func.count()).where(window)
                                  .group_by(q.answerable, q.mode, q.feedback)).all()
            latencies = sorted(conn.execute(select(q.latency_ms).where(window)).scalars())
            disliked = conn.execute(select(q.id, q.created_at, q.question, q.cited, q.mode, q.language)
                                    .where(window & (q.feedback == -1))
                                    .order_by(q.created_at.desc(), q.id.desc()).limit(top)).all()
            abstained = conn.execute(select(q.question).where(window & q.answerable.is_(False))
                                     .order_by(q.created_at, q.id)).scalars().all()
            channels = conn.execute(select(q.channel, func.count()).where(window).group_by(q.channel)).all()

        def count(match) -> int:
            return sum(n for answerable, mode, feedback, n in groups if match(answerable, mode, feedback))

        return AuditReport(
            since=since, until=until, total=count(lambda a, m, f: True), answered=count(lambda a, m, f: a),
            abstained=count(lambda a, m, f: not a), llm=count(lambda a, m, f: m == "llm"),
            offline=count(lambda a, m, f: m == "offline"), thumbs_up=count(lambda a, m, f: f == 1),
            thumbs_down=count(lambda a, m, f: f == -1),
            latency_p50_ms=_percentile(latencies, 50), latency_p95_ms=_percentile(latencies, 95),
            disliked=tuple(DislikedAnswer(r.id, r.created_at, r.question, tuple(r.cited or ()), r.mode, r.language)
                           for r in disliked),
            unanswered=_top_unanswered(abstained, top),
            channels=tuple(sorted(((c, int(n)) for c, n in channels), key=lambda cn: (-cn[1], cn[0]))))

    # -- internals -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _transaction(self, write: bool = True):
        """A connection for this call only; database errors become AuditError naming the database."""
        with self._lock or contextlib.nullcontext():
            try:
                with (self._engine.begin() if write else self._engine.connect()) as conn:
                    yield conn
            except SQLAlchemyError as exc:
                raise AuditError(f"audit database {_safe(self.url)}: {exc}") from exc

    def _create_table(self) -> None:
        with self._lock or contextlib.nullcontext():
            try:
                metadata.create_all(self._engine)
            except SQLAlchemyError:
                # Two instances starting together on one PostgreSQL can both find the table missing;
                # the one that lost the race now sees the winner's table.
                try:
                    metadata.create_all(self._engine)
                except SQLAlchemyError as exc:
                    raise AuditError(f"cannot create the audit table in {_safe(self.url)}: {exc}") from exc

    def _maybe_purge(self, now: datetime) -> None:
        """At most once a day, so a busy bot does not run a DELETE with every question."""
        with self._purge_lock:
            due = self._last_purge is None or now - self._last_purge >= PURGE_EVERY
            if due:
                self._last_purge = now  # claimed before purging, so concurrent threads do not all purge
        if not due:
            return
        try:
            self.purge()
        except AuditError as exc:  # the question is recorded; retention can wait for tomorrow
            log.warning("audit: purge failed: %s", exc)


def build_audit(settings: Settings) -> AuditLog:
    """The configured audit log: ``audit.database_url``, else ``data_dir/audit.sqlite``."""
    url = settings.audit.database_url or str(URL.create("sqlite", database=str(settings.data_dir / "audit.sqlite")))
    return AuditLog(url, settings.audit.retention_days)


def engine_options(url: URL) -> dict:
    """create_engine keyword arguments for this database."""
    options: dict = {"json_serializer": lambda obj: json.dumps(obj, ensure_ascii=False)}
    if url.get_backend_name() != "sqlite":
        options["pool_pre_ping"] = True  # a restarted or idle-closed server must not fail the next question
        return options
    options["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
    if _in_memory(url):
        options["poolclass"] = StaticPool  # otherwise every thread would get its own empty database
    return options


def normalise_question(text: str) -> str:
    """The form unanswered questions are grouped by: width-folded, casefolded, punctuation and spacing gone."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return _HAN_SPACE_RE.sub("", " ".join(text.split()))


# Chinese is written without spaces: "创新券 怎么申请" and "创新券怎么申请" are the same question.
_HAN_SPACE_RE = re.compile(rf" (?={HAN_RE.pattern})|(?<={HAN_RE.pattern}) ")


def _open_engine(database_url: str) -> tuple[Engine, URL]:
    if database_url.startswith("postgres://"):  # the spelling hosting providers hand out; SQLAlchemy refuses it
        database_url = "postgresql://" + database_url[len("postgres://"):]
    try:
        url = make_url(database_url)
    except ArgumentError:
        # The message would repeat the URL, password included.
        raise AuditError("audit.database_url is not a valid SQLAlchemy URL") from None
    try:
        engine = create_engine(url, **engine_options(url))
    except (ImportError, ArgumentError) as exc:  # e.g. the PostgreSQL driver is not installed
        raise AuditError(f"cannot open the audit database {_safe(url)}: {exc}") from exc
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        if not _in_memory(url):
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return engine, url


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # WAL: `policybot report` reading does not block the bot writing, and vice versa.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, aware ones converted."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _percentile(ordered: list[int], pct: float) -> int | None:
    """Nearest-rank percentile of an ascending list: always a latency that was actually measured."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _top_unanswered(texts: list[str], top: int) -> tuple[UnansweredQuestion, ...]:
    """Group by the normalised form; ``texts`` come oldest first, so the latest wording is the example."""
    counts: Counter[str] = Counter()
    latest: dict[str, str] = {}
    for text in texts:
        key = normalise_question(text)
        if key:
            counts[key] += 1
            latest[key] = " ".join(text.split())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return tuple(UnansweredQuestion(key, latest[key], n) for key, n in ranked)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_QUESTION_CHARS else text[:SHOWN_QUESTION_CHARS - 1] + "…"
