"""``policybot``: the command line. Thin over one PolicyService; library errors become CLI errors here."""
from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import click

from retrieval.config import ConfigError, Settings, load_settings

from .cli_chat import register as register_chat
from .cli_input import argv_error, question_error, single_or_batch
from .cli_report import register as register_report
from .render_text import (answer_json, answer_text, ingest_text, measure_dict, measure_text,
                          support_text)

log = logging.getLogger(__name__)


def expected_errors() -> tuple[type[Exception], ...]:
    """Library errors that end a command with one line, not a traceback. Imported here, when one is
    raised, so that `policybot ask` does not import the document loaders (bs4, pypdf, docx) to start."""
    from retrieval.answer.answerer import QuestionError
    from retrieval.audit import AuditError
    from retrieval.index.embedders import EmbedderError
    from retrieval.index.store import StoreError
    from retrieval.index.versions import IngestError
    from retrieval.ingest.loaders import DocumentError

    return ConfigError, DocumentError, IngestError, StoreError, EmbedderError, QuestionError, AuditError


class Context:
    """Settings now, the service (models loaded, index opened) only when a command needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._service = None
        self._audit = None
        self.build_index = True  # `ingest` builds (and reports) the first version itself

    @property
    def service(self):
        if self._service is None:
            from retrieval.service import build_service

            if not self.settings.corpus_dir.is_dir():
                raise click.ClickException(f"the corpus folder {self.settings.corpus_dir} does not exist")

            self._service = build_service(self.settings)
            if self.build_index:
                # A fresh checkout has no index yet: build it now, with a progress bar on a terminal.
                self._service.index.snapshot(progress=sys.stderr.isatty())
        return self._service

    def record(self, question: str, answer, started: float) -> None:
        """Questions asked here go to the audit log (channel cli), so `report` counts them too.
        A log that cannot be written costs a warning, never the answer."""
        if not self.settings.audit.record_cli:
            return
        from retrieval.audit import AuditError, build_audit

        try:
            if self._audit is None:
                self._audit = build_audit(self.settings)
            self._audit.record_answer(None, None, question, answer, (time.perf_counter() - started) * 1000,
                                      channel="cli")
        except AuditError as exc:
            log.warning("question not written to the audit log: %s", exc)
            self.settings = self.settings.model_copy(
                update={"audit": self.settings.audit.model_copy(update={"record_cli": False})})

    def close(self) -> None:
        if self._audit is not None:
            self._audit.close()


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
    ctx.call_on_close(ctx.obj.close)


@cli.command(short_help="Rebuild the index from the corpus folder; report what changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(obj: Context, as_json: bool) -> None:
    """Rebuild the index from the corpus folder and report what changed.
    Exits with 1 when any file could not be indexed (a file that had a good version keeps it).

    \b
    Example:
      policybot ingest --json
    """
    # A one-off batch: as many embedder threads as configured for ingest, and a first version
    # built here, so its report counts what was embedded (not "no changes" after a silent build).
    embedder = obj.settings.embedder
    obj.settings = obj.settings.model_copy(
        update={"embedder": embedder.model_copy(update={"threads": embedder.ingest_threads})})
    obj.build_index = False
    service = obj.service
    report = service.reload(progress=sys.stderr.isatty() and not as_json)
    # The lexical index and its disk caches too, so that the next `ask` starts in about a second.
    service.searcher.lexical(service.index.snapshot())
    _emit(report.to_dict()) if as_json else click.echo(ingest_text(report))
    if report.failed:  # scripts and cron must notice a file that was not indexed
        sys.exit(1)


@cli.command(short_help="List measures, all or one unit's or document's.")
@click.option("--unit", help="Only this responsible unit's measures, in Chinese or English, e.g. 市科技局.")
@click.option("--doc", help="Only this document (its file name without extension).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def measures(obj: Context, unit, doc, as_json: bool) -> None:
    """List measures: document, section, heading, units, text.

    \b
    Examples:
      policybot measures --unit 市人社局
      policybot measures --unit "Municipal Science and Technology Bureau" --json
    """
    for value, what in ((unit, "unit"), (doc, "document name")):
        problem = question_error(value, what) if value is not None else None
        if problem:
            raise click.ClickException(problem)
    found = obj.service.measures(unit=unit, document=doc)
    if as_json:
        _emit([measure_dict(m) for m in found])
    else:
        for m in found:
            click.echo(measure_text(m, short=True))
        click.echo(f"{len(found)} measures", err=True)
    if not found and (unit or doc):
        raise click.ClickException(_known_names(obj, unit, doc))


def _known_names(obj: Context, unit, doc) -> str:
    """When a filter matches nothing, the names that would have matched something."""
    from retrieval.text.units import english_name

    about = obj.service.about()
    names = [name for name, _, _ in about.documents]
    if doc and doc not in names:
        return f"no document named {doc!r}; documents: {', '.join(names)}"
    overrides = obj.settings.retrieval.unit_names
    units = [f"{u}" + (f" ({english_name(u, overrides)})" if english_name(u, overrides) else "") + f": {n}"
             for u, n in obj.service.units()]
    where = f" in {doc}" if doc else ""
    return f"no measures for unit {unit!r}{where}; units and their measures:\n  " + "\n  ".join(units)


@cli.command(short_help="Show one measure (or a subsection's items) by section id.")
@click.argument("section")
@click.option("--doc", help="Document name, when several documents have this section.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(obj: Context, section: str, doc, as_json: bool) -> None:
    """One measure (or a subsection's items) with headings, units and document.
    Quote the section id: the shell reads the brackets in 三(四) otherwise.

    \b
    Examples:
      policybot show '三(四)'
      policybot show '第五条' --doc some-regulation
    """
    problem = question_error(section, "section id")
    if problem:
        raise click.ClickException(problem)
    found = obj.service.section(section, document=doc)
    if not found:
        raise click.ClickException(f"no measure {section} in the corpus" + (f" document {doc}" if doc else ""))
    if as_json:
        _emit([measure_dict(m) for m in found])
        return
    click.echo("\n\n".join(measure_text(m) for m in found))


@cli.command(short_help="Hybrid search over the measures (dense + BM25 + lookups).")
@click.argument("query", required=False)
@click.option("-k", default=5, show_default=True, type=click.IntRange(min=1), help="Results per query.")
@click.option("--batch", help="One query per line ('-' for stdin); always prints JSON lines.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search(obj: Context, query, k: int, batch, as_json: bool) -> None:
    """Hybrid search over the measures.

    \b
    Examples:
      policybot search 创新券
      printf 'subsidy\\n补助\\n' | policybot search --batch - --json
    """
    for q in single_or_batch(query, batch, "query"):
        hits = obj.service.search(q, k) if not question_error(q) else []
        results = [{"document": h.measure.document, "section": h.measure.section, "score": round(h.score, 4),
                    "units": list(h.measure.units), "text": h.measure.text} for h in hits]
        if as_json or batch:
            _emit({"query": q, "results": results})
        else:
            for r in results:
                click.echo(f"{r['score']:.3f}  {r['section']:<10} {'、'.join(r['units']) or '—'}  {r['text'][:60]}")


@cli.command(short_help="Answer a question with citations.")
@click.argument("question", required=False)
@click.option("--batch", help="One question per line ('-' for stdin); prints one JSON object per line.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (always so with --batch).")
@click.option("--offline", is_flag=True, help="Do not use the LLM even if one is configured.")
@click.pass_obj
def ask(obj: Context, question, batch, as_json: bool, offline: bool) -> None:
    """Answer a question with citations. Offline unless OPENAI_API_KEY or OPENAI_BASE_URL is set.

    \b
    Examples:
      policybot ask "Which bureau handles clinical research centres?"
      policybot ask --batch questions.txt --json
    """
    from retrieval.answer.answerer import QuestionError

    questions = single_or_batch(question, batch, "question")
    service = obj.service  # loaded before the clock starts: the audit log records answering time
    for q in questions:
        started = time.perf_counter()
        try:
            problem = question_error(q)
            if problem:
                raise QuestionError(problem)
            answer = service.ask(q, use_llm=not offline)
        except QuestionError as exc:
            if not batch:
                raise click.ClickException(str(exc)) from None
            _emit({"question": q, "error": str(exc)})
            continue
        _emit(answer_json(answer)) if as_json or batch else click.echo(answer_text(answer))
        obj.record(q, answer, started)


@cli.command(short_help="What enterprises can get: subsidies, rewards, funds, loans.")
@click.argument("query", required=False)
@click.option("-k", default=10, show_default=True, type=click.IntRange(min=1), help="Items listed.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def support(obj: Context, query, k: int, as_json: bool) -> None:
    """What enterprises can get: subsidies, rewards, funds, vouchers, loans, with figures.

    \b
    Examples:
      policybot support
      policybot support "I run a small tech company, what can we get?"
    """
    if query is not None:
        problem = question_error(query)
        if problem:
            raise click.ClickException(problem)
    items = obj.service.support(query, k)
    if as_json:
        _emit([item.to_dict() for item in items])
        return
    click.echo(support_text(items, "en" if query and query.isascii() else "zh"))


@cli.command(name="eval", short_help="Search and answer metrics over a question file.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--llm", "use_llm", is_flag=True, help="Evaluate the LLM path instead of the offline one.")
@click.option("--misses", is_flag=True, help="Print every question that missed a metric.")
@click.pass_obj
def evaluate_cmd(obj: Context, file: str, use_llm: bool, misses: bool) -> None:
    """Search hit@1 / hit@5 / MRR and answer metrics, per language.

    \b
    Example (from the repository's folder):
      policybot eval benchmarks/heldout.jsonl --misses
    """
    from retrieval.evaluation import evaluate, failed, load_questions

    def show_miss(row, hits, answer, record):
        click.echo(f"MISS {row.get('id')} {failed(record)} {row['q']} gold={row.get('gold')} "
                   f"got={[h.measure.section for h in hits]} cited={[c.section for c in answer.citations]}",
                   err=True)

    try:
        rows = load_questions(Path(file))
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    result = evaluate(obj.service, rows, use_llm=use_llm, on_miss=show_miss if misses else None)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


register_report(cli)
register_chat(cli)


@cli.command(short_help="Run the Telegram bot (token from TELEGRAM_BOT_TOKEN).")
@click.option("--mode", type=click.Choice(["polling", "webhook"]), help="Override telegram.mode from the config.")
@click.pass_obj
def serve(obj: Context, mode) -> None:
    """Run the Telegram bot; the token comes from TELEGRAM_BOT_TOKEN and is never printed.

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

    if not logging.getLogger().isEnabledFor(logging.INFO):
        # Without -v, the library's own error lines stay one line each; the tracebacks come with -v.
        for handler in logging.getLogger().handlers:
            handler.addFilter(_one_line_telegram_errors)
    try:
        run(settings, obj.service, token, audit=build_audit(settings))
    except Exception as exc:
        message = serve_error(exc, token, settings.telegram.base_url)
        if message is None:
            raise
        raise click.ClickException(message) from None


def _one_line_telegram_errors(record: logging.LogRecord) -> bool:
    if record.name.startswith("telegram"):
        record.exc_info, record.exc_text = None, None
    return True


def serve_error(exc: Exception, token: str, base_url: str) -> str | None:
    """One line for what stops the bot from starting; the token is never part of it."""
    from telegram.error import InvalidToken, NetworkError, TelegramError

    def redact(text: str) -> str:
        return text.replace(token, "<token>") if token else text

    if isinstance(exc, InvalidToken):
        return "Telegram refused the bot token in TELEGRAM_BOT_TOKEN: copy it again from @BotFather (/token)"
    if isinstance(exc, NetworkError):
        return (f"cannot reach the Telegram Bot API at {redact(base_url)}: {redact(str(exc))}. "
                "Check the network, a proxy, or telegram.base_url in config.yaml")
    if isinstance(exc, TelegramError):
        return f"Telegram said: {redact(str(exc))}"
    return None


def main() -> None:
    problem = argv_error(sys.argv[1:])
    if problem:
        click.echo(f"Error: {problem}", err=True)
        sys.exit(2)
    try:
        cli(standalone_mode=True)
    except Exception as exc:  # raised inside a command: a clean message, not a traceback
        if not isinstance(exc, expected_errors()):
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
