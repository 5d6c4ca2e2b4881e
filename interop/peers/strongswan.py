"""strongSwan's charon as an independent IKEv2 peer, driven from Python.

One :class:`Charon` is one daemon in one network namespace, with everything private in its
own directory ``workdir``::

    workdir/strongswan.conf   rendered from Python data (plugin list, logging, sockets)
    workdir/swanctl/          SWANCTL_DIR: swanctl.conf (mode 0600) + x509/ x509ca/ x509crl/ private/ ...
    workdir/run/              bind-mounted over /run for this charon only (pid file, no clash)
    workdir/charon.vici       the vici socket (swanctl talks to it with --uri)
    workdir/charon.log        filelog with ike=4 / chd=4: IKE and ESP keys, see keys_from_log()
    workdir/charon.stdout     charon's own stdout/stderr
    workdir/resolv.conf       where the resolve plugin writes (never the host's /etc/resolv.conf)

Why this shape (Debian 12, strongSwan 5.9.8, a kernel without ESP): kernel-libipsec (userspace
ESP over a TUN device, always ESP-in-UDP) must be loaded before kernel-netlink; the explicit
plugin list needs ``kdf``; the pid file /var/run/charon.pid is compiled in, so each charon gets
a private /run through a bind mount in the mount namespace ``ip netns exec`` creates.

Secrets: a token PIN is read from a PIN file and written only into the private swanctl.conf
(mode 0600 in a 0700 directory); it is never logged or put on a command line.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from . import netns

CHARON_BIN = "/usr/lib/ipsec/charon"
SWANCTL_BIN = "swanctl"

# Order matters: kernel-libipsec before kernel-netlink; kdf is required since 5.9.8.
DEFAULT_PLUGINS = ("random nonce openssl kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints pkcs11 "
                   "kernel-libipsec kernel-netlink socket-default vici updown attr resolve "
                   "eap-identity eap-aka").split()
SWANCTL_SUBDIRS = ("x509", "x509ca", "x509ocsp", "x509aa", "x509ac", "x509crl", "pubkey", "private", "rsa",
                   "ecdsa", "bliss", "pkcs8", "pkcs12")
VICI_SOCKET = "charon.vici"  # relative to workdir: keeps the unix socket path short (108-byte limit)


class StrongswanError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------------
# strongSwan settings syntax (strongswan.conf and swanctl.conf share it)

_SAFE_VALUE = re.compile(r"^[A-Za-z0-9._:/@%*+,=\[\] -]*$")
_KEY = re.compile(r"^[A-Za-z0-9_%-][A-Za-z0-9_%.-]*$")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, (list, tuple)):
        return _value(", ".join(str(x) for x in v))
    s = str(v)
    if "\n" in s or "\r" in s:
        raise ValueError("settings values cannot contain line breaks")
    if s and _SAFE_VALUE.match(s) and s == s.strip():
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_settings(data: Mapping[str, Any], indent: int = 0) -> str:
    """Renders nested dicts as strongSwan settings: dict -> section, list -> comma list,
    bool -> yes/no, anything else -> value (quoted and escaped when needed)."""
    pad = "  " * indent
    out = []
    for key, v in data.items():
        if not _KEY.match(key):
            raise ValueError(f"bad settings key {key!r}")
        if isinstance(v, Mapping):
            out.append(f"{pad}{key} {{")
            out.append(render_settings(v, indent + 1))
            out.append(f"{pad}}}")
        elif v is None:
            continue
        else:
            out.append(f"{pad}{key} = {_value(v)}")
    return "\n".join(line for line in out if line)


def read_pin(pin_file: os.PathLike | str) -> str:
    pin = Path(pin_file).read_text().strip()
    if not pin:
        raise StrongswanError(f"PIN file {pin_file} is empty")
    return pin


def token_secret(module: str, handle: str, pin_file: os.PathLike | str, slot: int | None = None) -> dict:
    """A swanctl ``secrets { token-xxx { ... } }`` entry for a private key on a PKCS#11 token
    (``handle`` = CKA_ID in hex). The PIN comes from ``pin_file``; the returned dict is only meant
    for :meth:`Charon.write_swanctl`."""
    entry = {"module": module, "handle": handle, "pin": read_pin(pin_file)}
    if slot is not None:
        entry["slot"] = slot
    return entry


def write_private(path: Path, text: str) -> None:
    """Writes ``text`` to ``path`` with mode 0600 from the first byte on."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


# ---------------------------------------------------------------------------------------------
# Keys from charon's log (filelog ike = 4, chd = 4)

@dataclass
class IkeSaKeys:
    proposal: list[str]            # e.g. ["AES_CBC_128", "HMAC_SHA2_256_128", "PRF_HMAC_SHA2_256", "MODP_2048"]
    sk: dict[str, str] = field(default_factory=dict)   # "d", "ai", "ar", "ei", "er", "pi", "pr" -> hex
    spi_i: str | None = None       # hex, 16 digits, filled by the caller (list_sas() or capture)
    spi_r: str | None = None
    dh_secret: str = ""            # g^ir as logged ("shared Diffie Hellman secret")
    skeyseed: str = ""


@dataclass
class ChildSaKeys:
    proposal: list[str]            # e.g. ["AES_CBC_128", "HMAC_SHA2_256_128", "NO_EXT_SEQ"]
    encr_i: str = ""               # initiator -> responder (incl. the 4-byte salt for AES-GCM)
    encr_r: str = ""
    integ_i: str = ""
    integ_r: str = ""
    sas: list[tuple[str, str, str]] = field(default_factory=list)  # (spi hex, src, dst) as installed
    seed: str = ""                 # PRF+ seed: [g^ir (PFS) |] Ni | Nr


@dataclass
class LogKeys:
    ike_sas: list[IkeSaKeys]
    child_sas: list[ChildSaKeys]


_DUMP_HEAD = re.compile(r"\] (?P<label>[A-Za-z_ ]+?) => (?P<n>\d+) bytes @ 0x[0-9a-fA-F]+\s*$")
_DUMP_ROW = re.compile(r"\]\s+(?P<off>\d+): (?P<hex>(?:[0-9A-F]{2} ){1,16})")
_PROPOSAL = re.compile(r"selected proposal: (?P<proto>IKE|ESP|AH):(?P<algs>\S+)")
_SPI_LINE = re.compile(r"\]\s+SPI 0x(?P<spi>[0-9a-f]+), src (?P<src>\S+) dst (?P<dst>\S+)\s*$")

_CHILD_LABELS = {"encryption initiator key": "encr_i", "encryption responder key": "encr_r",
                 "integrity initiator key": "integ_i", "integrity responder key": "integ_r"}


def parse_key_log(lines: Sequence[str]) -> LogKeys:
    """Parses charon's filelog (ike = 4, chd = 4). A key dump is a head line
    ``Sk_ei secret => 16 bytes @ 0x...`` followed by rows ``   0: 8F 3A ...  .:..``."""
    ike_sas: list[IkeSaKeys] = []
    child_sas: list[ChildSaKeys] = []
    ike_prop: list[str] = []
    esp_prop: list[str] = []
    pending: dict[str, str] = {}   # dumps logged before the key set they belong to
    i = 0
    while i < len(lines):
        line = lines[i]
        head = _DUMP_HEAD.search(line)
        if head:
            n = int(head["n"])
            data = ""
            j = i + 1
            while len(data) < 2 * n and j < len(lines):
                row = _DUMP_ROW.search(lines[j])
                if not row or int(row["off"]) != len(data) // 2:
                    break
                data += row["hex"].replace(" ", "").lower()
                j += 1
            if len(data) != 2 * n:
                raise StrongswanError(f"truncated key dump at log line {i + 1}: {line.strip()}")
            label = head["label"]
            if label in ("shared Diffie Hellman secret", "SKEYSEED", "seed"):
                pending[label] = data
            elif label == "Sk_d secret":
                ike_sas.append(IkeSaKeys(proposal=list(ike_prop),
                                         dh_secret=pending.pop("shared Diffie Hellman secret", ""),
                                         skeyseed=pending.pop("SKEYSEED", "")))
                ike_sas[-1].sk["d"] = data
            elif label.startswith("Sk_") and label.endswith(" secret") and ike_sas:
                ike_sas[-1].sk[label[3:-7]] = data
            elif label == "encryption initiator key":
                child_sas.append(ChildSaKeys(proposal=list(esp_prop), encr_i=data, seed=pending.pop("seed", "")))
            elif label in _CHILD_LABELS and child_sas:
                setattr(child_sas[-1], _CHILD_LABELS[label], data)
            i = j
            continue
        prop = _PROPOSAL.search(line)
        if prop:
            if prop["proto"] == "IKE":
                ike_prop = prop["algs"].split("/")
            else:
                esp_prop = prop["algs"].split("/")
        spi = _SPI_LINE.search(line)
        if spi and child_sas:
            child_sas[-1].sas.append((spi["spi"], spi["src"], spi["dst"]))
        i += 1
    return LogKeys(ike_sas, child_sas)


# ---------------------------------------------------------------------------------------------
# swanctl --raw output (vici messages as text) -> Python dicts

def parse_vici_raw(text: str) -> list[dict]:
    """Parses ``swanctl --raw`` output: one message per line, ``name {k=v list=[a b] sec {..}}``
    (values never contain spaces or braces in the messages we read)."""
    messages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or "{" not in line:
            continue
        tokens = re.findall(r"[{}\[\]]|[^\s{}\[\]]+", line[line.index("{"):])
        pos = 0

        def section() -> dict:
            nonlocal pos
            assert tokens[pos] == "{"
            pos += 1
            out: dict[str, Any] = {}
            while tokens[pos] != "}":
                tok = tokens[pos]
                if tok.endswith("=") and tokens[pos + 1] == "[":   # list: key=[a b c]
                    pos += 2
                    items = []
                    while tokens[pos] != "]":
                        items.append(tokens[pos])
                        pos += 1
                    pos += 1
                    out[tok[:-1]] = items
                elif "=" in tok:
                    k, _, v = tok.partition("=")
                    out[k] = v
                    pos += 1
                else:                                             # subsection: name {..}
                    pos += 1
                    out[tok] = section()
            pos += 1
            return out

        messages.append(section())
    return messages


# ---------------------------------------------------------------------------------------------

@dataclass
class InitiateResult:
    ok: bool
    returncode: int
    output: str


class Charon:
    """One charon in namespace ``ns`` with its own directory ``workdir`` (created 0700)."""

    def __init__(self, name: str, ns: str, workdir: os.PathLike | str, *,
                 plugins: Iterable[str] = DEFAULT_PLUGINS, pkcs11_modules: Mapping[str, str] | None = None,
                 env: Mapping[str, str] | None = None, extra_settings: Mapping[str, Any] | None = None,
                 log_levels: Mapping[str, int] | None = None, charon_bin: str = CHARON_BIN,
                 swanctl_bin: str = SWANCTL_BIN):
        self.name = name
        self.ns = ns
        self.dir = Path(workdir).resolve()
        self.plugins = list(plugins)
        self.pkcs11_modules = dict(pkcs11_modules or {})
        self.env = dict(env or {})
        self.extra_settings = dict(extra_settings or {})
        self.log_levels = {"default": 1, "ike": 4, "chd": 4, "cfg": 2, "net": 1, "enc": 1, "knl": 1}
        self.log_levels.update(log_levels or {})
        self.charon_bin = charon_bin
        self.swanctl_bin = swanctl_bin
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None
        self._stdout = None
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)
        for d in ("run", *("swanctl/" + s for s in SWANCTL_SUBDIRS)):
            (self.dir / d).mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir / "swanctl", 0o700)

    # --- paths ---------------------------------------------------------------------------
    @property
    def conf_path(self) -> Path:
        return self.dir / "strongswan.conf"

    @property
    def swanctl_dir(self) -> Path:
        return self.dir / "swanctl"

    @property
    def log_path(self) -> Path:
        return self.dir / "charon.log"

    @property
    def stdout_path(self) -> Path:
        return self.dir / "charon.stdout"

    @property
    def vici_uri(self) -> str:
        """Relative to ``self.dir`` (charon and swanctl both run with that cwd)."""
        return "unix://" + VICI_SOCKET

    # --- configuration -------------------------------------------------------------------
    def settings(self) -> dict:
        plugins: dict[str, Any] = {
            "vici": {"socket": self.vici_uri},
            "resolve": {"file": str(self.dir / "resolv.conf")},
        }
        if self.pkcs11_modules:
            plugins["pkcs11"] = {"modules": {n: {"path": p} for n, p in self.pkcs11_modules.items()}}
        charon: dict[str, Any] = {
            "load_modular": False,
            "load": " ".join(self.plugins),
            "install_routes": True,
            "retransmit_tries": 2,
            "retransmit_timeout": 1.0,
            "plugins": plugins,
            "filelog": {"main": {"path": str(self.log_path), "time_format": "%H:%M:%S", "flush_line": True,
                                 "append": False, **self.log_levels}},
            "syslog": {"daemon": {"default": -1}},
        }
        _merge(charon, self.extra_settings)
        return {"charon": charon}

    def write_strongswan_conf(self) -> Path:
        self.conf_path.write_text("# written by hnbsec interop/peers/strongswan.py\n"
                                  + render_settings(self.settings()) + "\n")
        return self.conf_path

    def install(self, src: os.PathLike | str, kind: str, name: str | None = None) -> str:
        """Copies a credential into swanctl/<kind>/ (x509, x509ca, x509crl, private, ...);
        returns the file name to reference in swanctl.conf."""
        if kind not in SWANCTL_SUBDIRS:
            raise ValueError(f"unknown swanctl folder {kind}")
        name = name or Path(src).name
        dst = self.swanctl_dir / kind / name
        shutil.copyfile(src, dst)
        if kind in ("private", "rsa", "ecdsa", "pkcs8", "pkcs12"):
            os.chmod(dst, 0o600)
        return name

    def write_swanctl(self, connections: Mapping[str, Any] | None = None, *, pools: Mapping[str, Any] | None = None,
                      secrets: Mapping[str, Any] | None = None, authorities: Mapping[str, Any] | None = None) -> Path:
        """Renders swanctl.conf (mode 0600: it may carry a token PIN)."""
        data: dict[str, Any] = {}
        for key, value in (("connections", connections), ("pools", pools), ("authorities", authorities),
                           ("secrets", secrets)):
            if value:
                data[key] = value
        path = self.swanctl_dir / "swanctl.conf"
        write_private(path, "# written by hnbsec interop/peers/strongswan.py\n" + render_settings(data) + "\n")
        return path

    # --- process -------------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("HNBSEC_TOKEN_PIN",)}
        env.update(self.env)
        env["STRONGSWAN_CONF"] = str(self.conf_path)
        env["SWANCTL_DIR"] = str(self.swanctl_dir)
        return env

    def start(self, timeout: float = 10.0) -> int:
        """Starts charon in its namespace with a private /run; waits (bounded) until its pid
        file and vici socket exist. Returns charon's PID."""
        if self.proc is not None:
            raise StrongswanError(f"{self.name}: already started")
        if not self.conf_path.exists():
            self.write_strongswan_conf()
        for stale in (self.dir / VICI_SOCKET, self.dir / "run" / "charon.pid"):
            stale.unlink(missing_ok=True)
        self._stdout = open(self.stdout_path, "wb")
        # ip netns exec gives the command its own mount namespace: bind our run/ over /run there,
        # then exec charon (same PID all along: ip -> sh -> charon are execs).
        script = 'mount --bind "$1" /run && exec "$2"'
        self.proc = netns.popen_in(self.ns, ["sh", "-c", script, "sh", str(self.dir / "run"), self.charon_bin],
                                   cwd=self.dir, env=self._env(), stdin=subprocess.DEVNULL,
                                   stdout=self._stdout, stderr=subprocess.STDOUT, start_new_session=True)
        pidfile = self.dir / "run" / "charon.pid"

        def up():
            if self.proc.poll() is not None:
                raise StrongswanError(f"{self.name}: charon exited with {self.proc.returncode}: "
                                      + self.stdout_path.read_text(errors="replace")[-2000:])
            return (self.dir / VICI_SOCKET).is_socket() and pidfile.exists() and pidfile.read_text().strip()

        try:
            netns.wait_until(up, timeout, f"charon {self.name} to open its vici socket")
        except BaseException:
            self.stop()
            raise
        self.pid = int(pidfile.read_text().strip())
        if self.pid != self.proc.pid:
            raise StrongswanError(f"{self.name}: pid file says {self.pid}, started {self.proc.pid}")
        return self.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def terminate(self) -> None:
        """Sends SIGTERM (no wait); see :meth:`wait_gone`."""
        if self.running:
            self.proc.send_signal(signal.SIGTERM)

    def wait_gone(self, timeout: float = 10.0) -> None:
        """Waits until charon has exited; SIGKILL after ``timeout``, then waits again (bounded)."""
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        pid = self.proc.pid
        netns.wait_until(lambda: not Path(f"/proc/{pid}").exists(), 5, f"charon {self.name} (pid {pid}) to vanish")
        if self._stdout:
            self._stdout.close()
            self._stdout = None
        (self.dir / VICI_SOCKET).unlink(missing_ok=True)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, wait with a deadline, SIGKILL if needed; returns when the process is gone."""
        self.terminate()
        self.wait_gone(timeout)

    # --- swanctl -------------------------------------------------------------------------
    def swanctl(self, *args: str, timeout: float = 20.0) -> subprocess.CompletedProcess:
        if not self.running:
            raise StrongswanError(f"{self.name}: charon is not running")
        return subprocess.run([self.swanctl_bin, *args, "--uri", self.vici_uri], cwd=self.dir, env=self._env(),
                              capture_output=True, text=True, timeout=timeout)

    def load_all(self) -> str:
        """``swanctl --load-all``; raises with swanctl's output when anything fails to load."""
        result = self.swanctl("--load-all", "--noprompt")
        text = result.stdout + result.stderr
        if result.returncode != 0 or re.search(r"\bfailed\b", text):
            raise StrongswanError(f"{self.name}: swanctl --load-all failed ({result.returncode}):\n{text}")
        return text

    def initiate(self, child: str | None = None, ike: str | None = None, timeout: int = 10) -> InitiateResult:
        args = ["--initiate", "--timeout", str(timeout)]
        if child:
            args += ["--child", child]
        if ike:
            args += ["--ike", ike]
        result = self.swanctl(*args, timeout=timeout + 5)
        return InitiateResult(result.returncode == 0, result.returncode, result.stdout + result.stderr)

    def terminate_ike(self, ike: str, timeout: int = 10) -> InitiateResult:
        result = self.swanctl("--terminate", "--ike", ike, "--timeout", str(timeout), timeout=timeout + 5)
        return InitiateResult(result.returncode == 0, result.returncode, result.stdout + result.stderr)

    def list_sas(self) -> dict[str, dict]:
        """IKE_SAs by connection name, as vici reports them: ``state``, ``initiator-spi``,
        ``responder-spi`` (hex), ``local-host``, ``remote-host``, ``local-id``, ``remote-id``,
        ``local-vips``/``remote-vips`` (lists), ``child-sas`` {name: {``spi-in``, ``spi-out``,
        ``state``, ``local-ts``, ``remote-ts``, ...}}. Two IKE_SAs of one connection get the
        keys ``name``, ``name#2``..."""
        result = self.swanctl("--list-sas", "--raw")
        if result.returncode != 0:
            raise StrongswanError(f"{self.name}: swanctl --list-sas failed: {result.stderr}")
        sas: dict[str, dict] = {}
        for message in parse_vici_raw(result.stdout):
            for conn, sa in message.items():
                key, n = conn, 1
                while key in sas:
                    n += 1
                    key = f"{conn}#{n}"
                sas[key] = sa
        return sas

    # --- logs ----------------------------------------------------------------------------
    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def keys_from_log(self) -> LogKeys:
        return parse_key_log(self.log_text().splitlines())

    def wait_for_log(self, pattern: str, timeout: float = 5.0) -> re.Match:
        rx = re.compile(pattern)
        return netns.wait_until(lambda: rx.search(self.log_text()), timeout, f"{self.name} log line /{pattern}/")


def _merge(dst: dict, src: Mapping) -> None:
    for k, v in src.items():
        if isinstance(v, Mapping) and isinstance(dst.get(k), dict):
            _merge(dst[k], v)
        else:
            dst[k] = v


def stop_all(charons: Iterable[Charon], timeout: float = 10.0) -> None:
    """Stops several charons in parallel (SIGTERM to all, then wait for each)."""
    charons = [c for c in charons if c is not None]
    for c in charons:
        c.terminate()
    errors = []
    for c in charons:
        try:
            c.wait_gone(timeout)
        except Exception as exc:
            errors.append(exc)
    if errors:
        raise errors[0]


def with_ike_spis(keys: LogKeys, sas: Iterable[Mapping]) -> LogKeys:
    """Attaches IKE SPIs from list_sas() entries to the IKE key sets of the log, in order."""
    sas = list(sas)
    for ike, sa in zip(keys.ike_sas[-len(sas):] if sas else [], sas):
        ike.spi_i = sa["initiator-spi"]
        ike.spi_r = sa["responder-spi"]
    return keys
