"""`hnbsec pki init/show` end to end, checked with independent tools: openssl verifies
the certificates, pkcs11-tool reads the token the command created and signs with the
device key, and openssl verifies that signature with the device certificate."""

import json
import os
import stat

import pytest

from conftest import EMULATED_PROFILE, SOFTHSM_MODULE, run_tool

PIN = "4711-test-pin"


def write_pin(folder, value=PIN):
    path = folder / "user.pin"
    path.write_text(value + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def pin_file(tmp_path):
    return write_pin(tmp_path)


@pytest.fixture(scope="module")
def pki(hnbsec_bin, tmp_path_factory):
    """One PKI made by `hnbsec pki init` with the default profile, shared by the read-only tests."""
    folder = tmp_path_factory.mktemp("pki")
    result = run_tool(hnbsec_bin, "pki", "init", "--profile", EMULATED_PROFILE, "--pin-file", write_pin(folder),
                      cwd=folder)
    assert result.returncode == 0, result.stderr
    out = folder / "hnbsec-out"
    manifest = json.loads((out / "pki" / "manifest.json").read_text())
    return {"dir": out / "pki", "manifest": manifest, "stdout": result.stdout, "folder": folder,
            "conf": manifest["options"]["token"]["softhsm_dir"] + "/softhsm2.conf"}


def entry(pki, name):
    return next(o for o in pki["manifest"]["objects"] if o["name"] == name)


def path_of(pki, name, which="pem"):
    return pki["dir"] / entry(pki, name)["files"][which]


def pkcs11_tool(pki, *args):
    # pkcs11-tool takes the PIN as an argument; acceptable for this independent check only.
    return run_tool("pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", "hnbsec-device", *args,
                    env={"SOFTHSM2_CONF": pki["conf"]})


def test_device_keys_live_on_the_token(pki):
    for name in ("device", "device-ec"):
        location = entry(pki, name)["key"]["location"]
        assert location.startswith("pkcs11:token=hnbsec-device;object=" + name), location
        assert "key" not in entry(pki, name)["files"], "a token key must have no key file"
    listing = pkcs11_tool(pki, "--login", "--pin", PIN, "--list-objects", "--type", "privkey")
    assert listing.returncode == 0, listing.stderr
    blocks = listing.stdout.split("Private Key Object")[1:]
    assert len(blocks) == 2
    for block in blocks:
        assert "Access:" in block
        access = block.split("Access:")[1].splitlines()[0]
        assert "sensitive" in access and "never extractable" in access, block
        assert "extractable" not in access.replace("never extractable", "")


def test_no_file_holds_the_device_private_key(pki):
    # The token refuses to hand out the private key ...
    exported = pki["folder"] / "exported.der"
    export = pkcs11_tool(pki, "--login", "--pin", PIN, "--read-object", "--type", "privkey", "--id", "01",
                         "-o", str(exported))
    assert not exported.exists() or exported.stat().st_size == 0, export.stdout + export.stderr
    # ... and no PEM private key in the PKI folder belongs to a device token key.
    token_keys = {o["name"] for o in pki["manifest"]["objects"]
                  if o.get("key", {}).get("location", "").startswith("pkcs11:")}
    for root, _, files in os.walk(pki["dir"]):
        for f in files:
            for name in token_keys:
                assert not f.startswith(name + ".key"), f"{f} looks like a key file for {name}"


@pytest.mark.parametrize("name,key_id,mechanism,digest_first", [
    ("device", "01", "SHA256-RSA-PKCS", False),
    ("device-ec", "02", "ECDSA", True),
])
def test_token_signature_verifies_with_device_certificate(pki, tmp_path, name, key_id, mechanism, digest_first):
    assert f"id=%{key_id}" in entry(pki, name)["key"]["location"]
    message = tmp_path / "msg.txt"
    message.write_bytes(b"IKE_AUTH signed octets stand-in")
    to_sign = message
    if digest_first:  # SoftHSM2 has raw ECDSA only: hash first
        to_sign = tmp_path / "msg.sha256"
        run_tool("openssl", "dgst", "-sha256", "-binary", "-out", to_sign, message, check=True)
    signature = tmp_path / f"{name}.sig"
    extra = ["--signature-format", "openssl"] if digest_first else []
    signed = pkcs11_tool(pki, "--login", "--pin", PIN, "--sign", "--id", key_id, "-m", mechanism, *extra,
                         "-i", str(to_sign), "-o", str(signature))
    assert signed.returncode == 0, signed.stderr
    pubkey = tmp_path / f"{name}.pub.pem"
    run_tool("openssl", "x509", "-in", path_of(pki, name), "-pubkey", "-noout", "-out", pubkey, check=True)
    verified = run_tool("openssl", "dgst", "-sha256", "-verify", pubkey, "-signature", signature, message)
    assert "Verified OK" in verified.stdout, verified.stdout + verified.stderr


def test_device_certificates_verify_against_vendor_root(pki):
    for name in ("device", "device-ec"):
        vendor_root = path_of(pki, entry(pki, name)["issuer"])
        result = run_tool("openssl", "verify", "-x509_strict", "-CAfile", vendor_root, path_of(pki, name))
        assert result.returncode == 0 and ": OK" in result.stdout, result.stdout + result.stderr
        text = run_tool("openssl", "x509", "-in", path_of(pki, name), "-noout", "-ext", "subjectAltName").stdout
        assert "DNS:00A0C9000001.hnb.lab.test" in text


def test_segw_certificate_verifies_and_revoked_variant_fails_crl_check(pki):
    root, sub = path_of(pki, "operator-root-ca"), path_of(pki, "operator-ca")
    good = run_tool("openssl", "verify", "-CAfile", root, "-untrusted", sub, path_of(pki, "segw"))
    assert good.returncode == 0, good.stdout + good.stderr
    crls = [path_of(pki, "operator-ca.crl"), path_of(pki, "operator-root-ca.crl")]
    crl_args = [a for c in crls for a in ("-CRLfile", c)]
    revoked = run_tool("openssl", "verify", "-crl_check_all", "-CAfile", root, "-untrusted", sub, *crl_args,
                       path_of(pki, "segw-revoked"))
    assert revoked.returncode != 0
    assert "certificate revoked" in revoked.stdout + revoked.stderr


def test_init_refuses_to_overwrite_without_force(run_hnbsec, pin_file):
    first = run_hnbsec("pki", "init", "--profile", EMULATED_PROFILE, "--pin-file", pin_file)
    assert first.returncode == 0, first.stderr
    again = run_hnbsec("pki", "init", "--profile", EMULATED_PROFILE, "--pin-file", pin_file)
    assert again.returncode == 1
    assert "--force" in again.stderr
    forced = run_hnbsec("pki", "init", "--profile", EMULATED_PROFILE, "--pin-file", pin_file, "--force")
    assert forced.returncode == 0, forced.stderr


def test_show_lists_every_certificate_with_key_location(run_hnbsec, pki):
    shown = run_hnbsec("pki", "show", pki["dir"])
    assert shown.returncode == 0, shown.stderr
    certificates = [o for o in pki["manifest"]["objects"] if o["kind"] in ("ca", "end-entity")]
    lines = shown.stdout.splitlines()
    for cert in certificates:
        assert any(l.split()[0] == cert["name"] for l in lines if l.strip()), cert["name"]
    device_line = next(l for l in lines if l.split()[0] == "device")
    assert "pkcs11:token=hnbsec-device" in device_line
    assert PIN not in shown.stdout


def test_wrong_pin_is_named_and_never_printed(run_hnbsec, pki, tmp_path):
    wrong = tmp_path / "wrong.pin"
    wrong.write_text("0000-wrong\n")
    wrong.chmod(0o600)
    # Same token store (profile default), existing token, wrong PIN, new output folder.
    result = run_hnbsec("pki", "init", "--profile", EMULATED_PROFILE, "--out", tmp_path / "other",
                        "--pin-file", wrong, cwd=pki["folder"])
    assert result.returncode == 1
    assert "CKR_PIN_INCORRECT" in result.stderr
    assert "0000-wrong" not in result.stderr + result.stdout


def test_generated_pin_when_none_is_given(run_hnbsec, tmp_path):
    text = EMULATED_PROFILE.read_text()
    text = "\n".join(l for l in text.splitlines() if not l.startswith(("pin_env", "pin_file")))
    profile = tmp_path / "nopin.toml"
    profile.write_text(text)
    result = run_hnbsec("pki", "init", "--profile", profile)
    assert result.returncode == 0, result.stderr
    pin = tmp_path / "hnbsec-out" / "token" / "user.pin"
    assert pin.exists()
    assert stat.S_IMODE(pin.stat().st_mode) == 0o600
    assert pin.read_text().strip() not in result.stdout + result.stderr


def test_missing_module_gives_clear_error(run_hnbsec, tmp_path, pin_file):
    text = EMULATED_PROFILE.read_text().replace("/usr/lib/softhsm/libsofthsm2.so", "/nonexistent/libsofthsm2.so")
    profile = tmp_path / "nomodule.toml"
    profile.write_text(text)
    result = run_hnbsec("pki", "init", "--profile", profile, "--pin-file", pin_file)
    assert result.returncode == 1
    assert "/nonexistent/libsofthsm2.so" in result.stderr
    assert "could not be loaded" in result.stderr


def test_pin_on_command_line_is_not_accepted(run_hnbsec):
    result = run_hnbsec("pki", "init", "--pin", "1234")
    assert result.returncode == 2
