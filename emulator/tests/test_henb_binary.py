"""hnbsec-henb as a process: its defect table, its command line, and a device whose image
fails the integrity check (it says so, stays off the network, and obeys its control channel
and SIGTERM). The full boot against a SeGW is the lab's integration test."""

import json
import re
import signal
import stat
import subprocess

from conftest import Control, run_henb, wait_for_path

REQUIREMENT = re.compile(r"^HNB-REQ-[A-Z]+-\d{3}$")


def test_list_defects_names_at_least_20_with_requirements(henb_bin):
    result = run_henb(henb_bin, "--list-defects")
    assert result.returncode == 0, result.stderr
    rows = [line.split(None, 2) for line in result.stdout.splitlines()[1:] if line.strip()]
    assert len(rows) >= 20
    for name, requirement, effect in rows:
        assert re.fullmatch(r"[a-z0-9-]+", name), name
        assert REQUIREMENT.match(requirement), requirement
        assert effect


def test_list_defects_json(henb_bin):
    result = run_henb(henb_bin, "--list-defects", "--json")
    assert result.returncode == 0, result.stderr
    defects = json.loads(result.stdout)
    assert len(defects) >= 20
    names = {d["name"] for d in defects}
    assert {"ignore-hpm-removal", "ignore-integrity-failure", "cwmp-plain-http"} <= names
    assert all(REQUIREMENT.match(d["requirement"]) and d["wire_effect"] for d in defects)


def test_unknown_defect_is_a_usage_error_listing_the_valid_ones(henb_bin, device_dir):
    result = run_henb(henb_bin, "--config", device_dir / "henb.toml", "--defect", "no-such-defect")
    assert result.returncode == 2
    assert "unknown defect 'no-such-defect'" in result.stderr
    assert "ignore-hpm-removal" in result.stderr


def test_version(henb_bin):
    result = run_henb(henb_bin, "--version")
    assert result.returncode == 0
    assert re.search(r"\d+\.\d+\.\d+", result.stdout)


def test_bad_configuration_exits_2_with_the_loaders_message(henb_bin, tmp_path):
    config = tmp_path / "henb.toml"
    config.write_text("[device]\nidentity = \"x.y\"\ncolour = \"red\"\n")
    result = run_henb(henb_bin, "--config", config)
    assert result.returncode == 2
    assert result.stderr.startswith("hnbsec-henb: ")
    assert "colour" in result.stderr or "[token]" in result.stderr


def test_missing_config_is_a_usage_error(henb_bin):
    assert run_henb(henb_bin).returncode == 2


def test_integrity_failure_is_logged_reported_and_sigterm_exits_0(running_henb, device_dir):
    socket_path = device_dir / "state" / "control.sock"
    assert wait_for_path(socket_path), (device_dir / "stderr.txt").read_text()
    assert stat.S_IMODE(socket_path.stat().st_mode) == 0o600

    control = Control(socket_path)
    assert control.request("wait integrity-failed 10000") == "ok"
    status = control.request("status")
    assert status.startswith("ok power=on hpm=present state=integrity-failed inner=- defects=-"), status
    # Garbage and over-long lines get an error; the connection and the process survive.
    control.send_raw(b"\x00\xff\x01 junk\n")
    assert control.line().startswith("err ")
    control.send_raw(b"x" * 3000 + b"\n")
    assert control.line() == "err line longer than 1024 bytes"
    assert control.request("defect set no-such").startswith("err unknown defect")
    assert control.request("defect set wrong-idi") == "ok"
    assert control.request("defects") == "ok wrong-idi"
    assert control.request("quit") == "ok bye"
    control.close()

    log = (device_dir / "state" / "console.log").read_text()
    assert re.search(r"^\d\d:\d\d:\d\d\.\d\d\d integrity FAILED: ", log, re.M), log
    assert re.search(r"^\d\d:\d\d:\d\d\.\d\d\d state integrity-failed$", log, re.M), log
    assert "ike " not in log, "no IKE attempt after a failed integrity check"

    running_henb.send_signal(signal.SIGTERM)
    assert running_henb.wait(timeout=15) == 0
    assert not socket_path.exists(), "the control socket is removed on exit"
    log = (device_dir / "state" / "console.log").read_text()
    assert "SIGTERM: shutting down" in log


def test_sigint_exits_0_when_powered_off(running_henb, device_dir):
    socket_path = device_dir / "state" / "control.sock"
    assert wait_for_path(socket_path)
    control = Control(socket_path)
    assert control.request("power off") == "ok"
    assert control.request("wait off 10000") == "ok"
    assert control.request("status").startswith("ok power=off ")
    control.close()
    running_henb.send_signal(signal.SIGINT)
    assert running_henb.wait(timeout=15) == 0


def test_defects_from_the_command_line_and_the_config_are_active(henb_bin, device_dir):
    config = device_dir / "henb.toml"
    config.write_text(config.read_text() + '\n[boot]\npower_on = false\ndefects = ["accept-tls10"]\n')
    proc = subprocess.Popen([str(henb_bin), "--config", str(config), "--defect", "wrong-idi"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=device_dir)
    try:
        socket_path = device_dir / "state" / "control.sock"
        assert wait_for_path(socket_path)
        control = Control(socket_path)
        assert control.request("status") == "ok power=off hpm=present state=off inner=- defects=wrong-idi,accept-tls10"
        control.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    log = (device_dir / "state" / "console.log").read_text()
    assert "defect set wrong-idi (HNB-REQ-DEVAUTH-005)" in log
    assert "integrity" not in log, "a device that is off runs no boot step"
