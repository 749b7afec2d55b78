"""``policybot chat``: questions one per line, each a follow-up of the one before, as in a Telegram chat.

``policybot ask`` answers every question on its own. A user working through one document asks
"那申请条件呢?" after "生育津贴怎么申领?" without naming the document again; here, as in the bot,
the document the last answer came from is handed to the search, which counts its measures twice.
A question with no words of its own ("由哪个部门负责?") asks about the measure the last answer cited
first. A refusal keeps the earlier document, a question naming another document overrides it, and
``/new`` forgets it. Reads a terminal (with a prompt) or a pipe, until end of input or ``/quit``.
"""
from __future__ import annotations

import json
import sys
import time

import click

from .cli_input import decode, question_error
from .conversation import FollowUp
from .render_text import answer_json, answer_text

_QUIT = {"/quit", "/exit", "quit", "exit"}
_NEW = {"/new", "/reset"}


def _lines(prompt: bool):
    """Stripped input lines; a line that is not UTF-8 comes through as None (reported, not fatal)."""
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    while True:
        if prompt:
            click.echo("> ", nl=False, err=True)
        raw = stream.readline() if stream is not None else sys.stdin.readline().encode("utf-8")
        if not raw:
            return
        try:
            yield decode(raw, "the line").strip()
        except click.ClickException:
            yield None


@click.command(short_help="Ask questions one per line; follow-ups keep the document.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per answer.")
@click.option("--offline", is_flag=True, help="Do not use the LLM even if one is configured.")
@click.pass_obj
def chat(obj, as_json: bool, offline: bool) -> None:
    """Ask questions one per line, from a terminal or a pipe. Each is a follow-up: when it names no
    document, the measures of the document the previous answer came from count twice.
    /new forgets the document; /quit (or end of input) ends.

    \b
    Examples:
      policybot chat
      printf '生育津贴怎么申领?\\n需要哪些材料?\\n' | policybot chat --json
    """
    from retrieval.answer.answerer import QuestionError

    interactive = sys.stdin.isatty()
    service = obj.service
    if interactive:
        click.echo("Ask a question (/new forgets the document, /quit ends).", err=True)
    follow = FollowUp()
    for line in _lines(interactive):
        if line is None:
            _problem("the line is not UTF-8 text (is the terminal set to GBK?)", as_json)
            continue
        if not line:
            continue
        if line.lower() in _QUIT:
            return
        if line.lower() in _NEW:
            follow = FollowUp()
            if interactive:
                click.echo("(the conversation starts again)", err=True)
            continue
        started = time.perf_counter()
        try:
            problem = question_error(line)
            if problem:
                raise QuestionError(problem)
            answer = service.ask(line, use_llm=not offline, context=follow.documents, after=follow.measures)
        except QuestionError as exc:
            _problem(str(exc), as_json, line)
            continue
        click.echo(json.dumps(answer_json(answer), ensure_ascii=False) if as_json
                   else answer_text(answer) + "\n")
        obj.record(line, answer, started)
        follow = follow.after(answer)


def _problem(message: str, as_json: bool, question: str | None = None) -> None:
    """A bad line is answered with its reason and the conversation goes on."""
    if as_json:
        click.echo(json.dumps({"question": question, "error": message}, ensure_ascii=False))
    else:
        click.echo(f"Error: {message}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(chat)
