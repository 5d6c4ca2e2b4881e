"""tshark as an independent dissector: capture inside a namespace, then read the capture back
with IKEv2/ESP decryption tables built from keys (e.g. parsed from charon's log).

Wireshark 4.0 UAT formats (checked against tshark 4.0.17):

* ``ikev2_decryption_table``: ``ispi,rspi,sk_ei,sk_er,"ENC",sk_ai,sk_ar,"INTEG"`` -- hex fields
  UNQUOTED (quoted SPIs are rejected: "Length of Initiator's SPI must be 8 octets"), algorithm
  names quoted.
* ``esp_sa``: ``"IPv4","src","dst","0xSPI","ENC","0xKEY","AUTH","0xKEY"`` -- every field quoted.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import netns
from .strongswan import ChildSaKeys, IkeSaKeys

TSHARK_BIN = "tshark"

# strongSwan algorithm names (as in "selected proposal: IKE:AES_CBC_128/...") -> Wireshark UAT names
IKE_ENCR = {
    "AES_CBC_128": "AES-CBC-128 [RFC3602]", "AES_CBC_192": "AES-CBC-192 [RFC3602]",
    "AES_CBC_256": "AES-CBC-256 [RFC3602]", "3DES_CBC": "3DES [RFC2451]",
    "AES_CTR_128": "AES-CTR-128 [RFC5930]", "AES_CTR_192": "AES-CTR-192 [RFC5930]",
    "AES_CTR_256": "AES-CTR-256 [RFC5930]",
    "AES_GCM_8_128": "AES-GCM-128 with 8 octet ICV [RFC5282]",
    "AES_GCM_8_192": "AES-GCM-192 with 8 octet ICV [RFC5282]",
    "AES_GCM_8_256": "AES-GCM-256 with 8 octet ICV [RFC5282]",
    "AES_GCM_12_128": "AES-GCM-128 with 12 octet ICV [RFC5282]",
    "AES_GCM_12_192": "AES-GCM-192 with 12 octet ICV [RFC5282]",
    "AES_GCM_12_256": "AES-GCM-256 with 12 octet ICV [RFC5282]",
    "AES_GCM_16_128": "AES-GCM-128 with 16 octet ICV [RFC5282]",
    "AES_GCM_16_192": "AES-GCM-192 with 16 octet ICV [RFC5282]",
    "AES_GCM_16_256": "AES-GCM-256 with 16 octet ICV [RFC5282]",
    "NULL": "NONE [RFC4306]",
}
IKE_INTEG = {
    "HMAC_MD5_96": "HMAC_MD5_96 [RFC2403]", "HMAC_SHA1_96": "HMAC_SHA1_96 [RFC2404]",
    "HMAC_SHA2_256_128": "HMAC_SHA2_256_128 [RFC4868]", "HMAC_SHA2_384_192": "HMAC_SHA2_384_192 [RFC4868]",
    "HMAC_SHA2_512_256": "HMAC_SHA2_512_256 [RFC4868]",
}
IKE_INTEG_NONE = "NONE [RFC4306]"
ESP_ENCR = {  # key size is implied by the key length in Wireshark's ESP table
    "AES_CBC": "AES-CBC [RFC3602]", "3DES_CBC": "TripleDES-CBC [RFC2451]", "AES_CTR": "AES-CTR [RFC3686]",
    "AES_GCM_8": "AES-GCM with 8 octet ICV [RFC4106]", "AES_GCM_12": "AES-GCM with 12 octet ICV [RFC4106]",
    "AES_GCM_16": "AES-GCM with 16 octet ICV [RFC4106]", "NULL": "NULL",
}
ESP_INTEG = {
    "HMAC_MD5_96": "HMAC-MD5-96 [RFC2403]", "HMAC_SHA1_96": "HMAC-SHA-1-96 [RFC2404]",
    "HMAC_SHA2_256_128": "HMAC-SHA-256-128 [RFC4868]", "HMAC_SHA2_384_192": "HMAC-SHA-384-192 [RFC4868]",
    "HMAC_SHA2_512_256": "HMAC-SHA-512-256 [RFC4868]",
}
ESP_INTEG_NONE = "NULL"
_INTEG_PREFIXES = ("HMAC_", "AES_XCBC", "AES_CMAC")


class TsharkError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------------
# Capturing

class Capture:
    """``tshark -i IF -f FILTER -w FILE`` inside namespace ``ns``. ``start()`` returns once tshark
    reports "Capturing on" (bounded); ``stop()`` sends SIGINT and waits (bounded) so the file is
    complete."""

    def __init__(self, ns: str, interface: str, path: os.PathLike | str,
                 bpf: str = "udp port 500 or udp port 4500", tshark_bin: str = TSHARK_BIN):
        self.ns = ns
        self.interface = interface
        self.path = Path(path)
        self.bpf = bpf
        self.tshark_bin = tshark_bin
        self.stderr_path = self.path.with_name(self.path.name + ".stderr")
        self.proc: subprocess.Popen | None = None
        self._stderr = None

    def start(self, timeout: float = 15.0) -> "Capture":
        self.path.unlink(missing_ok=True)
        self._stderr = open(self.stderr_path, "wb")
        self.proc = netns.popen_in(self.ns, [self.tshark_bin, "-n", "-q", "-i", self.interface, "-f", self.bpf,
                                             "-w", str(self.path)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
                                   start_new_session=True)

        def started():
            if self.proc.poll() is not None:
                raise TsharkError(f"tshark exited with {self.proc.returncode}: {self.stderr_text()}")
            return "Capturing on" in self.stderr_text() and self.path.exists()

        try:
            netns.wait_until(started, timeout, f"tshark to capture on {self.interface} in {self.ns}")
        except BaseException:
            self.stop()
            raise
        return self

    def stderr_text(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def wait_for(self, display_filter: str, count: int = 1, timeout: float = 10.0) -> int:
        """Waits (bounded) until the file being written holds ``count`` packets matching
        ``display_filter`` (dumpcap flushes about every 100 ms). Returns the number seen."""
        def enough():
            n = len(read_fields(self.path, ["frame.number"], display_filter=display_filter, check=False,
                                two_pass=False))
            return n if n >= count else 0
        return netns.wait_until(enough, timeout, f"{count} packets matching {display_filter!r} in {self.path.name}",
                                interval=0.1)

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._stderr:
            self._stderr.close()
            self._stderr = None

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def __enter__(self) -> "Capture":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------
# Decryption tables

def ike_uat_row(sa: IkeSaKeys) -> str:
    if not (sa.spi_i and sa.spi_r):
        raise TsharkError("IKE SPIs unknown: fill spi_i/spi_r (strongswan.with_ike_spis) first")
    encr = sa.proposal[0]
    integ = next((a for a in sa.proposal[1:] if a.startswith(_INTEG_PREFIXES)), None)
    if encr not in IKE_ENCR:
        raise TsharkError(f"no Wireshark name for IKE encryption {encr}")
    integ_name = IKE_INTEG[integ] if integ else IKE_INTEG_NONE
    return ",".join([_hex(sa.spi_i), _hex(sa.spi_r), sa.sk["ei"], sa.sk["er"], f'"{IKE_ENCR[encr]}"',
                     sa.sk.get("ai", "") if integ else "", sa.sk.get("ar", "") if integ else "", f'"{integ_name}"'])


def esp_uat_rows(child: ChildSaKeys, initiator_ip: str) -> list[str]:
    """One row per installed SA of the CHILD_SA (both directions). ``initiator_ip`` is the
    outer address of the CHILD_SA's initiator: its SAs use the "initiator" keys."""
    encr = re.sub(r"_(128|192|256)$", "", child.proposal[0])
    if encr not in ESP_ENCR:
        raise TsharkError(f"no Wireshark name for ESP encryption {child.proposal[0]}")
    integ = next((a for a in child.proposal[1:] if a.startswith(_INTEG_PREFIXES)), None)
    integ_name = ESP_INTEG[integ] if integ else ESP_INTEG_NONE
    rows = []
    for spi, src, dst in child.sas:
        d = "i" if src == initiator_ip else "r"
        enc_key = getattr(child, "encr_" + d)
        auth_key = getattr(child, "integ_" + d) if integ else ""
        version = "IPv6" if ":" in src else "IPv4"
        fields = [version, src, dst, "0x" + spi, ESP_ENCR[encr], "0x" + enc_key, integ_name,
                  "0x" + auth_key if auth_key else ""]
        rows.append(",".join(f'"{f}"' for f in fields))
    return rows


def _hex(spi: str) -> str:
    h = spi.replace(":", "").lower()
    if not re.fullmatch(r"[0-9a-f]{16}", h):
        raise TsharkError(f"IKE SPI {spi!r} is not 8 octets")
    return h


def write_uat_files(folder: os.PathLike | str, ike_rows: Iterable[str], esp_rows: Iterable[str]) -> dict[str, Path]:
    """Writes ``ikev2_decryption_table`` and ``esp_sa`` (Wireshark profile files) into ``folder``
    plus ``preferences`` enabling ESP decryption, so ``WIRESHARK_CONFIG_DIR``-style profiles or
    a GUI can use them. Mode 0600: they hold keys."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    out = {}
    for name, rows in (("ikev2_decryption_table", ike_rows), ("esp_sa", esp_rows)):
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("# written by hnbsec interop/peers/tshark.py\n" + "".join(r + "\n" for r in rows))
        out[name] = path
    prefs = folder / "preferences"
    prefs.write_text("esp.enable_encryption_decode: TRUE\n")
    out["preferences"] = prefs
    return out


def decryption_options(ike_rows: Iterable[str] = (), esp_rows: Iterable[str] = ()) -> list[str]:
    """``-o`` arguments for tshark that install the tables and enable ESP decryption."""
    args = ["-o", "esp.enable_encryption_decode:TRUE"]
    for row in ike_rows:
        args += ["-o", "uat:ikev2_decryption_table:" + row]
    for row in esp_rows:
        args += ["-o", "uat:esp_sa:" + row]
    return args


# ---------------------------------------------------------------------------------------------
# Reading captures

def tshark_read(pcap: os.PathLike | str, *args: str, options: Sequence[str] = (), display_filter: str | None = None,
                two_pass: bool = True, check: bool = True, timeout: float = 60.0) -> subprocess.CompletedProcess:
    argv = [TSHARK_BIN, "-n", "-r", str(pcap), *options]
    if two_pass:
        argv.append("-2")
    if display_filter:
        argv += ["-Y", display_filter]
    argv += list(args)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise TsharkError(f"tshark failed ({result.returncode}): {result.stderr.strip()}")
    return result


def read_fields(pcap: os.PathLike | str, fields: Sequence[str], *, display_filter: str | None = None,
                options: Sequence[str] = (), check: bool = True, two_pass: bool = True) -> list[list[str]]:
    """``tshark -T fields -e f1 -e f2 ...``: one list per matching packet (repeated fields are
    comma-joined by tshark)."""
    args = ["-T", "fields"]
    for f in fields:
        args += ["-e", f]
    result = tshark_read(pcap, *args, options=options, display_filter=display_filter, check=check,
                         two_pass=two_pass)
    return [line.split("\t") for line in result.stdout.splitlines() if line.strip()]


def read_json(pcap: os.PathLike | str, *, display_filter: str | None = None, options: Sequence[str] = (),
              protocols: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``tshark -T json --no-duplicate-keys`` (repeated fields become lists)."""
    args = ["-T", "json", "--no-duplicate-keys"]
    for p in protocols:
        args += ["-J", p]
    result = tshark_read(pcap, *args, options=options, display_filter=display_filter)
    return json.loads(result.stdout or "[]")


def problems(pcap: os.PathLike | str, options: Sequence[str] = ()) -> list[str]:
    """Packets tshark flags as malformed or with an expert info of severity error (one summary
    line each); empty when the capture is clean."""
    result = tshark_read(pcap, options=options, display_filter="_ws.malformed || _ws.expert.severity >= error")
    return [line for line in result.stdout.splitlines() if line.strip()]


def walk(tree: Any, key: str) -> Iterable[Any]:
    """Every value stored under ``key`` anywhere in a tshark JSON tree (lists flattened)."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k == key:
                if isinstance(v, list):
                    yield from v
                else:
                    yield v
            yield from walk(v, key)
    elif isinstance(tree, list):
        for item in tree:
            yield from walk(item, key)


def ike_spis(pcap: os.PathLike | str) -> list[tuple[str, str]]:
    """(initiator SPI, responder SPI) of every IKE_SA_INIT response in the capture, in order
    (the IKE SPIs are not in charon's key log lines)."""
    rows = read_fields(pcap, ["isakmp.ispi", "isakmp.rspi"],
                       display_filter="isakmp.exchangetype == 34 && isakmp.flag_r == 1", two_pass=False)
    out = []
    for ispi, rspi in rows:
        pair = (_hex(ispi), _hex(rspi))
        if pair[1].strip("0") and pair not in out:   # skip COOKIE/INVALID_KE answers (rspi 0)
            out.append(pair)
    return out


def ike_payloads(tree: Any) -> list[tuple[int, dict]]:
    """Every IKEv2 payload (type number, dissection subtree) in a tshark JSON packet, including
    the payloads inside decrypted SK/SKF payloads and reassembled fragments, in message order."""
    out: list[tuple[int, dict]] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            types = node.get("isakmp.typepayload")
            trees = node.get("isakmp.typepayload_tree")
            if types is not None and trees is not None:
                types = types if isinstance(types, list) else [types]
                trees = trees if isinstance(trees, list) else [trees]
                for t, sub in zip(types, trees):
                    out.append((int(t), sub))
            for k, v in node.items():
                if k != "isakmp.typepayload":
                    visit(v)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(tree)
    return out
