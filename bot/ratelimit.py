"""Per-user sliding-window rate limit for questions (outgoing flood limits are PTB's AIORateLimiter)."""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Callable, Hashable


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until the next question would be allowed
    notify: bool = False  # first refusal since the last allowed question: tell the user once


class SlidingWindowLimiter:
    """At most ``limit`` allowed events per key in any ``window`` seconds.

    Refused attempts do not count, so a user who waits gets answered again. Only the loop thread
    calls it (handlers run on one event loop), so it needs no lock. The clock is injectable for tests.
    """

    def __init__(self, limit: int, window: float = 60.0, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._events: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._warned: set[Hashable] = set()

    def check(self, key: Hashable) -> Decision:
        now = self._clock()
        events = self._events.get(key)
        if events is None:
            self._evict(now)
            events = self._events[key] = deque()
        self._events.move_to_end(key)
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            self._warned.discard(key)
            return Decision(True)
        notify = key not in self._warned
        self._warned.add(key)
        return Decision(False, retry_after=max(0.0, self.window - (now - events[0])), notify=notify)

    def reset(self, key: Hashable) -> None:
        self._events.pop(key, None)
        self._warned.discard(key)

    def __len__(self) -> int:
        return len(self._events)

    def _evict(self, now: float) -> None:
        """Forget idle users first; past ``max_keys`` forget the least recently seen ones."""
        if len(self._events) < self._max_keys:
            return
        for key in [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.window]:
            self.reset(key)
        while len(self._events) >= self._max_keys:
            key, _ = self._events.popitem(last=False)
            self._warned.discard(key)
