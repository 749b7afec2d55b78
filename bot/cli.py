"""``policybot``: the command line. Thin over one PolicyService; library errors become CLI errors here."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from retrieval.answer.answerer import QuestionError
from retrieval.config import ConfigError, Settings, load_settings
from retrieval.index.embedders import EmbedderError
from retrieval.index.versions import IngestError
from retrieval.ingest.loaders import DocumentError
from retrieval.index.store import StoreError

from .cli_report import register as register_report
from .render_text import (answer_json, answer_text, ingest_text, measure_dict, measure_text,
                          support_text)

log = logging.getLogger(__name__)
EXPECTED = (ConfigError, DocumentError, IngestError, StoreError, EmbedderError, QuestionError)


class Context:
    """Settings now, the service (models loaded, index opened) only when a command needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._service = None

    @property
    def service(self):
        if self._service is None:
            from retrieval.service import build_service

            if not self.settings.corpus_dir.is_dir():
                raise click.ClickException(f"the corpus folder {self.settings.corpus_dir} does not exist")

            self._service = build_service(self.settings)
            # A fresh checkout has no index yet: build it now, with a progress bar on a terminal.
            self._service.index.snapshot(progress=sys.stderr.isatty())
        return self._service


def _lines(source: str) -> list[str]:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _emit(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


@click.group()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="config.yaml to use.")
@click.option("--corpus", type=click.Path(file_okay=False), help="Folder of policy documents.")
@click.option("--data", type=click.Path(file_okay=False), help="Folder for the index and caches.")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, config_path, corpus, data, verbose) -> None:
    """PolicyBot: cited answers about policy documents, in Chinese or English.

    \b
    Examples:
      policybot ask "临床医学研究中心由哪个部门负责?"
      policybot ask "Which bureau handles clinical research centres?" --json
      policybot --corpus ./corpus --data /tmp/pb measures --unit 市科技局
    """
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        ctx.obj = Context(load_settings(config_path, corpus_dir=corpus, data_dir=data))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(obj: Context, as_json: bool) -> None:
    """Rebuild the index from the corpus folder and report what changed.
    Exits with 1 when any file could not be indexed (a file that had a good version keeps it).

    \b
    Example:
      policybot ingest --json
    """
    report = obj.service.reload(progress=sys.stderr.isatty() and not as_json)
    _emit(report.to_dict()) if as_json else click.echo(ingest_text(report))
    if report.failed:  # scripts and cron must notice a file that was not indexed
        sys.exit(1)


@cli.command()
@click.option("--unit", help="Only this responsible unit's measures, e.g. 市科技局.")
@click.option("--doc", help="Only this document.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def measures(obj: Context, unit, doc, as_json: bool) -> None:
    """List measures: document, section, heading, units, text.

    \b
    Example:
      policybot measures --unit 市人社局
    """
    found = obj.service.measures(unit=unit, document=doc)
    if as_json:
        _emit([measure_dict(m) for m in found])
        return
    for m in found:
        click.echo(measure_text(m, short=True))
    click.echo(f"{len(found)} measures", err=True)


@cli.command()
@click.argument("section")
@click.option("--doc", help="Document name, when several documents have this section.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(obj: Context, section: str, doc, as_json: bool) -> None:
    """One measure (or a subsection's items) with headings, units and document.

    \b
    Example:
      policybot show 三(四)
    """
    found = obj.service.section(section, document=doc)
    if not found:
        raise click.ClickException(f"no measure {section} in the corpus" + (f" document {doc}" if doc else ""))
    if as_json:
        _emit([measure_dict(m) for m in found])
        return
    click.echo("\n\n".join(measure_text(m) for m in found))


@cli.command()
@click.argument("query", required=False)
@click.option("-k", default=5, show_default=True, help="Results per query.")
@click.option("--batch", type=click.Path(allow_dash=True), help="One query per line ('-' for stdin).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search(obj: Context, query, k: int, batch, as_json: bool) -> None:
    """Hybrid search over the measures.

    \b
    Examples:
      policybot search 创新券
      printf 'subsidy\\n补助\\n' | policybot search --batch - --json
    """
    queries = _lines(batch) if batch else [query] if query else []
    if not queries:
        raise click.UsageError("give a QUERY or --batch FILE")
    for q in queries:
        hits = obj.service.search(q, k)
        results = [{"document": h.measure.document, "section": h.measure.section, "score": round(h.score, 4),
                    "units": list(h.measure.units), "text": h.measure.text} for h in hits]
        if as_json or batch:
            _emit({"query": q, "results": results})
        else:
            for r in results:
                click.echo(f"{r['score']:.3f}  {r['section']:<10} {'、'.join(r['units']) or '—'}  {r['text'][:60]}")


@cli.command()
@click.argument("question", required=False)
@click.option("--batch", type=click.Path(allow_dash=True), help="One question per line ('-' for stdin).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--offline", is_flag=True, help="Do not use the LLM even if one is configured.")
@click.pass_obj
def ask(obj: Context, question, batch, as_json: bool, offline: bool) -> None:
    """Answer a question with citations (offline unless OPENAI_API_KEY / OPENAI_BASE_URL is set).

    \b
    Examples:
      policybot ask "Which bureau handles clinical research centres?"
      policybot ask --batch questions.txt --json
    """
    questions = _lines(batch) if batch else [question] if question else []
    if not questions:
        raise click.UsageError("give a QUESTION or --batch FILE")
    for q in questions:
        try:
            answer = obj.service.ask(q, use_llm=not offline)
        except QuestionError as exc:
            if not batch:
                raise
            _emit({"question": q, "error": str(exc)})
            continue
        _emit(answer_json(answer)) if as_json or batch else click.echo(answer_text(answer))


@cli.command()
@click.argument("query", required=False)
@click.option("-k", default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def support(obj: Context, query, k: int, as_json: bool) -> None:
    """What enterprises can get: subsidies, rewards, funds, vouchers, loans, with figures.

    \b
    Examples:
      policybot support
      policybot support "I run a small tech company, what can we get?"
    """
    items = obj.service.support(query, k)
    if as_json:
        _emit([item.to_dict() for item in items])
        return
    click.echo(support_text(items, "en" if query and query.isascii() else "zh"))


@cli.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--llm", "use_llm", is_flag=True, help="Evaluate the LLM path instead of the offline one.")
@click.option("--misses", is_flag=True, help="Print every question that missed a metric.")
@click.pass_obj
def evaluate_cmd(obj: Context, file: str, use_llm: bool, misses: bool) -> None:
    """Search hit@1 / hit@5 / MRR and answer metrics, per language.

    \b
    Example:
      policybot eval ../shared/eval/dev.jsonl
    """
    from retrieval.evaluation import evaluate, failed, load_questions

    def show_miss(row, hits, answer, record):
        click.echo(f"MISS {row.get('id')} {failed(record)} {row['q']} gold={row.get('gold')} "
                   f"got={[h.measure.section for h in hits]} cited={[c.section for c in answer.citations]}",
                   err=True)

    try:
        rows = load_questions(Path(file))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    result = evaluate(obj.service, rows, use_llm=use_llm, on_miss=show_miss if misses else None)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


register_report(cli)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except EXPECTED as exc:  # raised inside a command: a clean message, not a traceback
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


@cli.command()
@click.option("--mode", type=click.Choice(["polling", "webhook"]), help="Override telegram.mode from the config.")
@click.pass_obj
def serve(obj: Context, mode) -> None:
    """Run the Telegram bot; the token comes from TELEGRAM_BOT_TOKEN.

    \b
    Examples:
      TELEGRAM_BOT_TOKEN=123456:ABC policybot -v serve
      TELEGRAM_BOT_TOKEN=123456:ABC policybot serve --mode webhook
    """
    import os

    from .telegram_app import run, webhook_url

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise click.ClickException("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token")
    settings = obj.settings
    if mode:
        settings = settings.model_copy(update={"telegram": settings.telegram.model_copy(update={"mode": mode})})
    if settings.telegram.mode == "webhook":
        webhook_url(settings.telegram)  # a missing public URL fails before the index is loaded
    from retrieval.audit import build_audit

    run(settings, obj.service, token, audit=build_audit(settings))


if __name__ == "__main__":
    main()
