"""What a conversation is about: the document a user's last answer in a chat came from.

A follow-up ("那申请条件呢?", "And who pays for the assessment?") rarely names its document again; in
a corpus of many documents on the same subjects, another city's measure may then come first. The
document of the previous answer is handed to the search, which counts its measures twice. It is
forgotten after ``telegram.follow_up_minutes`` of silence, and a question naming a document overrides it.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's `chat` uses kept_documents without importing telegram
    from telegram.ext import ContextTypes

_KEY = "follow_up"  # chat_data[_KEY][user id] = (documents, monotonic time of the answer)


def topic(context: ContextTypes.DEFAULT_TYPE, user_id: int, minutes: float) -> tuple[str, ...]:
    """The documents this user's last answer in this chat came from, if recent enough; () otherwise."""
    if minutes <= 0 or context.chat_data is None:
        return ()
    documents, at = context.chat_data.get(_KEY, {}).get(user_id, ((), 0.0))
    return documents if time.monotonic() - at <= minutes * 60 else ()


def kept_documents(answer) -> tuple[str, ...]:
    """The documents a conversation goes on about after this answer; () for a refusal, which keeps
    the earlier ones (the user rephrases)."""
    if not answer.answerable or not answer.citations:
        return ()
    return (answer.citations[0].document,)


def remember(context: ContextTypes.DEFAULT_TYPE, user_id: int, answer) -> None:
    """Keep the document an answer came from, with the time, for this user in this chat."""
    documents = kept_documents(answer)
    if context.chat_data is None or not documents:
        return
    context.chat_data.setdefault(_KEY, {})[user_id] = (documents, time.monotonic())


def forget(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    """/new: this user's next question in this chat follows up nothing."""
    if context.chat_data is not None:
        context.chat_data.get(_KEY, {}).pop(user_id, None)
