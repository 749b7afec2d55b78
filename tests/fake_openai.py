"""A fake OpenAI-compatible server on loopback: real HTTP, so the real openai client is exercised.

Replies are queued with ``enqueue``; every request body is recorded. A reply may be a string
(the assistant's content), a ``Slow(seconds, content)``, an ``HTTPError(status)``, a
``Cut(content)`` (stopped at max_tokens: finish_reason "length"), or a callable that gets the
request body and returns one of these. ``reject_formats`` makes the server answer HTTP 400 to
requests whose ``response_format`` type is in it, as servers without structured output do.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.fake_bot_api import LoopbackServer


@dataclass
class Slow:
    seconds: float
    content: str = "{}"


@dataclass
class HTTPError:
    status: int


@dataclass
class Cut:
    content: str


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self._replies: list = []
        self._default = None
        self.reject_formats: set[str] = set()
        self._lock = threading.Lock()
        self._server = LoopbackServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def enqueue(self, *replies) -> None:
        with self._lock:
            self._replies.extend(replies)

    def always(self, reply) -> None:
        """Answer every request not served from the queue with this reply."""
        self._default = reply

    def _next(self):
        with self._lock:
            if self._replies:
                return self._replies.pop(0)
        return self._default if self._default is not None else "{}"

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                if self.path.endswith("/embeddings"):
                    self._send(200, embeddings(body))
                    return
                kind = (body.get("response_format") or {}).get("type")
                if kind in fake.reject_formats:
                    self._send(400, {"error": {"message": f"response_format {kind} is not supported",
                                               "type": "invalid_request_error"}})
                    return
                reply = fake._next()
                if callable(reply):
                    reply = reply(body)
                if isinstance(reply, HTTPError):
                    self._send(reply.status, {"error": {"message": "fake failure", "type": "server_error"}})
                    return
                if isinstance(reply, Slow):
                    time.sleep(reply.seconds)
                    reply = reply.content(body) if callable(reply.content) else reply.content
                if isinstance(reply, Cut):
                    self._send(200, completion(body.get("model", "fake"), reply.content, "length"))
                    return
                self._send(200, completion(body.get("model", "fake"), reply))

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away

        return Handler


def completion(model: str, content: str, finish_reason: str = "stop") -> dict:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def embeddings(body: dict) -> dict:
    """Deterministic 16-dimensional vectors from character counts: similar texts, similar vectors."""
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = []
    for i, text in enumerate(texts):
        vector = [0.0] * 16
        for char in text:
            vector[ord(char) % 16] += 1.0
        data.append({"object": "embedding", "index": i, "embedding": vector})
    return {"object": "list", "data": data, "model": body.get("model", "fake"),
            "usage": {"prompt_tokens": 1, "total_tokens": 1}}
