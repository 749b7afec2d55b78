"""The development set on one multi-document corpus: the seed, corpus-dev and our own documents.

    python benchmarks/devset/run.py                     # metrics per group (seed, tuning, held-out)
    python benchmarks/devset/run.py --misses tuning     # print the tuning documents' misses
    python benchmarks/devset/run.py --signals out.jsonl # answerability signals per question, for refitting
    python benchmarks/devset/run.py --rename-seed 深圳  # the seed's city renamed in corpus and questions
    python benchmarks/devset/run.py --alone             # each document in a corpus of its own
    python benchmarks/devset/run.py --context own       # each question a follow-up in a chat about its document
    python benchmarks/devset/run.py --context other     # … in a chat that was about another document
    python benchmarks/devset/run.py --context own --short  # short follow-ups ("需要哪些材料?") in its place

All documents sit in one corpus, as an admin would load them; the index is kept under
.devset/ (ignored by git), so a second run embeds nothing.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.config import load_settings  # noqa: E402
from retrieval.evaluation import evaluate, failed  # noqa: E402

CORPUS_DEV = ROOT.parent / "shared" / "corpus-dev"
GROUPS = ("seed", "tuning", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16", "fresh17", "fresh18", "fresh19", "fresh20", "fresh21", "fresh22", "fresh23", "fresh24", "fresh25", "fresh26", "fresh27", "fresh28", "fresh29", "fresh30", "fresh31", "fresh32", "fresh33", "fresh34", "fresh35", "fresh36", "fresh37", "fresh38", "fresh39", "fresh40")
SEED_CITY = {"大连": "Dalian"}  # only for --rename-seed: the benchmark may know the seed, the product not


def corpus_files(rename: str | None) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in (ROOT / "corpus").iterdir() if p.is_file()}
    files |= {p.name: p.read_bytes() for p in CORPUS_DEV.iterdir()
              if p.suffix in (".html", ".md") and p.name != "SOURCES.md"}
    files |= {p.name: p.read_bytes() for p in (HERE / "docs").iterdir() if p.suffix in (".txt", ".html", ".docx", ".doc", ".rtf", ".xlsx", ".xls", ".pdf", ".png", ".jpg", ".md") and not p.name.startswith("EXPECTED")}
    if rename:
        for name in list(files):
            if name.startswith(yaml.safe_load((HERE / "split.yaml").read_text())["seed"]):
                text = files[name].decode("utf-8")
                for zh, en in SEED_CITY.items():
                    text = text.replace(zh, rename)
                files[name] = text.encode("utf-8")
    return files


def load_rows(split: dict, rename: str | None) -> list[dict]:
    rows = []
    for path in sorted((HERE / "questions").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for rel in split["seed_sets"]:
        path = (HERE / rel).resolve()
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row.setdefault("doc", split["seed"])
                row["id"] = f"{path.stem}-{row['id']}"
                rows.append(row)
    if rename:
        for row in rows:
            if row.get("doc") == split["seed"]:
                for zh, en in SEED_CITY.items():
                    row["q"] = row["q"].replace(zh, rename).replace(en, en_pinyin(rename))
    return rows


def en_pinyin(city: str) -> str:
    return {"深圳": "Shenzhen", "滨海": "Binhai"}.get(city, city)


def group_of(row: dict, split: dict) -> str:
    doc = row.get("doc")
    if doc == split["seed"]:
        return "seed"
    if doc in split.get("fresh", ()):
        return "fresh"
    if doc in split.get("fresh2", ()):
        return "fresh2"
    if doc in split.get("fresh3", ()):
        return "fresh3"
    for group in GROUPS[3:]:
        if doc in split.get(group, ()):
            return group
    return "heldout" if doc in split["heldout"] else "tuning"


def build(data: Path, rename: str | None):
    from retrieval.service import build_service

    corpus = data / "corpus"
    wanted = corpus_files(rename)
    corpus.mkdir(parents=True, exist_ok=True)
    for old in corpus.iterdir():
        if old.name not in wanted:
            old.unlink()
    for name, blob in wanted.items():
        target = corpus / name
        if not target.exists() or target.read_bytes() != blob:
            target.write_bytes(blob)
    settings = load_settings(corpus_dir=corpus, data_dir=data / "data")
    service = build_service(settings, llm=None)
    report = service.reload()
    for doc in report.documents:
        if doc.error:
            print(f"  ! {doc.document}: {doc.error}", file=sys.stderr)
    return service


# Files derived once for the whole corpus that a corpus of one document reads as they are (they do not
# depend on the corpus: the dictionary, word frequencies, recognised scans).
SHARED_CACHE = ("ocr", "cedict-", "proper-names-", "zipf-", "jieba-dict-")


def build_alone(data: Path, document: str, files: dict[str, bytes]):
    """A corpus of one document (its file and any sidecar), as an admin who loads only it would have.
    It reads the vectors the whole corpus's build embedded, so it embeds nothing new."""
    from retrieval.service import build_service

    wanted = {n: b for n, b in files.items() if n == document or n.startswith(document + ".")}
    if not wanted:
        raise SystemExit(f"no corpus file for document {document!r}")
    folder = data / "alone" / document
    corpus, own = folder / "corpus", folder / "data"
    (own / "cache").mkdir(parents=True, exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    for old in corpus.iterdir():
        if old.name not in wanted:
            old.unlink()
    for name, blob in wanted.items():
        if not (corpus / name).exists() or (corpus / name).read_bytes() != blob:
            (corpus / name).write_bytes(blob)
    links = [(own / "embeddings.sqlite", data / "data" / "embeddings.sqlite")]
    links += [(own / "cache" / p.name, p) for p in (data / "data" / "cache").iterdir() if p.name.startswith(SHARED_CACHE)]
    for link, target in links:
        if not link.exists() and target.exists():
            link.symlink_to(target.resolve())
    service = build_service(load_settings(corpus_dir=corpus, data_dir=own), llm=None)
    report = service.reload()
    for doc in report.documents:
        if doc.error:
            print(f"  ! {doc.document}: {doc.error}", file=sys.stderr)
    return service


class OnePerDocument:
    """The service of the document a question is about, built when first asked for; the last one only
    is kept (questions come grouped by document)."""

    def __init__(self, data: Path, rename: str | None) -> None:
        self._data, self._files = data, corpus_files(rename)
        self._document, self._service = None, None

    def __call__(self, row: dict):
        if row["doc"] != self._document:
            self._document, self._service = row["doc"], None  # the last document's index freed first
            self._service = build_alone(self._data, row["doc"], self._files)
        return self._service


def short_follow_ups(rows: list[dict]) -> list[dict]:
    """The questions that have a short follow-up form, asked in that form: the same gold, units and facts.
    A helper who never saw the code wrote each as a user would ask it in a chat already about its document."""
    short = {}
    for path in sorted((HERE / "follow-ups").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                short[row["of"]] = row["q"]
    return [dict(r, q=short[r["id"]], full=r["q"]) for r in rows if r["id"] in short]


class Conversation:
    """The document a chat was about before a question: its own (a follow-up), or another one a fixed
    step away in the corpus's order (the user changed the subject)."""

    def __init__(self, service, mode: str) -> None:
        from retrieval.models import file_name_of

        self._documents = list(service.index.snapshot().documents)
        self._file_name_of, self._mode = file_name_of, mode

    def __call__(self, row: dict) -> tuple[str, ...]:
        own = [d for d in self._documents if row.get("doc") in (d, self._file_name_of(d))]
        if self._mode == "own" or not own:
            return tuple(own)
        n, at = len(self._documents), self._documents.index(own[0])
        onwards = (self._documents[(at + n // 3 + i) % n] for i in range(n))
        return (next(d for d in onwards if d not in own),)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", choices=GROUPS, action="append", default=[])
    parser.add_argument("--signals", type=Path, help="write answerability signals per question (JSON lines)")
    parser.add_argument("--rename-seed", metavar="CITY", help="rename the seed's city in corpus and questions")
    parser.add_argument("--data", type=Path, default=ROOT / ".devset", help="where the corpus copy and index live")
    parser.add_argument("--only", help="only questions whose id starts with this")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--context", choices=("own", "other"),
                        help="ask each question as a follow-up in a conversation about its own document, or about "
                             "another one (the topic switched): what the Telegram bot's follow-ups gain and risk")
    parser.add_argument("--short", action="store_true",
                        help="ask, in place of their full questions, the short follow-ups helpers wrote for some of "
                             "them (follow-ups/: tune.jsonl from the seed and tuning documents, report.jsonl from "
                             "never-tuned ones); only those questions")
    parser.add_argument("--alone", action="store_true",
                        help="ask each question of a corpus holding only its own document (after a full run)")
    args = parser.parse_args()
    split = yaml.safe_load((HERE / "split.yaml").read_text(encoding="utf-8"))
    data = args.data / (f"renamed-{args.rename_seed}" if args.rename_seed else "plain")
    service = None if args.alone else build(data, args.rename_seed)
    service_for = OnePerDocument(data, args.rename_seed) if args.alone else None
    context_for = Conversation(service, args.context) if args.context and service else None
    rows = load_rows(split, args.rename_seed)
    if args.only:
        rows = [r for r in rows if r["id"].startswith(args.only)]
    if args.short:
        rows = short_follow_ups(rows)
    results, signal_rows = {}, []
    for group in GROUPS:
        chosen = [r for r in rows if group_of(r, split) == group]
        if args.alone:
            chosen.sort(key=lambda r: r["doc"])  # one corpus built per document
        if not chosen:
            continue

        def on_miss(row, hits, answer, record, group=group):
            if group in args.misses:
                top = [f"{h.measure.document[:12]}:{h.measure.section}" for h in hits[:3]]
                print(f"MISS {row['id']} [{row.get('type')}] {row['q']}\n  gold={row['gold']} {failed(record)} "
                      f"top={top}\n  answer: {answer.text[:160]!r}")

        results[group] = evaluate(service, chosen, on_miss=on_miss, on_row=signal_rows.append if args.signals else None,
                                  service_for=service_for, context_for=context_for)
    if args.signals:
        args.signals.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in signal_rows), encoding="utf-8")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    metrics = ["hit@1", "hit@5", "first_citation_right", "units_named", "facts_present", "abstain_right",
               "false_abstain", "answered_elsewhere", "yesno_right", "yesno_wrong"]
    print(f"{'group':8} {'n':>4} " + " ".join(f"{m[:12]:>12}" for m in metrics) + "   hit@1 zh/en")
    for group, res in results.items():
        summary = res["all"]
        n = sum(1 for r in rows if group_of(r, split) == group)
        cells = " ".join(f"{summary.get(m) if summary.get(m) is not None else '-':>12}" for m in metrics)
        zh, en = res.get("zh", {}).get("hit@1"), res.get("en", {}).get("hit@1")
        print(f"{group:8} {n:>4} {cells}   {zh}/{en}")


if __name__ == "__main__":
    main()
