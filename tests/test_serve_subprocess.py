"""``policybot serve`` as a real process, long polling a loopback fake Bot API set through config.yaml."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import DALIAN, ROOT, seed_cache
from tests.fake_bot_api import FakeBotAPI

TOKEN = "123:TEST"
POLICYBOT = Path(sys.executable).with_name("policybot")


def write_config(tmp: Path, api: FakeBotAPI | None = None, **telegram) -> Path:
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(DALIAN, corpus / DALIAN.name)
    if api is not None:
        telegram |= {"base_url": api.base_url, "base_file_url": api.base_file_url}
    config = {"corpus_dir": str(corpus), "data_dir": str(tmp / "data"), "prompts_dir": str(ROOT / "prompts"),
              "telegram": telegram}
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def policybot(*args: str, token: str | None = TOKEN, **popen):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "POLICYBOT_ADMINS")}
    if token:
        env["TELEGRAM_BOT_TOKEN"] = token
    return subprocess.Popen([str(POLICYBOT), *args], env=env, cwd=str(ROOT), **popen)


def test_serve_answers_a_question_over_long_polling(tmp_path, service):
    with FakeBotAPI(token=TOKEN, bot_id=123) as api:
        config = write_config(tmp_path, api)
        seed_cache(service.settings.data_dir, tmp_path / "data")  # the session's vectors: nothing re-embedded
        log_path = tmp_path / "serve.log"
        with open(log_path, "wb") as log:
            proc = policybot("--config", str(config), "-vv", "serve", stdout=log, stderr=subprocess.STDOUT)
            try:
                api.push(api.message("Which bureau handles clinical research centres?", user_id=77))
                answer = api.wait_for_sync(lambda c: c.method == "sendMessage" and c.get("chat_id") == 77,
                                           timeout=120)
            finally:
                proc.terminate()
                try:
                    code = proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    code = proc.wait()
        methods = {c.method for c in api.recorded()}
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert "市科技局" in answer.params["text"] and "三(四)" in answer.params["text"], output[-3000:]
    assert answer.params["parse_mode"] == "HTML"
    assert {"getMe", "deleteWebhook", "getUpdates", "setMyCommands", "sendMessage"} <= methods
    assert code == 0, output[-3000:]  # SIGTERM is a clean shutdown
    assert "Set Bot API URL" in output  # PTB logs its URL at DEBUG …
    assert TOKEN not in output  # … and the token is redacted from it


def test_serve_without_a_token_says_how_to_get_one(tmp_path):
    proc = policybot("--config", str(write_config(tmp_path)), "serve", token=None,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "TELEGRAM_BOT_TOKEN is not set" in err and "BotFather" in err


def test_webhook_mode_without_a_public_url_fails_before_loading_anything(tmp_path):
    started = time.monotonic()
    proc = policybot("--config", str(write_config(tmp_path)), "serve", "--mode", "webhook",
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "telegram.webhook.url" in err, err
    assert not (tmp_path / "data").exists() and time.monotonic() - started < 60


def _serve_fails(tmp_path, service, api_base: str | None, token: str):
    """`policybot serve` that cannot start: its exit code and everything it printed."""
    telegram = {"base_url": f"{api_base}/bot", "base_file_url": f"{api_base}/file/bot"} if api_base else {}
    config = write_config(tmp_path, **telegram)
    seed_cache(service.settings.data_dir, tmp_path / "data")  # the session's vectors: nothing re-embedded
    proc = policybot("--config", str(config), "serve", token=token, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, text=True)
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out


def test_serve_with_a_token_telegram_refuses_is_one_line_without_the_token(tmp_path, service):
    wrong = "999:WRONG-secret-token"
    with FakeBotAPI(token=TOKEN, bot_id=123) as api:
        code, out = _serve_fails(tmp_path, service, api.base_url.rsplit("/bot", 1)[0], wrong)
    assert code == 1 and "Telegram refused the bot token" in out and "BotFather" in out, out[-2000:]
    assert "Traceback" not in out and wrong not in out and len(out.splitlines()) <= 5, out[-2000:]


def test_serve_without_network_is_one_line_without_the_token(tmp_path, service):
    with socket.socket() as probe:  # a loopback port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out = _serve_fails(tmp_path, service, f"http://127.0.0.1:{port}", TOKEN)
    assert code == 1 and "cannot reach the Telegram Bot API" in out, out[-2000:]
    assert "Traceback" not in out and TOKEN not in out and len(out.splitlines()) <= 5, out[-2000:]
