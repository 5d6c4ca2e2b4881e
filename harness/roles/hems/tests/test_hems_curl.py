"""`hnbsec hems` against independent TLS/HTTP clients: curl with the device certificate
(file key, and the token key through the OpenSSL pkcs11 engine) runs a CWMP session; a
client without certificate or with one from the untrusted CA is refused and the event says
why; `openssl s_client -tls1_1` is refused under the Rel-15 profile; with --keylog, tshark
decrypts a capture of the session."""

import os
import re
import selectors
import signal
import socket
import subprocess
import time

import pytest

from conftest import PKCS11_ENGINE, SOURCE_DIR

INFORM = SOURCE_DIR / "proto" / "cwmp" / "testdata" / "inform_boot.xml"


def curl(hems, pki, tmp_path, device_args, second_body="", env=None):
    """POSTs the Inform, then (on the same connection) a second POST; returns (rc, [(status, body)...], stderr)."""
    url = f"https://hems.lab.test:{hems.port}/cwmp"
    common = ["-sS", "--max-time", "10", "--resolve", f"hems.lab.test:{hems.port}:127.0.0.1",
              "--cacert", str(pki.path("operator-trust")), *device_args,
              "-H", "Content-Type: text/xml; charset=\"utf-8\"", "-w", "%{http_code}\n"]
    out1, out2 = tmp_path / "response1", tmp_path / "response2"
    args = ["curl", *common, "--data-binary", f"@{INFORM}", "-o", str(out1), url,
            "--next", *common, "-X", "POST", "--data-binary", second_body, "-o", str(out2), url]
    full_env = dict(os.environ)
    full_env.update(env or {})
    result = subprocess.run(args, capture_output=True, text=True, timeout=30, env=full_env)
    statuses = result.stdout.split()
    bodies = [p.read_text() if p.exists() else "" for p in (out1, out2)]
    return result.returncode, list(zip(statuses, bodies)), result.stderr


def file_key_args(pki, name="device-file"):
    return ["--cert", str(pki.path(name)), "--key", str(pki.path(name, "key"))]


def test_inform_then_204_with_file_key(start_hems, pki, tmp_path):
    hems = start_hems()
    rc, responses, err = curl(hems, pki, tmp_path, file_key_args(pki))
    assert rc == 0, err
    assert responses[0][0] == "200" and "InformResponse" in responses[0][1], responses
    assert responses[1][0] == "204", responses
    hems.wait_for(r"client-hello: TLSv1\.3")
    hems.wait_for(r"client-certificate: subject='[^']*CN=[^']*' .*verified=yes reason=ok")
    hems.wait_for(r"rpc-received: Inform id=hnb-1 cwmp-1-0 device=0001A2-SN0001 .*events=\[1 BOOT, 7 TRANSFER COMPLETE\]")
    hems.wait_for(r"rpc-sent: InformResponse id=hnb-1")
    hems.wait_for(r"session-end: 204")


def test_queued_rpc_with_token_key(start_hems, pki, tmp_path):
    hems = start_hems("--get-parameter", "Device.DeviceInfo.SoftwareVersion")
    location = pki.key_location("device")
    assert location.startswith("pkcs11:"), location
    pin = pki.pin_file.read_text().strip()
    conf = tmp_path / "openssl-pkcs11.cnf"
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the test PIN
    with os.fdopen(fd, "w") as f:
        f.write("openssl_conf = init\n[init]\nengines = engines\n[engines]\npkcs11 = pkcs11\n"
                f"[pkcs11]\nengine_id = pkcs11\ndynamic_path = {PKCS11_ENGINE}\n"
                f"MODULE_PATH = {pki.token_module}\nPIN = {pin}\ninit = 0\n")
    args = ["--engine", "pkcs11", "--key-type", "ENG", "--key", location, "--cert", str(pki.path("device"))]
    rc, responses, err = curl(hems, pki, tmp_path, args,
                              env={"OPENSSL_CONF": str(conf), "SOFTHSM2_CONF": str(pki.softhsm_conf)})
    assert rc == 0, err
    assert responses[0][0] == "200" and "InformResponse" in responses[0][1], responses
    assert responses[1][0] == "200" and "GetParameterValues" in responses[1][1], responses
    assert "Device.DeviceInfo.SoftwareVersion" in responses[1][1]
    hems.wait_for(r"client-certificate: .*verified=yes reason=ok")
    hems.wait_for(r"rpc-sent: GetParameterValues id=hems-1 cwmp-1-0 Device\.DeviceInfo\.SoftwareVersion")


def test_no_client_certificate_is_refused(start_hems, pki, tmp_path):
    hems = start_hems()
    rc, _, _ = curl(hems, pki, tmp_path, [])
    assert rc != 0
    hems.wait_for(r"tls-failure: no client certificate")
    assert not any("rpc-received" in line for line in hems.lines)


def test_untrusted_client_certificate_is_refused(start_hems, pki, tmp_path):
    hems = start_hems()
    name = next(n for n, o in pki.objects.items()
                if o.get("role") == "device" and "untrusted" in o.get("variant", "") and "key" in o["files"])
    rc, _, _ = curl(hems, pki, tmp_path, file_key_args(pki, name))
    assert rc != 0
    hems.wait_for(r"client-certificate: .*verified=no reason=unable to get local issuer certificate")
    hems.wait_for(r"tls-failure: client certificate rejected: unable to get local issuer certificate")


def test_expired_server_certificate_is_reported(start_hems, pki, tmp_path):
    hems = start_hems("--certificate", "hems-expired")
    rc, _, err = curl(hems, pki, tmp_path, file_key_args(pki))
    assert rc == 60, err  # curl: peer certificate cannot be authenticated
    hems.wait_for(r"tls-failure: the client sent the alert 'certificate expired'")


def test_redirect_and_drop_knobs(start_hems, pki, tmp_path):
    hems = start_hems("--redirect", "http://hems.lab.test:7547/cwmp")
    _, responses, _ = curl(hems, pki, tmp_path, file_key_args(pki))
    assert responses[0][0] == "302", responses
    hems.wait_for(r"knob: redirecting to http://hems\.lab\.test:7547/cwmp")

    hems = start_hems("--drop-at-request", "2")
    _, responses, _ = curl(hems, pki, tmp_path, file_key_args(pki))
    # curl retries a request whose reused connection died on a fresh one (a new session).
    assert responses[0][0] == "200", responses
    hems.wait_for(r"session-end: dropped by the harness")


def test_tls11_refused_by_rel15_profile(start_hems, pki):
    hems = start_hems()
    # SECLEVEL=0 so that the client really offers TLS 1.1 (OpenSSL 3 refuses it at level 1).
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{hems.port}", "-tls1_1",
                             "-cipher", "DEFAULT@SECLEVEL=0", "-cert", str(pki.path("device-file")),
                             "-key", str(pki.path("device-file", "key"))],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0, result.stdout
    hems.wait_for(r"client-hello: TLSv1\.1 \(legacy TLSv1\.1\)")
    hems.wait_for(r"tls-failure: .*unsupported protocol")


def sync_capture(capture, port, timeout=15):
    """Sends UDP probes to the port from a fresh socket until tshark (-P -l) prints one from
    that socket's source port. Packets are printed in order, so then everything sent before
    is in the capture file: at the start this waits for dumpcap's filter to be live, at the
    end for the session's packets (older probe lines have another source port)."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe, selectors.DefaultSelector() as sel:
        probe.bind(("127.0.0.1", 0))
        mark = re.compile(rf"\b{probe.getsockname()[1]} (?:\u2192|->) {port}\b")  # tshark prints "sport → dport"
        sel.register(capture.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            probe.sendto(b"probe", ("127.0.0.1", port))
            while sel.select(timeout=0.2):
                line = capture.stdout.readline()
                if not line:
                    raise AssertionError("tshark exited")
                if "UDP" in line and mark.search(line):
                    return
    raise AssertionError(f"tshark did not capture a probe within {timeout} s")


def test_keylog_lets_tshark_decrypt(start_hems, pki, tmp_path):
    keylog = tmp_path / "keys.log"
    hems = start_hems("--keylog", keylog)
    pcap = tmp_path / "hems.pcapng"
    capture = subprocess.Popen(["tshark", "-i", "lo", "-f", f"port {hems.port}", "-w", str(pcap), "-P", "-l"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        sync_capture(capture, hems.port)
        rc, responses, err = curl(hems, pki, tmp_path, file_key_args(pki))
        assert rc == 0, err
        hems.wait_for(r"session-end: 204")
        sync_capture(capture, hems.port)
    finally:
        capture.send_signal(signal.SIGINT)
        capture.wait(timeout=20)
    assert (keylog.stat().st_mode & 0o777) == 0o600
    assert "CLIENT_TRAFFIC_SECRET_0" in keylog.read_text()
    decoded = subprocess.run(["tshark", "-r", str(pcap), "-o", f"tls.keylog_file:{keylog}",
                              "-d", f"tcp.port=={hems.port},tls", "-d", f"tls.port=={hems.port},http", "-Y", "http.request.method == \"POST\"",
                              "-T", "fields", "-e", "http.request.uri", "-e", "xml.tag"],
                             capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0, decoded.stderr
    assert decoded.stdout.count("/cwmp") == 2, decoded.stdout
    assert re.search(r"cwmp:Inform", decoded.stdout), decoded.stdout
