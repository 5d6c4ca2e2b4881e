"""Interop: strongSwan's charon as the H(e)NB (device key on our SoftHSM2 token) initiates
against our SeGW (`hnbsec segw`), each in its own network namespace.

What must hold: IKE_SA and CHILD_SA established on both sides, the virtual IP from the
profile's pool assigned through CP, RFC 7383 fragments of strongSwan's IKE_AUTH reassembled,
our events naming each step; tshark decrypts the capture with the Wireshark tables our SeGW
exported (opt-in `--keys-out`) and finds no malformed packet. A revoked or untrusted device is
refused with AUTHENTICATION_FAILED and our event says why.
"""

import ipaddress
import re

import pytest

from peers import netns, strongswan as sw, tshark as ts
from peers.our_segw import OurSegw
from peers.lab_roles import IKE_AUTH, PT_CERT, PT_CP, PT_IDI, PT_IDR, SUITES, hnb_charon, ike_messages


class Setup:
    def __init__(self, pki, workdir, hnbsec_bin, suite, segw_args=()):
        self.pki, self.workdir = pki, workdir
        self.ike_proposal, self.esp_proposal = SUITES[suite]
        pixit = pki.profile["pixit"]
        self.segw_fqdn, self.pool, self.core = pixit["segw_fqdn"], pixit["inner_pool"], pixit["core_network"]
        # The profile's SeGW address is where our SeGW listens and what the device dials.
        self.lab = netns.TwoHostLab(outer="192.168.77.0/24")
        self.ours = OurSegw(hnbsec_bin, self.lab.segw_ns, pki, self.lab.segw.ip, workdir / "keys",
                            workdir / "segw-events.log", segw_args)
        self.hnb = self.capture = None

    def configure_hnb(self, device):
        self.hnb = hnb_charon(self.pki, self.lab, self.workdir, self.ike_proposal, self.esp_proposal, device)

    def start(self):
        self.lab.open()
        self.capture = ts.Capture(self.lab.segw_ns, self.lab.segw.dev, self.workdir / "outer.pcapng").start()
        self.ours.start()
        self.hnb.start()
        self.hnb.load_all()

    def close(self):
        errors = []
        for step in (lambda: sw.stop_all([self.hnb]), self.ours.stop,
                     lambda: self.capture and self.capture.stop(), self.lab.close):
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        assert self.ours.proc is None or self.ours.proc.poll() is not None, "hnbsec segw still runs"
        for ns in (self.lab.segw_ns, self.lab.hnb_ns):
            assert ns not in netns.list_namespaces(), f"{ns} still exists"
        if errors:
            raise errors[0]

    def our_decryption(self):
        """tshark options from the tables OUR SeGW exported (not from strongSwan's log)."""
        ike_rows = (self.ours.keys_dir / "ikev2_decryption_table").read_text().splitlines()
        esp_rows = (self.ours.keys_dir / "esp_sa").read_text().splitlines()
        return ts.decryption_options(ike_rows, esp_rows)


@pytest.fixture
def setup_factory(pki, tmp_path, hnbsec_bin):
    made = []

    def make(suite="cbc-sha2", segw_args=()):
        s = Setup(pki, tmp_path, hnbsec_bin, suite, segw_args)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


@pytest.mark.parametrize("suite", list(SUITES))
@pytest.mark.parametrize("device", ["device", "device-ec"])
def test_strongswan_hnb_establishes_with_our_segw(setup_factory, pki, device, suite):
    s = setup_factory(suite)
    s.configure_hnb(device)
    s.start()

    result = s.hnb.initiate(child="hnb", ike="segw")
    assert result.ok, result.output + "\n--- hnbsec segw ---\n" + s.ours.text()
    assert re.search(r"authentication of 'segw.lab.test' with \S+ successful", result.output), result.output

    hnb_sa = s.hnb.list_sas()["segw"]
    assert hnb_sa["state"] == "ESTABLISHED"
    vip = hnb_sa["local-vips"][0]
    assert ipaddress.ip_address(vip) in ipaddress.ip_network(s.pool), (vip, s.pool)
    (child,) = hnb_sa["child-sas"].values()
    assert child["state"] == "INSTALLED"

    # our side saw the same: authenticated device, IKE SA and Child SA up
    netns.wait_until(lambda: s.ours.seen(r"ChildSaUp|CHILD_SA"), 5, "our SeGW to report the Child SA")
    events = s.ours.text()
    assert pki.device_identity in events, events
    assert "fragment" in events.lower() or "SKF" in events, events   # strongSwan fragments IKE_AUTH

    s.capture.wait_for(f"isakmp.exchangetype == {IKE_AUTH} && isakmp.flag_r == 1", count=1)
    s.capture.stop()
    options = s.our_decryption()
    (request,) = ike_messages(s.capture.path, options, IKE_AUTH, response=False)
    ids = [tree.get("isakmp.id.data", {}).get("isakmp.id.data.fqdn") for t, tree in request if t == PT_IDI]
    assert ids == [pki.device_identity], request
    (response,) = ike_messages(s.capture.path, options, IKE_AUTH, response=True)
    assert [tree["isakmp.id.data"]["isakmp.id.data.fqdn"] for t, tree in response if t == PT_IDR] == [s.segw_fqdn]
    assert [t for t, _ in response].count(PT_CERT) == 2                   # segw + operator-ca
    cp = [tree for t, tree in response if t == PT_CP]
    assert vip in list(ts.walk(cp, "isakmp.cfg.attr.internal_ip4_address")), cp
    assert ts.problems(s.capture.path, options) == []


@pytest.mark.parametrize("device,reason", [
    pytest.param("device-revoked", "certificate revoked", id="revoked"),
    pytest.param("device-untrusted", "unable to get local issuer certificate", id="untrusted"),
])
def test_our_segw_refuses_device(setup_factory, pki, device, reason):
    s = setup_factory("cbc-sha2")
    s.configure_hnb(device)
    s.start()
    result = s.hnb.initiate(child="hnb", ike="segw")
    assert not result.ok, result.output
    assert "received AUTHENTICATION_FAILED notify error" in result.output, result.output
    netns.wait_until(lambda: s.ours.seen(reason), 5, f"our SeGW to report '{reason}'")


def test_knob_force_cookie_makes_strongswan_retry_and_establish(setup_factory):
    s = setup_factory("cbc-sha2", segw_args=["--force-cookie"])
    s.configure_hnb("device")
    s.start()
    result = s.hnb.initiate(child="hnb", ike="segw")
    assert result.ok, result.output + "\n--- hnbsec segw ---\n" + s.ours.text()
    assert "received COOKIE notify" in s.hnb.log_text() or "COOKIE" in result.output, result.output
    assert s.ours.seen(r"(?i)cookie"), s.ours.text()


def test_knob_proposal_restriction_refuses_strongswan_offer(setup_factory):
    # strongSwan offers aes128-sha256-modp2048 only; we accept nothing but AES-GCM/ECP-384.
    s = setup_factory("cbc-sha2", segw_args=["--ike-proposal", "aes256gcm16-prfsha384-ecp384"])
    s.configure_hnb("device")
    s.start()
    result = s.hnb.initiate(child="hnb", ike="segw")
    assert not result.ok, result.output
    assert "NO_PROPOSAL_CHOSEN" in result.output, result.output


def test_knob_delayed_auth_response_still_establishes(setup_factory):
    # The IKE_AUTH response is held 1.5 s (less than charon's first retransmission at 4 s):
    # strongSwan waits, then establishes; our events say the response was held.
    s = setup_factory("cbc-sha2", segw_args=["--delay-response", "2", "--response-delay", "1500"])
    s.configure_hnb("device")
    s.start()
    result = s.hnb.initiate(child="hnb", ike="segw")
    assert result.ok, result.output + "\n--- hnbsec segw ---\n" + s.ours.text()
    assert s.ours.seen(r"held for 1500 ms"), s.ours.text()


def test_knob_dropped_auth_response_makes_strongswan_retransmit(setup_factory):
    s = setup_factory("cbc-sha2", segw_args=["--drop-response", "2"])
    s.configure_hnb("device")
    s.start()
    result = s.hnb.initiate(child="hnb", ike="segw")
    assert result.ok, result.output + "\n--- hnbsec segw ---\n" + s.ours.text()
    assert "retransmit 1 of request" in s.hnb.log_text(), s.hnb.log_text()[-2000:]
