"""Self-tests of the peer drivers: namespace sweep, settings rendering, and the parsers for
charon's key log, swanctl's raw output and the Wireshark decryption tables."""

import subprocess

import pytest

from peers import netns, strongswan as sw, tshark as ts

# Shape of charon 5.9.8's filelog at ike = 4 / chd = 4 (values shortened, layout exact).
KEY_LOG = """\
17:51:02 16[CFG] selected proposal: IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384
17:51:03 16[IKE] shared Diffie Hellman secret => 4 bytes @ 0x5615007f8490
17:51:03 16[IKE]    0: 31 51 58 41                                      1QXA
17:51:03 16[IKE] SKEYSEED => 4 bytes @ 0x5615007fbf90
17:51:03 16[IKE]    0: CF 85 12 EB                                      ....
17:51:03 16[IKE] Sk_d secret => 20 bytes @ 0x5615007fbf90
17:51:03 16[IKE]    0: 26 3E E9 E0 3B 38 ED 1B EF E1 F1 2B F6 6A D6 92  &>..;8.....+.j..
17:51:03 16[IKE]   16: 62 D9 AF 1A                                      b...
17:51:03 16[IKE] Sk_ei secret => 2 bytes @ 0x5615007e1e60
17:51:03 16[IKE]    0: FF 4C                                            .L
17:51:03 16[IKE] Sk_er secret => 2 bytes @ 0x5615007e1e70
17:51:03 16[IKE]    0: C9 CC                                            ..
17:51:03 16[IKE] Sk_pi secret => 1 bytes @ 0x5615007fc230
17:51:03 16[IKE]    0: 84                                               .
17:51:03 16[IKE] Sk_pr secret => 1 bytes @ 0x5615007f7fb0
17:51:03 16[IKE]    0: D9                                               .
17:51:03 09[IKE] SK_p => 1 bytes @ 0x5615007fc230
17:51:03 09[IKE]    0: 84                                               .
17:51:03 09[CFG] selected proposal: ESP:AES_GCM_16_128/NO_EXT_SEQ
17:51:03 09[CHD] seed => 2 bytes @ 0x7f0d177f6830
17:51:03 09[CHD]    0: FB 1D                                            ..
17:51:03 09[CHD] encryption initiator key => 3 bytes @ 0x7f0cf000d100
17:51:03 09[CHD]    0: 76 5D 40                                         v]@
17:51:03 09[CHD] encryption responder key => 3 bytes @ 0x7f0cf000d120
17:51:03 09[CHD]    0: 33 2C 1C                                         3,.
17:51:03 09[CHD] adding inbound ESP SA
17:51:03 09[CHD]   SPI 0x18a36944, src 192.168.77.1 dst 192.168.77.2
17:51:03 09[CHD] adding outbound ESP SA
17:51:03 09[CHD]   SPI 0x6fcf48da, src 192.168.77.2 dst 192.168.77.1
"""


def test_key_log_parser_reads_ike_and_esp_keys():
    keys = sw.parse_key_log(KEY_LOG.splitlines())
    (ike,) = keys.ike_sas
    assert ike.proposal == ["AES_GCM_16_256", "PRF_HMAC_SHA2_384", "ECP_384"]
    assert ike.sk == {"d": "263ee9e03b38ed1befe1f12bf66ad69262d9af1a", "ei": "ff4c", "er": "c9cc",
                      "pi": "84", "pr": "d9"}
    assert (ike.dh_secret, ike.skeyseed) == ("31515841", "cf8512eb")
    (child,) = keys.child_sas
    assert child.proposal == ["AES_GCM_16_128", "NO_EXT_SEQ"]
    assert (child.encr_i, child.encr_r, child.integ_i, child.seed) == ("765d40", "332c1c", "", "fb1d")
    assert child.sas == [("18a36944", "192.168.77.1", "192.168.77.2"), ("6fcf48da", "192.168.77.2", "192.168.77.1")]

    ike.spi_i, ike.spi_r = "94:97:51:6c:57:03:cf:a2", "fb829cc25cc05571"
    assert ts.ike_uat_row(ike) == ('9497516c5703cfa2,fb829cc25cc05571,ff4c,c9cc,'
                                   '"AES-GCM-256 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"')
    assert ts.esp_uat_rows(child, initiator_ip="192.168.77.2") == [
        '"IPv4","192.168.77.1","192.168.77.2","0x18a36944","AES-GCM with 16 octet ICV [RFC4106]","0x332c1c",'
        '"NULL",""',
        '"IPv4","192.168.77.2","192.168.77.1","0x6fcf48da","AES-GCM with 16 octet ICV [RFC4106]","0x765d40",'
        '"NULL",""']


def test_key_log_parser_rejects_a_truncated_dump():
    lines = KEY_LOG.splitlines()
    cut = next(i for i, line in enumerate(lines) if "Sk_d secret" in line)
    with pytest.raises(sw.StrongswanError, match="truncated key dump"):
        sw.parse_key_log(lines[:cut + 2])


def test_vici_raw_parser():
    raw = ("list-sa event {segw {uniqueid=1 state=ESTABLISHED initiator-spi=9497516c5703cfa2 local-vips=[10.77.0.1] "
           "child-sas {hnb-1 {name=hnb spi-in=18a36944 local-ts=[10.77.0.1/32] "
           "remote-ts=[10.78.0.0/24 10.79.0.0/24]}}}}\n"
           "list-sas reply {}\n")
    (event, reply) = sw.parse_vici_raw(raw)
    assert reply == {}
    sa = event["segw"]
    assert sa["state"] == "ESTABLISHED" and sa["local-vips"] == ["10.77.0.1"]
    assert sa["child-sas"]["hnb-1"]["remote-ts"] == ["10.78.0.0/24", "10.79.0.0/24"]


def test_settings_rendering_quotes_what_needs_it():
    text = sw.render_settings({"secrets": {"token-x": {"handle": "01", "pin": 'a#b "c" \\d', "n": 3, "on": True},
                                           "list": ["aes128-sha256", "aes256gcm16"]}})
    assert text.splitlines() == [
        "secrets {",
        "  token-x {",
        "    handle = 01",
        '    pin = "a#b \\"c\\" \\\\d"',
        "    n = 3",
        "    on = yes",
        "  }",
        "  list = aes128-sha256, aes256gcm16",
        "}",
    ]
    with pytest.raises(ValueError):
        sw.render_settings({"bad key": 1})
    with pytest.raises(ValueError):
        sw.render_settings({"k": "two\nlines"})


def test_sweep_removes_namespaces_of_dead_owners_only():
    dead = subprocess.Popen(["true"])
    dead.wait()
    run_id = netns.new_run_id(prefix="hz")   # not "hx": a concurrent session's sweep must not race us
    leaked = netns.namespace_name(run_id, "leak", pid=dead.pid)
    alive = netns.namespace_name(run_id, "alive")
    netns.add_namespace(leaked)
    netns.add_namespace(alive)
    sleeper = netns.popen_in(leaked, ["sleep", "60"])
    try:
        netns.wait_until(lambda: netns.namespace_pids(leaked), 5, "sleep to run in the namespace")
        removed = netns.sweep(prefix=run_id)
        assert removed == [leaked]
        assert sleeper.wait(timeout=5) != 0                      # killed with the namespace
        assert leaked not in netns.list_namespaces()
        assert alive in netns.list_namespaces()
    finally:
        sleeper.kill()
        sleeper.wait(timeout=5)
        netns.delete_namespace(leaked)
        netns.delete_namespace(alive)
    assert alive not in netns.list_namespaces()
