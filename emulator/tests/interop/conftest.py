"""Fixtures for hnbsec-henb against an independent SeGW: the test PKI (`hnbsec pki init`),
namespace hygiene and the peers come from interop/, loaded under another module name so
the two conftests do not collide."""

import importlib.util
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", HERE.parents[2]))
INTEROP = SOURCE_DIR / "interop"
if str(INTEROP) not in sys.path:
    sys.path.insert(0, str(INTEROP))

_spec = importlib.util.spec_from_file_location("interop_conftest_henb", INTEROP / "conftest.py")
interop_conftest = importlib.util.module_from_spec(_spec)
sys.modules["interop_conftest_henb"] = interop_conftest
_spec.loader.exec_module(interop_conftest)

hnbsec_bin = interop_conftest.hnbsec_bin
pki = interop_conftest.pki
lab_prerequisites = interop_conftest.lab_prerequisites
namespace_hygiene = interop_conftest.namespace_hygiene
