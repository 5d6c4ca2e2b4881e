"""Shared fixtures for the hnbsec command-line tests: where the built binary is,
and a helper that runs it without ever putting a PIN on the command line."""

import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))
BIN_DIR = pathlib.Path(os.environ.get("HNBSEC_BIN_DIR", SOURCE_DIR / "build" / "default" / "bin"))
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
EMULATED_PROFILE = SOURCE_DIR / "fixtures" / "profiles" / "emulated.toml"


@pytest.fixture(scope="session")
def hnbsec_bin():
    path = BIN_DIR / "hnbsec"
    assert path.exists(), f"hnbsec binary not built at {path}"
    return path


@pytest.fixture
def run_hnbsec(hnbsec_bin, tmp_path):
    """Runs hnbsec in tmp_path (so relative profile paths land there)."""

    def run(*args, env=None, cwd=None):
        full_env = dict(os.environ)
        full_env.pop("HNBSEC_TOKEN_PIN", None)
        if env:
            full_env.update(env)
        return subprocess.run([str(hnbsec_bin), *map(str, args)], cwd=cwd or tmp_path, env=full_env,
                              capture_output=True, text=True, timeout=120)

    return run


def run_tool(*args, env=None, check=False, cwd=None):
    """Runs a program (an independent tool such as openssl or pkcs11-tool, or hnbsec) and
    returns the completed process."""
    full_env = dict(os.environ)
    full_env.pop("HNBSEC_TOKEN_PIN", None)
    if env:
        full_env.update(env)
    return subprocess.run([str(a) for a in args], env=full_env, capture_output=True, text=True, timeout=120,
                          check=check, cwd=cwd)
