"""``policybot report``: the audit log summarised for admins. Reads only the audit database, never the index."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import click


log = logging.getLogger(__name__)


@click.command(short_help="Audit summary: answered, abstained, channels, feedback.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=1), help="Period: the last N days.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="Unanswered questions and 👎 answers listed.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Report language.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def report(obj, days: int, top: int, lang: str, as_json: bool) -> None:
    """Questions in a period: answered vs. abstained, LLM vs. offline, channels, feedback, latency,
    the 👎 answers and the most frequent unanswered questions (what the corpus lacks).

    \b
    Examples:
      policybot report
      policybot report --days 30 --lang zh
      policybot report --json
    """
    from retrieval.audit import AuditError, build_audit

    try:
        audit = build_audit(obj.settings)
        try:
            result = audit.report(audit.now() - timedelta(days=days), top=top)
        finally:
            audit.close()
    except AuditError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(result.render(lang))


def register(cli: click.Group) -> None:
    """Add ``report`` to the ``policybot`` command group."""
    cli.add_command(report)
