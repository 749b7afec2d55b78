"""Getting a structured reply out of whatever an OpenAI-compatible server accepts.

Three ways, best first: LangChain's ``with_structured_output`` with a JSON schema whose citation
keys are restricted to the context's keys; the same in JSON mode (``response_format`` json_object);
prose with inline [S1] markers. A server that rejects a way (HTTP 400/404/422) is asked the next
way, and the endpoint is remembered with the first way it accepted. Every call carries
``max_tokens`` and its own timeout; a reply cut off at the limit is a failure of its own.
"""
from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass

import openai
from langchain_core.messages import AIMessage

log = logging.getLogger(__name__)

MODES = ("json_schema", "json_mode", "prose")
MARKER_RE = re.compile(r"\s*[\[【]\s*(S\d{1,2})\s*[\]】]")
FENCE_RE = re.compile(r"```(?:json)?", re.I)


class LLMError(RuntimeError):
    """The model did not give a usable answer; the message says why, briefly."""


class Rejected(LLMError):
    """The server does not accept this way of asking (e.g. no ``response_format``)."""


class OutOfTime(LLMError):
    """The question's time budget ran out before the call could be made."""


@dataclass
class Budget:
    """One overall wait per question, every call included."""

    seconds: float
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.started or time.monotonic()

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def call_timeout(self, cap: float, minimum: float = 0.5) -> float:
        left = min(cap, self.remaining())
        if left < minimum:
            raise OutOfTime(f"out of time after {self.seconds:g} s")
        return left


def answer_schema(keys: list[str], language: str, *, min_citations: int = 0) -> dict:
    """The reply's JSON schema; citation keys may only be the keys the context showed.

    ``min_citations`` 1 makes grammar-constrained servers (llama.cpp) cite something: small models
    otherwise often answer right with an empty list. OpenAI's strict mode does not take it."""
    item = {"key": {"type": "string", "enum": keys, "description": "Key of a measure in the context."},
            "quote": {"type": "string", "description": "One sentence copied verbatim from that measure's text."}}
    if language == "en":
        item["translation"] = {"type": "string", "description": "That sentence in short English."}
    return {
        "title": "policy_answer",
        "description": "An answer drawn only from the context, with the measures it relies on.",
        "type": "object",
        "properties": {
            "answer": {"type": "string", "description": "The answer, in the question's language."},
            "answerable": {"type": "boolean", "description": "Whether the context answers the question."},
            # No maxItems: OpenAI's strict mode does not take it; max_tokens bounds the list.
            "citations": {"type": "array", **({"minItems": min_citations} if min_citations else {}), "items": {
                "type": "object", "properties": item, "required": list(item), "additionalProperties": False}},
        },
        "required": ["answer", "answerable", "citations"],
        "additionalProperties": False,
    }


def check_finished(message) -> None:
    """A reply that stopped at ``max_tokens`` is cut off: never half an answer."""
    if isinstance(message, AIMessage):
        reason = (message.response_metadata or {}).get("finish_reason")
        if reason == "length":
            raise LLMError("the reply was cut off at max_tokens")
        if reason == "content_filter":
            raise LLMError("the reply was filtered")


def limits(max_tokens: int, timeout: float, custom_endpoint: bool) -> dict:
    """Per-call arguments. ChatOpenAI sends ``max_tokens`` as ``max_completion_tokens``; local servers
    (llama.cpp, Ollama, older vLLM) read ``max_tokens``, so a custom endpoint gets both."""
    kwargs: dict = {"max_tokens": max_tokens, "timeout": timeout}
    if custom_endpoint:
        kwargs["extra_body"] = {"max_tokens": max_tokens}
    return kwargs


def structured_call(model, prompt, variables: dict, mode: str, schema: dict, kwargs: dict) -> dict:
    """One call in ``mode``; the reply as {answer, answerable, citations}."""
    if mode == "prose":
        message = (prompt | model.bind(**kwargs)).invoke(variables)
        check_finished(message)
        return parse_prose(_content(message), variables.get("refusal", ""))
    extra = {"strict": True} if mode == "json_schema" else {}
    runnable = model.with_structured_output(schema if mode == "json_schema" else None, method=mode,
                                            include_raw=True, **extra, **kwargs)
    try:
        out = (prompt | runnable).invoke(variables)
    except openai.LengthFinishReasonError:  # the SDK's own check, for json_schema replies
        raise LLMError("the reply was cut off at max_tokens") from None
    check_finished(out.get("raw"))
    parsed = out.get("parsed")
    if not isinstance(parsed, dict) or "answer" not in parsed:
        parsed = parse_completion(_content(out.get("raw")))
    return parsed


def is_rejection(exc: Exception) -> bool:
    """The server refused the request's form (not the model failing, not the network)."""
    return isinstance(exc, (openai.BadRequestError, openai.NotFoundError, openai.UnprocessableEntityError))


def parse_completion(raw: str) -> dict:
    """The first JSON object with an "answer" in the reply, tolerating fences and chatter around it.

    Decoded object by object, so two objects or braces in prose do not merge into one bad match.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise LLMError("empty completion")
    text = FENCE_RE.sub(" ", raw)
    decoder = json.JSONDecoder()
    seen_object = False
    for match in re.finditer(r"\{", text):
        try:
            data, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict):
            seen_object = True
            if "answer" in data:
                return data
    if seen_object:
        raise LLMError("the completion has no answer field")
    raise LLMError("the completion is not a JSON object" if "{" in text else "the completion is not JSON")


def parse_prose(raw: str, refusal: str = "") -> dict:
    """Prose with [S1] markers → the same shape as the JSON reply (no quotes: prose has none).

    Only the exact refusal phrase without markers counts as "not answerable"; anything else is an
    answer and goes through the gate.
    """
    if not raw or not raw.strip():
        raise LLMError("empty completion")
    keys = list(dict.fromkeys(MARKER_RE.findall(raw)))
    text = MARKER_RE.sub("", raw).strip()
    refused = bool(refusal) and not keys and text.strip().startswith(refusal.rstrip("。."))
    return {"answer": text, "answerable": not refused, "citations": [{"key": k} for k in keys], "prose": True}


def _content(message) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return content if isinstance(content, str) else ""
