"""Chroma server mode (``chroma run`` on loopback): the same index and answers as the persistent mode,
bot instances in webhook mode sharing one server and each other's reloads, and a server outage that
gives a clear error and recovers once the server is back."""
from __future__ import annotations

import signal
import subprocess

import chromadb
import httpx
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from retrieval.index.store import ChromaStore, StoreError
from tests.fake_bot_api import BotDriver

from .chroma_server import ChromaServer, free_port
from .harness import (ADMIN, MEASURES, QUESTIONS, ROOT, TOP_SECTIONS, edit_dalian, policybot_command,
                      server_index)
from .load import ERROR_TEXTS, start_webhook

QUESTION = "临床医学研究中心由哪个部门负责?"
SECRET = "reliability-secret"


def collections(chroma) -> set[str]:
    client = chromadb.HttpClient(host=chroma[0], port=chroma[1],
                                 settings=ChromaSettings(anonymized_telemetry=False))
    return {getattr(c, "name", c) for c in client.list_collections()}


def test_server_mode_serves_what_persistent_mode_serves(chroma, seeded, service):
    index = server_index(chroma)
    remote = seeded("remote", index=index)
    assert not (remote.settings.data_dir / "chroma").exists()  # nothing persisted locally
    assert {f"{index['prefix']}-v1", f"{index['prefix']}-pointer"} <= collections(chroma)
    assert [m.to_dict() for m in remote.measures()] == [m.to_dict() for m in service.measures()]
    assert len(remote.measures()) == MEASURES
    for question, _ in QUESTIONS:
        assert remote.search(question, 5)[0].measure.id == service.search(question, 5)[0].measure.id, question
    for question, section in TOP_SECTIONS.items():
        assert remote.search(question, 5)[0].measure.section == section
        local, served = service.ask(question), remote.ask(question)
        assert (served.text, served.citations) == (local.text, local.citations)


def test_a_reload_by_one_instance_is_seen_by_another(chroma, seeded):
    index = server_index(chroma)
    first, second = seeded("first", index=index), seeded("second", index=index)
    assert first.about().version == second.about().version == 1
    edit_dalian(first.settings.corpus_dir, "(实例一)")
    report = first.reload()
    assert report.version == 2 and report.documents[0].changed == ("四(四)",)
    assert second.about().version == 2 and second.about().measures == MEASURES
    assert "(实例一)" in second.section("四(四)")[0].text
    assert second.search(QUESTION, 5)[0].measure.section == "三(四)"


async def post(client: httpx.AsyncClient, url: str, update: dict) -> None:
    response = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status_code == 200


async def test_webhook_instances_share_the_server_and_each_others_reloads(chroma, seeded, api):
    index = server_index(chroma)
    first, second = seeded("first", index=index), seeded("second", index=index)
    edit_dalian(first.settings.corpus_dir, "(实例一)")
    options = {"typing_delay": 0, "telegram": {"admins": [ADMIN]}}

    def reply_to(chat: int, after: int):
        return lambda c: c.method == "sendMessage" and c.get("chat_id") == chat and len(api.sent(chat)) > after

    async with BotDriver(api, first.settings, first, **options) as one, \
            BotDriver(api, second.settings, second, **options) as two:
        urls = [await start_webhook(one, SECRET), await start_webhook(two, SECRET)]
        async with httpx.AsyncClient(timeout=10) as client:
            await post(client, urls[1], api.message("/about", user_id=7))
            before = await api.wait_for(reply_to(7, 0), 20)
            await post(client, urls[0], api.message("/reload", user_id=ADMIN))
            reloaded = await api.wait_for(reply_to(ADMIN, 0), 30)
            await post(client, urls[1], api.message("/about", user_id=7))
            await api.wait_for(reply_to(7, 1), 20)
            await post(client, urls[1], api.message("/section 四(四)", user_id=8))
            section = await api.wait_for(reply_to(8, 0), 20)
    assert "Corpus version 1:" in before.params["text"]
    assert "Index version 2" in reloaded.params["text"]
    assert "Corpus version 2:" in api.sent(7)[1].params["text"]
    assert "(实例一)" in section.params["text"]


def clear_error(error: StoreError) -> None:
    message = str(error)
    assert "\n" not in message and "Traceback" not in message
    assert "Chroma" in message or "dense search failed" in message
    assert "Connection refused" in message or "Could not connect" in message


@pytest.mark.parametrize("sig,refresh", [(signal.SIGTERM, 0.0), (signal.SIGKILL, 5.0)], ids=["term", "kill"])
def test_a_stopped_server_gives_a_clear_error_and_the_service_recovers(tmp_path, seeded, sig, refresh):
    with ChromaServer(tmp_path / "chroma-db") as server:  # a private server: this test stops it
        svc = seeded("svc", index={"host": server.host, "port": server.port, "prefix": "outage",
                                   "refresh_seconds": refresh})
        assert svc.search(QUESTION, 5)[0].measure.section == "三(四)"
        server.stop(sig)
        for call in (lambda: svc.search(QUESTION, 5), lambda: svc.ask(QUESTION), svc.reload):
            with pytest.raises(StoreError) as caught:
                call()
            clear_error(caught.value)
        if refresh:  # browsing is served from the snapshot in memory until the next check
            assert svc.about().measures == MEASURES
        else:
            with pytest.raises(StoreError):
                svc.about()
        server.start()
        assert svc.search(QUESTION, 5)[0].measure.section == "三(四)"
        answer = svc.ask(QUESTION)
        assert answer.answerable and answer.citations[0].section == "三(四)"
        assert svc.about().version == 1 and svc.about().measures == MEASURES


def test_every_store_operation_names_an_outage_as_a_store_error(tmp_path, seeded):
    """Also the steps a reload or a version switch takes after the pointer was read (a mid-reload outage)."""
    with ChromaServer(tmp_path / "chroma-db") as server:
        svc = seeded("svc", index={"host": server.host, "port": server.port, "prefix": "steps"})
        store, snapshot = ChromaStore(svc.settings.index, svc.settings.data_dir), svc.index.snapshot()
        vectors = np.zeros((len(snapshot.measures), 384), dtype=np.float32)
        server.stop()
        for step in (store.current, lambda: store.read_version(snapshot.version),
                     lambda: store.write_version(2, snapshot.measures, vectors, "x"),
                     lambda: store.switch(2, "steps-v2", "x"), store.heartbeat):
            with pytest.raises(StoreError) as caught:
                step()
            clear_error(caught.value)


async def test_the_bot_answers_politely_during_an_outage_and_recovers(tmp_path, seeded, api):
    with ChromaServer(tmp_path / "chroma-db") as server:
        svc = seeded("svc", index={"host": server.host, "port": server.port, "prefix": "outage"})
        async with BotDriver(api, svc.settings, svc, typing_delay=0) as bot:
            server.stop()
            for user, (question, lang) in enumerate(QUESTIONS[:2], 1):  # a search always needs the server
                await bot.process(api.message(question, user_id=user, language=lang))
            assert [c.params["text"] in ERROR_TEXTS for c in api.sent()] == [True, True]
            assert "temporarily unavailable" in api.sent()[-1].params["text"]
            assert bot.app.bot_data["stats"]["errors"] == 0  # an outage is expected, not a crash
            server.start()
            await bot.process(api.message(QUESTION, user_id=3))
    [answer] = api.sent(3)
    assert "三(四)" in answer.params["text"] and "市科技局" in answer.params["text"]


def test_the_cli_names_an_unreachable_server_without_a_traceback(tmp_path):
    port = free_port()
    config = tmp_path / "config.yaml"
    config.write_text(f"corpus_dir: {ROOT / 'corpus'}\ndata_dir: data\nprompts_dir: {ROOT / 'prompts'}\n"
                      f"index:\n  host: 127.0.0.1\n  port: {port}\n", encoding="utf-8")
    done = subprocess.run(policybot_command("--config", str(config), "ask", QUESTION), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"Error: cannot open the Chroma index at 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
