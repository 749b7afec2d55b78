"""bot.ratelimit: a sliding window per user, with an injected clock."""
from __future__ import annotations

import pytest

from bot.ratelimit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_then_one_notice_then_silence_then_allowed_again():
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock=clock)
    assert [limiter.check("u").allowed for _ in range(3)] == [True, True, True]
    first, second = limiter.check("u"), limiter.check("u")
    assert not first.allowed and first.notify and first.retry_after == pytest.approx(60)
    assert not second.allowed and not second.notify
    clock.now += 60
    assert limiter.check("u").allowed


def test_window_slides_instead_of_resetting():
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock=clock)
    for step in (0, 30, 59):
        clock.now = 1000 + step
        assert limiter.check("u").allowed
    clock.now = 1059.5
    refused = limiter.check("u")
    assert not refused.allowed and refused.retry_after == pytest.approx(0.5)
    clock.now = 1060  # the first event left the window; the other two are still in it
    assert limiter.check("u").allowed
    assert not limiter.check("u").allowed


def test_users_are_independent_and_refusals_do_not_count():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 10, clock=clock)
    assert limiter.check(1).allowed and limiter.check(2).allowed
    for _ in range(5):
        clock.now += 1
        assert not limiter.check(1).allowed
    clock.now = 1010
    assert limiter.check(1).allowed


def test_memory_is_bounded():
    clock = Clock()
    limiter = SlidingWindowLimiter(5, 60, clock=clock, max_keys=100)
    for user in range(1000):
        limiter.check(user)
    assert len(limiter) <= 100
    clock.now += 61
    limiter.check("new")
    assert len(limiter) <= 100


def test_rejects_nonsense():
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0)
