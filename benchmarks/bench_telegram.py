"""The Telegram bot under load, offline: 1,000 questions from 100 users through the loopback fake Bot API.

    python benchmarks/bench_telegram.py                     # `policybot serve` as a subprocess (default)
    python benchmarks/bench_telegram.py --inprocess         # the Application in this process
    python benchmarks/bench_telegram.py --inprocess --no-flood-limit   # the bot's own capacity

Each user asks its questions one after another (it waits for the answer before the next), so latency is
what a user sees: from the update being queued for getUpdates to the answer's sendMessage. Answered means
the answer (the message carrying the 👍/👎 keyboard) arrived; lost means it did not within --timeout.
With Telegram's flood limits (AIORateLimiter: 30 requests/s) throughput cannot exceed ~30 answers/s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import BotDriver, FakeBotAPI  # noqa: E402

EVAL_FILES = [ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "benchmarks" / "heldout.jsonl"]
FALLBACK = ["Which bureau handles clinical research centres?", "临床医学研究中心由哪个部门负责?",
            "科技创新券怎么支持中小微企业?", "What support can a small tech company get?"]
TOKEN = "123:BENCH"


def questions() -> list[str]:
    out = []
    for path in EVAL_FILES:
        if path.exists():
            out += [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out or FALLBACK


def write_config(tmp: Path, api: FakeBotAPI) -> Path:
    import yaml

    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    config = {"corpus_dir": str(corpus), "data_dir": str(tmp / "data"), "prompts_dir": str(ROOT / "prompts"),
              "telegram": {"base_url": api.base_url, "base_file_url": api.base_file_url}}
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


class Users:
    """Closed-loop users: each sends its next question when the previous answer arrived."""

    def __init__(self, api: FakeBotAPI, loop: asyncio.AbstractEventLoop) -> None:
        self.api, self.loop = api, loop
        self.waiting: dict[int, asyncio.Future] = {}
        api.listeners.append(self._on_call)

    def _on_call(self, call) -> None:
        if call.method == "sendMessage" and call.params.get("reply_markup"):
            chat = int(call.params["chat_id"])
            self.loop.call_soon_threadsafe(self._resolve, chat, call)

    def _resolve(self, chat: int, call) -> None:
        future = self.waiting.pop(chat, None)
        if future is not None and not future.done():
            future.set_result(call)

    async def user(self, user_id: int, asked: list[str], timeout: float, latencies: list, lost: list) -> None:
        for question in asked:
            future = self.loop.create_future()
            self.waiting[user_id] = future
            started = time.perf_counter()
            self.api.push(self.api.message(question, user_id=user_id, language="en"))
            try:
                await asyncio.wait_for(future, timeout)
                latencies.append(time.perf_counter() - started)
            except asyncio.TimeoutError:
                self.waiting.pop(user_id, None)
                lost.append((user_id, question))


async def drive(api: FakeBotAPI, users: int, per_user: int, timeout: float) -> dict:
    pool = questions()
    crowd = Users(api, asyncio.get_running_loop())
    latencies: list[float] = []
    lost: list = []
    started = time.perf_counter()
    await asyncio.gather(*(crowd.user(1000 + u, [pool[(u * per_user + i) % len(pool)] for i in range(per_user)],
                                      timeout, latencies, lost) for u in range(users)))
    wall = time.perf_counter() - started
    latencies.sort()
    quantile = (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000) if latencies else \
        (lambda q: float("nan"))
    return {"questions": users * per_user, "users": users, "answered": len(latencies), "lost": len(lost),
            "seconds": round(wall, 2), "throughput_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(quantile(0.50)), "p95_ms": round(quantile(0.95)), "max_ms": round(quantile(1.0)),
            "mean_ms": round(statistics.fmean(latencies) * 1000) if latencies else None,
            "chat_actions": len(api.recorded("sendChatAction")),
            "polite_refusals": sum(1 for c in api.sent() if not c.params.get("reply_markup"))}


def run_subprocess(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(token=TOKEN, bot_id=123) as api:
        config = write_config(Path(tmp), api)
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
        env["TELEGRAM_BOT_TOKEN"] = TOKEN
        log_path = Path(tmp) / "serve.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([str(Path(sys.executable).with_name("policybot")), "--config", str(config),
                                     "serve"], env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT)
            try:
                api.wait_for_sync(lambda c: c.method == "getUpdates", timeout=300)
                result = asyncio.run(drive(api, args.users, args.per_user, args.timeout))
            finally:
                proc.terminate()
                result_code = proc.wait(timeout=60)
        result |= {"mode": "policybot serve (subprocess)", "exit_code": result_code}
        if result["lost"] or result_code:
            print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
        return result


def run_inprocess(args) -> dict:
    from telegram.ext import AIORateLimiter

    from retrieval.config import load_settings
    from retrieval.service import build_service

    async def main(api, settings, service) -> dict:
        flood = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2) if args.no_flood_limit else None
        async with BotDriver(api, settings, service, flood_limiter=flood) as bot:
            await bot.start_polling()
            return await drive(api, args.users, args.per_user, args.timeout)

    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(token=TOKEN, bot_id=123) as api:
        shutil.copytree(ROOT / "corpus", Path(tmp) / "corpus")
        settings = load_settings(ROOT / "config.yaml", corpus_dir=Path(tmp) / "corpus", data_dir=Path(tmp) / "data")
        service = build_service(settings, llm=None)
        service.index.snapshot()
        result = asyncio.run(main(api, settings, service))
    flood = "off" if args.no_flood_limit else "Telegram's (30/s)"
    return result | {"mode": f"in-process, flood limit {flood}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--per-user", type=int, default=10, help="questions per user (the default limit is 10/min)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a question counts as lost")
    parser.add_argument("--inprocess", action="store_true", help="run the Application in this process")
    parser.add_argument("--no-flood-limit", action="store_true", help="in-process only: no outgoing flood limit")
    args = parser.parse_args()
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):  # offline mode
        os.environ.pop(name, None)
    result = run_inprocess(args) if args.inprocess else run_subprocess(args)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"answered {result['answered']}/{result['questions']}, lost {result['lost']}; "
          f"{result['throughput_per_s']} answers/s; p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms")
    sys.exit(1 if result["lost"] else 0)


if __name__ == "__main__":
    main()
