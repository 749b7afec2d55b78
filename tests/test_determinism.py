"""The same question gets the same answer in every process: Python orders a set of strings differently
from one process to the next (hash randomisation), so no ranking may break a tie by a set's order."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Five regulations that all have a 第五条, none of them closer to the question than the others, and
# units of one length: ties everywhere a set's order could decide.
PROBE = """
import json
from retrieval.answer.selection import by_document_relevance
from retrieval.models import Hit, Measure
from retrieval.text.units import UnitMatcher

named = [Measure(f"reg-{c}", f"{c}市条例", "第五条", "第一章 总则", "", "本条例由市政府负责实施。")
         for c in "甲乙丙丁戊"]
hits = [Hit(m, 1.0, {"topic": 0.0}) for m in reversed(named)]
order = [m.document for m in by_document_relevance(named, hits)]
units = UnitMatcher(["市科技局", "市财政局", "市民政局", "市商务局"])
print(json.dumps([order, units.find("市科技局和市财政局、市民政局、市商务局负责")], ensure_ascii=False))
"""


def _run(seed: int) -> list:
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_ties_are_broken_the_same_way_in_every_process():
    first = _run(0)
    assert first[0] == [f"reg-{c}" for c in "甲乙丙丁戊"]  # equals keep the corpus's order
    assert all(_run(seed) == first for seed in (1, 2, 3))
