"""What a conversation is about: the document a user's last answer in a chat came from.

A follow-up ("那申请条件呢?", "And who pays for the assessment?") rarely names its document again; in
a corpus of many documents on the same subjects, another city's measure may then come first. The
document of the previous answer is handed to the search, which counts its measures twice, and so is
the measure it cited first, which a follow-up with no words of its own ("由哪个部门负责?") asks about. They are
forgotten after ``telegram.follow_up_minutes`` of silence, and a question naming a document overrides it.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the command line's `chat` uses FollowUp without importing telegram
    from telegram.ext import ContextTypes

_KEY = "follow_up"  # chat_data[_KEY][user id] = (FollowUp, monotonic time of the answer)


class FollowUp(NamedTuple):
    """What the next question may follow up: the documents the last answer came from, and the measure it
    cited first (what "由哪个部门负责?" asks about). Empty: the question stands alone."""

    documents: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()

    def after(self, answer) -> "FollowUp":
        """The follow-up after this answer; a refusal keeps this one (the user rephrases)."""
        if not answer.answerable or not answer.citations:
            return self
        return FollowUp((answer.citations[0].document,), (answer.citations[0].id,))


def follow_up(context: ContextTypes.DEFAULT_TYPE, user_id: int, minutes: float) -> FollowUp:
    """This user's follow-up in this chat, if the last answer is recent enough; empty otherwise."""
    if minutes <= 0 or context.chat_data is None:
        return FollowUp()
    kept, at = context.chat_data.get(_KEY, {}).get(user_id, (FollowUp(), 0.0))
    return kept if time.monotonic() - at <= minutes * 60 else FollowUp()


def remember(context: ContextTypes.DEFAULT_TYPE, user_id: int, answer) -> None:
    """Keep what an answer came from, with the time, for this user in this chat."""
    kept = FollowUp().after(answer)
    if context.chat_data is not None and kept.documents:
        context.chat_data.setdefault(_KEY, {})[user_id] = (kept, time.monotonic())


def forget(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    """/new: this user's next question in this chat follows up nothing."""
    if context.chat_data is not None:
        context.chat_data.get(_KEY, {}).pop(user_id, None)
