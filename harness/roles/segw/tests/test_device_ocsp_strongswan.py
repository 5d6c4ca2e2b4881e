"""Interop: the SeGW's OCSP check of device certificates (HNB-REQ-REV-001) with independent
peers on both sides. strongSwan's charon is the H(e)NB; `openssl ocsp -index` (the PKI's
`openssl ca` index) is the responder, listening in the SeGW's namespace on the host and port
of the profile's pixit.ocsp_url; our `hnbsec segw --device-revocation ocsp` has no CRL, so
OCSP alone decides.

What must hold: the good device is established; the revoked one gets AUTHENTICATION_FAILED,
our event says "device certificate revoked (OCSP, reason ...)", and the responder's own
output shows it was asked about that certificate's serial; with no responder the device is
refused (hard-fail) and our event says the responder was unreachable. And `hnbsec lab up`
(default crl+ocsp) asks the lab's own responder from the public namespace: the good device is
established, and both our SeGW's event and the responder's event name its serial.
"""

import re
import shutil
import signal
import subprocess
import threading
import types
import urllib.parse

import pytest

from peers import netns, strongswan as sw
from peers.lab_roles import SUITES, hnb_charon
from peers.our_segw import OurSegw

WAIT = 15  # seconds for any one step


def openssl():
    path = shutil.which("openssl")
    assert path, "openssl is not installed (ci/install-deps provides it)"
    return path


def serial_of(pki, name):
    out = subprocess.run([openssl(), "x509", "-noout", "-serial", "-in", str(pki.path(name))], capture_output=True,
                         text=True, timeout=WAIT, check=True).stdout
    return out.strip().split("=", 1)[1].upper()


class OpensslResponder:
    """`openssl ocsp` serving one request from the vendor CA's index, signed by the vendor's
    delegated responder, in namespace ``ns``; its -text output is the evidence of the query."""

    def __init__(self, pki, ns, port, workdir):
        self.log = workdir / "openssl-ocsp.log"
        argv = [openssl(), "ocsp", "-index", str(pki.path("vendor-root-ca.index", "index")),
                "-CA", str(pki.path("vendor-root-ca")), "-rsigner", str(pki.path("ocsp-signer-vendor")),
                "-rkey", str(pki.path("ocsp-signer-vendor", "key")), "-port", str(port), "-nmin", "10",
                "-text", "-nrequest", "1"]
        self.out = open(self.log, "w")
        self.proc = netns.popen_in(ns, argv, stdout=self.out, stderr=subprocess.STDOUT)
        self.ns, self.port = ns, port
        netns.wait_until(lambda: self._listening() or self.proc.poll() is not None, WAIT, "openssl ocsp to listen")
        assert self.proc.poll() is None, self.log.read_text()

    def _listening(self):
        out = netns.run_in(self.ns, ["ss", "-Htln", f"sport = :{self.port}"])
        return str(self.port) in out.stdout

    def served(self):
        """Waits for the one request to be answered (the process then exits); its output."""
        self.proc.wait(timeout=WAIT)
        self.out.close()
        return self.log.read_text()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=WAIT)
        self.out.close()


class Setup:
    def __init__(self, pki, workdir, hnbsec_bin):
        self.pki, self.workdir = pki, workdir
        url = urllib.parse.urlsplit(pki.profile["pixit"]["ocsp_url"])
        self.ocsp_host, self.ocsp_port = url.hostname, url.port or 80
        self.lab = netns.TwoHostLab(outer="192.168.77.0/24")
        assert self.lab.segw.ip == self.ocsp_host, "the emulated profile's OCSP responder sits on the SeGW host"
        self.ours = OurSegw(hnbsec_bin, self.lab.segw_ns, pki, self.lab.segw.ip, workdir / "keys",
                            workdir / "segw-events.log", ["--device-revocation", "ocsp"])
        self.hnb = self.responder = None

    def start(self, device, responder=True):
        self.lab.open()
        if responder:
            self.responder = OpensslResponder(self.pki, self.lab.segw_ns, self.ocsp_port, self.workdir)
        self.ours.start()
        assert self.ours.seen("device revocation ocsp"), self.ours.text()
        ike, esp = SUITES["cbc-sha2"]
        self.hnb = hnb_charon(self.pki, self.lab, self.workdir, ike, esp, device)
        self.hnb.start()
        self.hnb.load_all()
        return self.hnb.initiate(child="hnb", ike="segw")

    def close(self):
        errors = []
        for step in (lambda: self.hnb and sw.stop_all([self.hnb]), self.ours.stop,
                     lambda: self.responder and self.responder.stop(), self.lab.close):
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        for ns in (self.lab.segw_ns, self.lab.hnb_ns):
            assert ns not in netns.list_namespaces(), f"{ns} still exists"
        if errors:
            raise errors[0]


@pytest.fixture
def setup(pki, tmp_path, hnbsec_bin):
    s = Setup(pki, tmp_path, hnbsec_bin)
    yield s
    s.close()


def test_good_device_is_established_after_ocsp_good(setup, pki):
    result = setup.start("device")
    assert result.ok, result.output + "\n--- hnbsec segw ---\n" + setup.ours.text()
    netns.wait_until(lambda: setup.ours.seen(r"DeviceRevocation OCSP good"), WAIT, "our OCSP outcome event")
    served = setup.responder.served()
    assert serial_of(pki, "device") in served.upper().replace(":", ""), served


def test_revoked_device_is_refused_by_ocsp_alone(setup, pki):
    result = setup.start("device-revoked")
    assert not result.ok, result.output
    assert "received AUTHENTICATION_FAILED notify error" in result.output, result.output
    netns.wait_until(lambda: setup.ours.seen(r"device certificate revoked \(OCSP, reason \w+"), WAIT,
                     "our SeGW to say the device is revoked by OCSP:\n" + setup.ours.text())
    served = setup.responder.served()
    assert serial_of(pki, "device-revoked") in served.upper().replace(":", ""), served
    assert "Revoked" in served or "revoked" in served, served


def test_unreachable_responder_refuses_the_device(setup):
    result = setup.start("device", responder=False)
    assert not result.ok, result.output
    assert "received AUTHENTICATION_FAILED notify error" in result.output, result.output
    netns.wait_until(lambda: setup.ours.seen(r"OCSP hard-fail.*unreachable"), WAIT,
                     "our SeGW to refuse without an OCSP answer:\n" + setup.ours.text())


class OurLab:
    """`hnbsec lab up` (default policy crl+ocsp, its own responder on pixit.ocsp_url in the
    public namespace); its stdout lines are collected as they come."""

    def __init__(self, hnbsec_bin, pki, workdir):
        self.argv = [str(hnbsec_bin), "lab", "up", "--pki", str(pki.dir)]
        self.log_path, self.lines, self.proc, self.run_id = workdir / "lab-events.log", [], None, None
        self.dut_ns = self.public_ns = None

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        netns.wait_until(lambda: self.seen(" ready: ") or self.proc.poll() is not None, 20, "hnbsec lab up")
        assert self.proc.poll() is None, self.text()
        m = re.search(r"ready: run (\w+), DUT namespace (\S+), public namespace (\S+),", self.text())
        self.run_id, self.dut_ns, self.public_ns = m.groups()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def text(self):
        return "\n".join(list(self.lines))

    def seen(self, pattern):
        return re.search(pattern, self.text()) is not None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log_path.write_text(self.text())


class LabView:
    """What lab_roles.hnb_charon needs to know of the lab's network."""

    def __init__(self, ours, pki):
        self.hnb_ns, self.segw_ns = ours.dut_ns, ours.public_ns
        self.hnb = types.SimpleNamespace(ip=pki.profile["dut"]["outer_address"])
        self.segw = types.SimpleNamespace(ip=pki.profile["pixit"]["segw_address"])


def test_lab_segw_asks_the_labs_own_responder(pki, tmp_path, hnbsec_bin):
    ours, hnb = OurLab(hnbsec_bin, pki, tmp_path), None
    try:
        ours.start()
        ike, esp = SUITES["cbc-sha2"]
        hnb = hnb_charon(pki, LabView(ours, pki), tmp_path, ike, esp, "device")
        hnb.start()
        hnb.load_all()
        result = hnb.initiate(child="hnb", ike="segw")
        assert result.ok, result.output + "\n--- hnbsec lab up ---\n" + ours.text()
        serial = serial_of(pki, "device")
        # Our SeGW's outcome, and the lab responder's own event for the same certificate.
        netns.wait_until(lambda: ours.seen(r"segw: DeviceRevocation OCSP good .* serial " + serial), WAIT,
                         "the SeGW's OCSP outcome:\n" + ours.text())
        netns.wait_until(lambda: ours.seen(r"ocsp: public \S+ POST \S+/" + serial.lstrip("0") + r" device good"), WAIT,
                         "the lab responder's event for the device:\n" + ours.text())
    finally:
        if hnb:
            sw.stop_all([hnb])
        ours.stop()
        left = [n for n in netns.list_namespaces() if ours.run_id and n.startswith(f"hx{ours.run_id}-")]
        assert not left, f"namespaces left behind: {left}"
