"""Interop: the tunnel. `hnbsec lab up` builds the harness's world (DUT, public and core
namespaces, the backhaul veth, the core TUN) and runs our SeGW and time server in it;
strongSwan's charon (kernel-libipsec: userspace ESP over its own TUN, device key on our
SoftHSM2 token) is the H(e)NB in the DUT namespace.

What must hold: charon gets its virtual IP; `ping` from the device side reaches the core
network's address through our ESP (both directions: the echo reply comes back sealed by our
SeGW); `chronyd -Q` gets time from our NTP server inside the core network, and our event says
"inside ESP"; tshark decrypts the capture with the esp_sa table our SeGW exported and shows
the inner ICMP and NTP packets, with no malformed packet; re-sending a captured ESP packet
gives a "replayed" event and one with a flipped bit under the ICV "bad ICV", neither delivered; after the run
nothing of ours is left in `ip netns list`.
"""

import re
import signal
import subprocess
import threading

import pytest

from conftest import SOURCE_DIR
from peers import netns, strongswan as sw, tshark as ts
from peers.lab_roles import SUITES, hnb_charon


class OurLab:
    """`hnbsec lab up`; its stdout lines are collected as they come."""

    def __init__(self, hnbsec_bin, pki, keys_dir, log_path, extra_args=()):
        self.argv = [str(hnbsec_bin), "lab", "up", "--pki", str(pki.dir), "--keys-out", str(keys_dir), *extra_args]
        self.keys_dir, self.log_path = keys_dir, log_path
        self.lines, self.proc = [], None
        self.dut_ns = self.public_ns = self.core_ns = self.run_id = None
        self._lock = threading.Lock()

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        netns.wait_until(lambda: self.seen(" ready: ") or self.proc.poll() is not None, 20, "hnbsec lab up")
        assert self.proc.poll() is None, self.text()
        m = re.search(r"ready: run (\w+), DUT namespace (\S+), public namespace (\S+), core namespace (\S+)",
                      self.text())
        self.run_id, self.dut_ns, self.public_ns, self.core_ns = m.groups()

    def _read(self):
        for line in self.proc.stdout:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def text(self):
        with self._lock:
            return "\n".join(self.lines)

    def seen(self, pattern):
        return re.search(pattern, self.text()) is not None

    def count(self, pattern):
        return len(re.findall(pattern, self.text()))

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


class Endpoint:
    def __init__(self, ip, dev):
        self.ip, self.dev = ip, dev


class LabView:
    """What lab_roles.hnb_charon needs to know of the network: our lab's names."""

    def __init__(self, ours, pki):
        pixit = pki.profile["pixit"]
        self.hnb_ns, self.segw_ns = ours.dut_ns, ours.public_ns
        self.hnb = Endpoint(pki.profile["dut"]["outer_address"], f"hx{ours.run_id}-v0")
        self.segw = Endpoint(pixit["segw_address"], f"hx{ours.run_id}-v1")


@pytest.fixture
def tunnel(request, pki, tmp_path, hnbsec_bin):
    extra = getattr(request, "param", ())
    ours = OurLab(hnbsec_bin, pki, tmp_path / "keys", tmp_path / "lab-events.log", extra)
    state = {"ours": ours, "hnb": None, "capture": None}
    try:
        ours.start()
        yield state
    finally:
        errors = []
        for step in (lambda: state["hnb"] and sw.stop_all([state["hnb"]]),
                     lambda: state["capture"] and state["capture"].stop(), ours.stop):
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        left = [n for n in netns.list_namespaces() if ours.run_id and n.startswith(f"hx{ours.run_id}-")]
        assert not left, f"namespaces left behind: {left}"
        if errors:
            raise errors[0]


def send_udp_from(ns, payload, dst, port):
    """One UDP datagram from inside namespace ``ns`` (a fresh socket, an ephemeral port)."""
    code = ("import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
            f"s.sendto(bytes.fromhex(sys.argv[1]), ('{dst}', {port}))")
    netns.run_in(ns, ["/usr/bin/python3", "-c", code, payload.hex()], check=True)


@pytest.mark.parametrize("suite", list(SUITES))
def test_strongswan_traffic_flows_through_our_esp(tunnel, pki, tmp_path, suite):
    ours = tunnel["ours"]
    pixit = pki.profile["pixit"]
    lab = LabView(ours, pki)
    ike_proposal, esp_proposal = SUITES[suite]
    capture = ts.Capture(lab.segw_ns, lab.segw.dev, tmp_path / "backhaul.pcapng").start()
    tunnel["capture"] = capture
    hnb = hnb_charon(pki, lab, tmp_path, ike_proposal, esp_proposal, "device-ec")
    tunnel["hnb"] = hnb
    hnb.start()
    hnb.load_all()
    result = hnb.initiate(child="hnb", ike="segw")
    assert result.ok, result.output + "\n--- hnbsec lab ---\n" + ours.text()
    vip = hnb.list_sas()["segw"]["local-vips"][0]

    # ICMP through the tunnel: the core network's gateway address answers.
    core_gateway = pixit["core_network"].split("/")[0][:-1] + "1"
    ping = netns.run_in(lab.hnb_ns, ["ping", "-c", "3", "-W", "2", core_gateway], timeout=20)
    assert ping.returncode == 0, ping.stdout + ping.stderr + "\n--- hnbsec lab ---\n" + ours.text()
    # Our event lines reach us through a pipe: the last ones may still be on their way when
    # ping has its third reply.
    for line, what in ((rf"ESP from .*accepted, ICMP {re.escape(vip)} > {re.escape(core_gateway)} echo-request",
                        "3 echo requests opened by our SeGW"),
                       (rf"ESP to .*sealed, ICMP {re.escape(core_gateway)} > {re.escape(vip)} echo-reply",
                        "3 echo replies sealed by our SeGW")):
        try:
            netns.wait_until(lambda line=line: ours.count(line) >= 3, timeout=5, what=what)
        except TimeoutError as e:
            pytest.fail(f"{e}\n--- hnbsec lab ---\n{ours.text()}")

    # NTP through the tunnel: chronyd queries our time server in the core network.
    chrony = netns.run_in(lab.hnb_ns, ["chronyd", "-Q", "-t", "12", f"server {pixit['time_server_inner']} iburst"],
                          timeout=30)
    assert chrony.returncode == 0, chrony.stdout + chrony.stderr + "\n--- hnbsec lab ---\n" + ours.text()
    assert "System clock wrong by" in chrony.stdout + chrony.stderr, chrony.stdout + chrony.stderr
    assert ours.seen(rf"ntp: NTP from {re.escape(vip)}:\d+ inside ESP"), ours.text()
    assert ours.seen(rf"ESP from .*accepted, UDP {re.escape(vip)}:\d+ > {re.escape(pixit['time_server_inner'])}:123")

    # The capture, decrypted with the esp_sa table OUR SeGW exported.
    capture.wait_for("udp.port == 4500 && esp", count=12)
    capture.stop()
    esp_rows = (ours.keys_dir / "esp_sa").read_text().splitlines()
    options = ts.decryption_options([], esp_rows)
    icmp = ts.read_fields(capture.path, ["ip.src", "ip.dst", "icmp.type"], display_filter="esp && icmp",
                          options=options)
    assert any(f"{vip}" in row[0] and "8" in row[2] for row in icmp), icmp       # echo request, inner
    assert any(f"{vip}" in row[1] and "0" in row[2] for row in icmp), icmp       # echo reply, inner
    ntp = ts.read_fields(capture.path, ["ip.src", "ntp.flags.mode"], display_filter="esp && ntp", options=options)
    assert any(f"{vip}" in row[0] and row[1] == "3" for row in ntp), ntp          # client request
    assert any(row[1] == "4" for row in ntp), ntp                                  # our server's answer
    assert ts.problems(capture.path, options) == []

    # Replay: a captured ESP packet of the device, sent again, is refused and not delivered.
    (esp_payload,) = ts.read_fields(capture.path, ["udp.payload"], display_filter=(
        f"ip.src == {lab.hnb.ip} && udp.dstport == 4500 && esp && icmp.type == 8"), options=options)[0:1] or [[""]]
    packet = bytes.fromhex(esp_payload[0].replace(":", ""))
    assert len(packet) > 16, esp_payload
    accepted_before = ours.count(r"ESP from .*: accepted")
    send_udp_from(lab.hnb_ns, packet, lab.segw.ip, 4500)
    netns.wait_until(lambda: ours.seen(r"ESP from .*: replayed"), 5, "our SeGW to report the replay")
    # A bit flipped in the sequence number (covered by the ICV): a fresh number to the replay
    # window, so the packet reaches the integrity check and fails it (RFC 4303 §3.4.3-3.4.4).
    flipped = bytearray(packet)
    flipped[5] ^= 0x01
    send_udp_from(lab.hnb_ns, bytes(flipped), lab.segw.ip, 4500)
    netns.wait_until(lambda: ours.seen(r"ESP from .*: bad ICV"), 5, "our SeGW to report the bad ICV")
    assert ours.count(r"ESP from .*: accepted") == accepted_before, ours.text()


def start_hnb(tunnel, pki, tmp_path, suite="gcm"):
    ours = tunnel["ours"]
    lab = LabView(ours, pki)
    hnb = hnb_charon(pki, lab, tmp_path, *SUITES[suite], "device")
    tunnel["hnb"] = hnb
    hnb.start()
    hnb.load_all()
    result = hnb.initiate(child="hnb", ike="segw")
    assert result.ok, result.output + "\n--- hnbsec lab ---\n" + ours.text()
    return lab, hnb


@pytest.mark.parametrize("tunnel", [("--esp-rekey-after", "3")], indirect=True)
def test_esp_soft_lifetime_makes_our_segw_rekey_and_traffic_continues(tunnel, pki, tmp_path):
    ours = tunnel["ours"]
    lab, hnb = start_hnb(tunnel, pki, tmp_path)
    core_gateway = pki.profile["pixit"]["core_network"].split("/")[0][:-1] + "1"
    # RFC 4301 §4.4.2.1: past the soft lifetime our SeGW starts CREATE_CHILD_SA; strongSwan
    # installs the new SA and deletes the old one.
    netns.wait_until(lambda: ours.count(r"CHILD SA up") >= 2, 15, "our SeGW to rekey the Child SA")
    netns.wait_until(lambda: ours.seen(r"CHILD SA deleted"), 10, "the old Child SA to be deleted")
    first_spi = re.search(r"CHILD SA up: spi in \w+ out (\w+)", ours.text()).group(1)
    ping = netns.run_in(lab.hnb_ns, ["ping", "-c", "2", "-W", "2", core_gateway], timeout=20)
    assert ping.returncode == 0, ping.stdout + ping.stderr + "\n--- hnbsec lab ---\n" + ours.text()
    # The replies went out under a rekeyed SA (an SPI strongSwan holds now), not the first one.
    installed = [c["spi-in"] for c in hnb.list_sas()["segw"]["child-sas"].values() if c["state"] == "INSTALLED"]
    sealed = re.findall(r"ESP to \S+ spi 0x(\w+) seq \d+: sealed, ICMP", ours.text())
    assert sealed and sealed[-1] != first_spi, (first_spi, sealed)
    assert set(sealed[-2:]) & set(installed), (sealed, installed)


def test_killed_lab_leaves_namespaces_the_next_run_sweeps(pki, tmp_path, hnbsec_bin):
    first = OurLab(hnbsec_bin, pki, tmp_path / "keys1", tmp_path / "first.log")
    first.start()
    first.proc.kill()                                   # SIGKILL: no teardown
    first.proc.wait(timeout=10)
    left = [n for n in netns.list_namespaces() if n.startswith(f"hx{first.run_id}-")]
    assert len(left) == 3, left
    second = OurLab(hnbsec_bin, pki, tmp_path / "keys2", tmp_path / "second.log")
    try:
        second.start()
        # Gone once the next run is up. Usually the second run's sweep says so; a lab of a test
        # running in parallel (every start sweeps dead runs) may have been first.
        assert not [n for n in netns.list_namespaces() if n.startswith(f"hx{first.run_id}-")], second.text()
    finally:
        second.stop()
    assert not [n for n in netns.list_namespaces() if n.startswith(f"hx{second.run_id}-")]


INFORM = SOURCE_DIR / "proto" / "cwmp" / "testdata" / "inform_boot.xml"


def test_strongswan_side_informs_our_serving_hems_through_the_tunnel(tunnel, pki, tmp_path):
    """TR-069 Inform from the device side, through our ESP, to the serving H(e)MS in the core
    network (mutual TLS, device certificate); the OCSP responder and CRL server answer on the
    public side."""
    ours = tunnel["ours"]
    lab, hnb = start_hnb(tunnel, pki, tmp_path)
    vip = hnb.list_sas()["segw"]["local-vips"][0]
    serving = pki.profile["pixit"]["hems_serving_url"]            # https://10.78.0.10:7547/cwmp
    host_port = serving.split("//")[1].split("/")[0]
    address, port = host_port.rsplit(":", 1)
    url = serving.replace(host_port, f"hems.lab.test:{port}")     # the name our H(e)MS certificate carries
    curl = netns.run_in(lab.hnb_ns, [
        "curl", "-sS", "--max-time", "10", "--resolve", f"hems.lab.test:{port}:{address}",
        "--cacert", str(pki.path("operator-trust")),
        "--cert", str(pki.path("device-file")), "--key", str(pki.path("device-file", "key")),
        "-H", 'Content-Type: text/xml; charset="utf-8"', "--data-binary", f"@{INFORM}",
        "-w", "\n%{http_code}", url], timeout=30)
    assert curl.returncode == 0, curl.stderr + "\n--- hnbsec lab ---\n" + ours.text()
    body, status = curl.stdout.rsplit("\n", 1)
    assert status == "200" and "InformResponse" in body, curl.stdout
    assert ours.seen(rf"hems: \[inside_tunnel {re.escape(vip)}:\d+\] rpc-received: Inform"), ours.text()
    assert ours.seen(rf"ESP from .*accepted, TCP {re.escape(vip)}:\d+ > {re.escape(address)}:{port}"), ours.text()

    # Public side: the CRL of the operator CA, and an OCSP answer about the SeGW certificate.
    crl_url = pki.profile["pixit"]["crl_url"].rstrip("/") + "/operator-ca.crl"
    crl_file = tmp_path / "operator-ca.crl"
    got = netns.run_in(lab.hnb_ns, ["curl", "-sS", "--max-time", "5", "-o", str(crl_file), crl_url], timeout=15)
    assert got.returncode == 0, got.stderr
    verify = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", str(crl_file), "-noout",
                             "-CAfile", str(pki.path("operator-ca"))], capture_output=True, text=True)
    assert "verify OK" in verify.stdout + verify.stderr, verify.stdout + verify.stderr
    ocsp = netns.run_in(lab.hnb_ns, [
        "openssl", "ocsp", "-issuer", str(pki.path("operator-ca")), "-cert", str(pki.path("segw")),
        "-url", pki.profile["pixit"]["ocsp_url"], "-CAfile", str(pki.path("operator-trust"))], timeout=15)
    assert "Response verify OK" in ocsp.stdout + ocsp.stderr, ocsp.stdout + ocsp.stderr
    assert ": good" in ocsp.stdout, ocsp.stdout
    assert ours.seen(r"ocsp: public"), ours.text()
