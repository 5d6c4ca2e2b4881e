"""strongSwan configured as the two roles of a TS 33.320 lab, from an hnbsec test PKI, and
the IKE constants and capture helpers the interop tests share.

* ``segw_charon``: charon as the SeGW: a SeGW certificate and key file (any PKI variant),
  the issuing intermediate sent in IKE_AUTH, trusts the vendor roots, checks revocation
  strictly against the vendor CRLs of the PKI, hands out a virtual IP from the profile's pool.
* ``hnb_charon``: charon as the H(e)NB: a device certificate whose key is on the PKI's
  SoftHSM2 token (pkcs11 plugin, PIN from the PIN file) or in a file, trusts the operator
  roots, asks for a virtual IP.
"""

import re

from peers import strongswan as sw, tshark as ts

SUITES = {
    # name: (IKE proposal, ESP proposal), strongSwan syntax
    "cbc-sha2": ("aes128-sha256-modp2048", "aes128-sha256"),
    "gcm": ("aes256gcm16-prfsha384-ecp384", "aes128gcm16"),
}
OPERATOR_ROOTS = ("operator-root-ca", "operator-root-ca-ec")
VENDOR_ROOTS = ("vendor-root-ca", "vendor-root-ca-ec")
IKE_AUTH = 35
PT_IDI, PT_IDR, PT_CERT, PT_AUTH, PT_NOTIFY, PT_CP = 35, 36, 37, 39, 41, 47
PT_SK, PT_SKF = 46, 53
SOFTHSM = "softhsm"


def segw_charon(pki, lab, workdir, ike_proposal, esp_proposal, certificate="segw"):
    pixit = pki.profile["pixit"]
    c = sw.Charon("segw", lab.segw_ns, workdir / "segw")
    cert = c.install(pki.path(certificate), "x509")
    c.install(pki.path(certificate, "key"), "private")
    issuer = pki.entry(pki.entry(certificate)["issuer"])
    if issuer.get("issuer"):                                    # an intermediate (operator-ca): sent
        c.install(pki.path(issuer["name"]), "x509ca")
    cacerts = [c.install(pki.path(n), "x509ca") for n in VENDOR_ROOTS]
    for root in VENDOR_ROOTS:
        c.install(pki.path(root + ".crl", "der"), "x509crl")
    c.write_swanctl(
        connections={"hnb": {
            "version": 2, "local_addrs": lab.segw.ip, "encap": True, "pools": "hnb-pool",
            "proposals": ike_proposal,
            "local": {"auth": "pubkey", "certs": cert, "id": pixit["segw_fqdn"]},
            "remote": {"auth": "pubkey", "id": pki.device_identity, "cacerts": cacerts, "revocation": "strict"},
            "children": {"hnb": {"local_ts": pixit["core_network"], "esp_proposals": esp_proposal}},
        }},
        pools={"hnb-pool": {"addrs": pixit["inner_pool"]}})
    return c


def hnb_charon(pki, lab, workdir, ike_proposal, esp_proposal, device):
    """``device`` is a manifest name: a token key (`device`, `device-ec`) or a file key."""
    pixit = pki.profile["pixit"]
    c = sw.Charon("hnb", lab.hnb_ns, workdir / "hnb", pkcs11_modules={SOFTHSM: pki.token_module},
                  env={"SOFTHSM2_CONF": str(pki.softhsm_conf)})
    cert = c.install(pki.path(device), "x509")
    for root in OPERATOR_ROOTS:
        c.install(pki.path(root), "x509ca")
    location = pki.key_location(device)
    secrets = {}
    if location.startswith("pkcs11:"):
        assert f"token={pki.token_label}" in location
        key_id = re.search(r"id=%([0-9A-Fa-f%]+)", location).group(1).replace("%", "")
        secrets["token-device"] = sw.token_secret(SOFTHSM, key_id, pki.pin_file)
    else:
        c.install(pki.dir / location, "private")
    c.write_swanctl(
        connections={"segw": {
            "version": 2, "local_addrs": lab.hnb.ip, "remote_addrs": lab.segw.ip, "encap": True,
            "vips": "0.0.0.0", "proposals": ike_proposal,
            "local": {"auth": "pubkey", "certs": cert, "id": pki.device_identity},
            "remote": {"auth": "pubkey", "id": pixit["segw_fqdn"]},
            "children": {"hnb": {"remote_ts": pixit["core_network"], "esp_proposals": esp_proposal}},
        }},
        secrets=secrets)
    return c


def ike_messages(pcap, options, exchange, response):
    """Payload lists of the decrypted IKE messages of one exchange and direction. A fragmented
    message counts once: its payloads show on the frame that completes the reassembly."""
    packets = ts.read_json(pcap, options=options, protocols=["isakmp"],
                           display_filter=f"isakmp.exchangetype == {exchange} && isakmp.flag_r == {int(response)}")
    messages = [ts.ike_payloads(p) for p in packets]
    return [m for m in messages if any(t not in (PT_SK, PT_SKF) for t, _ in m)]
