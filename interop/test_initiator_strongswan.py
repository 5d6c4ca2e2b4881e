"""Interop: our IKEv2 initiator (`hnbsec-ike-initiator`, proto/ike/sa IkeInitiator on real
sockets) against strongSwan's charon as the SeGW, each in its own network namespace.

The SeGW is configured as in test_strongswan_pki.py: the `segw` certificate and key file, the
`operator-ca` intermediate sent in IKE_AUTH, trusting the vendor roots with strict revocation
against the vendor CRLs, a virtual IP pool from the profile, `encap = yes`. Our driver signs
with the device key ON THE TOKEN (`device` RSA id 01, `device-ec` EC id 02), requests an
address through CP and checks the SeGW chain against the operator roots.

What must hold: exit 0; charon shows the IKE SA ESTABLISHED with the device identity and an
INSTALLED Child SA; the virtual IP our driver printed is charon's remote-vips; tshark decrypts
the capture with the tables OUR driver exported (opt-in `--keys-out`), shows the device
identity as IDi and no malformed packet. Negative: a revoked device certificate is refused
(AUTHENTICATION_FAILED from charon), and our driver refuses a SeGW whose chain is untrusted.
"""

import ipaddress
import re
import time

import pytest

from peers import netns, strongswan as sw, tshark as ts
from peers.lab_roles import (IKE_AUTH, OPERATOR_ROOTS, PT_CERT, PT_CP, PT_IDI, PT_IDR, SUITES, ike_messages,
                             segw_charon)


class Setup:
    """Charon as the SeGW in one namespace, our driver in the other, one capture."""

    def __init__(self, pki, workdir, driver_bin, suite="cbc-sha2"):
        self.pki, self.workdir, self.driver_bin = pki, workdir, driver_bin
        self.ike_proposal, self.esp_proposal = SUITES[suite]
        pixit = pki.profile["pixit"]
        self.segw_fqdn, self.pool, self.core = pixit["segw_fqdn"], pixit["inner_pool"], pixit["core_network"]
        self.lab = netns.TwoHostLab(outer="192.168.77.0/24")
        self.keys_dir = workdir / "keys"
        self.segw = self.capture = None

    def configure_segw(self, certificate="segw"):
        self.segw = segw_charon(self.pki, self.lab, self.workdir, self.ike_proposal, self.esp_proposal,
                                certificate)

    def start(self):
        self.lab.open()
        self.capture = ts.Capture(self.lab.segw_ns, self.lab.segw.dev, self.workdir / "outer.pcapng").start()
        self.segw.start()
        self.segw.load_all()

    def run_driver(self, device, *extra, timeout=10):
        """Runs our initiator in the H(e)NB namespace; returns (exit code, output)."""
        pki = self.pki
        argv = [self.driver_bin, "--local", self.lab.hnb.ip, "--remote", self.lab.segw.ip,
                "--id", pki.device_identity, "--remote-id", self.segw_fqdn, "--cert", pki.path(device),
                "--ike-proposal", self.ike_proposal, "--esp-proposal", self.esp_proposal,
                "--keys-out", self.keys_dir, "--timeout", str(timeout)]
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
        for step in (lambda: sw.stop_all([self.segw]), lambda: self.capture and self.capture.stop(),
                     self.lab.close):
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        for ns in (self.lab.segw_ns, self.lab.hnb_ns):
            assert ns not in netns.list_namespaces(), f"{ns} still exists"
        if errors:
            raise errors[0]

    def our_decryption(self):
        """tshark options from the tables OUR driver exported (not from charon's log)."""
        ike_rows = (self.keys_dir / "ikev2_decryption_table").read_text().splitlines()
        esp_path = self.keys_dir / "esp_sa"
        esp_rows = esp_path.read_text().splitlines() if esp_path.exists() else []
        return ts.decryption_options(ike_rows, esp_rows)


@pytest.fixture
def setup_factory(pki, tmp_path, driver_bin):
    made = []

    def make(suite="cbc-sha2"):
        s = Setup(pki, tmp_path, driver_bin, suite)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _inner_address(output):
    match = re.search(r"^inner address: (\S+)$", output, re.M)
    assert match, output
    return match[1]


@pytest.mark.parametrize("suite", list(SUITES))
@pytest.mark.parametrize("device", ["device", "device-ec"])
def test_our_initiator_establishes_with_strongswan(setup_factory, pki, device, suite):
    t0 = time.monotonic()
    s = setup_factory(suite)
    s.configure_segw()
    s.start()

    code, output = s.run_driver(device)
    assert code == 0, output + "\n--- charon ---\n" + s.segw.log_text()[-3000:]
    assert "OK: CHILD SA up" in output, output
    assert re.search(rf"peer authentication succeeded for .*{re.escape(s.segw_fqdn)}", output), output
    vip = _inner_address(output)
    assert ipaddress.ip_address(vip) in ipaddress.ip_network(s.pool), (vip, s.pool)

    # charon's view: our device authenticated, IKE SA and Child SA up, the same virtual IP
    segw_sa = s.segw.list_sas()["hnb"]
    assert segw_sa["state"] == "ESTABLISHED", segw_sa
    assert segw_sa["remote-id"] == pki.device_identity
    assert segw_sa["remote-vips"] == [vip]
    (child,) = segw_sa["child-sas"].values()
    assert child["state"] == "INSTALLED" and child["remote-ts"] == [vip + "/32"], child
    signer = "ECDSA_WITH_SHA256_DER" if pki.entry(device)["key"]["type"] == "EC" else "RSA_EMSA_PKCS1_SHA2_256"
    assert re.search(rf"authentication of '{re.escape(pki.device_identity)}' with {signer} successful",
                     s.segw.log_text()), s.segw.log_text()[-3000:]

    # the wire, decrypted with the tables our driver exported
    s.capture.wait_for(f"isakmp.exchangetype == {IKE_AUTH} && isakmp.flag_r == 1", count=1)
    s.capture.stop()
    assert ts.ike_spis(s.capture.path) == [(segw_sa["initiator-spi"], segw_sa["responder-spi"])]
    options = s.our_decryption()
    (request,) = ike_messages(s.capture.path, options, IKE_AUTH, response=False)
    ids = [tree.get("isakmp.id.data", {}).get("isakmp.id.data.fqdn") for t, tree in request if t == PT_IDI]
    assert ids == [pki.device_identity], request
    assert [tree["isakmp.id.data"]["isakmp.id.data.fqdn"] for t, tree in request if t == PT_IDR] == [s.segw_fqdn]
    assert PT_CP in [t for t, _ in request]
    (response,) = ike_messages(s.capture.path, options, IKE_AUTH, response=True)
    assert [t for t, _ in response].count(PT_CERT) == 2                   # segw + operator-ca
    cp = [tree for t, tree in response if t == PT_CP]
    assert vip in list(ts.walk(cp, "isakmp.cfg.attr.internal_ip4_address")), cp
    assert ts.problems(s.capture.path, options) == []
    assert time.monotonic() - t0 < 30


def test_our_initiator_deletes_at_end(setup_factory, pki):
    s = setup_factory("cbc-sha2")
    s.configure_segw()
    s.start()
    code, output = s.run_driver("device", "--delete-at-end")
    assert code == 0, output + "\n--- charon ---\n" + s.segw.log_text()[-3000:]
    assert "OK: CHILD SA up, IKE SA deleted" in output, output
    netns.wait_until(lambda: s.segw.list_sas() == {}, 5, "charon to drop the deleted IKE SA")
    assert re.search(r"received DELETE for IKE_SA hnb\[\d+\]", s.segw.log_text()), s.segw.log_text()[-3000:]


def test_strongswan_refuses_revoked_device(setup_factory, pki):
    s = setup_factory("cbc-sha2")
    s.configure_segw()
    s.start()
    code, output = s.run_driver("device-revoked")
    assert code == 1, output
    assert "AUTHENTICATION_FAILED" in output, output
    assert re.search(r"^FAILED: .*AUTHENTICATION_FAILED", output, re.M), output
    assert re.search(r"certificate was revoked on .*, reason: key compromise", s.segw.log_text()), \
        s.segw.log_text()[-3000:]
    assert "inner address" not in output


def test_our_initiator_refuses_untrusted_segw(setup_factory, pki):
    s = setup_factory("cbc-sha2")
    s.configure_segw(certificate="segw-untrusted")
    s.start()
    code, output = s.run_driver("device")
    assert code == 1, output
    assert re.search(r"^FAILED: .*unable to get local issuer certificate", output, re.M), output
    assert "inner address" not in output
    # RFC 7296 §2.21.2: the refusal is reported to the SeGW, which tears its side down
    s.segw.wait_for_log(r"parsed INFORMATIONAL request \d+ \[ N\(AUTH_FAILED\) \]")
    netns.wait_until(lambda: s.segw.list_sas() == {}, 5, "charon to drop the refused IKE SA")


def test_no_namespace_left_behind():
    assert netns.our_namespaces() == []
