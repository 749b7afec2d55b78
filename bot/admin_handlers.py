"""Admin-only handlers: /reload, /status, /report, and document upload (preview, then add only after Confirm).

Admins are Telegram user ids from ``telegram.admins`` (POLICYBOT_ADMINS overrides). Everyone else gets a
polite refusal and the attempt is logged. A pending upload lives in bot_data under a short random token,
bound to the admin who sent it; a forged or foreign Confirm is refused and logged.
"""
from __future__ import annotations

import asyncio
import html
import logging
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes

from retrieval.index.versions import IngestError
from retrieval.ingest.corpus import document_name
from retrieval.ingest.loaders import SUPPORTED_SUFFIXES, DocumentError
from retrieval.models import file_name_of

from . import telegram_render as render
from .handlers import is_admin, names_of, reply, send_html, service_of, settings_of, typing, user_lang

log = logging.getLogger(__name__)
MB = 1024 * 1024
PENDING_MAX = 20  # uploads awaiting confirmation, oldest dropped first
PENDING_TTL = 3600.0  # seconds a preview stays confirmable


@dataclass(frozen=True)
class PendingUpload:
    user_id: int
    filename: str
    data: bytes
    created: float = field(default_factory=time.monotonic)


def pending_uploads(context: ContextTypes.DEFAULT_TYPE) -> OrderedDict[str, PendingUpload]:
    return context.bot_data.setdefault("uploads", OrderedDict())


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, attempt: str) -> None:
    user = update.effective_user
    log.warning("refused: non-admin user %s (%s) tried %s", user.id if user else None,
                user.username if user else None, attempt)
    await reply(update, context, render.t("not_admin", user_lang(update)))


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-ingest the corpus folder and reply with the diff."""
    if not is_admin(update, context):
        return await refuse(update, context, "/reload")
    lang = user_lang(update)
    log.info("admin %s: reload", update.effective_user.id)
    try:
        async with typing(context, update.effective_chat.id):
            report = await asyncio.to_thread(service_of(context).reload)
    except (IngestError, DocumentError) as exc:
        log.warning("reload failed: %s", exc)
        return await reply(update, context, render.t("ingest_failed", lang, reason=str(exc)))
    await reply(update, context, render.ingest_html(report, lang))


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [days]: questions, answered vs abstained, 👎 answers, what the corpus lacks."""
    if not is_admin(update, context):
        return await refuse(update, context, "/report")
    lang = user_lang(update)
    audit = context.bot_data.get("audit")
    if audit is None:
        return await reply(update, context, render.t("report_off", lang))
    days = int(context.args[0]) if context.args and context.args[0].isdigit() and int(context.args[0]) > 0 else 7
    report = await asyncio.to_thread(audit.report, audit.now() - timedelta(days=days))
    await reply(update, context, html.escape(report.render(lang)))


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not is_admin(update, context):
        return await refuse(update, context, "/status")
    about = await asyncio.to_thread(service_of(context).about)
    stats, tg = context.bot_data["stats"], settings_of(context).telegram
    uptime = int(time.monotonic() - context.bot_data.get("started", time.monotonic()))
    lang = user_lang(update)
    text = render.t("status", lang, version=about.version, documents=len(about.documents), measures=about.measures,
                    embedder=about.embedder, mode=about.llm or render.t("offline", lang), transport=tg.mode,
                    uptime=f"{uptime // 3600}h {uptime % 3600 // 60}m {uptime % 60}s",
                    questions=stats["questions"], limited=stats["rate_limited"], errors=stats["errors"],
                    up=stats["feedback_up"], down=stats["feedback_down"], pending=len(pending_uploads(context)),
                    rate=tg.rate_limit_per_minute)
    await reply(update, context, text)


async def document_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin's file: check type and size, download, parse in a thread, preview with Confirm / Cancel."""
    if not is_admin(update, context):
        return await refuse(update, context, "a document upload")
    lang, document = user_lang(update), update.effective_message.document
    name = document.file_name or "upload"
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        return await reply(update, context, render.t("upload_type", lang, name=name, types=" ".join(SUPPORTED_SUFFIXES)))
    limit = settings_of(context).telegram.max_upload_mb
    if (document.file_size or 0) > limit * MB:  # refused before downloading anything
        return await reply(update, context, render.t("upload_big", lang, size=document.file_size / MB, limit=limit))
    service = service_of(context)
    async with typing(context, update.effective_chat.id):
        data = bytes(await (await document.get_file()).download_as_bytearray())
        if len(data) > limit * MB:
            return await reply(update, context, render.t("upload_big", lang, size=len(data) / MB, limit=limit))
        try:
            parsed = await asyncio.to_thread(service.preview_upload, data, name)
        except DocumentError as exc:
            log.info("admin %s: upload %s refused: %s", update.effective_user.id, name, exc)
            return await reply(update, context, render.t("upload_refused", lang, reason=str(exc)))
        about = await asyncio.to_thread(service.about)
    token = _remember(context, PendingUpload(update.effective_user.id, name, data))
    log.info("admin %s: upload %s previewed, %d measures, token %s", update.effective_user.id, name,
             sum(len(d.measures) for d in parsed), token)
    replaces = document_name(Path(name)) in {file_name_of(doc_name) for doc_name, _, _ in about.documents}
    await reply(update, context, render.preview_html(parsed, name, lang, names_of(context), replaces),
                render.upload_keyboard(token, lang))


def _remember(context: ContextTypes.DEFAULT_TYPE, upload: PendingUpload) -> str:
    pending = pending_uploads(context)
    now = time.monotonic()
    for token in [k for k, p in pending.items() if now - p.created > PENDING_TTL]:
        del pending[token]
    while len(pending) >= PENDING_MAX:
        pending.popitem(last=False)
    token = secrets.token_urlsafe(8)
    pending[token] = upload
    return token


async def upload_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm or Cancel under a preview; only the admin who uploaded may press it."""
    query, user, lang = update.callback_query, update.effective_user, user_lang(update)
    if not is_admin(update, context):
        log.warning("refused: non-admin user %s pressed an upload button %r", user.id, query.data)
        return await query.answer(render.t("not_admin", lang), show_alert=True)
    match = re.fullmatch(r"up\|([\w-]{1,20})\|([yn])", query.data or "")
    pending = pending_uploads(context)
    upload = pending.get(match.group(1)) if match else None
    if upload is None or time.monotonic() - upload.created > PENDING_TTL:
        return await query.answer(render.t("expired", lang), show_alert=True)
    if upload.user_id != user.id:
        log.warning("refused: admin %s pressed the upload button of admin %s", user.id, upload.user_id)
        return await query.answer(render.t("not_yours", lang), show_alert=True)
    del pending[match.group(1)]
    if match.group(2) == "n":
        await query.answer()
        await query.edit_message_text(render.t("cancelled", lang))
        return
    await query.answer(render.t("adding", lang))
    await query.edit_message_reply_markup(reply_markup=None)
    await _add_document(update, context, upload, lang)


async def _add_document(update: Update, context: ContextTypes.DEFAULT_TYPE, upload: PendingUpload, lang: str) -> None:
    chat_id = update.effective_chat.id
    try:
        async with typing(context, chat_id):
            report = await asyncio.to_thread(service_of(context).add_document, upload.data, upload.filename)
    except DocumentError as exc:
        return await send_html(context, chat_id, render.t("upload_refused", lang, reason=str(exc)))
    except IngestError as exc:
        return await send_html(context, chat_id, render.t("ingest_failed", lang, reason=str(exc)))
    log.info("admin %s: added %s, index version %d", upload.user_id, upload.filename, report.version)
    await send_html(context, chat_id, render.ingest_html(report, lang))
