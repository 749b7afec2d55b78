"""Cold start of the installed command, on demand: python benchmarks/bench_coldstart.py [--runs N]

Each measurement is `policybot ask "…"` run as a NEW process (the installed console script), wall
time from spawn to exit, with a question that process has never seen. The data folder is prepared
once by `policybot ingest`, as an admin would after installing; what a cold ask may reuse is what
is on disk (the index, its caches), nothing in memory.

Targets (issue 11, 2 cores): Chinese ≤ 2 s, English ≤ 3 s. The load average is printed beside the
numbers because the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"zh": 2.0, "en": 3.0}


def policybot() -> str:
    """The installed console script of the running interpreter's environment."""
    script = Path(sys.executable).with_name("policybot")
    found = str(script) if script.exists() else shutil.which("policybot")
    if not found:
        sys.exit("policybot is not installed: pip install -e . first")
    return found


def questions(language: str, n: int) -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "benchmarks" / "heldout.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r["q"] for r in rows if r.get("lang") == language][:n]


CPU: list[float] = []  # CPU seconds (user + system) of each timed process: robust to a busy machine


def timed(command: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Questions per language (each a new process).")
    args = parser.parse_args()
    exe = policybot()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "dalian-2018-science-technology-work-plan.txt", corpus)
        base = [exe, "--corpus", str(corpus), "--data", str(Path(tmp) / "data")]
        first = timed(base + ["ingest"])
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"first `policybot ingest` into an empty data folder (embeds 51 measures, builds caches): {first:.2f} s")
        print(f"`policybot measures` (no question): {timed(base + ['measures']):.2f} s")
        for language in ("zh", "en"):
            CPU.clear()
            times = [timed(base + ["ask", q]) for q in questions(language, args.runs)]
            verdict = "meets" if statistics.median(times) <= TARGETS[language] else "MISSES"
            print(f"cold `policybot ask` {language} ({len(times)} new processes): median {statistics.median(times):.2f} s,"
                  f" min {min(times):.2f} s, max {max(times):.2f} s wall; CPU median {statistics.median(CPU):.2f} s"
                  f" — {verdict} the {TARGETS[language]:.0f} s target")
        print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
