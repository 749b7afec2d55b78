"""The LLM chain (LangChain + any OpenAI-compatible endpoint), with the offline answer as its safety net.

The model sees measures under short keys (S1, S2 …) and cites keys; code turns keys into
citations, drops keys that were not in the context, and checks every quote verbatim against
the cited measure. Timeouts, errors and unusable completions fall back to the offline answer.
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from retrieval.answer.compose import REFUSAL, cite, pick_quote, render_refusal
from retrieval.config import LLMSettings, Settings
from retrieval.models import Answer, Citation, Hit
from retrieval.search.query import analyse
from retrieval.search.hybrid import HybridSearcher

log = logging.getLogger(__name__)

JSON_RE = re.compile(r"\{.*\}", re.S)


class LLMError(RuntimeError):
    """The model did not give a usable answer."""


def build_chat_model(settings: LLMSettings):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=settings.model, temperature=settings.temperature, timeout=settings.timeout_seconds,
                      max_retries=settings.max_retries, base_url=os.environ.get("OPENAI_BASE_URL") or None,
                      api_key=os.environ.get("OPENAI_API_KEY") or "not-needed")


def _template(folder: Path, name: str) -> str:
    path = folder / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LLMError(f"prompt template {path} is missing: {exc}") from exc


class LLMAnswerer:
    def __init__(self, chat_model, settings: Settings, searcher: HybridSearcher) -> None:
        self._model = chat_model
        self._settings = settings
        self._searcher = searcher
        self.name = getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None) or "llm"
        folder = settings.prompts_dir
        self._context_template = _template(folder, "context.txt")
        self._chains = {lang: self._answer_chain(_template(folder, f"answer_{lang}.txt")) for lang in ("zh", "en")}
        self._translate = ChatPromptTemplate.from_messages([("human", _template(folder, "translate.txt"))]) \
            | chat_model | StrOutputParser()

    def _answer_chain(self, system: str):
        prompt = ChatPromptTemplate.from_messages([("system", system), ("human", "Context:\n{context}\n\nQuestion: {question}")])
        return prompt | self._model | StrOutputParser()

    def answer(self, question: str, language: str, hits: list[Hit], offline: Answer) -> Answer:
        try:
            if language == "en" and self._settings.llm.translate_queries:
                hits = self._retrieve_translated(question, hits)
            return self._ask(question, language, hits[: max(self._settings.retrieval.k, 5)])
        except Exception as exc:  # any failure of the endpoint or the completion → the offline answer
            log.warning("LLM path failed (%s: %s); answering offline", type(exc).__name__, exc)
            return replace(offline, note=f"LLM unavailable ({type(exc).__name__}); offline answer")

    def _retrieve_translated(self, question: str, hits: list[Hit]) -> list[Hit]:
        """English questions are also searched with the model's Chinese keywords; fused by the searcher."""
        from retrieval.search.lc_retriever import PolicyRetriever

        chinese = self._translate.invoke({"question": question}).strip()[:200]
        retriever = PolicyRetriever(searcher=self._searcher, k=len(hits) or 5)
        documents = retriever.invoke(question, extra_zh=chinese)
        by_id = {h.measure.id: h for h in self._searcher.search(question, 50, extra_zh=chinese)}
        return [by_id[d.id] for d in documents if d.id in by_id] or hits

    def _ask(self, question: str, language: str, hits: list[Hit]) -> Answer:
        keys = {f"S{i}": hit for i, hit in enumerate(hits, 1)}
        context = "\n\n".join(self._context_template.format(
            key=key, section=h.measure.section, heading=h.measure.heading.replace("\n", " "),
            units="、".join(h.measure.units) or "—", text=h.measure.text) for key, h in keys.items())
        raw = self._chains[language].invoke({"context": context, "question": question, "refusal": REFUSAL[language]})
        data = parse_completion(raw)
        answer_text = str(data.get("answer", "")).strip()
        if not answer_text:
            raise LLMError("empty answer")
        if data.get("answerable") is False or REFUSAL[language] in answer_text:
            nearest = tuple(hits[:3])
            return Answer(question, render_refusal(language, nearest), False, language, "llm", nearest=nearest)
        citations = self._citations(data.get("citations"), keys, question)
        if not citations:
            raise LLMError("the answer cites nothing from the context")
        units = tuple(dict.fromkeys(u for c in citations for u in c.units))
        return Answer(question, answer_text, True, language, "llm", citations, units)

    def _citations(self, raw, keys: dict[str, Hit], question: str) -> tuple[Citation, ...]:
        info = analyse(question)
        terms = self._searcher.terms(question, self._searcher.lexical(self._searcher.snapshot())).zh
        out: dict[str, Citation] = {}
        for item in raw if isinstance(raw, list) else []:
            key = str(item.get("key", "")).strip().strip("[]") if isinstance(item, dict) else str(item).strip("[] ")
            hit = keys.get(key)
            if hit is None:
                log.info("dropped a citation key that was not in the context: %r", key[:20])
                continue
            quote = str(item.get("quote", "")).strip().strip("“”\"") if isinstance(item, dict) else ""
            if not quote or quote not in hit.measure.text:
                # Unverifiable quote: cite the measure with a sentence taken from it instead.
                quote = pick_quote(hit.measure, info, terms, self._settings.answer.max_quotes)
            out.setdefault(hit.measure.id, cite(hit.measure, quote))
        return tuple(out.values())


def parse_completion(raw: str) -> dict:
    """The model's JSON, tolerating code fences and chatter around it."""
    if not isinstance(raw, str) or not raw.strip():
        raise LLMError("empty completion")
    match = JSON_RE.search(raw)
    if not match:
        raise LLMError("the completion is not JSON")
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise LLMError(f"malformed JSON in the completion: {exc}") from exc
    if not isinstance(data, dict):
        raise LLMError("the completion is not a JSON object")
    return data
