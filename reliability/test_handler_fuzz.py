"""Fuzzing the Telegram handlers: hypothesis-generated updates (see strategies.py) go through the real
Application against the fake Bot API, and no update ever reaches the error handler; whatever the bot
sends is Telegram-valid HTML below 4,096 characters.

The parser and loaders are fuzzed in tests/test_parsing_fuzz.py (random text, random structure, random
bytes: never a crash, never a measure without text or id); that is not repeated here.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fake_bot_api import FakeBotAPI

from .harness import ADMIN, SyncBot, check_messages, seeded_service
from .strategies import updates

API = FakeBotAPI()  # the strategies register uploaded files on it, so it is created before collection


@pytest.fixture(scope="module")
def fuzz_bot(tmp_path_factory, embedder, service):
    svc = seeded_service(tmp_path_factory.mktemp("fuzz"), embedder, service)
    API.start()
    bot = SyncBot(API, svc, typing_delay=0, telegram={"admins": [ADMIN]})
    try:
        yield bot
    finally:
        bot.close()
        API.stop()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(update=updates(API))
def test_no_update_reaches_the_error_handler(fuzz_bot, update):
    API.clear()
    errors = fuzz_bot.stats["errors"]
    fuzz_bot.process(update)
    assert fuzz_bot.stats["errors"] == errors, update
    check_messages(API)
