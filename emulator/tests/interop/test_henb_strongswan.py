"""hnbsec-henb, the whole process, against strongSwan's charon as the SeGW (Debian's charon
with kernel-libipsec, in its own namespace): the device boots to in-service over its control
channel, charon shows the device's IKE SA; HPM removal sends the DELETE charon acts on, HPM
insertion reconnects; power off says nothing (charon keeps the SA); SIGTERM sends DELETE
and exits 0. The device key is on the PKI's SoftHSM2 token."""

import hashlib
import signal
import socket
import subprocess

import pytest

from peers import netns, strongswan as sw
from peers.lab_roles import segw_charon

PROPOSAL_IKE = "aes128-sha256-modp2048"
PROPOSAL_ESP = "aes128-sha256"


def write_config(pki, folder, lab):
    pixit = pki.profile["pixit"]
    folder.mkdir(parents=True, exist_ok=True)
    image = folder / "image.bin"
    image.write_bytes(b"hnbsec-henb interop image\n")
    toml = f"""
[device]
identity = "{pki.device_identity}"
state_dir = "state"
image = "image.bin"
image_sha256 = "{hashlib.sha256(image.read_bytes()).hexdigest()}"

[token]
module = "{pki.token_module}"
key_uri = "{pki.key_location('device')}"
pin_file = "{pki.pin_file}"
softhsm_conf = "{pki.softhsm_conf}"

[certificates]
device_chain = "{pki.path('device', 'chain')}"
trust_anchors = "{pki.path('operator-trust')}"

[segw]
address = "{lab.segw.ip}"
fqdn = "{pixit['segw_fqdn']}"
ike_proposals = ["{PROPOSAL_IKE}"]
esp_proposals = ["{PROPOSAL_ESP}"]
remote_networks = ["{pixit['core_network']}"]
ocsp_request = false
retry_base_ms = 200
retry_max_ms = 1000

[backhaul]
interface = "{lab.hnb.dev}"
address = "{lab.hnb.ip}"
"""
    path = folder / "henb.toml"
    path.write_text(toml)
    return path


def request(path, line, timeout=40.0):
    """One control command on its own connection; the reply line."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        s.sendall(line.encode() + b"\n")
        reply = b""
        while b"\n" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.decode().strip()


@pytest.fixture
def charon_henb(pki, tmp_path, hnbsec_bin):
    henb_bin = hnbsec_bin.parent / "hnbsec-henb"
    assert henb_bin.exists(), f"hnbsec-henb not built at {henb_bin}"
    lab = netns.TwoHostLab(outer="192.168.77.0/24")
    state = {"segw": None, "proc": None}
    try:
        lab.open()
        segw = segw_charon(pki, lab, tmp_path, PROPOSAL_IKE, PROPOSAL_ESP)
        state["segw"] = segw
        segw.start()
        segw.load_all()
        folder = tmp_path / "henb"
        config = write_config(pki, folder, lab)
        state["proc"] = netns.popen_in(lab.hnb_ns, [str(henb_bin), "--config", str(config)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        control = folder / "state" / "control.sock"
        netns.wait_until(control.exists, 10, "the control socket")
        yield {"segw": segw, "proc": state["proc"], "control": control, "log": folder / "state" / "console.log"}
    finally:
        errors = []
        proc = state["proc"]
        for step in (lambda: proc and proc.poll() is None and (proc.kill(), proc.wait(timeout=10)),
                     lambda: state["segw"] and sw.stop_all([state["segw"]]), lab.close):
            try:
                step()
            except Exception as exc:  # keep tearing down; report the first problem
                errors.append(exc)
        for ns in (lab.segw_ns, lab.hnb_ns):
            assert ns not in netns.list_namespaces(), f"{ns} still exists"
        if errors:
            raise errors[0]


def test_boot_hpm_power_and_sigterm_against_strongswan(charon_henb, pki):
    segw, control, log = charon_henb["segw"], charon_henb["control"], charon_henb["log"]

    def established():
        sas = segw.list_sas()
        return "hnb" in sas and sas["hnb"]["state"] == "ESTABLISHED"

    assert request(control, "wait in-service 30000") == "ok", log.read_text() + segw.log_text()[-3000:]
    status = request(control, "status")
    assert status.startswith("ok power=on hpm=present state=in-service inner=10."), status
    sa = segw.list_sas()["hnb"]
    assert sa["remote-id"] == pki.device_identity, sa
    assert sa["remote-vips"] == [status.split("inner=")[1].split()[0]], sa

    # HPM removal: DELETE of the IKE SA, which charon acts on.
    assert request(control, "hpm remove") == "ok"
    assert request(control, "wait hpm-removed 10000") == "ok", log.read_text()
    netns.wait_until(lambda: segw.list_sas() == {}, 5, "charon to drop the deleted IKE SA")
    assert "hpm air interface off, DELETE of the IKE SA" in log.read_text()

    # HPM insertion: reconnects from the IKE step.
    assert request(control, "hpm insert") == "ok"
    netns.wait_until(established, 30, "a new IKE SA after HPM insertion")
    assert request(control, "wait in-service 30000") == "ok", log.read_text()

    # Power off says nothing: charon still holds the SA it had.
    assert request(control, "power off") == "ok"
    assert request(control, "wait off 10000") == "ok"
    assert established(), "a powered-off device sent a DELETE"
    assert request(control, "power on") == "ok"
    assert request(control, "wait in-service 30000") == "ok", log.read_text()

    # SIGTERM: DELETE, exit 0, the control socket removed.
    proc = charon_henb["proc"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0, log.read_text()
    assert not control.exists()
    text = log.read_text()
    assert "ike shutting down: DELETE of the IKE SA" in text, text
    assert "integrity ok" in text and "state in-service" in text
