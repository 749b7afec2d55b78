"""Telegram with a model configured: "typing…" at once, the offline answer first when the model is slow,
edited in place to the model's answer only if that passed the grounding gate. The real PTB application
against the fake Bot API, the real service with ChatOpenAI against the fake OpenAI server."""
from __future__ import annotations

import json
import re

import pytest

from retrieval.service import build_service
from tests.fake_bot_api import BotDriver, FakeBotAPI
from tests.fake_openai import Slow

QUESTION = "临床医学研究中心由哪个部门负责?"
SENTENCE = "起草制定市临床医学研究中心建设与管理办法,组织开展临床医学研究中心认定及补助。"


@pytest.fixture
def api():
    with FakeBotAPI() as fake:
        yield fake


def make_service(service, embedder, offline_first: float):
    llm = service.settings.llm.model_copy(update={"timeout_seconds": 5, "max_retries": 0, "translate_queries": False,
                                                  "offline_first_seconds": offline_first})
    settings = service.settings.model_copy(update={"llm": llm})
    return build_service(settings, embedder=embedder, index=service.index)


@pytest.fixture
def llm_service(fake, service, embedder):
    # The fake model takes 1 s; the bot waits 0.2 s for it before sending the offline answer.
    return make_service(service, embedder, offline_first=0.2)


def answer_citing(answer: str):
    def build(body: dict) -> str:
        prompt = "\n".join(m["content"] for m in body["messages"])
        key = re.search(r"\[(S\d+)\] 三\(四\) \|", prompt).group(1)
        return json.dumps({"answer": answer, "answerable": True, "citations": [{"key": key, "quote": SENTENCE}]},
                          ensure_ascii=False)
    return build


async def ask(api, service, update) -> None:
    async with BotDriver(api, service.settings, service, typing_delay=5) as bot:
        api.clear()
        await bot.process(update)


async def test_a_slow_model_gets_the_offline_answer_first_then_an_edit(api, llm_service, fake):
    fake.enqueue(Slow(1.0, answer_citing("由市科技局和市卫生计生委负责。")))
    await ask(api, llm_service, api.message(QUESTION, user_id=5))
    methods = [c.method for c in api.recorded() if c.method in ("sendChatAction", "sendMessage", "editMessageText")]
    # "typing…" at once (despite typing_delay=5), then the offline answer, then the edit.
    assert methods[:3] == ["sendChatAction", "sendMessage", "editMessageText"]
    [sent] = api.recorded("sendMessage")
    [edit] = api.recorded("editMessageText")
    assert sent.params["text"].startswith("由<b>市科技局</b>、<b>市卫生计生委</b>负责(见三(四))")  # offline wording
    assert edit.params["message_id"] == api.bot_message(sent)["message_id"]
    assert edit.params["text"].startswith("由<b>市科技局</b>和<b>市卫生计生委</b>负责。")
    assert SENTENCE in edit.params["text"] and edit.params.get("reply_markup")


async def test_an_answer_failing_the_gate_leaves_the_offline_answer_unedited(api, llm_service, fake):
    fake.enqueue(Slow(1.0, answer_citing("由市经信委负责。")))
    await ask(api, llm_service, api.message(QUESTION, user_id=5))
    [sent] = api.recorded("sendMessage")
    assert "市科技局" in sent.params["text"]
    assert not api.recorded("editMessageText")
    assert all("市经信委" not in c.params.get("text", "") for c in api.recorded())


async def test_a_quick_model_answer_is_sent_once_without_an_edit(api, fake, service, embedder):
    patient = make_service(service, embedder, offline_first=30)  # the model answers well within this
    fake.enqueue(answer_citing("由市科技局和市卫生计生委负责。"))
    await ask(api, patient, api.message(QUESTION, user_id=5))
    [sent] = api.recorded("sendMessage")
    assert sent.params["text"].startswith("由<b>市科技局</b>和<b>市卫生计生委</b>负责。")
    assert not api.recorded("editMessageText")
