"""Our SeGW (`hnbsec segw`) as a peer of the interop tests: run in a network namespace,
its event lines collected as they come."""

import re
import subprocess
import threading

from peers import netns


class OurSegw:
    """`hnbsec segw` in a namespace; its stdout lines are collected as they come."""

    def __init__(self, hnbsec_bin, ns, pki, listen, keys_dir, log_path, extra_args=()):
        self.argv = [str(hnbsec_bin), "segw", "--pki", str(pki.dir), "--listen", listen, "--keys-out", str(keys_dir),
                     *extra_args]
        self.ns, self.keys_dir, self.log_path = ns, keys_dir, log_path
        self.lines, self.proc = [], None
        self._lock = threading.Lock()

    def start(self):
        self.proc = netns.popen_in(self.ns, self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        netns.wait_until(lambda: self.seen("listening:") or self.proc.poll() is not None, 10, "hnbsec segw to listen")
        assert self.proc.poll() is None, self.text()

    def _read(self):
        for line in self.proc.stdout:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def text(self):
        with self._lock:
            return "\n".join(self.lines)

    def seen(self, pattern):
        return re.search(pattern, self.text()) is not None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log_path.write_text(self.text())
