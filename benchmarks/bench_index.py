"""Ingest and search timings, on demand (not a test): python benchmarks/bench_index.py

Prints: ingest of the Dalian plan (cold: every measure embedded), an unchanged re-ingest,
an ingest of 10,000 synthetic measures, and search latency p50/p95 over mixed questions.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from retrieval.config import load_settings
from retrieval.service import build_service

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["临床医学研究中心由哪个部门负责?", "Which bureau handles clinical research centres?",
             "2018年全市技术合同成交额要达到多少?", "innovation voucher", "市人社局负责哪些工作?",
             "What is the maximum subsidy for an introduced R&D institution?", "三(五)", "科技创新基金管理办法"]


def synthetic_document(index: int, chapters: int = 10, subsections: int = 10, items: int = 10) -> str:
    """A work plan of chapters × subsections × items numbered measures (1,000 with the defaults)."""
    rng = random.Random(index)
    words = ["科技创新", "研发平台", "成果转化", "人才引进", "资金支持", "重点实验室", "技术转移", "产业基金",
             "创新券", "孵化器", "专利", "标准制定", "军民融合", "人工智能", "新材料", "生物医药"]
    units = ["市科技局", "市发展改革委", "市财政局", "市人社局", "市经信委", "市金融局"]
    numerals = "一二三四五六七八九十"
    lines = [f"合成测试文件第{index}号"]
    for c in range(chapters):
        lines.append(f"{numerals[c]}、{rng.choice(words)}工作")
        for s in range(subsections):
            lines.append(f"({numerals[s]}){rng.choice(words)}和{rng.choice(words)}。")
            for i in range(items):
                body = ",".join(rng.choice(words) for _ in range(8))
                lines.append(f"{i + 1}.推进{body},新增{rng.randint(1, 500)}项。(责任单位:{rng.choice(units)})")
    return "\n".join(lines)


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label:<45} {time.perf_counter() - started:8.2f} s")
    return result


def search_latency(service, count: int, label: str) -> None:
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        service.search(QUESTIONS[i % len(QUESTIONS)], 5)
        latencies.append(time.perf_counter() - started)
    latencies.sort()
    print(f"{label} ({count} searches): p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, default=10_000, help="synthetic measures to ingest")
    parser.add_argument("--searches", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "dalian-2018-science-technology-work-plan.txt", corpus)
        settings = load_settings(ROOT / "config.yaml", corpus_dir=corpus, data_dir=Path(tmp) / "data")
        service = timed("start-up (models, no index yet)", lambda: build_service(settings, llm=None))
        report = timed("ingest Dalian plan (cold)", service.reload)
        print(f"   {report.measures} measures, {report.embedded} embedded")
        report = timed("re-ingest unchanged", service.reload)
        print(f"   {report.embedded} embedded")
        search_latency(service, args.searches, f"search latency at {report.measures} measures")
        documents = max(1, args.synthetic // 1000)
        for d in range(documents):
            (corpus / f"synthetic-{d:02d}.txt").write_text(synthetic_document(d), encoding="utf-8")
        report = timed(f"ingest + {documents * 1000} synthetic measures", service.reload)
        print(f"   {report.measures} measures, {report.embedded} embedded")
        search_latency(service, args.searches // 4, f"search latency at {report.measures} measures")


if __name__ == "__main__":
    main()
