"""Fixtures for the OCSP/CRL interop tests: a PKI made by `hnbsec pki init`, and a running
`hnbsec ocsp` whose knobs the tests change through its stdin control channel. Every wait
has a deadline; the server is stopped by its PID (SIGTERM) even when a test fails."""

import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[4]))
EMULATED_PROFILE = SOURCE_DIR / "fixtures" / "profiles" / "emulated.toml"
WAIT = 15.0  # seconds for any one line from the server
if str(SOURCE_DIR / "interop") not in sys.path:
    sys.path.insert(0, str(SOURCE_DIR / "interop"))

from hnbsec_fixtures import hnbsec_bin, init_test_pki  # noqa: E402,F401  (the binary, `hnbsec pki init`)


def tool(name):
    """An independent peer; missing is a failure, not a skip."""
    path = shutil.which(name)
    assert path, f"{name} is not installed (ci/install-deps provides it)"
    return path


def run(*args, check=False, timeout=60, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=check,
                          **kwargs)


@pytest.fixture(scope="session")
def pki(hnbsec_bin, tmp_path_factory):
    """The folder of a PKI from `hnbsec pki init` (the shared interop helper)."""
    return init_test_pki(hnbsec_bin, tmp_path_factory.mktemp("ocsp-pki")).dir


class Server:
    """A running `hnbsec ocsp`; lines of its stdout arrive in a queue from a reader thread."""

    def __init__(self, args):
        self.process = subprocess.Popen([str(a) for a in args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = queue.Queue()
        self.seen = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = self.wait_for(r"listening on 127\.0\.0\.1:(\d+)")
        self.port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", line).group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, pattern, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no line matching {pattern!r} within {timeout} s; seen: {self.seen[-10:]}"
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            assert line is not None, f"server exited ({self.process.poll()}): {self.process.stderr.read()}"
            self.seen.append(line)
            if re.search(pattern, line):
                return line

    def control(self, command, ack):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.wait_for(re.escape(ack))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(hnbsec_bin, pki):
    s = Server([hnbsec_bin, "ocsp", "--profile", EMULATED_PROFILE, "--pki", pki, "--listen", "127.0.0.1:0",
                "--control-stdin"])
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def knobs(server):
    """Sets knobs for one test and resets them afterwards."""
    def set_knobs(*settings):
        text = " ".join(settings) or "none"
        server.control("knobs " + text, "knobs: ")
    yield set_knobs
    server.control("knobs none", "knobs: none")
    server.control("crl current", "crl: current")
