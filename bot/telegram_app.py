"""The Telegram application: built from Settings and one PolicyService, every handler registered top to
bottom, run by long polling or behind a reverse proxy by webhook."""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from telegram import BotCommand
from telegram.constants import UpdateType
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler,
                          Defaults, MessageHandler, filters)

from retrieval.config import ConfigError, Settings, TelegramSettings

from . import admin_handlers as admin
from . import handlers
from .ratelimit import SlidingWindowLimiter
from .telegram_render import COMMANDS

log = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines contain the bot token
TYPING_DELAY = 0.3  # seconds of work before "typing…" is shown; quick answers spend no flood budget on it
# Threads for blocking work. Offline answers are CPU-bound: more threads only fight over the GIL (the benchmark
# answers 1,000 questions almost twice as fast with 4 as with 32); LLM answers mostly wait on the network.
WORKERS_OFFLINE, WORKERS_LLM = 4, 32
ALLOWED_UPDATES = [UpdateType.MESSAGE, UpdateType.EDITED_MESSAGE, UpdateType.CALLBACK_QUERY]
FLOOD_RETRIES = 2  # AIORateLimiter retries after a RetryAfter before the error handler sees it


class TokenFilter(logging.Filter):
    """Defence in depth: the bot token never reaches a log line, even inside a traceback."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, "<token>")
        return True


def protect_logs(token: str) -> None:
    """Quiet httpx and redact the token in every root handler (PTB itself logs its URLs at DEBUG)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TokenFilter) and f.token == token for f in handler.filters):
            handler.addFilter(TokenFilter(token))


def _warm_up(service) -> None:
    """One Chinese and one English search over the loaded documents' own words."""
    measures = service.index.snapshot().measures
    if measures:
        service.search(measures[0].heading_line[:40] or measures[0].text[:40])
        service.search("Who is responsible for this measure?")


async def post_init(app: Application) -> None:
    """A thread pool sized for the answer mode; warm caches; the command menu in Chinese and English."""
    service = app.bot_data["service"]
    about = service.about()  # quick, and no update is being served yet; the pool is chosen from its answer mode
    workers = WORKERS_LLM if about.llm else WORKERS_OFFLINE
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(workers, thread_name_prefix="policybot"))
    # The first search loads the segmenter and builds BM25: do it now, not on the first user's time.
    await asyncio.to_thread(_warm_up, service)
    zh = [BotCommand(c, zh) for c, zh, _ in COMMANDS]
    en = [BotCommand(c, en) for c, _, en in COMMANDS]
    await app.bot.set_my_commands(en)
    await app.bot.set_my_commands(zh, language_code="zh")
    await app.bot.set_my_commands(en, language_code="en")
    log.info("bot @%s ready: index version %d, %s answers, %d worker threads, %d admins", app.bot.username,
             about.version, about.llm or "offline", workers, len(app.bot_data["settings"].telegram.admins))


def build_application(settings: Settings, service, token: str, *, audit=None,
                      limiter: SlidingWindowLimiter | None = None, typing_delay: float = TYPING_DELAY,
                      flood_limiter: AIORateLimiter | None = None) -> Application:
    """The Application with every handler; ``run`` or a test drives it. ``limiter`` limits questions per
    user; ``flood_limiter`` paces outgoing requests (default: Telegram's limits, two retries on RetryAfter)."""
    protect_logs(token)  # before the Bot exists: it logs its URLs, token included, at DEBUG
    tg = settings.telegram
    app = (ApplicationBuilder().token(token).base_url(tg.base_url).base_file_url(tg.base_file_url)
           .rate_limiter(flood_limiter or AIORateLimiter(max_retries=FLOOD_RETRIES)).concurrent_updates(True)
           .defaults(Defaults(allow_sending_without_reply=True))  # the question may be deleted meanwhile
           .post_init(post_init).build())
    app.bot_data.update(service=service, settings=settings, audit=audit, stats=Counter(), started=time.monotonic(),
                        limiter=limiter if limiter is not None else SlidingWindowLimiter(tg.rate_limit_per_minute, 60.0),
                        typing_delay=typing_delay)
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POSTS, handlers.ignore))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, handlers.edited_message))
    app.add_handler(CommandHandler("start", handlers.start_command))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("ask", handlers.ask_command))
    app.add_handler(CommandHandler("section", handlers.section_command))
    app.add_handler(CommandHandler("units", handlers.units_command))
    app.add_handler(CommandHandler("unit", handlers.unit_command))
    app.add_handler(CommandHandler("support", handlers.support_command))
    app.add_handler(CommandHandler("about", handlers.about_command))
    app.add_handler(CommandHandler("new", handlers.new_command))
    app.add_handler(CommandHandler("reload", admin.reload_command))
    app.add_handler(CommandHandler("status", admin.status_command))
    app.add_handler(CommandHandler("report", admin.report_command))
    app.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(filters.Document.ALL & private, admin.document_message))
    app.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, handlers.text_message))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, handlers.not_text))
    app.add_handler(CallbackQueryHandler(handlers.source_button, pattern=r"^src\|"))
    app.add_handler(CallbackQueryHandler(handlers.feedback_button, pattern=r"^fb\|"))
    app.add_handler(CallbackQueryHandler(admin.upload_button, pattern=r"^up\|"))
    app.add_handler(CallbackQueryHandler(handlers.expired_button))
    app.add_error_handler(handlers.on_error)
    return app


def webhook_url(tg: TelegramSettings) -> str:
    """The public URL Telegram posts to: ``webhook.url`` plus ``webhook.path`` unless it already ends so."""
    if not tg.webhook.url:
        raise ConfigError("telegram.mode is webhook but telegram.webhook.url (the public HTTPS URL) is not set")
    url, path = tg.webhook.url.rstrip("/"), tg.webhook.path.strip("/")
    return url if not path or url.endswith("/" + path) else f"{url}/{path}"


def run(settings: Settings, service, token: str, *, audit=None) -> None:
    """Serve until interrupted: long polling, or a webhook server behind the reverse proxy."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tg = settings.telegram
    app = build_application(settings, service, token, audit=audit)
    if tg.mode == "webhook":
        url = webhook_url(tg)
        secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or secrets.token_urlsafe(32)
        log.info("webhook on %s:%d/%s for %s", tg.webhook.listen, tg.webhook.port, tg.webhook.path, url)
        app.run_webhook(listen=tg.webhook.listen, port=tg.webhook.port, url_path=tg.webhook.path.strip("/"),
                        webhook_url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    else:
        log.info("long polling %s", tg.base_url)
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
