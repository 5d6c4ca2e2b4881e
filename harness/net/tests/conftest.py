"""Fixtures for the `hnbsec net` process tests: the built binary, a unique run ID,
and a handle on a running `hnbsec net up` that waits for its "ready" line with a
deadline (never a sleep) and always cleans up what the test made."""

import os
import pathlib
import secrets
import selectors
import signal
import subprocess
import time

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))
BIN_DIR = pathlib.Path(os.environ.get("HNBSEC_BIN_DIR", SOURCE_DIR / "build" / "default" / "bin"))
SUFFIXES = ("dut", "pub", "core")


@pytest.fixture(scope="session")
def hnbsec_bin():
    path = BIN_DIR / "hnbsec"
    assert path.exists(), f"hnbsec binary not built at {path}"
    return path


def ip(*args):
    """iproute2, the independent view of what exists."""
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30, check=True).stdout


def namespaces():
    return {line.split()[0] for line in ip("netns", "list").splitlines() if line.strip()}


class NetUp:
    """A running `hnbsec net up`; stdout is read line by line against a deadline."""

    def __init__(self, binary, run_id, cwd):
        self.run_id = run_id
        self.names = [f"hx{run_id}-{s}" for s in SUFFIXES]
        self.lines = []
        self._partial = ""
        self._eof = False
        self.proc = subprocess.Popen([str(binary), "net", "up", "--run-id", run_id], cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)

    def wait_for_line(self, prefix, timeout=30.0):
        # Raw reads from the descriptor: a buffered readline() would hide lines already
        # read from the pipe in Python's buffer while select() waits for more.
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines:
                if line.startswith(prefix):
                    return line
            left = deadline - time.monotonic()
            if left <= 0 or self._eof:
                raise AssertionError(f"no '{prefix}' line within {timeout} s; stdout so far: {self.lines!r}; "
                                     f"stderr: {self._stderr()!r}")
            if self._selector.select(left):
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    self._eof = True
                self._partial += chunk.decode(errors="replace")
                *complete, self._partial = self._partial.split("\n")
                self.lines.extend(complete)

    def _stderr(self):
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read().decode(errors="replace")

    def wait_exit(self, timeout=30.0):
        rc = self.proc.wait(timeout=timeout)
        rest = self._partial + self.proc.stdout.read().decode(errors="replace")
        self._partial = ""
        self.lines.extend(rest.splitlines())
        return rc

    def cleanup(self):
        if self.proc.poll() is None:
            # Gracefully first, so the run removes its namespaces and its lock file itself.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait(timeout=30)
        self._selector.close()
        self.proc.stdout.close()
        self.proc.stderr.close()
        for name in self.names:
            if name in namespaces():
                subprocess.run(["ip", "netns", "del", name], timeout=30)


@pytest.fixture
def net_up(hnbsec_bin, tmp_path):
    started = []

    def start(run_id=None):
        handle = NetUp(hnbsec_bin, run_id or "pt" + secrets.token_hex(3), tmp_path)
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.cleanup()
