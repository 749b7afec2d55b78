"""Shared pieces of the reliability suite and its benchmark: the questions users ask, services built
fast from an already-filled embedding cache, settings for server mode, synthetic corpora big enough
to interrupt an ingest, small misbehaving HTTP servers, and checks on the HTML the bot sends."""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import sqlite3
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from bot.telegram_render import MAX_MESSAGE, tg_len
from retrieval.config import Settings
from retrieval.ingest.corpus import safe_filename
from retrieval.ingest.loaders import DocumentError
from retrieval.service import build_service
from tests.conftest import make_settings, seed_cache  # noqa: F401  (seed_cache: used here and by importers)
from tests.fake_bot_api import BotDriver, FakeBotAPI, LoopbackServer

from .chroma_server import free_port

ROOT = Path(__file__).resolve().parent.parent
ADMIN, OTHER_ADMIN, USER = 42, 43, 5
DALIAN_NAME = "dalian-2018-science-technology-work-plan.txt"
MEASURES = 51  # in the Dalian work plan

# (question, Telegram language_code): answerable ones in both languages, and some the corpus does not answer.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("临床医学研究中心由哪个部门负责?", "zh"),
    ("Which bureau handles clinical research centres?", "en"),
    ("科技创新券管理办法由谁修订?", "zh"),
    ("Who revises the innovation voucher rules?", "en"),
    ("市科技局负责哪些工作?", "zh"),
    ("What can a small tech company get?", "en"),
    ("2018年全市计划新增多少个市级以上科技研发平台?", "zh"),
    ("Who is in charge of civil-military integration?", "en"),
    ("大学科技园有什么奖励?", "zh"),
    ("What support is there for technology transfer agencies?", "en"),
    ("制造业与物流业联动发展的实施方案由哪个部门负责制定?", "zh"),
    ("How are patents weighted in professional title reviews?", "en"),
    ("明天天气怎么样?", "zh"),
    ("What is the capital of France?", "en"),
    ("高新区管委会负责什么?", "zh"),
    ("Which unit organises the science and technology expert advisory committee?", "en"),
)
TOP_SECTIONS = {  # question → the measure a correct search puts first
    "临床医学研究中心由哪个部门负责?": "三(四)",
    "Which bureau handles clinical research centres?": "三(四)",
    "科技创新券管理办法由谁修订?": "四(四)",
}

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
                 "tg-spoiler", "tg-emoji", "blockquote"}
TAG_RE = re.compile(r"<\s*(/?)\s*([^\s>/]*)")


# -- services ------------------------------------------------------------------------------------
def cached_vectors(data_dir: Path) -> int:
    """Rows in a data folder's embedding cache (read while another process may be writing)."""
    path = data_dir / "embeddings.sqlite"
    if not path.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            return db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    except sqlite3.Error:
        return 0


def seeded_service(tmp: Path, embedder, source, *, extra: dict[str, str | bytes] | None = None,
                   index: dict | None = None, llm: dict | None = None):
    """A private service over its own copy of the corpus (plus ``extra`` files), its index built from
    the embedding cache of ``source`` (a built service); ``index``/``llm`` override those settings.
    The LLM path is on only if OPENAI_BASE_URL/OPENAI_API_KEY are set while it is built."""
    settings = make_settings(tmp)
    seed_cache(source.settings.data_dir, settings.data_dir)
    for name, content in (extra or {}).items():
        path = settings.corpus_dir / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    if index:
        settings = with_index(settings, **index)
    if llm:
        settings = with_llm(settings, **llm)
    svc = build_service(settings, embedder=embedder)
    svc.index.snapshot()
    return svc


def server_index(chroma: tuple[str, int], **extra) -> dict:
    """Index settings for a shared Chroma server, under a collection prefix nobody else uses."""
    host, port = chroma
    return {"host": host, "port": port, "prefix": f"t{uuid.uuid4().hex[:12]}", "refresh_seconds": 0} | extra


def with_index(settings: Settings, **index) -> Settings:
    """Settings with index overrides (host, port, prefix, refresh_seconds …)."""
    return settings.model_copy(update={"index": settings.index.model_copy(update=index)})


def with_llm(settings: Settings, **llm) -> Settings:
    return settings.model_copy(update={"llm": settings.llm.model_copy(update=llm)})


def edit_dalian(corpus_dir: Path, marker: str) -> None:
    """Change one measure (四(四)) so that a reload really builds and switches to a new version."""
    text, sentence = (ROOT / "corpus" / DALIAN_NAME).read_text(encoding="utf-8"), "修订完善科技创新券管理办法并组织实施"
    assert f"{sentence}。" in text, "the Dalian plan changed: pick another sentence to edit"
    (corpus_dir / DALIAN_NAME).write_text(text.replace(f"{sentence}。", f"{sentence}{marker}。"), encoding="utf-8")


def policybot_command(*args: str) -> list[str]:
    """The ``policybot`` CLI as a subprocess command line (the console script of this interpreter)."""
    script = Path(sys.executable).parent / "policybot"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from bot.cli import main; main()", *args]


class SyncBot:
    """The real Application (via BotDriver) on a private event loop, for synchronous hypothesis tests:
    ``process`` hands it one update and returns when every handler is done (bounded by a timeout)."""

    def __init__(self, api: FakeBotAPI, service, **kwargs) -> None:
        self.api = api
        self.loop = asyncio.new_event_loop()
        self.driver = BotDriver(api, service.settings, service, **kwargs)
        self.loop.run_until_complete(self.driver.__aenter__())

    @property
    def stats(self):
        return self.driver.app.bot_data["stats"]

    def process(self, update: dict, timeout: float = 30.0) -> None:
        self.loop.run_until_complete(asyncio.wait_for(self.driver.process(update), timeout))

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.driver.__aexit__(None, None, None))
        finally:
            self.loop.close()


# -- synthetic corpora ---------------------------------------------------------------------------
_DIGITS = "零一二三四五六七八九"
_WORDS = ("支持", "推进", "加快", "组织", "实施", "建设", "创新", "平台", "企业", "人才", "研发", "成果", "转化",
          "补助", "基金", "园区", "孵化", "专利", "标准", "示范", "项目", "服务", "融合", "数字", "海洋", "材料")
_UNITS = ("市科技局", "市财政局", "市发展改革委", "市经信委", "市人社局", "市教育局", "高新区管委会")


def chinese_number(n: int) -> str:
    """1..99 as written in headings: 一, 十, 十二, 二十三."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "") if n >= 10 else _DIGITS[n]


def synthetic_plan(seed: int, chapters: int = 6, subsections: int = 8, items: int = 3) -> str:
    """A work plan in the Dalian layout whose every measure is new text (so it must be embedded)."""
    rng = random.Random(seed)
    lines = [f"某市{seed}号科技创新工作方案"]
    for c in range(1, chapters + 1):
        lines.append(f"{chinese_number(c)}、{''.join(rng.sample(_WORDS, 3))}")
        for s in range(1, subsections + 1):
            lines.append(f"({chinese_number(s)}){''.join(rng.sample(_WORDS, 4))}。")
            for i in range(1, items + 1):
                body = "".join(rng.choice(_WORDS) for _ in range(12))
                lines.append(f"{i}.{body}{seed}-{c}-{s}-{i}。(责任单位:{rng.choice(_UNITS)})")
    return "\n".join(lines) + "\n"


def write_synthetic_corpus(folder: Path, documents: int, **shape) -> int:
    """Add ``documents`` synthetic plans to a corpus folder; returns how many measures they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(documents):
        (folder / f"synthetic-{n:03d}.txt").write_text(synthetic_plan(1000 + n, **shape), encoding="utf-8")
    return documents * shape.get("chapters", 6) * shape.get("subsections", 8) * shape.get("items", 3)


# -- checks --------------------------------------------------------------------------------------
def foreign_tags(html_text: str) -> list[str]:
    """Tags in a message that Telegram's HTML does not define (an unescaped ``<script>``, ``<x>`` …)."""
    return [name for _, name in TAG_RE.findall(html_text) if name.lower() not in TELEGRAM_TAGS]


def check_messages(api: FakeBotAPI) -> None:
    """Whatever the bot sent is a non-empty message Telegram accepts: ≤ 4,096 characters, known tags."""
    for call in api.recorded("sendMessage") + api.recorded("editMessageText"):
        text = call.params.get("text", "")
        assert text.strip() and tg_len(text) <= MAX_MESSAGE, text[:200]
        if call.params.get("parse_mode") == "HTML":
            assert not foreign_tags(text), text[:300]


def check_upload_name(name: str, corpus: Path) -> None:
    """A name safe_filename accepts is one plain entry directly inside the corpus folder."""
    try:
        safe = safe_filename(name)
    except DocumentError:
        return
    assert not {"/", "\\", "\x00"} & set(safe) and not safe.startswith(".") and safe not in (".", "..")
    assert (corpus / safe).resolve().parent == corpus.resolve()


# -- misbehaving endpoints -----------------------------------------------------------------------
LLM_TIMEOUT = 1.0  # seconds; the "slow" endpoint answers later than this
LLM_FAULTS = ("down", "slow", "http-500", "http-429", "not-json", "wrong-json", "garbage-body")


@contextlib.contextmanager
def llm_endpoint(kind: str):
    """The base URL of an OpenAI-compatible endpoint with the fault ``kind`` (one of LLM_FAULTS)."""
    from tests.fake_openai import FakeOpenAI, HTTPError, Slow

    if kind == "down":
        yield f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there: connection refused
        return
    if kind == "garbage-body":
        with garbage_endpoint() as endpoint:
            yield endpoint.base_url
        return
    fake = FakeOpenAI().start()
    fake.always({"slow": Slow(LLM_TIMEOUT + 2.0, "{}"), "http-500": HTTPError(500), "http-429": HTTPError(429),
                 "not-json": "Sure! Here is my answer, without any JSON <b>at all</b>.",
                 "wrong-json": '{"answer": 42, "citations": "S1"}'}[kind])
    try:
        yield fake.base_url
    finally:
        fake.stop()


class LoopbackEndpoint:
    """A tiny HTTP server on 127.0.0.1 that answers every POST with ``respond(request body)``."""

    def __init__(self, respond) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                reply = respond(self.rfile.read(int(self.headers.get("content-length") or 0)))
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self._server = LoopbackServer(("127.0.0.1", 0), Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


GARBAGE = (b"<html><body>502 Bad Gateway</body></html>", b"\x00\xff\xfe garbage \x81",
           b'{"choices": "not a list"}', b"", b'{"id": 1}')


def garbage_endpoint() -> LoopbackEndpoint:
    """An "OpenAI" endpoint answering HTTP 200 with bodies that are not the API's, in turn."""
    count = itertools.count()
    return LoopbackEndpoint(lambda _body: GARBAGE[next(count) % len(GARBAGE)])


def fake_embeddings(dim: int = 64) -> LoopbackEndpoint:
    """An OpenAI-compatible ``/embeddings`` endpoint with instant pseudo-random unit vectors, so that a
    ``policybot ingest`` of a huge corpus spends its time writing to Chroma (the phase to interrupt)."""
    def respond(raw: bytes) -> bytes:
        body = json.loads(raw or b"{}")
        data = [{"object": "embedding", "index": i, "embedding": _vector(text, dim)}
                for i, text in enumerate(body.get("input") or [])]
        return json.dumps({"object": "list", "data": data, "model": body.get("model", "fake"),
                           "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()

    return LoopbackEndpoint(respond)


def _vector(text: str, dim: int) -> list[float]:
    rng = random.Random(text)
    values = [rng.gauss(0, 1) for _ in range(dim)]
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    return [v / norm for v in values]
