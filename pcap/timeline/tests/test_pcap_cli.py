"""`hnbsec pcap inspect` and `hnbsec pcap keys` on the committed captures of our SeGW against
strongSwan (pcap/testdata), checked against tshark reading the same files with the same keys."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("HNBSEC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))
BIN_DIR = pathlib.Path(os.environ.get("HNBSEC_BIN_DIR", SOURCE_DIR / "build" / "default" / "bin"))
TESTDATA = SOURCE_DIR / "pcap" / "testdata"
HNBSEC = BIN_DIR / "hnbsec"


def hnbsec(*args, check=True):
    result = subprocess.run([str(HNBSEC), *args], capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(autouse=True)
def tools():
    # A missing peer fails the test (never a silent skip).
    assert HNBSEC.exists(), f"{HNBSEC} not built"
    assert shutil.which("tshark"), "tshark missing; install it with ci/install-deps"


def tshark_frames(capture, keys_dir):
    args = ["tshark", "-n", "-2", "-r", str(capture), "-o", "esp.enable_encryption_decode:TRUE"]
    for table, name in (("ikev2_decryption_table", "ikev2_decryption_table"), ("esp_sa", "esp_sa")):
        for row in (keys_dir / table).read_text().splitlines():
            if row and not row.startswith("#"):
                args += ["-o", f"uat:{name}:{row}"]
    args += ["-T", "fields", "-e", "frame.number", "-e", "esp.sequence"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("case", ["segw-strongswan-cbc", "segw-strongswan-gcm"])
def test_inspect_json_matches_tshark(case):
    folder = TESTDATA / case
    records = json.loads(hnbsec("pcap", "inspect", str(folder / "outer.pcapng"), "--keys", str(folder),
                                "--dut", "192.168.77.2", "--json").stdout)
    outer = [r for r in records if "outer" not in r]
    inner = [r for r in records if "outer" in r]
    frames = tshark_frames(folder / "outer.pcapng", folder)
    assert [r["number"] for r in outer] == [int(f[0]) for f in frames]
    esp = [r for r in outer if "esp" in r]
    assert [r["esp"]["sequence"] for r in esp] == [int(f[1]) for f in frames if len(f) > 1 and f[1]]
    assert all(r["esp"]["decryption"] == "decrypted" for r in esp)
    assert [r["outer"] for r in inner] == [r["number"] for r in esp]
    assert all("icmp" in r["layers"] for r in inner)
    assert outer[0]["direction"] == "dut->harness" and outer[1]["direction"] == "harness->dut"
    reassembled = [r for r in outer if r.get("ike", {}).get("decryption") == "decrypted"]
    assert [r["ike"]["exchange"] for r in reassembled] == ["IKE_AUTH", "IKE_AUTH"]
    assert 35 in reassembled[0]["ike"]["inner_payloads"]          # IDi in the request
    assert 47 in reassembled[1]["ike"]["inner_payloads"]          # CP in the response


def test_inspect_text_and_errors(tmp_path):
    folder = TESTDATA / "segw-strongswan-cbc"
    text = hnbsec("pcap", "inspect", str(folder / "outer.pcapng"), "--keys", str(folder)).stdout
    lines = text.splitlines()
    assert "IKE_SA_INIT request MID=0" in lines[0]
    assert any("IKE_AUTH response MID=1 fragment 3/3 SKF{IDr" in line for line in lines)
    assert any(".in " in line and "ICMP" in line for line in lines)
    no_keys = hnbsec("pcap", "inspect", str(folder / "outer.pcapng")).stdout
    assert "SKF(no-key)" in no_keys
    garbage = tmp_path / "garbage.pcapng"
    garbage.write_bytes(b"\x0a\x0d\x0d\x0a\x00\x00\x00\x00")
    bad = hnbsec("pcap", "inspect", str(garbage), check=False)
    assert bad.returncode == 1 and "Byte-Order Magic" in bad.stderr
    assert hnbsec("pcap", "inspect", str(folder / "outer.pcapng"), "--dut", "nonsense", check=False).returncode == 2


def test_keys_writes_a_wireshark_profile(tmp_path):
    folder = TESTDATA / "segw-strongswan-gcm"
    out = tmp_path / "profile"
    hnbsec("pcap", "keys", "--from", str(folder), "--wireshark", str(out))
    for name in ("ikev2_decryption_table", "esp_sa", "preferences"):
        assert (out / name).stat().st_mode & 0o777 == 0o600
    assert (out / "ikev2_decryption_table").read_text() == (folder / "ikev2_decryption_table").read_text()
    # tshark with the written folder as its profile decrypts the ESP packets.
    config = tmp_path / "ws"
    (config / "profiles").mkdir(parents=True)
    shutil.copytree(out, config / "profiles" / "lab")
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=str(config))
    result = subprocess.run(["tshark", "-n", "-C", "lab", "-r", str(folder / "outer.pcapng"), "-Y", "icmp"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
