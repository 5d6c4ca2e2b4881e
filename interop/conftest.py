"""Fixtures of the interop suite: the shared ones of hnbsec_fixtures.py (this folder)."""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from hnbsec_fixtures import (  # noqa: E402,F401  (pytest finds fixtures by these names)
    BIN_DIR,
    EMULATED_PROFILE,
    SOURCE_DIR,
    Pki,
    driver_bin,
    hnbsec_bin,
    lab_prerequisites,
    namespace_hygiene,
    pki,
)
