"""Fixtures for the H(e)MS interop tests: the built hnbsec binary, a PKI made by
`hnbsec pki init`, and `hnbsec hems` started on 127.0.0.1 with an ephemeral port whose
event lines are collected for the tests to wait on (every wait has a deadline)."""

import os
import pathlib
import queue
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[4]))
EMULATED_PROFILE = SOURCE_DIR / "fixtures" / "profiles" / "emulated.toml"
PKCS11_ENGINE = "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so"
PEERS = ("curl", "openssl", "tshark")
if str(SOURCE_DIR / "interop") not in sys.path:
    sys.path.insert(0, str(SOURCE_DIR / "interop"))

from hnbsec_fixtures import hnbsec_bin, pki  # noqa: E402,F401  (the binary, `hnbsec pki init`)


@pytest.fixture(autouse=True)
def peers_present():
    # A missing peer is a failure with its reason, never a silent skip.
    missing = [p for p in PEERS if not shutil.which(p)]
    if missing:
        pytest.fail("missing tools: " + ", ".join(missing) + "; install them with ci/install-deps")
    if not os.path.exists(PKCS11_ENGINE):
        pytest.fail(f"missing {PKCS11_ENGINE} (package libengine-pkcs11-openssl)")


class Hems:
    """`hnbsec hems` as a child process; its event lines land in a queue."""

    def __init__(self, hnbsec_bin, pki, *args):
        self.lines = []
        self._queue = queue.Queue()
        self.proc = subprocess.Popen([str(hnbsec_bin), "hems", "--profile", str(EMULATED_PROFILE),
                                      "--pki", str(pki.dir), "--listen", "127.0.0.1:0", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for(r"listening: 127\.0\.0\.1:(\d+)", timeout=20)
        self.port = int(re.search(r"listening: 127\.0\.0\.1:(\d+)", line).group(1))

    def _read(self):
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern, timeout=10):
        """The first line (seen before or arriving within `timeout`) matching `pattern`."""
        deadline = time.monotonic() + timeout
        for line in self.lines:
            if re.search(pattern, line):
                return line
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matching {pattern!r} within {timeout} s; got:\n" + "\n".join(self.lines))
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"hnbsec hems exited before {pattern!r}; got:\n" + "\n".join(self.lines))
            self.lines.append(line)
            if re.search(pattern, line):
                return line

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode


@pytest.fixture
def start_hems(hnbsec_bin, pki):
    started = []

    def start(*args):
        h = Hems(hnbsec_bin, pki, *args)
        started.append(h)
        return h

    yield start
    for h in started:
        h.stop()
