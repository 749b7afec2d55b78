"""Load through the real Application and the fake Bot API: many users asking at once, a reload in the
middle, and every question accounted for as answered, answered with the polite error, or lost.

An answer is a message carrying the 👍/👎 keyboard (every answer, refusals included, has one); its
source buttons (``src|version|…``) tell which index version served it.
"""
from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from bot.telegram_render import t
from tests.fake_bot_api import BotDriver, Call, FakeBotAPI, button_data

from .chroma_server import free_port
from .harness import ADMIN, QUESTIONS, edit_dalian

Deliver = Callable[[dict, int], Awaitable[None]]  # (update, user index) → handed to the bot
# Polite replies that are not answers: the generic error and "the index is unavailable".
ERROR_TEXTS = {t(key, lang) for key in ("error", "index_down") for lang in ("zh", "en")}


@dataclass
class LoadResult:
    questions: int
    users: int
    answered: int = 0
    errored: int = 0
    other: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    versions: Counter = field(default_factory=Counter)
    reload_reply: str | None = None
    during_reload: int = 0  # answers sent between the /reload update and its reply

    @property
    def lost(self) -> int:
        """Questions that got neither an answer nor the polite error."""
        return self.questions - self.answered - self.errored

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms) or [0.0]
        return {"questions": self.questions, "users": self.users, "answered": self.answered,
                "errored": self.errored, "other": self.other, "lost": self.lost,
                "seconds": round(self.seconds, 1), "answers_per_s": round(self.answered / max(self.seconds, 1e-9), 1),
                "latency_ms_p50": round(statistics.median(lat)),
                "latency_ms_p95": round(lat[int(0.95 * (len(lat) - 1))]),
                "latency_ms_max": round(lat[-1]), "versions": dict(sorted(self.versions.items())),
                "answered_during_reload": self.during_reload}


def polling(api: FakeBotAPI) -> Deliver:
    async def deliver(update: dict, _user: int) -> None:
        api.push(update)
    return deliver


def question_for(round_: int, user: int, users: int) -> tuple[str, str]:
    return QUESTIONS[(round_ * users + user) % len(QUESTIONS)]


async def run_load(api: FakeBotAPI, deliver: Deliver, *, users: int, per_user: int, first_user: int = 10_000,
                   admin: int | None = None, reload_at_round: int | None = None, round_pause: float = 0.05,
                   before_round: Callable[[int], Awaitable[None]] | None = None,
                   timeout: float = 300.0) -> LoadResult:
    """Every user asks ``per_user`` questions, one round at a time; ``/reload`` from ``admin`` is sent
    before round ``reload_at_round``, and the last round waits for its reply, so the load runs through
    the reload and its last answers certainly come from the new version. ``before_round(n)`` is awaited
    just before each round's questions are sent (to stop a server, say)."""
    ids = [first_user + i for i in range(users)]
    pushed: dict[int, list[float]] = {uid: [] for uid in ids}
    reload_sent = None
    started = time.monotonic()
    for round_ in range(per_user):
        if reload_at_round is not None and round_ == reload_at_round:
            reload_sent = time.monotonic()
            await deliver(api.message("/reload", user_id=admin, language="en"), -1)
        if reload_sent is not None and round_ == per_user - 1:
            await _wait(lambda: _reload_reply(api, admin) is not None, started + timeout)
        if before_round is not None:
            await before_round(round_)
        for i, uid in enumerate(ids):
            question, lang = question_for(round_, i, users)
            pushed[uid].append(time.monotonic())
            await deliver(api.message(question, user_id=uid, language=lang), i)
        await asyncio.sleep(round_pause)

    def finished() -> bool:
        chats = _by_chat(api)
        return all(sum(map(len, _kinds(chats.get(uid, []))[:2])) >= per_user for uid in ids) and \
            (reload_sent is None or _reload_reply(api, admin) is not None)

    await _wait(finished, started + timeout)
    result = LoadResult(users * per_user, users, seconds=time.monotonic() - started)
    reply = _reload_reply(api, admin) if reload_sent is not None else None
    result.reload_reply = reply.params["text"] if reply else None
    chats = _by_chat(api)
    for uid in ids:
        answers, errors, others = _kinds(chats.get(uid, []))
        result.answered, result.errored, result.other = (result.answered + len(answers),
                                                         result.errored + len(errors), result.other + len(others))
        for call in answers:
            result.versions.update({int(d.split("|")[1]) for d in button_data(call) if d.startswith("src|")})
        result.latencies_ms += [(a - p) * 1000 for p, a in zip(pushed[uid], sorted(c.at for c in answers))]
        if reply is not None:
            result.during_reload += sum(reload_sent <= c.at <= reply.at for c in answers)
    return result


def versions_of(api: FakeBotAPI, chats) -> Counter:
    """Index versions behind the answers sent to these chats (from their source buttons)."""
    found: Counter = Counter()
    by_chat = _by_chat(api)
    for chat in chats:
        for call in _kinds(by_chat.get(chat, []))[0]:
            found.update({int(d.split("|")[1]) for d in button_data(call) if d.startswith("src|")})
    return found


def _by_chat(api: FakeBotAPI) -> dict[int, list[Call]]:
    chats: dict[int, list[Call]] = {}
    for call in api.sent():
        chats.setdefault(int(call.params["chat_id"]), []).append(call)
    return chats


def _kinds(calls: list[Call]) -> tuple[list[Call], list[Call], list[Call]]:
    """(answers, polite errors, anything else: notices, or the first parts of an answer split in two)."""
    answers, errors, others = [], [], []
    for call in calls:
        if any(d.startswith("fb|") for d in button_data(call)):
            answers.append(call)
        elif call.params.get("text") in ERROR_TEXTS:
            errors.append(call)
        else:
            others.append(call)
    return answers, errors, others


def _reload_reply(api: FakeBotAPI, admin: int | None) -> Call | None:
    sent = api.sent(admin) if admin is not None else []
    return sent[-1] if sent else None


async def _wait(predicate, deadline: float) -> None:
    while time.monotonic() < deadline and not predicate():
        await asyncio.sleep(0.05)


async def load_with_reload(api: FakeBotAPI, svc, *, users: int, per_user: int,
                           timeout: float) -> tuple[LoadResult, dict]:
    """users × per_user questions through a polling bot, with an admin's /reload half-way.

    The corpus is edited first so that the /reload really switches index versions.
    Returns the load result and the bot's counters.
    """
    svc.ask(QUESTIONS[0][0])  # the first search of a version builds its lexical index
    edit_dalian(svc.settings.corpus_dir, "(负载中修订)")
    async with BotDriver(api, svc.settings, svc,
                         telegram={"admins": [ADMIN], "rate_limit_per_minute": per_user}) as bot:
        await bot.start_polling()
        result = await run_load(api, polling(api), users=users, per_user=per_user, admin=ADMIN,
                                reload_at_round=per_user // 2, timeout=timeout)
        return result, dict(bot.app.bot_data["stats"])


async def start_webhook(bot: BotDriver, secret: str) -> str:
    """Serve the bot's webhook on a free loopback port; returns the URL to post updates to."""
    port = free_port()
    await bot.app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="telegram",
                                        webhook_url="https://bot.example.org/telegram", secret_token=secret)
    await bot.app.start()
    return f"http://127.0.0.1:{port}/telegram"
