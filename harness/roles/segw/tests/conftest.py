"""Fixtures of the SeGW's device-OCSP interop tests: the ones of the interop suite (the built
hnbsec binary, a PKI from `hnbsec pki init`, namespace hygiene, missing peers fail), loaded
from interop/conftest.py under another module name so both suites share one definition."""

import importlib.util
import os
import pathlib

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[4]))

_spec = importlib.util.spec_from_file_location("interop_conftest", SOURCE_DIR / "interop" / "conftest.py")
_interop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_interop)

# Re-exported: pytest finds fixtures by the names bound in this module.
hnbsec_bin = _interop.hnbsec_bin
pki = _interop.pki
lab_prerequisites = _interop.lab_prerequisites
namespace_hygiene = _interop.namespace_hygiene
