"""A ``chroma run`` server on loopback for the suite: started in a temp folder on a free port, stopped
(SIGTERM or SIGKILL) and restarted on the same port and path, every wait bounded.

``POLICYBOT_TEST_CHROMA=host:port`` names a server someone else started (CI does, in ``.ci/run``);
it is used as it is and never stopped.
"""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

ENV = "POLICYBOT_TEST_CHROMA"
START_TIMEOUT = 60.0  # a cold start on a busy 2-core runner takes a few seconds
STOP_TIMEOUT = 15.0
_RUNNING: set["ChromaServer"] = set()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_binary() -> str:
    """The ``chroma`` CLI that chromadb installs, next to this interpreter first."""
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command (installed with chromadb) was not found")
    return found


def heartbeat(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        return httpx.get(f"http://{host}:{port}/api/v2/heartbeat", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what} within {timeout:.0f}s")


def external_server() -> tuple[str, int] | None:
    """``host:port`` from POLICYBOT_TEST_CHROMA, once it answers; None when unset."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"{ENV} must be host:port, got {value!r}")
    wait_until(lambda: heartbeat(host, int(port)), START_TIMEOUT, f"the Chroma server at {value} did not answer")
    return host, int(port)


class ChromaServer:
    """One ``chroma run`` process; ``stop`` and ``start`` again keep its port and its data."""

    def __init__(self, path: Path, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.path, self.host, self.port = Path(path), host, port or free_port()
        self.path.mkdir(parents=True, exist_ok=True)
        self._proc: subprocess.Popen | None = None
        self._log = self.path.parent / f"chroma-{self.port}.log"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> "ChromaServer":
        """Start and wait for the heartbeat; a port still held by the previous run is retried."""
        deadline = time.monotonic() + timeout
        while True:
            self._spawn()
            try:
                wait_until(lambda: heartbeat(self.host, self.port) or not self.running,
                           max(deadline - time.monotonic(), 0.1), "chroma run did not answer")
            except TimeoutError:
                self.stop(signal.SIGKILL)
                raise TimeoutError(f"chroma run on {self.address} did not answer within {timeout:.0f}s: "
                                   f"{self.log_tail()}") from None
            if self.running:
                log.info("chroma run on %s (pid %d)", self.address, self._proc.pid)
                return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"chroma run on {self.address} exited: {self.log_tail()}")
            time.sleep(0.5)  # most likely the port is not free yet

    def _spawn(self) -> None:
        with open(self._log, "ab") as out:
            self._proc = subprocess.Popen(
                [chroma_binary(), "run", "--path", str(self.path), "--host", self.host, "--port", str(self.port)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        _RUNNING.add(self)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> None:
        """Stop the process (by its own pid) and wait until the port no longer answers."""
        proc, self._proc = self._proc, None
        _RUNNING.discard(self)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)
        wait_until(lambda: not heartbeat(self.host, self.port, 0.3), timeout, "the stopped server still answers")

    def log_tail(self, chars: int = 600) -> str:
        try:
            return self._log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def __enter__(self) -> "ChromaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@atexit.register
def _stop_leftovers() -> None:
    """A run interrupted before its fixtures finalised still leaves no server behind."""
    for server in list(_RUNNING):
        server.stop(signal.SIGKILL, timeout=5)
