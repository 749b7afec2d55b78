"""What a conversation is about: the document a user's last answer in a chat came from.

A follow-up ("那申请条件呢?", "And who pays for the assessment?") rarely names its document again; in
a corpus of many documents on the same subjects, another city's measure may then come first. The
document of the previous answer is handed to the search, which counts its measures twice, and so is
the measure it cited first, which a follow-up with no words of its own ("由哪个部门负责?") asks about. They are
forgotten after ``telegram.follow_up_minutes`` of silence, and a question naming a document overrides it.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's `chat` uses kept_documents without importing telegram
    from telegram.ext import ContextTypes

_KEY = "follow_up"  # chat_data[_KEY][user id] = (documents, monotonic time of the answer, measure ids)


def topic(context: ContextTypes.DEFAULT_TYPE, user_id: int, minutes: float) -> tuple[str, ...]:
    """The documents this user's last answer in this chat came from, if recent enough; () otherwise."""
    return _recent(context, user_id, minutes)[0]


def cited(context: ContextTypes.DEFAULT_TYPE, user_id: int, minutes: float) -> tuple[str, ...]:
    """The ids of the measures that answer cited first, if recent enough: what "由哪个部门负责?" asks about."""
    return _recent(context, user_id, minutes)[2]


def _recent(context, user_id: int, minutes: float) -> tuple[tuple[str, ...], float, tuple[str, ...]]:
    if minutes <= 0 or context.chat_data is None:
        return (), 0.0, ()
    kept = context.chat_data.get(_KEY, {}).get(user_id, ((), 0.0, ()))
    return kept if time.monotonic() - kept[1] <= minutes * 60 else ((), 0.0, ())


def kept_documents(answer) -> tuple[str, ...]:
    """The documents a conversation goes on about after this answer; () for a refusal, which keeps
    the earlier ones (the user rephrases)."""
    if not answer.answerable or not answer.citations:
        return ()
    return (answer.citations[0].document,)


def kept_measures(answer) -> tuple[str, ...]:
    """The measure a follow-up with no words of its own asks about: the one this answer cited first."""
    return (answer.citations[0].id,) if kept_documents(answer) else ()


def remember(context: ContextTypes.DEFAULT_TYPE, user_id: int, answer) -> None:
    """Keep the document and measure an answer came from, with the time, for this user in this chat."""
    documents = kept_documents(answer)
    if context.chat_data is None or not documents:
        return
    context.chat_data.setdefault(_KEY, {})[user_id] = (documents, time.monotonic(), kept_measures(answer))


def forget(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    """/new: this user's next question in this chat follows up nothing."""
    if context.chat_data is not None:
        context.chat_data.get(_KEY, {}).pop(user_id, None)
