"""Load at CI size: 200 questions from 20 users at once through the real Application, long polling the
fake Bot API, with an admin's /reload in the middle. None is lost, none errors, and both index versions
serve answers. The full 1,000 / 100 run is ``python -m reliability.bench_reliability``."""
from __future__ import annotations

from .load import load_with_reload

USERS, PER_USER = 20, 10


async def test_200_questions_from_20_users_with_a_reload_in_the_middle(api, seeded):
    svc = seeded()
    result, stats = await load_with_reload(api, svc, users=USERS, per_user=PER_USER, timeout=240)
    print(result.summary())
    assert (result.answered, result.errored, result.lost) == (USERS * PER_USER, 0, 0), result.summary()
    assert stats.get("errors", 0) == 0 and stats["questions"] == USERS * PER_USER
    assert "Index version 2" in result.reload_reply
    assert result.versions[1] > 0 and result.versions[2] > 0  # answers from before and after the switch
    assert svc.about().version == 2
