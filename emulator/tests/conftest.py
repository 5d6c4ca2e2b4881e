"""Fixtures for the hnbsec-henb tests: where the built binary is, a device folder with a
configuration, and a small control channel client (the README's line protocol)."""

import os
import pathlib
import socket
import subprocess
import time

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN_DIR = pathlib.Path(os.environ.get("HNBSEC_BIN_DIR", SOURCE_DIR / "build" / "default" / "bin"))

# SHA-256 of the empty string: the reference value of an empty image.
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

CONFIG = """\
[device]
identity = "00A0C9000001.hnb.lab.test"
state_dir = "state"
image = "image.bin"
image_sha256 = "{sha256}"

[token]
module = "/usr/lib/softhsm/libsofthsm2.so"
key_uri = "pkcs11:token=hnbsec-device;object=device;type=private"
pin_file = "token/user.pin"

[certificates]
device_chain = "pki/device.chain.pem"
trust_anchors = "pki/trust.pem"

[segw]
address = "192.0.2.1"
fqdn = "segw.lab.test"
remote_networks = ["10.78.0.0/24"]

[backhaul]
interface = "lo"
address = "127.0.0.1"
"""


@pytest.fixture(scope="session")
def henb_bin():
    path = BIN_DIR / "hnbsec-henb"
    assert path.exists(), f"hnbsec-henb not built at {path}"
    return path


@pytest.fixture
def device_dir(tmp_path):
    """A device folder whose image does NOT match its reference value."""
    (tmp_path / "image.bin").write_bytes(b"tampered firmware")
    (tmp_path / "henb.toml").write_text(CONFIG.format(sha256=EMPTY_SHA256))
    return tmp_path


def run_henb(henb_bin, *args, cwd=None):
    return subprocess.run([str(henb_bin), *map(str, args)], capture_output=True, text=True, timeout=60, cwd=cwd)


class Control:
    """One connection to the control socket; request() sends a line and returns the reply."""

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(str(path))
        self.buffer = b""

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def line(self) -> str:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return ""
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()

    def request(self, text: str) -> str:
        self.send_raw(text.encode() + b"\n")
        return self.line()

    def close(self):
        self.sock.close()


def wait_for_path(path, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.02)  # polling a file's appearance, bounded by the deadline
    return False


@pytest.fixture
def running_henb(henb_bin, device_dir):
    """Starts hnbsec-henb on the device folder; always stopped (SIGKILL as a last resort)."""
    stderr = open(device_dir / "stderr.txt", "w")
    proc = subprocess.Popen([str(henb_bin), "--config", str(device_dir / "henb.toml")], stdout=subprocess.DEVNULL,
                            stderr=stderr, cwd=device_dir)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        stderr.close()
