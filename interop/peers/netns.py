"""Network namespaces for interop runs: create, wire with veth pairs, run commands inside,
and sweep what a crashed run left behind.

Naming: every namespace of a run is called ``<run_id>-<owner pid>-<role>`` where ``run_id`` is
``hx`` followed by 6 hex digits (``hx3fa9c1-40211-segw``). The owner PID in the name lets
:func:`sweep` tell leftovers of dead runs from namespaces of runs still going (also of other
people on the same machine). Veth pairs are created directly inside their namespaces, so a
crash never leaves a link in the host's namespace.

Every wait in this module is bounded: :func:`wait_until` polls a predicate until a deadline.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

PREFIX = "hx"
_NAME_RE = re.compile(r"^(?P<run>[a-z]{2}[0-9a-f]{6})-(?P<pid>\d+)-(?P<role>[a-z0-9]+)$")
DEFAULT_TIMEOUT = 10.0

T = TypeVar("T")


class NetnsError(RuntimeError):
    pass


def wait_until(predicate: Callable[[], T], timeout: float, what: str, interval: float = 0.01) -> T:
    """Calls ``predicate`` until it returns a truthy value or ``timeout`` seconds pass.
    Returns the value; raises TimeoutError naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.1f} s waiting for {what}")
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(interval * 1.5, 0.1)


def run(argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT, check: bool = True,
        **kwargs) -> subprocess.CompletedProcess:
    """Runs a command on the host with a timeout; raises NetnsError with its output on failure."""
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise NetnsError(f"{' '.join(map(str, argv))} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def new_run_id(prefix: str = PREFIX) -> str:
    """``prefix`` (two lowercase letters) + 6 random hex digits."""
    if not re.fullmatch(r"[a-z]{2}", prefix):
        raise ValueError("run id prefix must be two lowercase letters")
    return prefix + secrets.token_hex(3)


def namespace_name(run_id: str, role: str, pid: int | None = None) -> str:
    name = f"{run_id}-{os.getpid() if pid is None else pid}-{role}"
    if not _NAME_RE.match(name):
        raise ValueError(f"bad namespace name {name!r} (role must be [a-z0-9]+)")
    return name


def list_namespaces() -> list[str]:
    out = run(["ip", "netns", "list"]).stdout
    # lines look like "name" or "name (id: 3)"
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def our_namespaces(pid: int | None = None) -> list[str]:
    """Namespaces whose name carries ``pid`` (default: this process) as owner."""
    pid = os.getpid() if pid is None else pid
    return [n for n in list_namespaces() if (m := _NAME_RE.match(n)) and int(m["pid"]) == pid]


def _pid_alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (dead, not yet reaped by its parent) counts as dead."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat[stat.rindex(")") + 2:].split()[0]
    return state not in ("Z", "X")


def namespace_pids(name: str) -> list[int]:
    result = run(["ip", "netns", "pids", name], check=False)
    return [int(p) for p in result.stdout.split() if p.isdigit()]


def kill_namespace_processes(name: str, timeout: float = DEFAULT_TIMEOUT) -> list[int]:
    """SIGKILLs every process still inside namespace ``name`` (ours by construction) and waits
    until they are gone. Returns the PIDs it killed."""
    pids = namespace_pids(name)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if pids:
        wait_until(lambda: not any(_pid_alive(p) for p in pids), timeout, f"processes {pids} in {name} to die")
    return pids


def add_namespace(name: str) -> None:
    run(["ip", "netns", "add", name])
    run(["ip", "-n", name, "link", "set", "lo", "up"])


def delete_namespace(name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Kills what still runs inside, deletes the namespace and waits until it is no longer listed."""
    if name not in list_namespaces():
        return
    kill_namespace_processes(name, timeout)
    run(["ip", "netns", "del", name], check=False)
    wait_until(lambda: name not in list_namespaces(), timeout, f"namespace {name} to disappear")


def sweep(prefix: str = PREFIX, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Deletes namespaces named by this module, starting with ``prefix``, whose owner process
    is dead (leftovers of crashed runs). Namespaces of live owners (other running sessions) are
    left alone. Returns the names it deleted."""
    removed = []
    for name in list_namespaces():
        m = _NAME_RE.match(name)
        if not m or not name.startswith(prefix):
            continue
        if _pid_alive(int(m["pid"])):
            continue
        delete_namespace(name, timeout)
        removed.append(name)
    return removed


def exec_argv(ns: str, argv: Sequence[str]) -> list[str]:
    return ["ip", "netns", "exec", ns, *map(str, argv)]


def run_in(ns: str, argv: Sequence[str], timeout: float = DEFAULT_TIMEOUT, check: bool = False,
           **kwargs) -> subprocess.CompletedProcess:
    """Runs ``argv`` inside namespace ``ns`` with a timeout."""
    return run(exec_argv(ns, argv), timeout=timeout, check=check, **kwargs)


def popen_in(ns: str, argv: Sequence[str], **kwargs) -> subprocess.Popen:
    """Starts ``argv`` inside ``ns``. ``ip netns exec`` execs the command, so the returned
    Popen's pid is the command's own pid."""
    return subprocess.Popen(exec_argv(ns, argv), **kwargs)


def add_veth(ns_a: str, if_a: str, ns_b: str, if_b: str) -> None:
    """Creates a veth pair with one end in each namespace (never in the host's namespace)."""
    for ifname in (if_a, if_b):
        if len(ifname) > 15:
            raise ValueError(f"interface name {ifname!r} longer than 15 characters")
    run(["ip", "link", "add", "name", if_a, "netns", ns_a, "type", "veth", "peer", "name", if_b, "netns", ns_b])


def add_address(ns: str, dev: str, cidr: str) -> None:
    run(["ip", "-n", ns, "addr", "add", cidr, "dev", dev])


def link_up(ns: str, dev: str) -> None:
    run(["ip", "-n", ns, "link", "set", dev, "up"])


def ping(ns: str, address: str, count: int = 3, timeout: float = 2.0, source: str | None = None,
         interval: float = 0.2) -> subprocess.CompletedProcess:
    """``ping -c count`` from inside ``ns``; returns the completed process (rc 0 = all answered
    within the per-reply wait)."""
    argv = ["ping", "-n", "-c", str(count), "-W", str(max(1, int(timeout))), "-i", str(interval)]
    if source:
        argv += ["-I", source]
    return run_in(ns, [*argv, address], timeout=timeout * count + 5)


@dataclass
class Link:
    ns: str
    dev: str
    address: str  # without prefix length

    @property
    def ip(self) -> str:
        return self.address


@dataclass
class TwoHostLab:
    """Two namespaces, ``segw`` and ``hnb``, joined by a veth pair on ``outer`` (default
    192.168.77.0/24: SeGW .1, H(e)NB .2, as the emulated profile expects), with ``core``
    addresses on the SeGW's loopback standing in for the network behind it.

    Use as a context manager; ``close()`` stops nothing of yours but kills whatever still
    runs in the namespaces and deletes them, and is safe to call twice."""

    outer: str = "192.168.77.0/24"
    segw_host: int = 1
    hnb_host: int = 2
    core_addresses: Iterable[str] = ("10.78.0.1/32",)
    run_id: str = field(default_factory=new_run_id)
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self):
        self.segw_ns = namespace_name(self.run_id, "segw")
        self.hnb_ns = namespace_name(self.run_id, "hnb")
        net = ipaddress.ip_network(self.outer)
        self.segw = Link(self.segw_ns, self.run_id + "s", str(net[self.segw_host]))
        self.hnb = Link(self.hnb_ns, self.run_id + "h", str(net[self.hnb_host]))
        self._created: list[str] = []

    def open(self) -> "TwoHostLab":
        try:
            for ns in (self.segw_ns, self.hnb_ns):
                add_namespace(ns)
                self._created.append(ns)
            add_veth(self.segw_ns, self.segw.dev, self.hnb_ns, self.hnb.dev)
            plen = ipaddress.ip_network(self.outer).prefixlen
            for end in (self.segw, self.hnb):
                add_address(end.ns, end.dev, f"{end.address}/{plen}")
                link_up(end.ns, end.dev)
            for cidr in self.core_addresses:
                add_address(self.segw_ns, "lo", cidr)
            # The veth needs a moment (DAD is off for IPv4, but the carrier comes up async).
            wait_until(lambda: ping(self.hnb_ns, self.segw.address, count=1, timeout=1).returncode == 0,
                       self.timeout, "the veth link to carry a ping")
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        errors = []
        for ns in reversed(self._created):
            try:
                delete_namespace(ns, self.timeout)
            except Exception as exc:  # keep deleting the others
                errors.append(exc)
        self._created.clear()
        if errors:
            raise errors[0]

    def __enter__(self) -> "TwoHostLab":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()
