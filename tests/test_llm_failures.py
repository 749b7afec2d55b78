"""Every way a small model was seen to fail, through the real ChatOpenAI client against the loopback
fake: each ends in the offline answer with a note saying why. A fake that keeps the prompt's contract
gets its answer shown. Also: the way of asking follows what the server accepts, every call carries
max_tokens, a timeout is not retried, and confident offline verdicts are not overridden."""
from __future__ import annotations

import json
import re

import pytest

from retrieval.answer.compose import REFUSAL
from retrieval.service import build_service
from tests.fake_openai import Cut, HTTPError, Slow

CLINICAL_EN = "Which bureau handles clinical research centres?"
CLINICAL_ZH = "临床医学研究中心由哪个部门负责?"
VOUCHER_ZH = "创新券由哪个部门负责?"
AI_INSTITUTE_ZH = "人工智能产业研究院依托哪所大学筹建?"
CONTRACTS_ZH = "2018年全市技术合同成交额要达到多少?"
NOT_IN_DOCUMENT_ZH = "大连市最低工资标准是多少?"
TAX_EN = "Who handles tax incentive data sharing?"  # offline retrieval is unsure of it (p ≈ 0.86)
CLINICAL_SENTENCE = "起草制定市临床医学研究中心建设与管理办法,组织开展临床医学研究中心认定及补助。"


def make_service(service, embedder, **llm):
    values = {"timeout_seconds": 3.0, "max_retries": 0, "translate_queries": False} | llm
    settings = service.settings.model_copy(update={"llm": service.settings.llm.model_copy(update=values)})
    return build_service(settings, embedder=embedder, index=service.index)


@pytest.fixture
def llm_service(fake, service, embedder):
    return make_service(service, embedder)


def key_of(body: dict, section: str) -> str:
    """The key the context gave the measure ``section`` (what a model that reads its context cites)."""
    prompt = "\n".join(m["content"] for m in body["messages"])
    match = re.search(r"\[(S\d+)\] " + re.escape(section) + r" \|", prompt)
    assert match, f"{section} was not in the context"
    return match.group(1)


def cites(section: str, answer: str, quote: str, translation: str | None = None, answerable: bool = True):
    """A reply (callable, given the request) citing the measure ``section`` under its context key."""
    def build(body: dict) -> str:
        item = {"key": key_of(body, section), "quote": quote}
        if translation is not None:
            item["translation"] = translation
        return json.dumps({"answer": answer, "answerable": answerable, "citations": [item]}, ensure_ascii=False)
    return build


def assert_offline_with_note(answer, section: str, words: str) -> None:
    assert answer.mode == "offline", answer
    assert answer.citations and answer.citations[0].section == section
    assert words in answer.note, answer.note


# -- a model that keeps the contract -----------------------------------------------------------
def test_a_contract_following_answer_is_shown_with_its_verbatim_quote(fake, llm_service):
    fake.enqueue(cites("三(四)", "由市科技局和市卫生计生委负责。", CLINICAL_SENTENCE))
    answer = llm_service.ask(CLINICAL_ZH)
    assert answer.mode == "llm" and answer.answerable
    assert answer.citations[0].section == "三(四)" and answer.citations[0].quote == CLINICAL_SENTENCE
    assert answer.text.startswith("由市科技局和市卫生计生委负责。") and f"“{CLINICAL_SENTENCE}”" in answer.text
    request = fake.requests[-1]
    assert request["response_format"]["type"] == "json_schema"
    citations = request["response_format"]["json_schema"]["schema"]["properties"]["citations"]
    keys = citations["items"]["properties"]["key"]
    assert keys["enum"] == [f"S{i}" for i in range(1, len(keys["enum"]) + 1)]
    assert citations["minItems"] == 1  # a local server's grammar then makes the model cite something
    assert request["max_tokens"] == llm_service.settings.llm.max_tokens


def test_english_answer_keeps_the_chinese_quote_and_adds_a_translation(fake, llm_service):
    fake.enqueue(cites("三(四)", "The Municipal Science and Technology Bureau (市科技局) and the Municipal Health and "
                       "Family Planning Commission (市卫生计生委).", CLINICAL_SENTENCE,
                       "Draft the rules for municipal clinical research centres and organise their accreditation."))
    answer = llm_service.ask(CLINICAL_EN)
    assert answer.mode == "llm" and answer.language == "en"
    assert f"“{CLINICAL_SENTENCE}” — Draft the rules" in answer.text
    system = fake.requests[-1]["messages"][0]["content"]
    assert "Answer in English" in system and "translation" in system


def test_prompts_carry_the_documents_title_and_no_copyable_example(fake, llm_service):
    fake.enqueue(cites("三(四)", "由市科技局和市卫生计生委负责。", CLINICAL_SENTENCE))
    llm_service.ask(CLINICAL_ZH)
    system = fake.requests[-1]["messages"][0]["content"]
    title = llm_service.section("三(四)")[0].title
    assert f"《{title}》" in system
    assert '{"answer"' not in system and "..." not in system


# -- the failure shapes seen with small models -------------------------------------------------
@pytest.mark.parametrize("question, section, reply, words", [
    (CLINICAL_EN, "三(四)", cites("三(四)", "S1", CLINICAL_SENTENCE, "x"), "context key"),
    (CLINICAL_ZH, "三(四)", cites("三(四)", "市经信委", CLINICAL_SENTENCE), "names 市经信委"),
    (VOUCHER_ZH, "四(四)", cites("四(四)", "高新区管委会", "修订完善科技创新券管理办法并组织实施。"), "names 高新区管委会"),
    (AI_INSTITUTE_ZH, "三(一)1", cites("三(一)1", "大连理工大学", "原文中的一句话"), "quote is not in 三(一)1"),
    (AI_INSTITUTE_ZH, "三(一)1", cites("三(一)1", "市科技局", "原文中的一句话"), "quote is not in 三(一)1"),
    (CONTRACTS_ZH, "五(五)1", cites("五(五)1", "200亿元", "2018年,全市技术合同成交额达到150亿元。"), "states 200"),
    (CLINICAL_EN, "三(四)", cites("三(四)", "The answer is: The answer is: the bureau", CLINICAL_SENTENCE, "x"),
     "repeats itself"),
    (CLINICAL_ZH, "三(四)", cites("三(四)", "资料中没有找到答案,无法回答。", CLINICAL_SENTENCE), "refusal given as an answer"),
    (CLINICAL_ZH, "三(四)", Cut('{"answer": "由市科技局和市卫生计生委负责。", "answerable": true, "citations": [{"key": "S1", '),
     "cut off at max_tokens"),
    (CLINICAL_ZH, "三(四)", Slow(5.0, "{}"), "timed out"),
])
def test_failure_shapes_fall_back_to_the_offline_answer_with_a_note(fake, llm_service, question, section, reply, words):
    fake.enqueue(reply)
    answer = llm_service.ask(question)
    assert_offline_with_note(answer, section, words)


def test_a_chinese_answer_to_an_english_share_question_with_an_unrelated_quote_is_not_shown(fake, llm_service):
    # Seen with Qwen2.5-Coder-0.5B: a figure of the measure, a real but unrelated quote, no translation.
    fake.enqueue(cites("三(五)", "2000万元", "重大事项可一事一议", "重大事项可一事一议"))
    answer = llm_service.ask("What share of R&D equipment spending can be subsidised for an introduced research "
                             "institution?")
    assert_offline_with_note(answer, "三(五)", "not in English")
    fake.enqueue(cites("三(五)", "Up to 20 million yuan.", "重大事项可一事一议", "Major matters case by case."))
    answer = llm_service.ask("What share of R&D equipment spending can be subsidised for an introduced research "
                             "institution?")
    assert_offline_with_note(answer, "三(五)", "states 20")


def test_a_grounded_answer_from_another_measure_does_not_override_a_confident_offline_answer(fake, llm_service):
    # Seen with Qwen2.5-Coder-0.5B: 三(一)1's unit, verbatim from 三(一)1, for a question about 三(一)2.
    question = "整合区内资源搭建开放式研究院由哪个单位负责?"
    assert llm_service.answerer.retrieve(question).verdict.confident  # the premise, under the shipped model
    fake.enqueue(cites("三(一)1", "由市科技局负责。", "依托大连理工大学和高新区,筹建开放式的人工智能产业研究院。", ""))
    assert_offline_with_note(llm_service.ask(question), "三(一)2", "cites other measures")


UNSURE_NOT_IN_DOCUMENT_EN = "How big is the subsidy for hydrogen fuel cell vehicles?"


def test_an_invented_figure_for_a_question_the_document_does_not_answer_is_not_shown(fake, llm_service):
    fake.always(lambda body: json.dumps({"answer": "2025", "answerable": True, "citations": [
        {"key": "S1", "quote": ""}]}))
    # Unsure offline (no missing piece named), so the model is asked, and its invented year is caught.
    verdict = llm_service.answerer.retrieve(UNSURE_NOT_IN_DOCUMENT_EN).verdict
    assert not verdict.answerable and not verdict.confident, verdict  # the premise, under the shipped model
    answer = llm_service.ask(UNSURE_NOT_IN_DOCUMENT_EN)
    assert answer.mode == "offline" and not answer.answerable
    assert "LLM answer not shown" in answer.note and REFUSAL["en"] in answer.text


def test_a_timeout_is_not_retried(fake, service, embedder):
    svc = make_service(service, embedder, max_retries=2)
    fake.enqueue(Slow(5.0, "{}"))
    answer = svc.ask(CLINICAL_ZH)
    assert answer.mode == "offline" and "timed out" in answer.note
    assert len(fake.requests) == 1


def test_a_server_error_is_retried_within_the_budget(fake, service, embedder):
    svc = make_service(service, embedder, max_retries=1)
    fake.enqueue(HTTPError(500), cites("三(四)", "由市科技局和市卫生计生委负责。", CLINICAL_SENTENCE))
    answer = svc.ask(CLINICAL_ZH)
    assert answer.mode == "llm" and len(fake.requests) == 2


def test_the_budget_covers_all_calls_of_a_question(fake, service, embedder):
    # An English question the offline side is unsure of: translation, then the answer, 2 s in all.
    svc = make_service(service, embedder, translate_queries=True, budget_seconds=2.0, timeout_seconds=10)
    fake.enqueue(Slow(1.0, "技术合同 税收优惠 数据共享"), Slow(5.0, "{}"))
    answer = svc.ask(TAX_EN)
    assert answer.mode == "offline" and answer.note.startswith("LLM unavailable")
    assert len(fake.requests) == 2


# -- neither side overrides a confident other --------------------------------------------------
def test_a_confident_offline_refusal_is_not_sent_to_the_model(fake, llm_service):
    # The offline refusal knows what is missing (an amount), so the model is not asked.
    answer = llm_service.ask(NOT_IN_DOCUMENT_ZH)
    assert answer.mode == "offline" and not answer.answerable
    assert "model was not asked" in answer.note and fake.requests == []


def test_the_models_refusal_does_not_replace_a_confident_offline_answer(fake, llm_service):
    fake.enqueue(json.dumps({"answer": REFUSAL["zh"], "answerable": False, "citations": []}, ensure_ascii=False))
    answer = llm_service.ask(CLINICAL_ZH)
    assert_offline_with_note(answer, "三(四)", "the model found no answer")
    assert answer.answerable


# -- the way of asking follows what the server accepts -----------------------------------------
def test_json_mode_when_the_server_rejects_a_schema_and_it_is_remembered(fake, llm_service):
    fake.reject_formats = {"json_schema"}
    fake.always(cites("三(四)", "由市科技局和市卫生计生委负责。", CLINICAL_SENTENCE))
    first = llm_service.ask(CLINICAL_ZH)
    assert first.mode == "llm" and "json_mode" in first.note
    assert [r.get("response_format", {}).get("type") for r in fake.requests] == ["json_schema", "json_object"]
    system = fake.requests[-1]["messages"][0]["content"]
    assert "JSON" in system and "quote" in system  # JSON mode relies on the prompt's description
    llm_service.ask(CLINICAL_ZH)
    assert fake.requests[-1].get("response_format", {}).get("type") == "json_object" and len(fake.requests) == 3


def test_prose_with_markers_when_the_server_takes_no_response_format(fake, llm_service):
    fake.reject_formats = {"json_schema", "json_object"}
    fake.always(lambda body: f"由市科技局和市卫生计生委负责[{key_of(body, '三(四)')}]。")
    answer = llm_service.ask(CLINICAL_ZH)
    assert answer.mode == "llm" and "prose" in answer.note
    assert answer.citations[0].section == "三(四)" and "[S" not in answer.text
    assert "response_format" not in fake.requests[-1] and fake.requests[-1]["max_tokens"]


def test_prose_naming_another_unit_is_not_shown(fake, llm_service):
    fake.reject_formats = {"json_schema", "json_object"}
    fake.always(lambda body: f"由市经信委负责[{key_of(body, '三(四)')}]。")
    assert_offline_with_note(llm_service.ask(CLINICAL_ZH), "三(四)", "names 市经信委")


# -- the translation call ----------------------------------------------------------------------
def test_translation_is_skipped_when_offline_retrieval_is_confident(fake, service, embedder):
    svc = make_service(service, embedder, translate_queries=True)
    assert svc.answerer.retrieve(CLINICAL_EN).verdict.confident  # the premise, under the shipped model
    fake.enqueue(cites("三(四)", "The Municipal Science and Technology Bureau (市科技局).", CLINICAL_SENTENCE, "x"))
    assert svc.ask(CLINICAL_EN).mode == "llm"
    assert len(fake.requests) == 1


def test_translation_is_bounded_and_used_when_offline_retrieval_is_unsure(fake, service, embedder):
    svc = make_service(service, embedder, translate_queries=True)
    sentence = "与税务部门实现数据联网,充分落实税收优惠政策,加强监督管理。"
    fake.enqueue("技术合同 税收优惠 数据联网", cites("五(五)1", "The Municipal Science and Technology Bureau (市科技局).",
                                              sentence, "Share data with the tax authorities."))
    answer = svc.ask(TAX_EN)
    assert answer.mode == "llm" and answer.citations[0].section == "五(五)1"
    translate, _ = fake.requests
    assert translate["max_tokens"] == svc.settings.llm.translate_max_tokens and "response_format" not in translate
