"""Fixtures of the reliability suite.

The session service of ``tests/`` (one real index over the Dalian plan) is reused, and its embedding
cache seeds every private service here, so a new index over the same measures takes well under a
second instead of re-embedding. ``chroma`` is a Chroma server: $POLICYBOT_TEST_CHROMA if set (CI
starts one), else ``chroma run`` started here on a free loopback port and stopped at the end.
"""
from __future__ import annotations

import pytest

from tests.fake_bot_api import FakeBotAPI

from .chroma_server import ChromaServer, external_server
from .harness import seeded_service


@pytest.fixture
def seeded(tmp_path, embedder, service):
    """Factory: ``seeded("name", extra=…, index=…, llm=…)`` → a private service, built in a second."""
    def make(name: str = "svc", **options):
        return seeded_service(tmp_path / name, embedder, service, **options)
    return make


@pytest.fixture(scope="session")
def chroma(tmp_path_factory):
    """(host, port) of a running Chroma server for the session; each test uses its own prefix."""
    external = external_server()
    if external is not None:
        yield external
        return
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "db").start()
    try:
        yield server.host, server.port
    finally:
        server.stop()


@pytest.fixture
def api():
    with FakeBotAPI() as fake:
        yield fake
