"""The Telegram bot end to end: the real PTB Application built by bot.telegram_app, over HTTP against the
loopback fake Bot API, answering with the real (offline) service over the real corpus."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import httpx
import pytest

from bot.ratelimit import SlidingWindowLimiter
from bot.telegram_render import MAX_MESSAGE, tg_len
from retrieval.answer.compose import REFUSAL
from tests.fake_bot_api import BOT_USERNAME, BotDriver, FakeBotAPI, button_data

ADMIN = 42
EN_QUESTION = "Which bureau handles clinical research centres?"
ZH_QUESTION = "临床医学研究中心由哪个部门负责?"


@pytest.fixture
def api():
    with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
async def bot(api, service):
    async with BotDriver(api, service.settings, service, typing_delay=0, telegram={"admins": [ADMIN]}) as driver:
        api.clear()
        yield driver


async def ask(bot, api, text, **kw) -> list:
    before = len(api.sent())
    await bot.process(api.message(text, **kw))
    return api.sent()[before:]


# -- start-up ----------------------------------------------------------------------------------
async def test_commands_are_registered_in_chinese_and_english(api, service):
    async with BotDriver(api, service.settings, service):
        calls = api.recorded("setMyCommands")
    assert [c.get("language_code") for c in calls] == [None, "zh", "en"]
    names = [[cmd["command"] for cmd in c.params["commands"]] for c in calls]
    assert names[0] == names[1] == names[2] == ["start", "help", "ask", "section", "units", "unit", "support", "about", "new"]
    zh = {cmd["command"]: cmd["description"] for cmd in calls[1].params["commands"]}
    assert zh["support"] == "企业可以获得的支持"
    assert api.recorded("getMe")


# -- questions ---------------------------------------------------------------------------------
async def test_english_question_names_units_and_cites_the_section(bot, api):
    [sent] = await ask(bot, api, EN_QUESTION, user_id=5)
    text = sent.params["text"]
    assert sent.params["parse_mode"] == "HTML" and sent.params["chat_id"] == 5
    assert "<b>Municipal Science and Technology Bureau (市科技局)</b>" in text
    assert "三(四)" in text and "Sources" in text
    data = button_data(sent)
    assert any(d.startswith("src|") for d in data) and "fb|0|1|en" in data and "fb|0|-1|en" in data
    typing = api.recorded("sendChatAction", chat_id=5, action="typing")
    assert typing and typing[0].at <= sent.at


async def test_chinese_question_is_answered_in_chinese(bot, api):
    [sent] = await ask(bot, api, ZH_QUESTION, user_id=6, language="en")
    text = sent.params["text"]
    assert "<b>市科技局</b>" in text and "三(四)" in text and "出处" in text
    assert "fb|0|1|zh" in button_data(sent)


@pytest.mark.parametrize("language,expected", [("zh", REFUSAL["zh"]), ("en", REFUSAL["en"]), (None, REFUSAL["en"])])
async def test_text_without_words_falls_back_to_the_users_language(bot, api, language, expected):
    [sent] = await ask(bot, api, "12345 ???", language=language)
    assert sent.params["text"].startswith(expected)


async def test_unanswerable_question_says_so_and_offers_the_nearest_measures(bot, api):
    [sent] = await ask(bot, api, "What is the weather in Paris tomorrow?")
    assert sent.params["text"].startswith(REFUSAL["en"]) and "Sources" not in sent.params["text"]
    sources = [d for d in button_data(sent) if d.startswith("src|")]
    assert sources and len(sources) == len(set(sources))


async def test_source_button_sends_the_full_measure(bot, api):
    [answer] = await ask(bot, api, EN_QUESTION, user_id=5)
    source = next(d for d in button_data(answer) if d.startswith("src|"))
    api.clear()
    await bot.process(api.callback(source, user_id=5, message=api.bot_message(answer)))
    [answered] = api.recorded("answerCallbackQuery")
    assert "text" not in answered.params
    [sent] = api.sent(5)
    assert "起草制定市临床医学研究中心建设与管理办法,组织开展临床医学研究中心认定及补助。" in sent.params["text"]
    assert "<b>三(四)</b>" in sent.params["text"] and "<b>Municipal Science and Technology Bureau (市科技局)</b>" in sent.params["text"]


@pytest.mark.parametrize("data", ["src|999|0|en", "src|1|9999|zh", "src|x", "fb|abc", "up", "something old", ""])
async def test_buttons_from_old_messages_expire_politely(bot, api, data):
    await bot.process(api.callback(data, user_id=5))
    [answered] = api.recorded("answerCallbackQuery")
    assert answered.params["text"] == "This button has expired; please ask again."
    assert not api.sent()


async def test_feedback_is_acknowledged_without_an_audit_log(bot, api):
    await bot.process(api.callback("fb|0|1|zh", user_id=5))
    [answered] = api.recorded("answerCallbackQuery")
    assert answered.params["text"] == "谢谢您的反馈!"


class FakeAudit:
    def __init__(self) -> None:
        self.answers, self.feedback = [], []

    def record_answer(self, user_id, chat_id, question, answer, latency_ms):
        self.answers.append((user_id, chat_id, question, answer.answerable, latency_ms))
        return 17

    def record_feedback(self, record_id, user_id, value):
        self.feedback.append((record_id, user_id, value))


async def test_feedback_reaches_the_audit_hook(api, service):
    audit = FakeAudit()
    async with BotDriver(api, service.settings, service, audit=audit) as bot:
        [answer] = await ask(bot, api, EN_QUESTION, user_id=9, chat_id=9)
        assert "fb|17|-1|en" in button_data(answer)
        await bot.process(api.callback("fb|17|-1|en", user_id=9, message=api.bot_message(answer)))
    assert audit.answers[0][:4] == (9, 9, EN_QUESTION, True) and audit.answers[0][4] > 0
    assert audit.feedback == [(17, 9, -1)]


# -- commands ----------------------------------------------------------------------------------
@pytest.mark.parametrize("command,language,expected", [
    ("/start", "en", "Hello! I am PolicyBot"),
    ("/start", "zh-hans", "你好!我是 PolicyBot"),
    ("/help", "en", "Who is responsible for measure 一(十三)1?"),  # examples come from the loaded index
    ("/help", "zh", "一(十三)1由哪个部门负责?"),
    ("/ask 临床医学研究中心由哪个部门负责?", "en", "<b>市科技局</b>"),
    ("/section 三(四)", "zh", "起草制定市临床医学研究中心建设与管理办法"),
    ("/section 三（四）", "en", "<b>Municipal Science and Technology Bureau (市科技局)</b>"),
    ("/units", "zh", "• <b>市科技局</b> — 27"),
    ("/units", "en", "<b>Municipal Science and Technology Bureau (市科技局)</b> — 27"),
    ("/unit 市科技局", "zh", "<b>市科技局</b> 负责 27 项措施"),
    ("/unit 科技局", "zh", "<b>三(四)</b>"),
    ("/unit Science and Technology Bureau", "en", "is responsible for 27 measures"),
    ("/support", "zh", "企业可以获得的支持"),
    ("/support innovation voucher", "en", "voucher"),
    ("/about", "en", "Corpus version 1: 1 documents, 51 measures"),
])
async def test_every_command(bot, api, command, language, expected):
    sent = await ask(bot, api, command, language=language)
    assert sent, command
    assert expected in "".join(c.params["text"] for c in sent)
    assert all(tg_len(c.params["text"]) <= MAX_MESSAGE for c in sent)


async def test_help_mentions_admin_commands_only_to_admins(bot, api):
    [user] = await ask(bot, api, "/help", user_id=5)
    [admin] = await ask(bot, api, "/help", user_id=ADMIN)
    assert "/reload" not in user.params["text"] and "/reload" in admin.params["text"]


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,expected", [
    ({"text": "/ask"}, "Usage: /ask question"),
    ({"text": "/section"}, "Usage: /section id"),
    ({"text": "/section 九(九)"}, "There is no section 九(九) in the documents."),
    ({"text": "/unit"}, "Usage: /unit name"),
    ({"text": "/unit <b>不存在局</b>"}, "No responsible unit matches “&lt;b&gt;不存在局&lt;/b&gt;”"),
    ({"text": "   "}, "Your question is empty"),
    ({"text": "x " * 600}, "Your question is too long (1199 characters; the limit is 1000)"),
    ({"text": "问" * 1001, "language": "en"}, "问题太长了(1001 字,上限 1000 字)"),
    ({"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                  "is_animated": False, "is_video": False}}, "I can only read text questions"),
    ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}, "I can only read text"),
    ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}}, "I can only read text"),
    ({"text": EN_QUESTION, "edited": True}, "I do not re-answer edited messages"),
    ({"text": "/frobnicate now"}, "Unknown command /frobnicate."),
])
async def test_bad_input_gets_one_clear_reply(bot, api, kwargs, expected):
    kwargs = {"user_id": 5} | kwargs
    await bot.process(api.message(kwargs.pop("text", None), **kwargs))
    [sent] = api.sent()
    assert expected in sent.params["text"]
    assert not api.recorded("sendChatAction")


# -- groups ------------------------------------------------------------------------------------
GROUP = -100123


async def test_group_chatter_is_ignored(bot, api):
    for update in (api.message(EN_QUESTION, user_id=5, chat_id=GROUP, chat_type="supergroup"),
                   api.message("/frobnicate@other_bot", user_id=5, chat_id=GROUP, chat_type="supergroup"),
                   api.message(None, user_id=5, chat_id=GROUP, chat_type="supergroup",
                               voice={"file_id": "v", "file_unique_id": "v", "duration": 1}),
                   api.message(EN_QUESTION + " @someone_else", user_id=5, chat_id=GROUP, chat_type="group")):
        await bot.process(update)
    assert not api.recorded()


@pytest.mark.parametrize("text", [f"@{BOT_USERNAME} {EN_QUESTION}", f"{EN_QUESTION} @{BOT_USERNAME.upper()}",
                                  f"/ask@{BOT_USERNAME} {EN_QUESTION}", f"/ask {EN_QUESTION}"])
async def test_group_answers_mentions_and_ask(bot, api, text):
    update = api.message(text, user_id=5, chat_id=GROUP, chat_type="supergroup")
    await bot.process(update)
    [sent] = api.sent(GROUP)
    assert "市科技局" in sent.params["text"] and "三(四)" in sent.params["text"]
    assert sent.params["reply_parameters"]["message_id"] == update["message"]["message_id"]  # quoted in groups


async def test_group_answers_replies_to_the_bot(bot, api):
    [first] = await ask(bot, api, f"/ask@{BOT_USERNAME} {EN_QUESTION}", user_id=5, chat_id=GROUP, chat_type="group")
    [second] = await ask(bot, api, "临床医学研究中心由哪个部门负责?", user_id=6, chat_id=GROUP, chat_type="group",
                         reply_to=api.bot_message(first))
    assert "<b>市科技局</b>" in second.params["text"]
    [unknown] = await ask(bot, api, f"/frobnicate@{BOT_USERNAME}", user_id=6, chat_id=GROUP, chat_type="group")
    assert "Unknown command /frobnicate" in unknown.params["text"]


async def test_channel_posts_are_ignored(bot, api):
    post = api.message(EN_QUESTION, chat_id=-100999, chat_type="channel")
    post["channel_post"] = post.pop("message")
    post["channel_post"].pop("from")
    await bot.process(post)
    assert not api.recorded()


# -- limits and failures -----------------------------------------------------------------------
class Clock:
    now = 0.0

    def __call__(self):
        return self.now


async def test_rate_limit_answers_politely_once_then_recovers(api, service):
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock=clock)
    async with BotDriver(api, service.settings, service, limiter=limiter) as bot:
        for _ in range(3):
            [sent] = await ask(bot, api, EN_QUESTION, user_id=5)
            assert "市科技局" in sent.params["text"]
        [polite] = await ask(bot, api, ZH_QUESTION, user_id=5)
        assert polite.params["text"] == "您提问太快了,请 60 秒后再试。"
        assert await ask(bot, api, EN_QUESTION, user_id=5) == []  # told once, then quiet
        [other] = await ask(bot, api, EN_QUESTION, user_id=6)  # another user is not affected
        assert "市科技局" in other.params["text"]
        clock.now += 60
        [again] = await ask(bot, api, EN_QUESTION, user_id=5)
        assert "市科技局" in again.params["text"]
        assert bot.app.bot_data["stats"]["rate_limited"] == 2


async def test_configured_rate_limit_is_used(api, service):
    async with BotDriver(api, service.settings, service, telegram={"rate_limit_per_minute": 2}) as bot:
        texts = [(await ask(bot, api, EN_QUESTION, user_id=5)) for _ in range(3)]
    assert "市科技局" in texts[1][0].params["text"] and "faster than I can answer" in texts[2][0].params["text"]


class LongAnswerService:
    """The real service, except that every answer is 5,000 characters long."""

    def __init__(self, real) -> None:
        self.real = real
        self.settings = real.settings

    def ask(self, question, language=None, use_llm=True, context=(), after=()):
        real = self.real.ask(question, language=language)
        body = "".join(f"第{i}句:临床医学研究中心由市科技局负责。" for i in range(250))
        return replace(real, text=(body + real.text)[:5000])

    def __getattr__(self, name):
        return getattr(self.real, name)


async def test_5000_character_answer_is_split_below_4096(api, service):
    async with BotDriver(api, service.settings, LongAnswerService(service)) as bot:
        parts = await ask(bot, api, ZH_QUESTION, user_id=5)
    assert len(parts) == 2
    texts = [p.params["text"] for p in parts]
    assert all(tg_len(t) <= MAX_MESSAGE for t in texts)
    assert texts[0].endswith("。") and texts[1].startswith("第")
    assert "reply_markup" not in parts[0].params and button_data(parts[1])
    assert texts[0].count("<b>") == texts[0].count("</b>") and "三(四)" in texts[1]


class BrokenService(LongAnswerService):
    def ask(self, question, language=None, use_llm=True, context=(), after=()):
        raise RuntimeError("the index exploded")


async def test_an_error_is_logged_with_traceback_and_answered_politely(api, service, caplog):
    caplog.set_level(logging.DEBUG)
    async with BotDriver(api, service.settings, BrokenService(service)) as bot:
        [sent] = await ask(bot, api, EN_QUESTION, user_id=5)
        assert bot.app.bot_data["stats"]["errors"] == 1
    assert sent.params["text"].startswith("Sorry, something went wrong")
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "bot.handlers"]
    assert record.exc_info and "the index exploded" in caplog.text
    assert api.token not in caplog.text


async def test_retry_after_is_waited_out(api, service):
    async with BotDriver(api, service.settings, service) as bot:
        api.fail_next("sendMessage", retry_after=1)
        started = time.monotonic()
        await bot.process(api.message(EN_QUESTION, user_id=5))
    calls = api.sent(5)
    assert len(calls) == 2 and calls[1].at - calls[0].at >= 1.0 and time.monotonic() - started < 10
    assert "市科技局" in calls[1].params["text"]


async def test_flood_that_does_not_end_is_logged_not_crashed(api, service, caplog):
    async with BotDriver(api, service.settings, service) as bot:
        api.fail_next("sendMessage", retry_after=1, times=3)
        await bot.process(api.message(EN_QUESTION, user_id=5))
        assert len(api.sent(5)) == 3  # the first try and AIORateLimiter's two retries
        assert any("flood control" in r.message for r in caplog.records)
        api.clear()
        [sent] = await ask(bot, api, EN_QUESTION, user_id=5)  # the bot carries on
    assert "市科技局" in sent.params["text"]


class SlowService(LongAnswerService):
    """Questions containing "slow" wait until released: the proof that others are not held up."""

    def __init__(self, real) -> None:
        super().__init__(real)
        self.release = threading.Event()

    def ask(self, question, language=None, use_llm=True, context=(), after=()):
        if "slow" in question:
            assert self.release.wait(20)
        return self.real.ask(question, language=language)


async def test_one_slow_answer_does_not_hold_up_other_users(api, service):
    slow = SlowService(service)
    async with BotDriver(api, service.settings, slow, typing_delay=0.05) as bot:
        await bot.start_polling()
        api.push(api.message("slow: " + EN_QUESTION, user_id=1))
        await api.wait_for(lambda c: c.method == "sendChatAction" and c.get("chat_id") == 1)
        api.push(api.message(ZH_QUESTION, user_id=2))
        fast = await api.wait_for(lambda c: c.method == "sendMessage" and c.get("chat_id") == 2)
        assert not api.sent(1)
        slow.release.set()
        late = await api.wait_for(lambda c: c.method == "sendMessage" and c.get("chat_id") == 1)
    assert late.at > fast.at and "市科技局" in late.params["text"]


async def test_webhook_mode_checks_the_secret_and_answers(api, service):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with BotDriver(api, service.settings, service) as bot:
        await bot.app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="telegram",
                                            webhook_url="https://bot.example.org/telegram", secret_token="s3cret")
        await bot.app.start()
        [hook] = api.recorded("setWebhook")
        assert hook.params["url"] == "https://bot.example.org/telegram" and hook.params["secret_token"] == "s3cret"
        url = f"http://127.0.0.1:{port}/telegram"
        async with httpx.AsyncClient() as client:
            forged = await client.post(url, json=api.message(EN_QUESTION, user_id=8),
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert forged.status_code == 403
            ok = await client.post(url, json=api.message(EN_QUESTION, user_id=7),
                                   headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"})
            assert ok.status_code == 200
        sent = await api.wait_for(lambda c: c.method == "sendMessage" and c.get("chat_id") == 7)
        assert "市科技局" in sent.params["text"] and "三(四)" in sent.params["text"]
        assert not api.sent(8)


# -- configuration and logging -----------------------------------------------------------------
def test_webhook_url_is_built_from_the_config(service):
    from bot.telegram_app import webhook_url
    from retrieval.config import ConfigError

    tg = service.settings.telegram
    hook = tg.webhook.model_copy(update={"url": "https://bot.example.org/", "path": "telegram"})
    assert webhook_url(tg.model_copy(update={"webhook": hook})) == "https://bot.example.org/telegram"
    hook = hook.model_copy(update={"url": "https://bot.example.org/telegram"})
    assert webhook_url(tg.model_copy(update={"webhook": hook})) == "https://bot.example.org/telegram"
    with pytest.raises(ConfigError, match="webhook.url"):
        webhook_url(tg)


def test_the_token_is_redacted_from_every_log_line(caplog):
    from bot.telegram_app import TokenFilter

    token = "999:SECRET"
    caplog.handler.addFilter(TokenFilter(token))
    log = logging.getLogger("bot.test")
    with caplog.at_level(logging.INFO):
        log.info("GET https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"failed: https://api.telegram.org/bot{token}/sendMessage")
        except RuntimeError:
            log.exception("boom")
    assert token not in caplog.text and "<token>" in caplog.text
