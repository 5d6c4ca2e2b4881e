"""Our OCSP responder (`hnbsec ocsp`) against `openssl ocsp` as the independent client:
good / revoked / unknown verify with the PKI's trust anchors, with and without a nonce,
over POST and GET (curl); each knob produces the failure openssl reports."""

import base64
import urllib.parse

import pytest

from conftest import run, tool


def ocsp(server, pki, cert, *extra, issuer="ca/operator-ca.pem", trust="trust/operator-trust.pem"):
    args = [tool("openssl"), "ocsp", "-issuer", pki / issuer, "-url", server.url + "/ocsp", "-CAfile", pki / trust,
            "-timeout", "10"]
    if cert.startswith("0x"):
        args += ["-serial", cert]
    else:
        args += ["-cert", pki / cert]
    return run(*args, *extra)


def output(result):
    return result.stdout + result.stderr


@pytest.mark.parametrize("cert,status", [("certs/segw.pem", "good"), ("certs/segw-revoked.pem", "revoked"),
                                         ("0x4242", "unknown")])
@pytest.mark.parametrize("nonce", [True, False])
def test_openssl_verifies_good_revoked_and_unknown(server, pki, cert, status, nonce):
    result = ocsp(server, pki, cert, *([] if nonce else ["-no_nonce"]))
    text = output(result)
    assert result.returncode == 0, text
    assert "Response verify OK" in text, text
    assert f": {status}" in text, text
    if status == "revoked":
        assert "Reason: keyCompromise" in text, text
    assert "WARNING" not in text, text
    server.wait_for("POST /ocsp -> 200")


def test_device_certificate_is_answered_by_the_vendor_responder(server, pki):
    result = ocsp(server, pki, "certs/device-revoked.pem", issuer="ca/vendor-root-ca.pem", trust="trust/vendor-trust.pem")
    assert "Response verify OK" in output(result), output(result)
    assert ": revoked" in output(result)
    line = server.wait_for("POST /ocsp -> 200")
    assert "device-revoked revoked keyCompromise" in line and "signer ocsp-signer-vendor" in line, line


def test_get_request_through_curl(server, pki, tmp_path):
    request = tmp_path / "request.der"
    made = run(tool("openssl"), "ocsp", "-issuer", pki / "ca/operator-ca.pem", "-cert", pki / "certs/segw.pem",
               "-no_nonce", "-reqout", request)
    assert made.returncode == 0, output(made)
    path = urllib.parse.quote(base64.b64encode(request.read_bytes()).decode(), safe="")
    response = tmp_path / "response.der"
    fetched = run(tool("curl"), "-sS", "-o", response, "-w", "%{http_code} %{content_type}", f"{server.url}/ocsp/{path}")
    assert fetched.stdout == "200 application/ocsp-response", output(fetched)
    checked = run(tool("openssl"), "ocsp", "-respin", response, "-issuer", pki / "ca/operator-ca.pem", "-cert",
                  pki / "certs/segw.pem", "-CAfile", pki / "trust/operator-trust.pem", "-no_nonce")
    assert "Response verify OK" in output(checked), output(checked)
    assert ": good" in output(checked)
    line = server.wait_for("GET /ocsp/")
    assert "-> 200" in line and "segw good" in line, line


@pytest.mark.parametrize("setting,expected", [
    ("stale", "Status times invalid"),
    ("signer=no-eku", "Response Verify Failure"),
    ("signer=other-ca", "Response Verify Failure"),
    ("bad-signature", "Response Verify Failure"),
    ("nonce=wrong", "Nonce Verify error"),
    ("nonce=omit", "WARNING: no nonce in response"),
    ("status=tryLater", "Responder Error: trylater"),
    ("status=internalError", "Responder Error: internalerror"),
    ("status=malformedRequest", "Responder Error: malformedrequest"),
    ("status=unauthorized", "Responder Error: unauthorized"),
])
def test_each_knob_gives_the_failure_openssl_reports(server, pki, knobs, setting, expected):
    knobs(setting)
    text = output(ocsp(server, pki, "certs/segw.pem"))
    assert expected.lower() in text.lower(), text
    assert "Response verify OK" not in text or setting in ("stale", "nonce=omit"), text


def test_no_answer_and_slow_answer(server, pki, knobs):
    knobs("no-answer")
    text = output(ocsp(server, pki, "certs/segw.pem"))
    assert "Response verify OK" not in text, text
    assert "Error" in text or "error" in text, text
    server.wait_for("POST /ocsp -> no answer")
    knobs("delay=300")
    result = run(tool("openssl"), "ocsp", "-issuer", pki / "ca/operator-ca.pem", "-cert", pki / "certs/segw.pem",
                 "-url", server.url + "/ocsp", "-CAfile", pki / "trust/operator-trust.pem", "-timeout", "10")
    assert "Response verify OK" in output(result), output(result)
