"""Interop: OCSP content in IKEv2 (RFC 4806) between our initiator driver (`hnbsec-ike-initiator`)
and our SeGW (`hnbsec segw`), each in its own network namespace. strongSwan cannot take either
side (Debian's 5.9.8 has no RFC 4806), so the independent judges are OpenSSL and tshark.

What must hold: the driver's IKE_AUTH request carries CERTREQ with Cert Encoding 14 naming the
PKI's OCSP signer key (RFC 4806 §3.1); our SeGW answers with CERT encoding 14 after its X.509
certificates (§3.2); `openssl ocsp` verifies the stapled response the driver wrote ("Response
verify OK", the SeGW certificate good); tshark, decrypting with the tables OUR SeGW exported,
shows both payloads and flags nothing. With `--no-ocsp-staple` the SeGW sends none and says so.
"""

import subprocess

import pytest

from peers import netns, tshark as ts
from peers.lab_roles import IKE_AUTH, OPERATOR_ROOTS, PT_CERT, ike_messages
from peers.our_segw import OurSegw

PT_CERTREQ = 38
OCSP_CONTENT = 14  # Cert Encoding, RFC 4806 §3
X509_SIGNATURE = 4


class Setup:
    """Our SeGW in one namespace, our driver in the other, one capture."""

    def __init__(self, pki, workdir, hnbsec_bin, driver_bin, segw_args=()):
        self.pki, self.workdir, self.driver_bin = pki, workdir, driver_bin
        self.segw_fqdn = pki.profile["pixit"]["segw_fqdn"]
        self.lab = netns.TwoHostLab(outer="192.168.77.0/24")
        self.ours = OurSegw(hnbsec_bin, self.lab.segw_ns, pki, self.lab.segw.ip, workdir / "keys",
                            workdir / "segw-events.log", segw_args)
        self.capture = None

    def start(self):
        self.lab.open()
        self.capture = ts.Capture(self.lab.segw_ns, self.lab.segw.dev, self.workdir / "outer.pcapng").start()
        self.ours.start()

    def run_driver(self, *extra, device="device", timeout=10):
        """Runs our initiator in the H(e)NB namespace; returns (exit code, output)."""
        pki = self.pki
        argv = [self.driver_bin, "--local", self.lab.hnb.ip, "--remote", self.lab.segw.ip,
                "--id", pki.device_identity, "--remote-id", self.segw_fqdn, "--cert", pki.path(device),
                "--keys-out", self.workdir / "driver-keys", "--timeout", str(timeout)]
        for root in OPERATOR_ROOTS:
            argv += ["--trust", pki.path(root)]
        location = pki.key_location(device)
        if location.startswith("pkcs11:"):
            argv += ["--pkcs11-uri", location, "--pkcs11-module", pki.token_module, "--pin-file", pki.pin_file]
        else:
            argv += ["--key", pki.dir / location]
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SOFTHSM2_CONF": str(pki.softhsm_conf)}
        result = netns.run_in(self.lab.hnb_ns, [*argv, *extra], timeout=timeout + 10, env=env)
        output = result.stdout + result.stderr
        (self.workdir / "driver.log").write_text(output)
        return result.returncode, output

    def close(self):
        errors = []
        for step in (self.ours.stop, lambda: self.capture and self.capture.stop(), self.lab.close):
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        assert self.ours.proc is None or self.ours.proc.poll() is not None, "hnbsec segw still runs"
        for ns in (self.lab.segw_ns, self.lab.hnb_ns):
            assert ns not in netns.list_namespaces(), f"{ns} still exists"
        if errors:
            raise errors[0]

    def auth_messages(self):
        """(request, response) payload lists of IKE_AUTH, decrypted with OUR SeGW's tables."""
        self.capture.wait_for(f"isakmp.exchangetype == {IKE_AUTH} && isakmp.flag_r == 1", count=1)
        self.capture.stop()
        ike_rows = (self.ours.keys_dir / "ikev2_decryption_table").read_text().splitlines()
        esp_rows = (self.ours.keys_dir / "esp_sa").read_text().splitlines()
        self.options = ts.decryption_options(ike_rows, esp_rows)
        (request,) = ike_messages(self.capture.path, self.options, IKE_AUTH, response=False)
        (response,) = ike_messages(self.capture.path, self.options, IKE_AUTH, response=True)
        return request, response


@pytest.fixture
def setup_factory(pki, tmp_path, hnbsec_bin, driver_bin):
    made = []

    def make(segw_args=()):
        s = Setup(pki, tmp_path, hnbsec_bin, driver_bin, segw_args)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _encodings(payloads, payload_type, field):
    return [int(v) for t, tree in payloads if t == payload_type for v in ts.walk(tree, field)]


def _problems_outside_ocsp_content(pcap, options):
    """ts.problems, less what Wireshark (4.0) says about CERT(OCSP Content) data: its IKEv2
    dissector reads every CERT encoding but 12 as an X.509 Certificate, so a DER OCSPResponse
    shows as BER "wrong field" warnings there. Each flagged frame is re-read and must be clean
    once those CERT(14) payloads are set aside, which must hold nothing but such BER errors."""
    left = []
    for line in ts.problems(pcap, options):
        frame = int(line.split()[0])
        (packet,) = ts.read_json(pcap, options=options, display_filter=f"frame.number == {frame}")
        ocsp = [tree for t, tree in ts.ike_payloads(packet)
                if t == PT_CERT and tree.get("isakmp.cert.encoding") == str(OCSP_CONTENT)]
        messages = list(ts.walk(ocsp, "_ws.expert.message"))
        if ocsp and all(m.startswith("BER Error: Wrong field in SEQUENCE") for m in messages):
            for tree in ocsp:
                tree.pop("isakmp.cert.data", None)  # set aside; the rest of the packet must be clean
            if not list(ts.walk(packet, "_ws.expert.message")) and not list(ts.walk(packet, "_ws.malformed")):
                continue
        left.append(line)
    return left


def _openssl_ocsp_verify(pki, staple, workdir):
    """`openssl ocsp` on the DER staple: the SeGW certificate's status, checked against the
    operator root (the delegated signer chains through operator-ca)."""
    bundle = workdir / "operator-bundle.pem"
    bundle.write_text("".join(pki.path(n).read_text() for n in (*OPERATOR_ROOTS, "operator-ca")))
    return subprocess.run(["openssl", "ocsp", "-respin", str(staple), "-issuer", str(pki.path("operator-ca")),
                           "-cert", str(pki.path("segw")), "-CAfile", str(bundle), "-resp_text"],
                          capture_output=True, text=True, timeout=30)


def test_our_segw_staples_its_ocsp_status_for_our_initiator(setup_factory, pki, tmp_path):
    s = setup_factory()
    s.start()
    staple = tmp_path / "staple.der"
    code, output = s.run_driver("--ocsp-responder", pki.path("ocsp-signer"), "--ocsp-staple-out", staple)
    assert code == 0, output + "\n--- hnbsec segw ---\n" + s.ours.text()
    assert "OcspStapleReceived" in output, output
    assert s.ours.seen(r"OcspStapleRequested: peer requests OCSP content .* from 1 responder"), s.ours.text()
    assert s.ours.seen(r"OcspStapleSent: sent CERT\(OCSP_CONTENT\)"), s.ours.text()

    verified = _openssl_ocsp_verify(pki, staple, tmp_path)
    text = verified.stdout + verified.stderr
    assert verified.returncode == 0, text
    assert "Response verify OK" in text, text
    assert f"{pki.path('segw')}: good" in text, text

    request, response = s.auth_messages()
    assert OCSP_CONTENT in _encodings(request, PT_CERTREQ, "isakmp.certreq.type"), request
    cert_encodings = _encodings(response, PT_CERT, "isakmp.cert.encoding")
    assert cert_encodings == [X509_SIGNATURE, X509_SIGNATURE, OCSP_CONTENT], response  # §3.2: after the X.509s
    (ocsp,) = [tree for t, tree in response if t == PT_CERT and tree["isakmp.cert.encoding"] == str(OCSP_CONTENT)]
    assert int(ocsp["isakmp.payloadlength"]) == 4 + 1 + staple.stat().st_size  # header, encoding, the DER staple
    assert _problems_outside_ocsp_content(s.capture.path, s.options) == []


def test_our_segw_without_stapling_sends_no_ocsp_content(setup_factory, pki, tmp_path):
    s = setup_factory(segw_args=["--no-ocsp-staple"])
    s.start()
    staple = tmp_path / "staple.der"
    code, output = s.run_driver("--ocsp-responder", pki.path("ocsp-signer"), "--ocsp-staple-out", staple)
    assert code == 0, output + "\n--- hnbsec segw ---\n" + s.ours.text()
    assert "OcspStapleReceived" not in output, output
    assert not staple.exists()
    assert s.ours.seen(r"OcspStapleOmitted: no OCSP staple sent: no OCSP stapler configured"), s.ours.text()

    request, response = s.auth_messages()
    assert OCSP_CONTENT in _encodings(request, PT_CERTREQ, "isakmp.certreq.type"), request
    assert _encodings(response, PT_CERT, "isakmp.cert.encoding") == [X509_SIGNATURE, X509_SIGNATURE], response
    assert ts.problems(s.capture.path, s.options) == []


def test_no_namespace_left_behind():
    assert netns.our_namespaces() == []
