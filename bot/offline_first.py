"""Answering with a model configured: "typing…" at once, the model's answer if it comes within
``llm.offline_first_seconds``, else the offline answer first, edited in place to the model's answer
if (and only if) that passed the grounding gate."""
from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from . import conversation
from . import telegram_render as render
from .handlers import catalogue, log_and_record, names_of, reply, settings_of, source_buttons, typing

log = logging.getLogger(__name__)


def asks_model(service) -> bool:
    """A service that answers in steps and has a model configured: offline first, the model's answer after."""
    if not callable(getattr(service, "ask_in_steps", None)):
        return False
    answerer = getattr(service, "answerer", None)
    return bool(getattr(answerer, "llm_name", None))


def ask_in_steps(service, cache: dict, question: str, lang: str,
                 follow: conversation.FollowUp = conversation.FollowUp()):
    offline, finish = service.ask_in_steps(question, language=lang, context=follow.documents, after=follow.measures)
    return offline, finish, catalogue(service, cache)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, service, question: str, lang: str,
                 started: float, follow: conversation.FollowUp = conversation.FollowUp()) -> None:
    """"typing…" at once; the model's answer if it comes within ``offline_first_seconds``. Otherwise the
    offline answer is sent, then edited in place to the model's answer if (and only if) that passed the
    grounding gate. The audit log records the answer the user ends up with."""
    chat = update.effective_chat
    async with typing(context, chat.id, delay=0):
        offline, finish, cat = await asyncio.to_thread(ask_in_steps, service, context.bot_data, question, lang, follow)
        pending = asyncio.create_task(asyncio.to_thread(finish)) if finish is not None else None
        wait = settings_of(context).llm.offline_first_seconds
        if pending is not None:
            done, _ = await asyncio.wait({pending}, timeout=wait)
            if done:
                answer, pending = pending.result(), None
        else:
            answer = offline
    if pending is None:
        conversation.remember(context, update.effective_user.id, answer)
        record = await log_and_record(update, context, question, answer, started)
        keyboard = render.answer_keyboard(source_buttons(answer, cat), record, answer.language)
        await reply(update, context, render.answer_html(answer, cat.titles, names_of(context)), keyboard)
        return
    names = names_of(context)
    first = render.answer_keyboard(source_buttons(offline, cat), None, offline.language)
    sent = await reply(update, context, render.answer_html(offline, cat.titles, names), first)
    answer = await pending
    conversation.remember(context, update.effective_user.id, answer)
    record = await log_and_record(update, context, question, answer, started)
    keyboard = render.answer_keyboard(source_buttons(answer, cat), record, answer.language)
    html = render.answer_html(answer, cat.titles, names)
    await replace_answer(update, context, sent, answer.mode == "llm", html, keyboard, record)


async def replace_answer(update, context, sent: list[Message], improved: bool, html: str, keyboard,
                         record: int | None) -> None:
    """Edit the offline answer in place (one message, one part); a longer answer is sent anew."""
    if not improved:
        if record is not None and len(sent) == 1:  # attach the feedback buttons for the audit record
            with contextlib.suppress(TelegramError):
                await sent[0].edit_reply_markup(reply_markup=keyboard)
        return
    if len(sent) == 1 and len(render.split_html(html)) == 1:
        try:
            await sent[0].edit_text(html, parse_mode=ParseMode.HTML, reply_markup=keyboard)
            return
        except TelegramError as exc:
            log.warning("could not edit the answer in place (%s); sending it anew", exc)
    await reply(update, context, html, keyboard)
