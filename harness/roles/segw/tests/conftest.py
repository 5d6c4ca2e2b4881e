"""Fixtures of the SeGW's device-OCSP interop tests: the interop suite's shared ones
(interop/hnbsec_fixtures.py: the built hnbsec binary, a PKI from `hnbsec pki init`,
namespace hygiene, missing peers fail)."""

import os
import pathlib
import sys

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[4]))
if str(SOURCE_DIR / "interop") not in sys.path:
    sys.path.insert(0, str(SOURCE_DIR / "interop"))

from hnbsec_fixtures import hnbsec_bin, lab_prerequisites, namespace_hygiene, pki  # noqa: E402,F401
