"""Interop: strongSwan (an independent IKEv2 implementation) accepts the foundation hnbsec builds.

`hnbsec pki init` makes the PKI and puts the device keys on a SoftHSM2 token. Two charons run
in two network namespaces:

* SeGW: the `segw` certificate and key file, the `operator-ca` intermediate (sent in IKE_AUTH),
  trusts `vendor-root-ca` and `vendor-root-ca-ec`, checks revocation strictly against the
  vendor CRLs from the PKI (no network fetch), hands out a virtual IP from the profile's pool.
* H(e)NB: the `device` / `device-ec` certificate with the private key ON OUR TOKEN (strongSwan's
  pkcs11 plugin, PIN from the PIN file), trusts `operator-root-ca` (+ `-ec`) only.

tshark captures the outer link; the capture is decrypted with keys parsed from charon's log and
must show the device identity as IDi, the SeGW's chain, the virtual IP, ICMP inside ESP, and
no malformed packet. Negative cases: a revoked and an untrusted device certificate are refused
with AUTHENTICATION_FAILED.
"""

import ipaddress
import os
import re
import stat
import time

import pytest

from peers import netns, strongswan as sw, tshark as ts
from peers.lab_roles import (IKE_AUTH, PT_AUTH, PT_CERT, PT_CP, PT_IDI, PT_IDR, PT_NOTIFY, SUITES, hnb_charon,
                             ike_messages as _ike_messages, segw_charon)

AUTHENTICATION_FAILED = 24
AUTH_DIGITAL_SIGNATURE = 14   # RFC 7427


class Setup:
    """Two namespaces, two charons, one capture; `close()` tears everything down and checks it."""

    def __init__(self, pki, workdir, suite="cbc-sha2"):
        self.pki = pki
        self.workdir = workdir
        self.ike_proposal, self.esp_proposal = SUITES[suite]
        pixit = pki.profile["pixit"]
        self.segw_fqdn = pixit["segw_fqdn"]
        self.pool = pixit["inner_pool"]
        self.core = pixit["core_network"]
        self.core_host = str(next(ipaddress.ip_network(self.core).hosts()))
        self.lab = netns.TwoHostLab(outer="192.168.77.0/24", core_addresses=(self.core_host + "/32",))
        self.segw = self.hnb = self.capture = None

    # --- configuration ------------------------------------------------------------------
    def configure_segw(self):
        self.segw = segw_charon(self.pki, self.lab, self.workdir, self.ike_proposal, self.esp_proposal)
        return self.segw

    def configure_hnb(self, device):
        self.hnb = hnb_charon(self.pki, self.lab, self.workdir, self.ike_proposal, self.esp_proposal, device)
        return self.hnb

    # --- run ------------------------------------------------------------------------------
    def start(self):
        self.lab.open()
        self.capture = ts.Capture(self.lab.segw_ns, self.lab.segw.dev, self.workdir / "outer.pcapng").start()
        self.segw.start()
        self.hnb.start()
        self.load_output = self.segw.load_all() + self.hnb.load_all()

    def close(self):
        errors = []
        for step in (lambda: sw.stop_all([self.hnb, self.segw]),
                     lambda: self.capture and self.capture.stop(),
                     self.lab.close):
            try:
                step()
            except Exception as exc:
                errors.append(exc)
        for c in (self.hnb, self.segw):
            if c is not None and c.proc is not None:
                assert c.proc.poll() is not None and not os.path.exists(f"/proc/{c.proc.pid}"), f"{c.name} still runs"
        for ns in (self.lab.segw_ns, self.lab.hnb_ns):
            assert ns not in netns.list_namespaces(), f"{ns} still exists"
        if errors:
            raise errors[0]

    def decryption(self, keys):
        ike_rows = [ts.ike_uat_row(k) for k in keys.ike_sas]
        esp_rows = [r for c in keys.child_sas for r in ts.esp_uat_rows(c, self.lab.hnb.ip)]
        ts.write_uat_files(self.workdir / "wireshark", ike_rows, esp_rows)   # for a human with a GUI
        return ts.decryption_options(ike_rows, esp_rows)


@pytest.fixture
def setup_factory(pki, tmp_path):
    made = []

    def make(suite="cbc-sha2"):
        s = Setup(pki, tmp_path, suite)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _no_pin_anywhere(setup):
    pin = setup.pki.pin_file.read_text().strip()
    for c in (setup.hnb, setup.segw):
        for path in (c.log_path, c.stdout_path, c.conf_path):
            assert pin not in path.read_text(errors="replace"), f"PIN leaked into {path.name}"
        conf = c.swanctl_dir / "swanctl.conf"
        assert stat.S_IMODE(conf.stat().st_mode) == 0o600
    assert pin not in setup.load_output


@pytest.mark.parametrize("suite", list(SUITES))
@pytest.mark.parametrize("device", ["device", "device-ec"])
def test_tunnel_with_device_key_on_token(setup_factory, pki, device, suite):
    t0 = time.monotonic()
    s = setup_factory(suite)
    s.configure_segw()
    s.configure_hnb(device)
    s.start()
    assert "loaded key token-device from token" in s.load_output

    result = s.hnb.initiate(child="hnb", ike="segw")
    assert result.ok, result.output + s.segw.log_text()[-3000:]
    signer = "ECDSA_WITH_SHA256_DER" if pki.entry(device)["key"]["type"] == "EC" else "RSA_EMSA_PKCS1_SHA2_256"
    assert f"authentication of '{pki.device_identity}' (myself) with {signer} successful" in result.output
    assert 'received issuer cert "' in result.output          # operator-ca came from the SeGW

    # IKE_SA + CHILD_SA on both sides, virtual IP from the pool
    hnb_sa = s.hnb.list_sas()["segw"]
    segw_sa = s.segw.list_sas()["hnb"]
    assert hnb_sa["state"] == segw_sa["state"] == "ESTABLISHED"
    assert hnb_sa["initiator-spi"] == segw_sa["initiator-spi"]
    assert hnb_sa["responder-spi"] == segw_sa["responder-spi"]
    assert segw_sa["remote-id"] == pki.device_identity
    vip = hnb_sa["local-vips"][0]
    assert segw_sa["remote-vips"] == [vip]
    assert ipaddress.ip_address(vip) in ipaddress.ip_network(s.pool), (vip, s.pool)
    (child,) = hnb_sa["child-sas"].values()
    assert child["state"] == "INSTALLED" and child["local-ts"] == [vip + "/32"]

    # traffic through the tunnel (userspace ESP in UDP 4500)
    ping = netns.ping(s.lab.hnb_ns, s.core_host, count=3)
    assert ping.returncode == 0 and " 3 received" in ping.stdout, ping.stdout + ping.stderr
    s.capture.wait_for("esp", count=6)
    s.capture.stop()

    # keys from both logs agree; SPIs from vici match the capture
    keys = sw.with_ike_spis(s.hnb.keys_from_log(), [hnb_sa])
    segw_keys = s.segw.keys_from_log()
    assert [k.sk for k in keys.ike_sas] == [k.sk for k in segw_keys.ike_sas]
    assert len(keys.ike_sas) == 1 and len(keys.child_sas) == 1
    assert ts.ike_spis(s.capture.path) == [(keys.ike_sas[0].spi_i, keys.ike_sas[0].spi_r)]
    assert {spi for spi, _, _ in keys.child_sas[0].sas} == {child["spi-in"], child["spi-out"]}
    options = s.decryption(keys)

    # decrypted IKE_AUTH: IDi = the device identity, SeGW sends its chain, CP carries the VIP
    (request,) = _ike_messages(s.capture.path, options, IKE_AUTH, response=False)
    ids = [tree.get("isakmp.id.data", {}).get("isakmp.id.data.fqdn") for t, tree in request if t == PT_IDI]
    assert ids == [pki.device_identity], request
    assert [int(tree["isakmp.auth.method"]) for t, tree in request if t == PT_AUTH] == [AUTH_DIGITAL_SIGNATURE]
    (response,) = _ike_messages(s.capture.path, options, IKE_AUTH, response=True)
    assert [tree["isakmp.id.data"]["isakmp.id.data.fqdn"] for t, tree in response if t == PT_IDR] == [s.segw_fqdn]
    assert [t for t, _ in response].count(PT_CERT) == 2                   # segw + operator-ca
    cp = [tree for t, tree in response if t == PT_CP]
    assert vip in list(ts.walk(cp, "isakmp.cfg.attr.internal_ip4_address")), cp

    # decrypted ESP: the ICMP echo requests from the VIP and the replies
    icmp = ts.read_fields(s.capture.path, ["esp.spi", "ip.src", "ip.dst", "icmp.type"], options=options,
                          display_filter="esp && icmp")
    requests = [r for r in icmp if r[3] == "8" and r[1].split(",")[-1] == vip]
    replies = [r for r in icmp if r[3] == "0" and r[2].split(",")[-1] == vip]
    assert len(requests) == 3 and len(replies) == 3, icmp
    assert ts.problems(s.capture.path, options) == []

    _no_pin_anywhere(s)
    assert time.monotonic() - t0 < 20


@pytest.mark.parametrize("device,segw_reason", [
    pytest.param("device-revoked", r"certificate was revoked on .*, reason: key compromise", id="revoked"),
    pytest.param("device-untrusted", r"no trusted RSA public key found for '{identity}'", id="untrusted"),
])
def test_segw_refuses_device(setup_factory, pki, device, segw_reason):
    s = setup_factory("cbc-sha2")
    s.configure_segw()
    s.configure_hnb(device)
    s.start()

    result = s.hnb.initiate(child="hnb", ike="segw")
    assert not result.ok, result.output
    assert "received AUTHENTICATION_FAILED notify error" in result.output, result.output
    segw_reason = segw_reason.replace("{identity}", re.escape(pki.device_identity))
    assert re.search(segw_reason, s.segw.log_text()), s.segw.log_text()[-4000:]
    netns.wait_until(lambda: s.segw.list_sas() == {} and s.hnb.list_sas() == {}, 5, "the failed IKE_SA to go")

    # the refusal as seen on the wire: the decrypted IKE_AUTH response carries N(AUTHENTICATION_FAILED)
    s.capture.wait_for(f"isakmp.exchangetype == {IKE_AUTH} && isakmp.flag_r == 1", count=1)
    s.capture.stop()
    keys = s.hnb.keys_from_log()
    assert len(keys.ike_sas) == 1 and not keys.child_sas
    keys.ike_sas[0].spi_i, keys.ike_sas[0].spi_r = ts.ike_spis(s.capture.path)[0]
    options = s.decryption(keys)
    (response,) = _ike_messages(s.capture.path, options, IKE_AUTH, response=True)
    notifies = [int(tree["isakmp.notify.msgtype"]) for t, tree in response if t == PT_NOTIFY]
    assert notifies == [AUTHENTICATION_FAILED], response
    (request,) = _ike_messages(s.capture.path, options, IKE_AUTH, response=False)
    assert [tree["isakmp.id.data"]["isakmp.id.data.fqdn"] for t, tree in request if t == PT_IDI] \
        == [pki.device_identity]
    assert ts.problems(s.capture.path, options) == []


def test_no_namespace_left_behind():
    assert netns.our_namespaces() == []
