"""Offline answer latency and `ask --batch` throughput, on demand: python benchmarks/bench_answer.py

- warm offline answer latency p50/p95 over the questions of the eval files;
- `policybot ask --batch` of 100 questions as a subprocess, start-up included.
"""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from retrieval.config import load_settings
from retrieval.service import build_service

ROOT = Path(__file__).resolve().parent.parent
EVAL_FILES = [ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "benchmarks" / "heldout.jsonl"]


def questions() -> list[str]:
    out = []
    for path in EVAL_FILES:
        if path.exists():
            out += [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def main() -> None:
    asked = questions()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "dalian-2018-science-technology-work-plan.txt", corpus)
        data = Path(tmp) / "data"
        service = build_service(load_settings(ROOT / "config.yaml", corpus_dir=corpus, data_dir=data), llm=None)
        service.ask("warm-up: 临床医学研究中心")  # first-use structures are built once per index version
        # First pass: every question new to the process (its query vector is computed); then repeats,
        # which the query-vector cache serves, as for users who ask the same thing.
        for label, rounds in (("new questions", asked), ("repeated questions", asked * 2)):
            latencies = []
            for q in rounds:
                started = time.perf_counter()
                service.ask(q, use_llm=False)
                latencies.append(time.perf_counter() - started)
            latencies.sort()
            print(f"warm offline answer, {label} ({len(latencies)}): p50 {statistics.median(latencies) * 1000:.1f} ms,"
                  f" p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms")
        batch = Path(tmp) / "batch.txt"
        batch.write_text("\n".join((asked * 4)[:100]), encoding="utf-8")
        command = [sys.executable, "-m", "bot.cli", "--corpus", str(corpus), "--data", str(data),
                   "ask", "--batch", str(batch), "--json"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
        elapsed = time.perf_counter() - started
        answered = sum(1 for line in done.stdout.splitlines() if line.strip())
        print(f"ask --batch of 100 questions (start-up included): {elapsed:.2f} s, {answered} answers")


if __name__ == "__main__":
    main()
