"""Fixtures for the H(e)MS interop tests: the built hnbsec binary, a PKI made by
`hnbsec pki init`, and `hnbsec hems` started on 127.0.0.1 with an ephemeral port whose
event lines are collected for the tests to wait on (every wait has a deadline)."""

import json
import os
import pathlib
import queue
import re
import shutil
import subprocess
import threading
import time

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[4]))
BIN_DIR = pathlib.Path(os.environ.get("HNBSEC_BIN_DIR", SOURCE_DIR / "build" / "default" / "bin"))
EMULATED_PROFILE = SOURCE_DIR / "fixtures" / "profiles" / "emulated.toml"
PKCS11_ENGINE = "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so"
PEERS = ("curl", "openssl", "tshark")


@pytest.fixture(autouse=True)
def peers_present():
    # A missing peer is a failure with its reason, never a silent skip.
    missing = [p for p in PEERS if not shutil.which(p)]
    if missing:
        pytest.fail("missing tools: " + ", ".join(missing) + "; install them with ci/install-deps")
    if not os.path.exists(PKCS11_ENGINE):
        pytest.fail(f"missing {PKCS11_ENGINE} (package libengine-pkcs11-openssl)")


@pytest.fixture(scope="session")
def hnbsec_bin():
    path = BIN_DIR / "hnbsec"
    assert path.exists(), f"hnbsec binary not built at {path} (set HNBSEC_BIN_DIR)"
    return path


class Pki:
    def __init__(self, folder, pin_file):
        self.folder = folder
        self.dir = folder / "pki"
        self.pin_file = pin_file
        self.manifest = json.loads((self.dir / "manifest.json").read_text())
        self.objects = {o["name"]: o for o in self.manifest["objects"]}
        token = self.manifest["options"]["token"]
        self.token_label = token["label"]
        self.token_module = token["module"]
        self.softhsm_conf = pathlib.Path(token["softhsm_dir"]) / "softhsm2.conf"

    def path(self, name, which="pem"):
        return self.dir / self.objects[name]["files"][which]

    def key_location(self, name):
        return self.objects[name]["key"]["location"]


@pytest.fixture(scope="session")
def pki(hnbsec_bin, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hems-pki")
    os.chmod(folder, 0o700)
    pin_file = folder / "user.pin"
    fd = os.open(pin_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(os.urandom(6).hex() + "\n")
    env = {k: v for k, v in os.environ.items() if k != "HNBSEC_TOKEN_PIN"}
    result = subprocess.run([str(hnbsec_bin), "pki", "init", "--profile", str(EMULATED_PROFILE),
                             "--out", str(folder / "pki"), "--pin-file", str(pin_file)],
                            cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return Pki(folder, pin_file)


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
