"""Faults: the LLM endpoint down, slow, failing or talking garbage (every question is still answered,
offline, with a note), and a ``policybot ingest`` killed half-way (the previous index keeps serving and
the next reload works). Chroma server outages are in test_chroma_server.py."""
from __future__ import annotations

import pytest

from retrieval.service import build_service
from tests.conftest import make_settings
from tests.fake_bot_api import BotDriver, button_data

from .harness import (LLM_FAULTS, LLM_TIMEOUT, MEASURES, QUESTIONS, ROOT, edit_dalian, fake_embeddings,
                      llm_endpoint, with_llm, write_synthetic_corpus)
from .kill_ingest import (EXPECTED, chroma_rows, embedding_started, first_version, kill_when, lock_is_free,
                          served_after_restart, writing_started)
from .load import ERROR_TEXTS

FAULT_QUESTIONS = QUESTIONS[:4] + QUESTIONS[12:14]  # answerable and unanswerable, Chinese and English


def llm_service(service, embedder, monkeypatch, base_url: str):
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = with_llm(service.settings, timeout_seconds=LLM_TIMEOUT, max_retries=0)
    return build_service(settings, embedder=embedder, index=service.index)


@pytest.mark.parametrize("kind", LLM_FAULTS)
def test_every_question_is_answered_offline_whatever_the_llm_does(kind, service, embedder, monkeypatch):
    with llm_endpoint(kind) as base_url:
        svc = llm_service(service, embedder, monkeypatch, base_url)
        assert svc.about().llm  # the LLM path is configured …
        for question, _ in FAULT_QUESTIONS:
            answer = svc.ask(question)
            offline = svc.ask(question, use_llm=False)
            # … and each answer is the offline one, saying why (a confident offline refusal never asks the model)
            assert answer.mode == "offline", (kind, question)
            assert "LLM unavailable" in answer.note or "model was not asked" in answer.note, (kind, question)
            assert (answer.text, answer.citations, answer.answerable) == \
                (offline.text, offline.citations, offline.answerable)


async def test_the_bot_answers_every_question_while_the_llm_is_down(service, embedder, monkeypatch, api):
    with llm_endpoint("down") as base_url:
        svc = llm_service(service, embedder, monkeypatch, base_url)
        async with BotDriver(api, svc.settings, svc, typing_delay=0) as bot:
            for user, (question, lang) in enumerate(FAULT_QUESTIONS, 1):
                await bot.process(api.message(question, user_id=user, language=lang))
            assert bot.app.bot_data["stats"]["errors"] == 0
    for user in range(1, len(FAULT_QUESTIONS) + 1):
        [sent] = api.sent(user)
        assert sent.params["text"] not in ERROR_TEXTS and "fb|0|1|" in " ".join(button_data(sent))


# -- a process killed during ingest --------------------------------------------------------------
def test_an_ingest_killed_while_embedding_leaves_the_previous_index_serving(tmp_path, service, embedder):
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    assert first_version(corpus, data, service.settings.data_dir) == 1
    write_synthetic_corpus(corpus, documents=4)  # ~600 new measures: minutes of embedding
    kill_when(corpus, data, embedding_started(data))  # killed after it stored a first batch of vectors
    assert lock_is_free(data)  # the kernel released the ingest lock with the process
    assert served_after_restart(corpus, data) == EXPECTED  # new processes serve version 1

    # And the next reload on that data folder works: no stale lock, no leftover in the way.
    for path in corpus.glob("synthetic-*.txt"):
        path.unlink()
    edit_dalian(corpus, "(重启后)")
    svc = build_service(make_settings(tmp_path, corpus=corpus), embedder=embedder, llm=None)
    assert svc.about().version == 1 and svc.about().measures == MEASURES
    report = svc.reload()
    assert report.version == 2 and report.documents[0].changed == ("四(四)",)
    assert "(重启后)" in svc.section("四(四)")[0].text


def test_an_ingest_killed_while_writing_the_new_collection_leaves_the_previous_index_serving(tmp_path, service):
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    assert first_version(corpus, data, service.settings.data_dir) == 1
    write_synthetic_corpus(corpus, documents=30)  # ~4,300 measures: the write takes a few seconds
    with fake_embeddings() as endpoint:  # instant vectors, so the ingest soon starts writing
        config = tmp_path / "fast-embeddings.yaml"
        config.write_text(f"prompts_dir: {ROOT / 'prompts'}\nembedder:\n  kind: openai\n  model: fake\n"
                          f"  base_url: {endpoint.base_url}\n", encoding="utf-8")
        kill_when(corpus, data, writing_started(data), config=config)
    assert 0 < chroma_rows(data, "policybot-v2")  # a half-written version 2 is left behind …
    assert served_after_restart(corpus, data) == EXPECTED  # … and version 1 still serves


# -- documents of an unusual shape ---------------------------------------------------------------
HEADLESS = ("某市科技创新券管理规定\n第一条 科技创新券由市科技局发放。\n"
            "第二条 科技创新券的使用范围由市财政局会同市科技局确定。\n")


def test_a_regulation_without_chapters_can_be_cited(seeded):
    svc = seeded(extra={"voucher-rules.txt": HEADLESS})
    answer = svc.ask("科技创新券由哪个部门发放?")
    assert answer.answerable and answer.citations[0].document == "voucher-rules"
