"""The fixtures every suite that runs hnbsec against real peers shares: the built hnbsec
binary, a test PKI made by `hnbsec pki init` (device key on a SoftHSM2 token), missing
peers as failures, and the namespace bookkeeping (sweep of crashed runs before, check that
nothing of ours is left after).

A plain module: a suite's conftest.py imports the fixtures it wants by name (pytest finds
fixtures by the names bound in a conftest), after putting interop/ on sys.path:

    from hnbsec_fixtures import hnbsec_bin, pki, lab_prerequisites, namespace_hygiene  # noqa: F401
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tomllib

import pytest

HERE = pathlib.Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from peers import netns  # noqa: E402

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", HERE.parent))
BIN_DIR = pathlib.Path(os.environ.get("HNBSEC_BIN_DIR", SOURCE_DIR / "build" / "default" / "bin"))
EMULATED_PROFILE = SOURCE_DIR / "fixtures" / "profiles" / "emulated.toml"
TOOLS = ("ip", "tshark", "swanctl", "ping", "/usr/lib/ipsec/charon")


def missing_prerequisites():
    """Why this machine cannot run the interop tests, or None."""
    if os.geteuid() != 0:
        return "interop tests need root (network namespaces, bind mounts)"
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        return "missing tools: " + ", ".join(missing) + "; install them with ci/install-deps"
    return None


@pytest.fixture(autouse=True)
def lab_prerequisites():
    # A missing peer is a failure with its reason, never a silent skip: CI must not
    # pass by not running the interop tests.
    reason = missing_prerequisites()
    if reason:
        pytest.fail(reason)


class Pki:
    """A PKI written by `hnbsec pki init`, read through its manifest."""

    def __init__(self, folder: pathlib.Path, pki_dir: pathlib.Path, pin_file: pathlib.Path, profile: dict):
        self.folder = folder
        self.dir = pki_dir
        self.pin_file = pin_file
        self.profile = profile
        self.manifest = json.loads((pki_dir / "manifest.json").read_text())
        self.objects = {o["name"]: o for o in self.manifest["objects"]}
        token = self.manifest["options"]["token"]
        self.token_label = token["label"]
        self.token_module = token["module"]
        self.softhsm_conf = pathlib.Path(token["softhsm_dir"]) / "softhsm2.conf"

    def entry(self, name: str) -> dict:
        return self.objects[name]

    def path(self, name: str, which: str = "pem") -> pathlib.Path:
        return self.dir / self.objects[name]["files"][which]

    def key_location(self, name: str) -> str:
        return self.objects[name]["key"]["location"]

    @property
    def device_identity(self) -> str:
        return self.manifest["options"]["device_identity"]


@pytest.fixture(scope="session")
def hnbsec_bin():
    path = BIN_DIR / "hnbsec"
    assert path.exists(), f"hnbsec binary not built at {path} (set HNBSEC_BIN_DIR)"
    return path


@pytest.fixture(scope="session")
def driver_bin(hnbsec_bin):
    """Our IKEv2 initiator on real sockets (interop/drivers/ike_initiator.cpp)."""
    path = hnbsec_bin.parent / "hnbsec-ike-initiator"
    assert path.exists(), f"hnbsec-ike-initiator not built at {path} (cmake --build ... --target hnbsec-ike-initiator)"
    return path


def init_test_pki(hnbsec_bin, folder: pathlib.Path) -> Pki:
    """`hnbsec pki init` with the emulated profile into ``folder``/pki, with a random token
    PIN in ``folder``/user.pin (mode 0600)."""
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
    profile = tomllib.loads(EMULATED_PROFILE.read_text())
    return Pki(folder, folder / "pki", pin_file, profile)


@pytest.fixture(scope="session")
def pki(hnbsec_bin, tmp_path_factory):
    """`hnbsec pki init` with the emulated profile, once per session (about 15 s)."""
    return init_test_pki(hnbsec_bin, tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session", autouse=True)
def namespace_hygiene():
    """Before: remove leftovers of crashed runs (dead owner PID). After: nothing of ours left."""
    netns.sweep()
    yield
    leftovers = netns.our_namespaces()
    for name in leftovers:
        netns.delete_namespace(name)
    assert not leftovers, f"namespaces left behind: {leftovers}"
