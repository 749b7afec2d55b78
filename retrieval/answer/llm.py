"""The LLM chain (LangChain + any OpenAI-compatible endpoint), with the offline answer as its safety net.

The model sees measures under short keys (S1, S2 …) and cites keys; code turns keys into
citations and drops keys that were not in the context. Nothing the model says is shown unless it
passes the grounding gate (``gate.py``); the offline answer is shown instead, with a note saying
why. The offline side and the model do not override each other's confident verdicts: a confident
offline refusal is not sent to the model, and the model's "not answerable" does not replace a
confident offline answer. All calls for one question share one time budget.
"""
from __future__ import annotations

import json
import logging
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

from retrieval.answer.compose import REFUSAL, cite, pick_quote, quote_terms, render_refusal
from retrieval.answer.gate import Claim, Gate, normalise
from retrieval.answer.structured import (MODES, Budget, LLMError, OutOfTime, answer_schema, check_finished,
                                         is_rejection, limits, parse_completion, structured_call)
from retrieval.config import LLMSettings, Settings
from retrieval.models import Answer, Hit
from retrieval.search.hybrid import HybridSearcher
from retrieval.text.textnorm import HAN_RE

__all__ = ["LLMAnswerer", "LLMError", "build_chat_model", "parse_completion", "offline_confidence"]

log = logging.getLogger(__name__)

# Offline coverage from which its answer is trusted over the model's "not answerable", and below
# which its refusal is (the judge's threshold is 0.4: these keep a margin on both sides).
CONFIDENT_COVERAGE = 0.75
CONFIDENT_REFUSAL_COVERAGE = 0.25
LOOKUP_REASONS = ("section named", "unit named")
UNKNOWN_PLACE = {"zh": "未注明", "en": "not stated"}


def build_chat_model(settings: LLMSettings):
    """ChatOpenAI without client retries: retries are decided here, never after a timeout."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=settings.model, temperature=settings.temperature, timeout=settings.timeout_seconds,
                      max_retries=0, base_url=os.environ.get("OPENAI_BASE_URL") or None,
                      api_key=os.environ.get("OPENAI_API_KEY") or "not-needed")


def offline_confidence(verdict, offline: Answer, hits: list[Hit]) -> str:
    """"refusal" or "answer" when the offline verdict is confident, else "".

    A verdict may say so itself (``confident``); otherwise a refusal is confident when it knows what
    is missing (an amount, a place, a year) or the best measures barely touch the question, and an
    answer when it was a lookup or covers the question.
    """
    if not hits:
        return "refusal"
    if verdict is None:
        return ""
    explicit = getattr(verdict, "confident", None)
    if explicit is not None:
        return ("answer" if offline.answerable else "refusal") if explicit else ""
    if not offline.answerable:
        weak = getattr(verdict, "coverage", 1.0) < CONFIDENT_REFUSAL_COVERAGE
        return "refusal" if getattr(verdict, "gap", None) or weak else ""
    reason = getattr(verdict, "reason", "")
    if reason in LOOKUP_REASONS or getattr(verdict, "coverage", 0.0) >= CONFIDENT_COVERAGE:
        return "answer"
    return ""


def _template(folder: Path, name: str) -> str:
    path = folder / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LLMError(f"prompt template {path} is missing: {exc}") from exc


def _note(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


class LLMAnswerer:
    def __init__(self, chat_model, settings: Settings, searcher: HybridSearcher) -> None:
        self._model = chat_model
        self._settings = settings
        self._searcher = searcher
        self.name = getattr(chat_model, "model_name", None) or getattr(chat_model, "model", None) or "llm"
        base_url = getattr(chat_model, "openai_api_base", None) or ""
        self._endpoint = f"{base_url}|{self.name}"
        self._custom_endpoint = bool(base_url) and "api.openai.com" not in base_url
        self._modes: dict[str, str] = {}  # endpoint → the first way of asking it accepted
        folder = settings.prompts_dir
        self._context_template = _template(folder, "context.txt")
        human = _template(folder, "question.txt")
        self._system = {(kind, lang): _template(folder, f"{kind}_{lang}.txt")
                        for kind in ("answer", "prose") for lang in ("zh", "en")}
        self._prompts = {key: ChatPromptTemplate.from_messages([("system", text), ("human", human)])
                         for key, text in self._system.items()}
        self._translate = ChatPromptTemplate.from_messages([("human", _template(folder, "translate.txt"))])
        self._human = human

    @property
    def mode(self) -> str | None:
        """The way of asking this endpoint accepted last (None before the first answer)."""
        return self._modes.get(self._endpoint)

    # -- the one entry point -------------------------------------------------------------------
    def answer(self, question: str, language: str, hits: list[Hit], offline: Answer, verdict=None,
               budget: Budget | None = None, prepared=None) -> Answer:
        """``prepared``: the question as the offline path analysed it (analysed here only when absent)."""
        budget = budget or Budget(self._settings.llm.budget_seconds)
        prepared = prepared or self._searcher.prepare(question)
        confidence = offline_confidence(verdict, offline, hits)
        if confidence == "refusal":
            return replace(offline, note=_note(offline.note, "the document does not answer this; the model was not asked"))
        try:
            if language == "en" and self._settings.llm.translate_queries and confidence != "answer":
                hits = self._retrieve_translated(question, hits, budget)
            hits = hits[: self._settings.llm.context_measures or max(self._settings.retrieval.k, 5)]
            keys = {f"S{i}": hit for i, hit in enumerate(hits, 1)}
            data, mode = self._complete(question, language, keys, budget)
            return self._judge(prepared, language, keys, data, mode, offline, confidence)
        except Exception as exc:  # any failure of the endpoint or the completion → the offline answer
            reason = str(exc) if isinstance(exc, LLMError) else type(exc).__name__
            log.warning("LLM path failed (%s: %s); answering offline", type(exc).__name__, str(exc)[:200])
            return replace(offline, note=_note(offline.note, f"LLM unavailable ({reason}); offline answer"))

    # -- asking --------------------------------------------------------------------------------
    def _complete(self, question: str, language: str, keys: dict[str, Hit], budget: Budget) -> tuple[dict, str]:
        variables = self._variables(question, language, keys)
        schema = answer_schema(list(keys), language, min_citations=1 if self._custom_endpoint else 0)
        configured = self._settings.llm.structured_output
        first = self._modes.get(self._endpoint) or (configured if configured != "auto" else MODES[0])
        rejected = None
        for mode in MODES[MODES.index(first):]:
            prompt = self._prompts[("prose" if mode == "prose" else "answer", language)]
            try:
                data = self._with_retries(budget, lambda t, m=mode, p=prompt: structured_call(
                    self._model, p, variables, m, schema,
                    limits(self._settings.llm.max_tokens, t, self._custom_endpoint)))
            except Exception as exc:
                if not is_rejection(exc):
                    raise
                log.info("endpoint %s rejected %s (%s); trying the next way", self._endpoint, mode, type(exc).__name__)
                rejected = exc
                continue
            if self._modes.get(self._endpoint) != mode:
                log.info("endpoint %s answers in %s mode", self._endpoint, mode)
                self._modes[self._endpoint] = mode
            return data, mode
        raise LLMError(f"the server accepted no way of asking ({type(rejected).__name__})")

    def _with_retries(self, budget: Budget, call):
        """Retry connection and server errors within the budget; a timeout is final."""
        import openai

        attempts = 1 + self._settings.llm.max_retries
        for attempt in range(attempts):
            timeout = budget.call_timeout(self._settings.llm.timeout_seconds)
            try:
                return call(timeout)
            except openai.APITimeoutError:
                raise LLMError(f"timed out after {timeout:.0f} s") from None
            except (openai.APIConnectionError, openai.InternalServerError, openai.RateLimitError) as exc:
                if attempt + 1 >= attempts:
                    raise
                log.info("LLM call failed (%s); retrying", type(exc).__name__)
        raise AssertionError("unreachable")

    def _variables(self, question: str, language: str, keys: dict[str, Hit]) -> dict:
        measures = [h.measure for h in keys.values()]
        title = Counter(m.title for m in measures).most_common(1)[0][0] if measures else ""
        places = Counter(getattr(m, "place", "") or "" for m in measures)
        place = next((p for p, _ in places.most_common() if p), UNKNOWN_PLACE[language])
        context = "\n\n".join(self._context_template.format(
            key=key, section=h.measure.section, heading=h.measure.heading.replace("\n", " "),
            units="、".join(h.measure.units) or "—", text=h.measure.text) for key, h in keys.items())
        return {"context": context, "question": question, "refusal": REFUSAL[language], "title": title, "place": place}

    def _retrieve_translated(self, question: str, hits: list[Hit], budget: Budget) -> list[Hit]:
        """English questions are also searched with the model's Chinese keywords, when they look like some."""
        from retrieval.search.lc_retriever import PolicyRetriever

        try:
            chinese = self._translation(question, budget)
        except OutOfTime:
            raise
        except Exception as exc:
            log.info("query translation failed (%s); searching the English only", type(exc).__name__)
            return hits
        if not chinese:
            return hits
        retriever = PolicyRetriever(searcher=self._searcher, k=len(hits) or 5)
        documents = retriever.invoke(question, extra_zh=chinese)
        by_id = {h.measure.id: h for h in self._searcher.search(question, 50, extra_zh=chinese)}
        return [by_id[d.id] for d in documents if d.id in by_id] or hits

    def _translation(self, question: str, budget: Budget) -> str | None:
        """The model's Chinese keywords, accepted only if short and Chinese (not an echo or chatter)."""
        settings = self._settings.llm
        # The answer needs most of the budget: the translation gets a third of it at most.
        cap = min(settings.timeout_seconds, settings.budget_seconds / 3)

        def call(timeout: float):
            model = self._model.bind(**limits(settings.translate_max_tokens, min(timeout, cap), self._custom_endpoint))
            return (self._translate | model).invoke({"question": question})

        message = self._with_retries(budget, call)
        check_finished(message)
        return accept_translation(getattr(message, "content", ""))

    # -- judging what came back ----------------------------------------------------------------
    def _judge(self, prepared, language: str, keys: dict[str, Hit], data: dict, mode: str,
               offline: Answer, confidence: str) -> Answer:
        question = prepared.info.text
        log.debug("model reply (%s): %.300s", mode, json.dumps(data, ensure_ascii=False))
        refusal = REFUSAL[language]
        text = str(data.get("answer", "") or "").strip()
        if data.get("answerable") is False or (text and normalise(text) == normalise(refusal)):
            if offline.answerable and confidence == "answer":
                return replace(offline, note=_note(offline.note, "the model found no answer; the offline answer stands"))
            nearest = tuple(list(keys.values())[:3])
            return Answer(question, render_refusal(language, nearest), False, language, "llm", nearest=nearest,
                          note=f"model: {self.name} ({mode})")
        if not text:
            raise LLMError("empty answer")
        claims = self._claims(data.get("citations"), keys)
        if not claims:
            raise LLMError("the answer cites nothing from the context")
        prose = mode == "prose"
        verdict = self._gate(language, mode).check(text, [c for c, _ in claims], require_quotes=not prose,
                                                   language=language, expects=expected(prepared.info))
        if not verdict:
            log.info("grounding gate refused the LLM answer: %s", verdict.reason)
            return replace(offline, note=_note(offline.note, f"LLM answer not shown ({verdict.reason}); offline answer"))
        if confidence == "answer" and offline.citations and not _agrees(claims, offline):
            # Grounded in some measure, but not the one the confident offline answer found: the
            # model answered a neighbouring measure (seen: 三(一)1's unit for a 三(一)2 question).
            return replace(offline, note=_note(offline.note, "LLM answer not shown (it cites other measures than "
                                                             "the confident offline answer); offline answer"))
        return self._compose(prepared, language, text, claims, prose, mode)

    def _claims(self, raw, keys: dict[str, Hit]) -> list[tuple[Claim, Hit]]:
        out: dict[str, tuple[Claim, Hit]] = {}
        for item in raw if isinstance(raw, list) else []:
            item = item if isinstance(item, dict) else {"key": str(item)}
            key = str(item.get("key", "")).strip().strip("[]【】 ")
            hit = keys.get(key)
            if hit is None:
                log.info("dropped a citation key that was not in the context: %r", key[:20])
                continue
            quote = str(item.get("quote", "") or "").strip().strip("“”\"「」")
            claim = Claim(hit.measure, quote, str(item.get("translation", "") or "").strip())
            out.setdefault(hit.measure.id, (claim, hit))
        return list(out.values())

    def _gate(self, language: str, mode: str) -> Gate:
        units = {u for m in self._searcher.snapshot().measures for u in m.units}
        prompts = [self._system[("prose" if mode == "prose" else "answer", language)], self._context_template,
                   self._human]
        return Gate(units, self._settings.retrieval.unit_names, prompts, REFUSAL[language])

    def _compose(self, prepared, language: str, text: str, claims: list[tuple[Claim, Hit]], prose: bool,
                 mode: str) -> Answer:
        """The model's answer, then each cited measure with its quote (and translation in English)."""
        question, info, terms = prepared.info.text, prepared.info, quote_terms(prepared)
        citations, lines = [], [text]
        for claim, hit in claims:
            answer = self._settings.answer
            quote = claim.quote or pick_quote(hit.measure, info, terms, answer.max_quotes, answer.quote_chars,
                                              answer.list_quote_chars, self._searcher.closeness(prepared, hit.measure))
            citations.append(cite(hit.measure, quote))
            if prose:
                continue  # the model quoted nothing; the sources list and buttons show the measures
            if language == "zh":
                lines.append(f"【{hit.measure.section}】“{claim.quote}”")
            else:
                translation = f" — {claim.translation}" if claim.translation else ""
                lines.append(f"[{hit.measure.section}] “{claim.quote}”{translation}")
        units = tuple(dict.fromkeys(u for c in citations for u in c.units))
        return Answer(question, "\n\n".join(lines), True, language, "llm", tuple(citations), units,
                      note=f"model: {self.name} ({mode})")


def _agrees(claims, offline: Answer) -> bool:
    cited = {(c.document, c.section) for c in offline.citations}
    return any((claim.measure.document, claim.measure.section) in cited for claim, _ in claims)


def expected(info) -> set[str]:
    """What kind of answer the question (its ``QueryInfo``) asks for, which the model's answer must then contain."""
    wants = set()
    if "percentage" in info.kinds:
        wants.add("percentage")
    elif info.asks_figure:
        wants.add("figure")
    if info.asks_who and not info.asks_list:
        wants.add("unit")
    return wants


def accept_translation(raw: str) -> str | None:
    """The first line, if it is short and mostly Chinese; otherwise nothing is added to the search."""
    lines = [line.strip() for line in (raw or "").strip().splitlines() if line.strip()]
    if not lines:
        return None
    line = lines[0]
    plain = normalise(line)
    if not plain or len(line) > 40 or len(HAN_RE.findall(line)) < 0.7 * len(plain):
        log.info("query translation not used (%d chars, not short Chinese)", len(line))
        return None
    return line
