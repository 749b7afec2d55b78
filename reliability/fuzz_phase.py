"""The benchmark's fuzzing phase: the suite's hypothesis checks with many more examples, counted, and
without an example database (so nothing is written outside the temp folder).

The parser and loader checks are the very functions of tests/test_parsing_fuzz.py (their
``hypothesis.inner_test``), fed the same strategies.
"""
from __future__ import annotations

import time
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.telegram_render import t
from retrieval.ingest.loaders import SUPPORTED_SUFFIXES
from tests import test_parsing_fuzz as parsing
from tests.fake_bot_api import FakeBotAPI, button_data

from .harness import ADMIN, OTHER_ADMIN, SyncBot, check_messages, check_upload_name
from .strategies import CALLBACK_DATA, UPLOAD_NAMES, updates


def run_given(check, *strategies, n: int) -> dict:
    """Run ``check`` on ``n`` generated inputs; the figures say how many ran and whether one failed."""
    count = 0
    started = time.perf_counter()

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.tuples(*strategies))
    def run(values):
        nonlocal count
        count += 1
        check(*values)

    figures = {"inputs": 0, "failures": 0}
    try:
        run()
    except Exception as exc:  # the falsifying example is the figure
        figures.update(failures=1, error=f"{type(exc).__name__}: {str(exc)[:500]}")
    figures.update(inputs=count, seconds=round(time.perf_counter() - started, 1))
    return figures


def handler_fuzz(svc, n: int) -> dict:
    kinds: Counter = Counter()
    with FakeBotAPI() as api:
        bot = SyncBot(api, svc, typing_delay=0, telegram={"admins": [ADMIN]})
        try:
            def check(update: dict) -> None:
                kinds[next(k for k in update if k != "update_id")] += 1
                api.clear()
                errors = bot.stats["errors"]
                bot.process(update)
                assert bot.stats["errors"] == errors, update
                check_messages(api)

            figures = run_given(check, updates(api), n=n)
        finally:
            bot.close()
    return figures | {"kinds": dict(kinds.most_common())}


def forged_buttons(svc, n: int) -> dict:
    """Non-admins and the other admin press made-up and real upload buttons: nothing changes."""
    corpus = svc.settings.corpus_dir
    with FakeBotAPI() as api:
        bot = SyncBot(api, svc, typing_delay=0, telegram={"admins": [ADMIN, OTHER_ADMIN]})
        try:
            document = api.add_file("f1", "某市措施\n一、总则\n(一)支持创新。(责任单位:市科技局)\n".encode(), "x.txt")
            bot.process(api.message(None, user_id=ADMIN, document=document))
            confirm, _ = button_data(api.sent(ADMIN)[-1])
            before = sorted(p.name for p in corpus.iterdir()), svc.about().version

            def check(data: str, user: int) -> None:
                api.clear()
                bot.process(api.callback(confirm if data == "confirm" else data, user_id=user))
                [answered] = api.recorded("answerCallbackQuery")
                if data.startswith("up|") and user != OTHER_ADMIN:
                    assert answered.params["text"] == t("not_admin", "en")
                assert (sorted(p.name for p in corpus.iterdir()), svc.about().version) == before
                assert bot.stats["errors"] == 0

            users = st.one_of(st.just(OTHER_ADMIN), st.integers(1, 10**12).filter(lambda u: u != ADMIN))
            return run_given(check, st.one_of(CALLBACK_DATA, st.just("confirm")), users, n=n)
        finally:
            bot.close()


def run(svc, handler_updates: int, inputs: int) -> dict:
    structure = st.lists(parsing.structured_line(), max_size=30)
    suffixes = st.sampled_from([*SUPPORTED_SUFFIXES, ".TXT", ".xls", ""])
    figures = {
        "handler_updates": handler_fuzz(svc, handler_updates),
        "parser_random_text": run_given(parsing.test_parse_random_text.hypothesis.inner_test,
                                        st.text(max_size=400), n=inputs),
        "parser_random_structure": run_given(parsing.test_parse_random_structure.hypothesis.inner_test, structure,
                                             st.sampled_from(["\n", "\r\n", "\r"]), n=inputs),
        "loader_random_bytes": run_given(parsing.test_load_random_bytes.hypothesis.inner_test,
                                         st.binary(max_size=600), suffixes, n=inputs),
        "loader_random_structure": run_given(parsing.test_load_random_structure.hypothesis.inner_test,
                                             st.lists(parsing.structured_line(), max_size=20),
                                             st.sampled_from([".txt", ".md", ".html"]),
                                             st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]), n=inputs),
        "upload_names": run_given(lambda name: check_upload_name(name, svc.settings.corpus_dir), UPLOAD_NAMES,
                                  n=inputs),
        "forged_admin_buttons": forged_buttons(svc, max(inputs // 4, 50)),
    }
    totals = {"total_inputs": sum(f["inputs"] for f in figures.values()),
              "total_failures": sum(f["failures"] for f in figures.values())}
    return figures | totals
