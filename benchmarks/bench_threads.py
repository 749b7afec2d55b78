"""Warm answer latency by embedder threads, with the CPU idle and busy: python benchmarks/bench_threads.py

For each `embedder.threads` value (1, the serving default, and 0 = all cores, the old behaviour) a
fresh worker process builds the service once, then answers questions it has not seen (each one
embeds a new query); p50/p95 are printed. "busy" runs the same with one CPU-bound process per core
spinning beside it, as on a machine shared with other work. OpenMP fixes its thread count when
the engine loads, hence a process per setting.
"""
from __future__ import annotations

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
QUESTION_FILES = ["heldout.jsonl", "blind.jsonl", "blind2.jsonl"]


def questions() -> list[str]:
    out = []
    for name in QUESTION_FILES:
        for line in (ROOT / "benchmarks" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["q"])
    return list(dict.fromkeys(out))


def worker(data: str, corpus: str, threads: int) -> None:
    """Answer every question once in this process; print the latencies (ms) as JSON."""
    sys.path.insert(0, str(ROOT))
    from retrieval.config import load_settings
    from retrieval.service import build_service

    settings = load_settings(ROOT / "config.yaml", corpus_dir=corpus, data_dir=data)
    settings = settings.model_copy(update={"embedder": settings.embedder.model_copy(update={"threads": threads})})
    service = build_service(settings, llm=None)
    service.ask("warm-up: 临床医学研究中心由哪个部门负责?", use_llm=False)
    latencies = []
    for q in questions():
        started = time.perf_counter()
        service.ask(q, use_llm=False)
        latencies.append((time.perf_counter() - started) * 1000)
    print(json.dumps(latencies))


def burners(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def measure(data: Path, corpus: Path, threads: int) -> list[float]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OPENAI_API_KEY", "OPENAI_BASE_URL")}
    done = subprocess.run([sys.executable, __file__, "--worker", str(data), str(corpus), str(threads)],
                          capture_output=True, text=True, check=True, env=env)
    return sorted(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    cores = os.cpu_count() or 2
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "dalian-2018-science-technology-work-plan.txt", corpus)
        data = Path(tmp) / "data"
        measure(data, corpus, 0)  # builds the index and its caches once
        print(f"{cores} cores, {len(questions())} new questions per run")
        for load in ("idle", "busy"):
            spinning = burners(cores) if load == "busy" else []
            try:
                for threads in (1, 0):
                    before = os.getloadavg()[0]
                    ms = measure(data, corpus, threads)
                    label = "1 (default)" if threads == 1 else f"0 = all {cores} cores"
                    print(f"{load:4}  threads {label:16} p50 {statistics.median(ms):6.1f} ms  "
                          f"p95 {ms[int(len(ms) * 0.95)]:7.1f} ms  (load average {before:.1f})")
            finally:
                for proc in spinning:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
