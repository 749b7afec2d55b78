"""What users hand the command line: batch files, stdin and arguments, checked into clean errors.

Each problem becomes one ``click.ClickException`` line (exit code 1) that says what to do, never a
traceback: a missing file, a folder, bytes that are not UTF-8 (GBK files are common for Chinese
documents), a question with no words in it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

NOT_UTF8 = ("is not UTF-8 text{hint}; save it as UTF-8 (e.g. `iconv -f GBK -t UTF-8 {name} > {name}.utf8`)")


def read_lines(source: str) -> list[str]:
    """Non-empty, stripped lines of a UTF-8 file or of stdin ('-'); a UTF-8 BOM is dropped."""
    name = "stdin" if source == "-" else source
    if source == "-":
        stream = sys.stdin
        data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    else:
        path = Path(source)
        if path.is_dir():
            raise click.ClickException(f"{source} is a folder; --batch takes a file with one line each")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise click.ClickException(f"no such file: {source}") from None
        except OSError as exc:
            raise click.ClickException(f"cannot read {source}: {exc.strerror or exc}") from None
    return [line.strip() for line in decode(data, name).splitlines() if line.strip()]


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        hint = " (it looks like GBK/GB18030)"
    except UnicodeDecodeError:
        hint = ""
    shown = "the input" if name == "stdin" else name
    raise click.ClickException(f"{shown} " + NOT_UTF8.format(hint=hint, name=name if name != "stdin" else "FILE"))


def not_utf8(text: str) -> bool:
    """Bytes that were not UTF-8 on the command line reach Python as lone surrogates."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def argv_error(args: list[str]) -> str | None:
    """A message for arguments that are not UTF-8 (a GBK terminal), else None."""
    if any(not_utf8(a) for a in args):
        return ("an argument is not UTF-8 text (is the terminal set to GBK?); "
                "use a UTF-8 terminal, or put the question in a UTF-8 file and use --batch FILE")
    return None


def question_error(text: str, what: str = "question") -> str | None:
    """Why this question cannot be asked (empty, not UTF-8, no words), else None."""
    if not_utf8(text):
        return f"the {what} is not UTF-8 text (is the terminal set to GBK?)"
    if not text.strip():
        return f"the {what} is empty"
    if not any(ch.isalnum() for ch in text):
        return f"the {what} has no words in it, only punctuation"
    return None


def single_or_batch(text: str | None, batch: str | None, what: str) -> list[str]:
    """The one argument, or the lines of --batch; both or neither is a usage error."""
    if text is not None and batch:
        raise click.UsageError(f"give a {what.upper()} or --batch FILE, not both")
    if batch:
        return read_lines(batch)
    if text is None:
        raise click.UsageError(f"give a {what.upper()} or --batch FILE")
    problem = question_error(text, what)
    if problem:
        raise click.ClickException(problem)
    return [text.strip()]
