"""The CRL server against curl and `openssl crl`, and malformed HTTP requests against the
server: each gets its 4xx and an event line, and the server goes on serving."""

import socket

import pytest

from conftest import run, tool


def fetch(server, tmp_path, name="operator-ca.crl"):
    out = tmp_path / name
    result = run(tool("curl"), "-sS", "-o", out, "-w", "%{http_code} %{content_type}", f"{server.url}/crl/{name}")
    assert result.stdout == "200 application/pkix-crl", result.stdout + result.stderr
    return out


def openssl_crl(pki, crl):
    # `openssl crl` checks the signature with the issuer found in -CAfile: the issuing CA.
    cafile = crl.parent / "issuer.pem"
    cafile.write_text((pki / "ca/operator-ca.pem").read_text() + (pki / "trust/operator-trust.pem").read_text())
    return run(tool("openssl"), "crl", "-inform", "DER", "-in", crl, "-CAfile", cafile, "-noout")


def test_current_crl_verifies(server, pki, tmp_path):
    result = openssl_crl(pki, fetch(server, tmp_path))
    assert result.returncode == 0 and "verify OK" in result.stdout + result.stderr, result.stdout + result.stderr
    server.wait_for("GET /crl/operator-ca.crl -> 200")


def test_badly_signed_crl_fails_verification(server, pki, tmp_path, knobs):
    server.control("crl bad-signature", "crl: bad-signature")
    result = openssl_crl(pki, fetch(server, tmp_path))
    text = result.stdout + result.stderr
    assert "verify failure" in text and "verify OK" not in text, text
    line = server.wait_for("GET /crl/operator-ca.crl -> 200")
    assert "operator-ca-bad-signature.crl" in line, line


@pytest.mark.parametrize("variant", ["expired", "not-yet-valid"])
def test_other_variants_are_served_under_the_same_url(server, pki, tmp_path, knobs, variant):
    server.control(f"crl {variant}", f"crl: {variant}")
    crl = fetch(server, tmp_path)
    text = run(tool("openssl"), "crl", "-inform", "DER", "-in", crl, "-noout", "-nextupdate").stdout
    served = run(tool("openssl"), "crl", "-inform", "DER", "-in", pki / f"crl/operator-ca-{variant}.crl", "-noout",
                 "-nextupdate").stdout
    assert text == served


def raw_exchange(server, data):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize("data,status", [
    (b"POST /ocsp HTTP/1.1\r\nContent-Type: application/ocsp-request\r\nContent-Length: 7\r\nConnection: close\r\n\r\ngarbage", 400),
    (b"GET /ocsp HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431),
    (b"GET /ocsp/%%%not-base64 HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
    (b"BLAH\r\n\r\n", 400),
])
def test_malformed_requests_get_an_error_and_the_server_keeps_serving(server, pki, tmp_path, data, status):
    answer = raw_exchange(server, data)
    assert answer.startswith(f"HTTP/1.1 {status} ".encode()), answer[:200]
    server.wait_for(f"-> {status} ")
    fetch(server, tmp_path)
