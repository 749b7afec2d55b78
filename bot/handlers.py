"""Telegram handlers for everyone: questions, browsing commands, source and feedback buttons, bad input,
and the one error handler. Each is thin: check the input, run the service in a thread, render, send.

bot_data holds what the handlers share (see ``telegram_app.build_application``):
``service`` (PolicyService), ``settings`` (Settings), ``limiter`` (SlidingWindowLimiter), ``stats``
(Counter), ``typing_delay`` (seconds before the typing indicator), and optionally ``audit``: an object
with ``record_answer(user_id, chat_id, question, answer, latency_ms) -> int | None`` and
``record_feedback(record_id, user_id, value)``; without it feedback is only acknowledged.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from dataclasses import dataclass, field

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from retrieval.answer.answerer import QuestionError
from retrieval.index.store import StoreError
from retrieval.models import Measure
from retrieval.text.textnorm import HAN_RE, LATIN_WORD_RE
from retrieval.text.units import english_name

from . import conversation
from . import telegram_render as render

log = logging.getLogger(__name__)
TYPING_REFRESH = 4.5  # Telegram shows "typing…" for about five seconds


# -- shared state ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Catalogue:
    """The serving version's measures, so a source button can name a measure in a few bytes."""

    version: int
    measures: tuple[Measure, ...]
    titles: dict[str, str]
    index: dict[tuple[str, str], int] = field(default_factory=dict)


def catalogue(service, cache: dict) -> Catalogue:
    """Blocking: the current version's catalogue, rebuilt only when the version changes."""
    for _ in range(3):
        about = service.about()
        cached = cache.get("catalogue")
        if cached is not None and cached.version == about.version:
            return cached
        measures = tuple(service.measures())
        if service.about().version != about.version:
            continue  # a reload switched versions meanwhile
        built = Catalogue(about.version, measures, {name: title for name, title, _ in about.documents},
                          {(m.document, m.section): i for i, m in enumerate(measures)})
        cache["catalogue"] = built
        return built
    raise RuntimeError("the index version kept changing")


def service_of(context: ContextTypes.DEFAULT_TYPE):
    return context.bot_data["service"]


def settings_of(context: ContextTypes.DEFAULT_TYPE):
    return context.bot_data["settings"]


def names_of(context: ContextTypes.DEFAULT_TYPE):
    return settings_of(context).retrieval.unit_names


def user_lang(update: Update) -> str:
    code = (update.effective_user.language_code or "") if update.effective_user else ""
    return "zh" if code.lower().startswith("zh") else "en"


def text_lang(text: str, update: Update) -> str:
    """The question's language; the user's language_code when the text has no words."""
    han, latin = len(HAN_RE.findall(text)), len(LATIN_WORD_RE.findall(text))
    if not han and not latin:
        return user_lang(update)
    return "zh" if han >= latin else "en"


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).telegram.admins


async def send_html(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, *, reply_to: Message | None = None,
                    reply_markup=None) -> list[Message]:
    """Send in parts below 4,096 characters; the keyboard goes with the last part. Returns the messages."""
    parts = render.split_html(text)
    sent = []
    for i, part in enumerate(parts):
        markup = reply_markup if i == len(parts) - 1 else None
        if reply_to is not None:
            sent.append(await reply_to.reply_html(part, reply_markup=markup))
        else:
            sent.append(await context.bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup))
    return sent


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, reply_markup=None) -> list[Message]:
    return await send_html(context, update.effective_chat.id, text, reply_to=update.effective_message,
                           reply_markup=reply_markup)


@contextlib.asynccontextmanager
async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int, delay: float | None = None):
    """Show "typing…" while the body runs, once it has taken longer than ``delay`` (default ``typing_delay``)."""
    async def show() -> bool:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            return True
        except TelegramError as exc:
            log.debug("typing indicator failed: %s", exc)
            return False

    async def keep_typing(delay: float) -> None:
        await asyncio.sleep(delay)
        while await show():
            await asyncio.sleep(TYPING_REFRESH)

    delay = context.bot_data.get("typing_delay", 0.0) if delay is None else delay
    task = None
    if delay > 0 or await show():  # with no delay, shown before the work starts
        task = asyncio.create_task(keep_typing(delay if delay > 0 else TYPING_REFRESH))
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def addressed_to_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Private chats always; in groups, a reply to the bot or an @mention of it."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == context.bot.id:
        return True
    mention = f"@{context.bot.username}".lower()
    try:
        mentions = message.parse_entities([MessageEntityType.MENTION]) if message.text else {}
    except UnicodeDecodeError:
        # An entity whose offsets cut a character in two (a malformed update): read the text itself.
        return mention in (message.text or "").lower()
    return any(v.lower() == mention for v in mentions.values())


def strip_mention(text: str, context: ContextTypes.DEFAULT_TYPE) -> str:
    return re.sub(re.escape(f"@{context.bot.username}"), " ", text, flags=re.IGNORECASE).strip()


# -- questions ---------------------------------------------------------------------------------
def _ask(service, cache: dict, question: str, lang: str, follow: conversation.FollowUp = conversation.FollowUp()):
    answer = service.ask(question, language=lang, context=follow.documents, after=follow.measures)
    return answer, catalogue(service, cache)


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Validate, rate-limit, answer in a thread, send the HTML with source and feedback buttons."""
    question, user, chat = question.strip(), update.effective_user, update.effective_chat
    lang = text_lang(question, update)
    limit = settings_of(context).telegram.max_question_chars
    if not question:
        return await reply(update, context, render.t("empty", lang))
    if len(question) > limit:
        return await reply(update, context, render.t("too_long", lang, n=len(question), limit=limit))
    stats = context.bot_data["stats"]
    decision = context.bot_data["limiter"].check(user.id)
    if not decision.allowed:
        stats["rate_limited"] += 1
        log.info("rate limited user=%s retry_after=%.0fs", user.id, decision.retry_after)
        if decision.notify:
            await reply(update, context, render.t("rate_limited", lang, seconds=math.ceil(decision.retry_after)))
        return
    stats["questions"] += 1
    started = time.perf_counter()
    service = service_of(context)
    follow = conversation.follow_up(context, user.id, settings_of(context).telegram.follow_up_minutes)
    from . import offline_first  # imports this module's helpers

    try:
        if offline_first.asks_model(service):
            return await offline_first.answer(update, context, service, question, lang, started, follow)
        async with typing(context, chat.id):
            answer, cat = await asyncio.to_thread(_ask, service, context.bot_data, question, lang, follow)
    except QuestionError as exc:
        return await reply(update, context, render.t("bad_question", lang, reason=str(exc)))
    except StoreError as exc:
        # The index (e.g. a Chroma server) is down: say so rather than "something went wrong".
        log.warning("index unavailable: %s", exc)
        return await reply(update, context, render.t("index_down", lang))
    conversation.remember(context, user.id, answer)
    record = await log_and_record(update, context, question, answer, started)
    keyboard = render.answer_keyboard(source_buttons(answer, cat), record, answer.language)
    await reply(update, context, render.answer_html(answer, cat.titles, names_of(context)), keyboard)


async def log_and_record(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, answer,
                          started: float) -> int | None:
    user, chat = update.effective_user, update.effective_chat
    latency_ms = (time.perf_counter() - started) * 1000
    log.info("answered user=%s chat=%s lang=%s mode=%s answerable=%s citations=%d in %.0f ms", user.id, chat.id,
             answer.language, answer.mode, answer.answerable, len(answer.citations), latency_ms)
    return await _record_answer(context, user.id, chat.id, question, answer, latency_ms)


def source_buttons(answer, cat: Catalogue) -> list[tuple[str, str]]:
    """(label, callback data) per cited measure, then per nearest measure of a refusal."""
    cited = [(c.document, c.section) for c in answer.citations]
    cited += [(h.measure.document, h.measure.section) for h in answer.nearest]
    return [(section, render.source_data(cat.version, cat.index[(doc, section)], answer.language))
            for doc, section in dict.fromkeys(cited) if (doc, section) in cat.index]


async def _record_answer(context, user_id, chat_id, question, answer, latency_ms) -> int | None:
    audit = context.bot_data.get("audit")
    if audit is None:
        return None
    try:
        return await asyncio.to_thread(audit.record_answer, user_id, chat_id, question, answer, latency_ms)
    except Exception:  # the audit log must never cost the user the answer
        log.exception("audit: recording the answer failed")
        return None


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat; in groups only when the bot is mentioned or replied to."""
    message = update.effective_message
    if not addressed_to_bot(message, context):
        return
    await answer_question(update, context, strip_mention(message.text, context))


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parts = (update.effective_message.text or "").split(maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        lang = user_lang(update)
        examples = await asyncio.to_thread(service_of(context).examples, lang)
        example = examples.questions[0] if examples.questions else "…"
        return await reply(update, context, render.t("ask_usage", lang, example=example))
    await answer_question(update, context, parts[1])


# -- browsing commands -------------------------------------------------------------------------
async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, render.t("start", user_lang(update)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_lang(update)
    examples = await asyncio.to_thread(service_of(context).examples, lang)
    await reply(update, context, render.help_html(lang, is_admin(update, context), examples))


async def section_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang, wanted = user_lang(update), " ".join(context.args).strip()
    if not wanted:
        examples = await asyncio.to_thread(service_of(context).examples, lang)
        return await reply(update, context, render.t("section_usage", lang, section=examples.section or "…"))
    found = await asyncio.to_thread(service_of(context).section, wanted)
    if not found:
        return await reply(update, context, render.t("section_missing", lang, section=wanted))
    await reply(update, context, "\n\n".join(render.measure_html(m, lang, names_of(context)) for m in found))


async def units_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    units = await asyncio.to_thread(service_of(context).units)
    await reply(update, context, render.units_list_html(units, user_lang(update), names_of(context)))


def _find_unit(service, wanted: str, names) -> tuple[str, list[Measure]] | None:
    """Blocking: a unit by official name, short form (科技局) or English name."""
    units = [u for u, _ in service.units()]
    folded = wanted.casefold()
    match = next((u for u in units if u == wanted), None) or next((u for u in units if wanted in u), None) or \
        next((u for u in units if folded in (english_name(u, names) or "").casefold()), None)
    return (match, service.measures(unit=match)) if match else None


async def unit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang, wanted = user_lang(update), " ".join(context.args).strip()
    if not wanted:
        return await reply(update, context, render.t("unit_usage", lang))
    found = await asyncio.to_thread(_find_unit, service_of(context), wanted, names_of(context))
    if not found:
        return await reply(update, context, render.t("unit_missing", lang, unit=wanted))
    unit, measures = found
    await reply(update, context, render.unit_measures_html(unit, measures, lang, names_of(context)))


async def support_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = " ".join(context.args).strip()
    lang = text_lang(query, update) if query else user_lang(update)
    decision = context.bot_data["limiter"].check(update.effective_user.id) if query else None
    if decision is not None and not decision.allowed:
        seconds = math.ceil(decision.retry_after)
        return await reply(update, context, render.t("rate_limited", lang, seconds=seconds))
    items = await asyncio.to_thread(service_of(context).support, query or None)
    await reply(update, context, render.support_html(items, lang, names_of(context)))


async def new_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user is not None:
        conversation.forget(context, update.effective_user.id)
    await reply(update, context, render.t("new", user_lang(update)))


async def about_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    about = await asyncio.to_thread(service_of(context).about)
    await reply(update, context, render.about_html(about, user_lang(update)))


# -- buttons -----------------------------------------------------------------------------------
def _resolve_source(service, cache: dict, data: str) -> tuple[Measure, str] | None:
    """Blocking: ``src|version|index|lang`` → the measure, if that version still serves."""
    match = re.fullmatch(r"src\|(\d+)\|(\d+)\|(zh|en)", data or "")
    if not match:
        return None
    cat = catalogue(service, cache)
    version, index = int(match.group(1)), int(match.group(2))
    if version != cat.version or index >= len(cat.measures):
        return None
    return cat.measures[index], match.group(3)


async def source_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The full text of a cited measure, sent under the answer."""
    query = update.callback_query
    found = await asyncio.to_thread(_resolve_source, service_of(context), context.bot_data, query.data)
    if found is None or update.effective_chat is None:
        return await query.answer(render.t("expired", user_lang(update)), show_alert=True)
    await query.answer()
    measure, lang = found
    await send_html(context, update.effective_chat.id, render.measure_html(measure, lang, names_of(context)))


async def feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    match = re.fullmatch(r"fb\|(\d+)\|(-?1)\|(zh|en)", query.data or "")
    if not match:
        return await query.answer(render.t("expired", user_lang(update)), show_alert=True)
    record, value, lang = int(match.group(1)), int(match.group(2)), match.group(3)
    await query.answer(render.t("thanks", lang))
    context.bot_data["stats"]["feedback_up" if value > 0 else "feedback_down"] += 1
    log.info("feedback user=%s record=%s value=%d", update.effective_user.id, record or None, value)
    audit = context.bot_data.get("audit")
    if audit is not None and record:
        await asyncio.to_thread(audit.record_feedback, record, update.effective_user.id, value)


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button this bot no longer knows (old messages, other versions)."""
    await update.callback_query.answer(render.t("expired", user_lang(update)), show_alert=True)


# -- bad input ---------------------------------------------------------------------------------
async def ignore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Channel posts: the bot answers people, not channels."""


async def edited_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if addressed_to_bot(message, context):
        await reply(update, context, render.t("edited", text_lang(message.text or "", update)))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, …: say what the bot can read. An admin's photo may be a document to add
    (a notice, a 一图读懂): it is read only from the uncompressed file."""
    message = update.effective_message
    if message.photo and message.chat.type == ChatType.PRIVATE and is_admin(update, context):
        await reply(update, context, render.t("photo_admin", user_lang(update)))
    elif addressed_to_bot(message, context):
        await reply(update, context, render.t("not_text", user_lang(update)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    command = (message.text or "").split(maxsplit=1)[0]
    if message.chat.type != ChatType.PRIVATE and not command.lower().endswith(f"@{context.bot.username}".lower()):
        return  # addressed to another bot in the group
    await reply(update, context, render.t("unknown_command", user_lang(update), command=command.split("@")[0]))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: log with the traceback, tell the user politely."""
    error = context.error
    if isinstance(error, RetryAfter):
        log.warning("flood control: %s", error)
        return
    if isinstance(error, Forbidden):
        log.warning("cannot reach the chat: %s", error)
        return
    if update is None and isinstance(error, NetworkError):
        log.warning("network error while fetching updates: %s", error)
        return
    context.bot_data["stats"]["errors"] += 1
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s caused an error", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, render.t("error", user_lang(update)))
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)
