"""Load at CI size: 200 questions from 20 users at once through the real Application, long polling the
fake Bot API, with an admin's /reload in the middle. None is lost, none errors, and both index versions
serve answers. The full 1,000 / 100 run is ``python -m reliability.bench_reliability``."""
from __future__ import annotations

from tests.fake_bot_api import BotDriver

from .harness import ADMIN, edit_dalian
from .load import polling, run_load

USERS, PER_USER = 20, 10


async def test_200_questions_from_20_users_with_a_reload_in_the_middle(api, seeded):
    svc = seeded()
    svc.ask("临床医学研究中心由哪个部门负责?")  # the first search of a version builds its lexical index
    edit_dalian(svc.settings.corpus_dir, "(负载中修订)")  # so that the /reload really switches versions
    async with BotDriver(api, svc.settings, svc,
                         telegram={"admins": [ADMIN], "rate_limit_per_minute": PER_USER}) as bot:
        await bot.start_polling()
        result = await run_load(api, polling(api), users=USERS, per_user=PER_USER, admin=ADMIN,
                                reload_at_round=PER_USER // 2, timeout=240)
        stats = dict(bot.app.bot_data["stats"])
    print(result.summary())
    assert (result.answered, result.errored, result.lost) == (USERS * PER_USER, 0, 0), result.summary()
    assert stats.get("errors", 0) == 0 and stats["questions"] == USERS * PER_USER
    assert "Index version 2" in result.reload_reply
    assert result.versions[1] > 0 and result.versions[2] > 0  # answers from before and after the switch
    assert svc.about().version == 2
