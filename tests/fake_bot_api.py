"""A loopback fake of the Telegram Bot API, for driving the real python-telegram-bot stack.

It runs ``http.server`` in a thread on 127.0.0.1 (a random port), answers the methods the bot uses
(getMe, deleteWebhook, setWebhook, getUpdates with long polling over queued updates, sendMessage,
editMessageText, editMessageReplyMarkup, sendChatAction, answerCallbackQuery, setMyCommands, getFile and
the file download), and records every call. Builders make the update JSON a real client would send.
Used in-process by the tests and the benchmark, and across processes by the ``policybot serve`` test.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

TOKEN = "123456:TEST-token-never-logged"
BOT_ID = 123456
BOT_USERNAME = "policy_test_bot"
RAW_PARAMS = {"text", "caption", "parse_mode", "callback_query_id", "file_id", "url", "secret_token", "action",
              "language_code", "inline_message_id"}


class LoopbackServer(ThreadingHTTPServer):
    """A threading server whose listen queue holds a crowd: with the default of 5, twenty users at once
    overflowed it, and Linux resets the connections it could not accept (the bot saw httpx.ReadError)."""

    request_queue_size = 128
    daemon_threads = True


@dataclass
class Call:
    method: str
    params: dict
    at: float = field(default_factory=time.monotonic)

    def get(self, key, default=None):
        return self.params.get(key, default)


class FakeBotAPI:
    def __init__(self, token: str = TOKEN, *, bot_id: int = BOT_ID, username: str = BOT_USERNAME) -> None:
        self.token, self.bot_id, self.username = token, bot_id, username
        self.calls: list[Call] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, data)
        self.failures: dict[str, list[dict]] = {}  # method -> error replies to give first
        self._updates: list[dict] = []
        self._chats: dict[int, dict] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._cond = threading.Condition()
        self._closing = False
        self._server: ThreadingHTTPServer | None = None
        self.listeners: list = []  # callables given each answered Call (from the server's threads)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> "FakeBotAPI":
        api = self

        class Handler(_Handler):
            fake = api

        self._server = LoopbackServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True).start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeBotAPI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what the bot did ------------------------------------------------------------------------
    def recorded(self, method: str | None = None, **match) -> list[Call]:
        with self._cond:
            calls = list(self.calls)
        return [c for c in calls if (method is None or c.method == method)
                and all(c.params.get(k) == v for k, v in match.items())]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        return self.recorded("sendMessage", **({"chat_id": chat_id} if chat_id is not None else {}))

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [c.params["text"] for c in self.sent(chat_id)]

    def clear(self) -> None:
        with self._cond:
            self.calls.clear()

    def wait_for_sync(self, predicate, timeout: float = 10.0) -> Call:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [c for c in self.recorded() if predicate(c)]
            if found:
                return found[0]
            time.sleep(0.02)
        raise TimeoutError(f"no matching call within {timeout}s; methods seen: {[c.method for c in self.recorded()]}")

    async def wait_for(self, predicate, timeout: float = 10.0) -> Call:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [c for c in self.recorded() if predicate(c)]
            if found:
                return found[0]
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no matching call within {timeout}s; methods seen: {[c.method for c in self.recorded()]}")

    def fail_next(self, method: str, *, retry_after: int | None = None, code: int = 429,
                  description: str = "Too Many Requests", times: int = 1) -> None:
        reply = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            reply["description"] = f"Too Many Requests: retry after {retry_after}"
            reply["parameters"] = {"retry_after": retry_after}
        with self._cond:
            self.failures.setdefault(method, []).extend([reply] * times)

    # -- what users do ---------------------------------------------------------------------------
    def push(self, update: dict) -> dict:
        """Queue an update for getUpdates (and return it, e.g. for a webhook POST)."""
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def user(self, user_id: int, language: str | None = "en") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language:
            user["language_code"] = language
        return user

    def chat(self, chat_id: int, chat_type: str = "private") -> dict:
        chat = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = f"Group {chat_id}"
        with self._cond:
            self._chats[chat_id] = chat
        return chat

    def message(self, text: str | None = None, *, user_id: int = 1, chat_id: int | None = None,
                chat_type: str = "private", language: str | None = "en", reply_to: dict | None = None,
                edited: bool = False, **content) -> dict:
        """An update with a message; a leading /command and @mentions get their entities."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(chat_id if chat_id is not None else user_id, chat_type),
                   "from": self.user(user_id, language), **content}
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if edited:
            message["edit_date"] = int(time.time())
        return {"update_id": next(self._update_ids), ("edited_message" if edited else "message"): message}

    def callback(self, data: str, *, user_id: int = 1, message: dict | None = None, language: str | None = "en",
                 chat_id: int | None = None) -> dict:
        """A button press on ``message`` (a message the bot sent, see ``bot_message``)."""
        if message is None:
            message = {"message_id": next(self._message_ids), "date": int(time.time()),
                       "chat": self.chat(chat_id if chat_id is not None else user_id), "text": "old message",
                       "from": self.user(self.bot_id, None) | {"is_bot": True}}
        return {"update_id": next(self._update_ids),
                "callback_query": {"id": str(next(self._message_ids)), "from": self.user(user_id, language),
                                   "chat_instance": "1", "data": data, "message": message}}

    def bot_message(self, call: Call) -> dict:
        """The message object the bot got back for a sendMessage call."""
        return call.params["_result"]

    def add_file(self, file_id: str, data: bytes, file_name: str) -> dict:
        """Make a file downloadable; returns the ``document`` object for a message."""
        with self._cond:
            self.files[file_id] = (f"documents/{file_id}/{file_name}", data)
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                "file_size": len(data)}

    # -- the Bot API -----------------------------------------------------------------------------
    def handle(self, method: str, params: dict):
        """(ok, result) for one call; recorded before it is answered."""
        call = Call(method, params)
        with self._cond:
            self.calls.append(call)
            failures = self.failures.get(method)
            if failures:
                return failures.pop(0)
        if method == "getUpdates":
            return {"ok": True, "result": self._get_updates(params)}
        result = self._result(method, params)
        if result is None:
            return {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        call.params["_result"] = result
        for listener in self.listeners:
            listener(call)
        return {"ok": True, "result": result}

    def _result(self, method: str, p: dict):
        if method == "getMe":
            return {"id": self.bot_id, "is_bot": True, "first_name": "PolicyBot", "username": self.username,
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if method in ("deleteWebhook", "setWebhook", "setMyCommands", "sendChatAction", "answerCallbackQuery",
                      "deleteMyCommands", "close", "logOut"):
            return True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            return self._message_result(method, p)
        if method == "getFile":
            path, data = self.files.get(p.get("file_id"), (None, b""))
            if path is None:
                return None
            return {"file_id": p["file_id"], "file_unique_id": f"u{p['file_id']}", "file_size": len(data),
                    "file_path": path}
        return None

    def _message_result(self, method: str, p: dict) -> dict:
        chat_id = int(p["chat_id"])
        with self._cond:
            chat = self._chats.get(chat_id) or {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        message_id = int(p["message_id"]) if "message_id" in p else next(self._message_ids)
        result = {"message_id": message_id, "date": int(time.time()), "chat": chat,
                  "from": {"id": self.bot_id, "is_bot": True, "first_name": "PolicyBot", "username": self.username}}
        if "text" in p:
            result["text"] = p["text"]
        if p.get("reply_markup"):
            result["reply_markup"] = p["reply_markup"]
        with self._cond:
            self._messages[(chat_id, message_id)] = result
        return result

    def _get_updates(self, p: dict) -> list[dict]:
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 30.0)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing and time.monotonic() < deadline:
                self._cond.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            return list(self._updates[: int(p.get("limit") or 100)])

    def download(self, path: str) -> bytes | None:
        with self._cond:
            for file_path, data in self.files.values():
                if file_path == path:
                    return data
        return None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBotAPI
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the bot process went away mid-request
            pass

    def do_POST(self) -> None:
        self._dispatch(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        prefix = f"/file/bot{self.fake.token}/"
        if path.startswith(prefix):
            data = self.fake.download(path[len(prefix):])
            with self.fake._cond:
                self.fake.calls.append(Call("download", {"path": path[len(prefix):]}))
            if data is not None:
                return self._send(200, data, "application/octet-stream")
            return self._send(404, b"not found", "text/plain")
        self._dispatch(b"")

    def _dispatch(self, body: bytes) -> None:
        parts = unquote(urlsplit(self.path).path).strip("/").split("/")
        if len(parts) != 2 or parts[0] != f"bot{self.fake.token}":
            return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        params = dict(parse_qsl(urlsplit(self.path).query))
        params.update(_parse_body(body, self.headers.get("Content-Type", "")))
        reply = self.fake.handle(parts[1], params)
        self._json(200 if reply["ok"] else reply["error_code"], reply)

    def _json(self, status: int, obj: dict) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client went away (e.g. a stopped long poll)
            self.close_connection = True


def _parse_body(body: bytes, content_type: str) -> dict:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        from email.parser import BytesParser

        message = BytesParser().parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        fields = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                  for part in message.get_payload()}
        return {k: _value(k, v.decode("utf-8", "replace")) for k, v in fields.items()}
    return {k: _value(k, v) for k, v in parse_qsl(body.decode("utf-8"), keep_blank_values=True)}


def _value(key: str, raw: str):
    """PTB sends non-string values JSON-encoded in form fields; strings as they are."""
    if key in RAW_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _entities(text: str) -> list[dict]:
    entities = []
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        entities.append({"type": "bot_command", "offset": 0, "length": _u16(command)})
    for i, ch in enumerate(text):
        if ch == "@" and (i == 0 or not text[i - 1].isalnum()):
            end = i + 1
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            if end - i > 1 and not (entities and entities[0]["type"] == "bot_command" and i < len(text.split()[0])):
                entities.append({"type": "mention", "offset": _u16(text[:i]), "length": _u16(text[i:end])})
    return entities


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def button_data(call: Call) -> list[str]:
    """Every callback_data in the inline keyboard a sendMessage call carried."""
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b]


# -- driving the real Application against the fake -------------------------------------------------
def point_at(settings, api: FakeBotAPI, **telegram):
    """Settings whose Bot API (and file) URLs are the fake's, with telegram overrides (admins=…)."""
    tg = settings.telegram.model_copy(update={"base_url": api.base_url, "base_file_url": api.base_file_url,
                                              **telegram})
    return settings.model_copy(update={"telegram": tg})


class BotDriver:
    """The Application that bot.telegram_app builds, talking HTTP to a FakeBotAPI.

    ``process`` hands one update to PTB and returns when every handler (and the error handler) is done;
    ``start_polling`` fetches updates through getUpdates like the deployed bot.
    """

    def __init__(self, api: FakeBotAPI, settings, service, *, telegram: dict | None = None, **kwargs) -> None:
        from bot.telegram_app import build_application

        self.api = api
        self.app = build_application(point_at(settings, api, **(telegram or {})), service, api.token, **kwargs)

    async def __aenter__(self) -> "BotDriver":
        await self.app.initialize()
        await self.app.post_init(self.app)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.app.updater and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def process(self, update: dict) -> None:
        from telegram import Update

        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def start_polling(self) -> None:
        await self.app.updater.start_polling(poll_interval=0, timeout=1)
        await self.app.start()
