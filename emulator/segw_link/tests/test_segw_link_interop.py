"""Interop: the emulated H(e)NB's backhaul (SegwLink, driven by `segw_link_probe`) in a
network namespace, device key on the PKI's SoftHSM2 token, against two independent SeGWs:

* strongSwan's charon (kernel-libipsec) in a second namespace, and
* our SeGW inside the world `hnbsec lab up` builds.

What must hold: the tunnel comes up with an inner address from the SeGW's pool; `ping` from
the device namespace reaches the core network's address through the TUN device and our
userspace ESP (the echo reply comes back sealed by the SeGW); the console log has the lines
the README promises; `delete` sends the DELETE the SeGW acts on and the TUN device goes away.
Negative: a SeGW with an untrusted certificate is refused, and the defect
accept-untrusted-segw-cert makes the same SeGW accepted.
"""

import hashlib
import ipaddress
import queue
import re
import signal
import subprocess
import threading

import pytest

from peers import netns, strongswan as sw
from peers.lab_roles import segw_charon



def probe_bin(hnbsec_bin):
    path = hnbsec_bin.parent / "segw_link_probe"
    assert path.exists(), f"segw_link_probe not built at {path}"
    return path


def write_config(pki, folder, *, segw_address, backhaul_dev, backhaul_address, ocsp_request=False,
                 ike="aes128-sha256-modp2048", esp="aes128-sha256"):
    pixit = pki.profile["pixit"]
    folder.mkdir(parents=True, exist_ok=True)
    image = folder / "image.bin"
    image.write_bytes(b"hnbsec test image\n")
    digest = hashlib.sha256(image.read_bytes()).hexdigest()
    toml = f"""
[device]
identity = "{pki.device_identity}"
state_dir = "{folder / 'state'}"
image = "{image}"
image_sha256 = "{digest}"

[token]
module = "{pki.token_module}"
key_uri = "{pki.key_location('device')}"
pin_file = "{pki.pin_file}"
softhsm_conf = "{pki.softhsm_conf}"

[certificates]
device_chain = "{pki.path('device', 'chain')}"
trust_anchors = "{pki.path('operator-trust')}"

[segw]
address = "{segw_address}"
fqdn = "{pixit['segw_fqdn']}"
ike_proposals = ["{ike}"]
esp_proposals = ["{esp}"]
remote_networks = ["{pixit['core_network']}"]
ocsp_request = {str(ocsp_request).lower()}
ocsp_required = false
force_nat_t = true
ike_timeout_ms = 15000

[tunnel]
interface = "henb0"

[backhaul]
interface = "{backhaul_dev}"
address = "{backhaul_address}"
"""
    path = folder / "henb.toml"
    path.write_text(toml)
    return path


class Probe:
    """segw_link_probe in a namespace; its output lines (stdout and the console log) as they come."""

    def __init__(self, binary, ns, config, *defects):
        argv = [str(binary), "--config", str(config)]
        for d in defects:
            argv += ["--defect", d]
        self.ns = ns
        self.proc = netns.popen_in(ns, argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        self.lines, self.queue = [], queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def text(self):
        return "\n".join(self.lines)

    def wait_line(self, pattern, timeout=30):
        """The first new line matching ``pattern`` (waits at most ``timeout`` seconds)."""
        while True:
            try:
                line = self.queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{self.text()}")
            if line is None:
                raise AssertionError(f"probe ended before {pattern!r}:\n{self.text()}")
            m = re.search(pattern, line)
            if m:
                return m

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def tun_exists(ns, name="henb0"):
    return netns.run_in(ns, ["ip", "link", "show", name]).returncode == 0


def core_gateway(pki):
    return str(next(ipaddress.ip_network(pki.profile["pixit"]["core_network"]).hosts()))


# ---- strongSwan as the SeGW ---------------------------------------------------------------

@pytest.fixture
def charon_lab(pki, tmp_path):
    lab = netns.TwoHostLab(outer="192.168.77.0/24")
    state = {"lab": lab, "segw": None, "probe": None}
    try:
        lab.open()
        yield state
    finally:
        errors = []
        for step in (lambda: state["probe"] and state["probe"].stop(),
                     lambda: state["segw"] and sw.stop_all([state["segw"]]), lab.close):
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        for ns in (lab.segw_ns, lab.hnb_ns):
            assert ns not in netns.list_namespaces(), f"{ns} still exists"
        if errors:
            raise errors[0]


def start_charon(state, pki, tmp_path, certificate="segw"):
    lab = state["lab"]
    segw = segw_charon(pki, lab, tmp_path, "aes128-sha256-modp2048", "aes128-sha256", certificate)
    state["segw"] = segw
    segw.start()
    segw.load_all()
    return segw


def start_probe(state, pki, tmp_path, hnbsec_bin, *defects):
    lab = state["lab"]
    config = write_config(pki, tmp_path / "henb", segw_address=lab.segw.ip, backhaul_dev=lab.hnb.dev,
                          backhaul_address=lab.hnb.ip)
    probe = Probe(probe_bin(hnbsec_bin), lab.hnb_ns, config, *defects)
    state["probe"] = probe
    return probe


def test_link_to_strongswan_carries_ping_and_deletes(charon_lab, pki, tmp_path, hnbsec_bin):
    lab = charon_lab["lab"]
    segw = start_charon(charon_lab, pki, tmp_path)
    probe = start_probe(charon_lab, pki, tmp_path, hnbsec_bin)
    up = probe.wait_line(r"^(UP inner=(\S+) tun=(\S+)|FAILED: .*)$")
    assert up[0].startswith("UP"), probe.text() + "\n--- charon ---\n" + segw.log_text()[-3000:]
    inner = up[2]
    assert ipaddress.ip_address(inner) in ipaddress.ip_network(pki.profile["pixit"]["inner_pool"])
    log = probe.text()
    assert re.search(rf"ike IKE_SA_INIT sent to {re.escape(lab.segw.ip)}:500", log), log
    assert re.search(r"ike IKE SA established, SPIs [0-9a-f]{16}/[0-9a-f]{16}", log), log
    assert re.search(r"ike SeGW certificate accepted: .*CN=segw\.lab\.test.*, OCSP not requested", log), log
    assert f"tunnel up: inner {inner} via henb0" in log, log

    # charon's view: our device, our inner address
    sa = segw.list_sas()["hnb"]
    assert sa["state"] == "ESTABLISHED" and sa["remote-id"] == pki.device_identity, sa
    assert sa["remote-vips"] == [inner], sa

    # ICMP through the TUN device and our ESP; the reply comes back through charon's ESP.
    ping = netns.run_in(lab.hnb_ns, ["ping", "-c", "3", "-W", "2", core_gateway(pki)], timeout=20)
    assert ping.returncode == 0, ping.stdout + ping.stderr + "\n" + probe.text()
    assert " 0% packet loss" in ping.stdout, ping.stdout

    probe.send("delete")
    down = probe.wait_line(r"^DOWN (.*)$")
    assert "DELETE answered" in down[1], probe.text()
    netns.wait_until(lambda: segw.list_sas() == {}, 5, "charon to drop the deleted IKE SA")
    assert re.search(r"received DELETE for IKE_SA hnb\[\d+\]", segw.log_text())
    assert probe.proc.wait(timeout=10) == 0, probe.text()
    assert not tun_exists(lab.hnb_ns), "henb0 survived the link"


def test_peer_delete_ends_the_link(charon_lab, pki, tmp_path, hnbsec_bin):
    segw = start_charon(charon_lab, pki, tmp_path)
    probe = start_probe(charon_lab, pki, tmp_path, hnbsec_bin)
    assert probe.wait_line(r"^(UP|FAILED)")[1] == "UP", probe.text()
    result = segw.terminate_ike("hnb")
    assert result.ok, result.output
    probe.send("wait-down 10000")
    down = probe.wait_line(r"^(DOWN|STILL-UP)(.*)$")
    assert down[1] == "DOWN" and "the SeGW deleted the IKE SA" in down[2], probe.text()
    assert probe.proc.wait(timeout=10) == 0
    assert not tun_exists(charon_lab["lab"].hnb_ns)


def test_untrusted_segw_is_refused_unless_the_defect_accepts_it(charon_lab, pki, tmp_path, hnbsec_bin):
    segw = start_charon(charon_lab, pki, tmp_path, certificate="segw-untrusted")
    probe = start_probe(charon_lab, pki, tmp_path, hnbsec_bin)
    failed = probe.wait_line(r"^(UP|FAILED: (.*))")
    assert failed[1] != "UP", probe.text()
    assert "unable to get local issuer certificate" in failed[2], probe.text()
    assert "ike SeGW certificate refused" in probe.text()
    assert probe.proc.wait(timeout=10) == 1
    assert not tun_exists(charon_lab["lab"].hnb_ns)
    # RFC 7296 §2.21.2: the refusal reaches the SeGW
    segw.wait_for_log(r"parsed INFORMATIONAL request \d+ \[ N\(AUTH_FAILED\) \]")

    bent = start_probe(charon_lab, pki, tmp_path, hnbsec_bin, "accept-untrusted-segw-cert")
    assert bent.wait_line(r"^(UP|FAILED)")[1] == "UP", bent.text() + "\n" + segw.log_text()[-3000:]
    bent.send("delete")
    bent.wait_line(r"^DOWN")


# ---- our SeGW (`hnbsec lab up`) ------------------------------------------------------------

class OurLab:
    """`hnbsec lab up` until SIGTERM; its stdout lines collected as they come."""

    def __init__(self, hnbsec_bin, pki, keys_dir, extra_args=()):
        self.argv = [str(hnbsec_bin), "lab", "up", "--pki", str(pki.dir), "--keys-out", str(keys_dir), *extra_args]
        self.run_id = self.dut_ns = None
        self.lines, self.proc = [], None

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        netns.wait_until(lambda: "ready: " in self.text() or self.proc.poll() is not None, 20, "hnbsec lab up")
        assert self.proc.poll() is None, self.text()
        m = re.search(r"ready: run (\w+), DUT namespace (\S+), public namespace (\S+), core namespace (\S+)",
                      self.text())
        self.run_id, self.dut_ns = m[1], m[2]

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def text(self):
        return "\n".join(self.lines)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def our_lab(pki, tmp_path, hnbsec_bin):
    """Starts `hnbsec lab up` with the given arguments and a probe in its DUT namespace."""
    state = {"ours": None, "probes": []}

    def start(*extra_args):
        ours = OurLab(hnbsec_bin, pki, tmp_path / "keys", extra_args)
        state["ours"] = ours
        ours.start()
        return ours

    def probe(*defects):
        ours, pixit = state["ours"], pki.profile["pixit"]
        config = write_config(pki, tmp_path / f"henb{len(state['probes'])}", segw_address=pixit["segw_address"],
                              backhaul_dev=f"hx{ours.run_id}-v0", backhaul_address=pki.profile["dut"]["outer_address"],
                              ocsp_request=True)
        p = Probe(probe_bin(hnbsec_bin), ours.dut_ns, config, *defects)
        state["probes"].append(p)
        return p

    try:
        yield start, probe
    finally:
        errors = []
        for step in [*(p.stop for p in state["probes"]), lambda: state["ours"] and state["ours"].stop()]:
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        run_id = state["ours"] and state["ours"].run_id
        left = [n for n in netns.list_namespaces() if run_id and n.startswith(f"hx{run_id}-")]
        assert not left, f"namespaces left behind: {left}"
        if errors:
            raise errors[0]


def ping_core(ns, pki, probe, ours):
    ping = netns.run_in(ns, ["ping", "-c", "3", "-W", "2", core_gateway(pki)], timeout=20)
    assert ping.returncode == 0, ping.stdout + ping.stderr + "\n" + probe.text() + "\n" + ours.text()


def test_link_to_our_segw_carries_ping_across_child_sa_rekeys(our_lab, pki):
    start, probe_in = our_lab
    ours = start("--esp-rekey-after", "2")
    probe = probe_in()
    up = probe.wait_line(r"^(UP inner=(\S+) tun=(\S+)|FAILED: .*)$")
    assert up[0].startswith("UP"), probe.text() + "\n--- hnbsec lab ---\n" + ours.text()
    inner = up[2]
    assert ipaddress.ip_address(inner) in ipaddress.ip_network(pki.profile["pixit"]["inner_pool"])
    # our SeGW staples its OCSP response when asked (RFC 4806), and the device checks it
    assert re.search(r"ike SeGW certificate accepted: .*CN=segw\.lab\.test.*, OCSP good", probe.text()), \
        probe.text()
    ping_core(ours.dut_ns, pki, probe, ours)
    assert len(re.findall(rf"ESP from .*accepted, ICMP {re.escape(inner)} > ", ours.text())) >= 3, ours.text()

    # The SeGW rekeys the Child SA (CREATE_CHILD_SA, RFC 7296 §1.3.3); traffic moves to the new SA.
    netns.wait_until(lambda: probe.text().count("ESP SA installed") >= 2, 15, "a Child SA rekey by the SeGW")
    netns.wait_until(lambda: "ESP SA removed" in probe.text(), 10, "the old Child SA's DELETE")
    ping_core(ours.dut_ns, pki, probe, ours)

    probe.send("delete")
    assert "DELETE answered" in probe.wait_line(r"^DOWN (.*)$")[1], probe.text()
    assert probe.proc.wait(timeout=10) == 0
    assert not tun_exists(ours.dut_ns)


def test_revoked_segw_is_refused_by_its_staple_unless_the_defect_ignores_it(our_lab, pki):
    start, probe_in = our_lab
    ours = start("--certificate", "segw-revoked")
    probe = probe_in()
    failed = probe.wait_line(r"^(UP|FAILED: (.*))")
    assert failed[1] != "UP", probe.text()
    assert "is revoked: OCSP revoked" in failed[2], probe.text() + "\n" + ours.text()
    assert probe.proc.wait(timeout=10) == 1
    assert not tun_exists(ours.dut_ns)

    bent = probe_in("ignore-ocsp-revoked")
    up = bent.wait_line(r"^(UP|FAILED: (.*))")
    assert up[1] == "UP", bent.text() + "\n" + ours.text()
    assert re.search(r"SeGW certificate accepted: .*, OCSP revoked", bent.text()), bent.text()
    bent.send("delete")
    bent.wait_line(r"^DOWN")


# ---- profile defects: the wire shows them, whatever a conformant SeGW then does -----------

@pytest.mark.parametrize("defect, charon_says, outcome", [
    ("weak-ike-proposal", r"received proposals: IKE:3DES_CBC/HMAC_MD5_96/PRF_HMAC_MD5/MODP_1024, ", "UP"),
    ("esp-null-integrity", r"received proposals: ESP:AES_CBC_128/NO_EXT_SEQ, ", "UP"),
    # charon tries transport mode for it, and its tunnel-mode selectors then do not fit
    ("request-transport-mode", r"parsed IKE_AUTH request 1 \[.*N\(USE_TRANSP\)", "TS_UNACCEPTABLE"),
    # charon sends certificates only when asked (send_cert = ifasked): the device gets none
    ("no-trust-anchor-certreq", r"parsed IKE_AUTH request 1 \[ IDi CERT N\(INIT_CONTACT\) IDr", "sent no certificate"),
])
def test_profile_defect_shows_on_the_wire(charon_lab, pki, tmp_path, hnbsec_bin, defect, charon_says, outcome):
    segw = start_charon(charon_lab, pki, tmp_path)
    probe = start_probe(charon_lab, pki, tmp_path, hnbsec_bin, defect)
    result = probe.wait_line(r"^(UP|FAILED: (.*))")
    assert re.search(charon_says, segw.log_text()), segw.log_text()[-6000:]
    if outcome == "UP":
        assert result[1] == "UP", probe.text() + "\n--- charon ---\n" + segw.log_text()[-4000:]
        probe.send("delete")
        probe.wait_line(r"^DOWN")
    else:
        assert result[1] != "UP" and outcome in result[2], probe.text()
        assert probe.proc.wait(timeout=10) == 1
