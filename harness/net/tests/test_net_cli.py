"""`hnbsec net up / sweep / show` as processes, checked with iproute2: a run that is
SIGKILLed leaves its namespaces behind and `hnbsec net sweep` removes them; SIGTERM
and SIGINT tear the world down; a live run is never swept."""

import signal
import subprocess

from conftest import ip, namespaces


def hnbsec(binary, *args):
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=60)


def test_up_builds_the_world_and_prints_it(net_up):
    run = net_up()
    run.wait_for_line("ready:")
    assert set(run.names) <= namespaces()
    text = "\n".join(run.lines)
    for part in run.names + [f"hx{run.run_id}-tun", "10.78.0.123/32", "192.168.77.1/24"]:
        assert part in text
    core = f"hx{run.run_id}-core"
    assert "10.78.0.10/32" in ip("-n", core, "addr", "show", "dev", "lo")
    assert f"10.77.0.0/24 dev hx{run.run_id}-tun" in ip("-n", core, "route", "show")


def test_sigkill_leaves_namespaces_and_sweep_removes_them(net_up, hnbsec_bin):
    run = net_up()
    run.wait_for_line("ready:")
    shown = hnbsec(hnbsec_bin, "net", "show").stdout
    assert f"run {run.run_id} alive" in shown

    # A live run survives a sweep.
    swept = hnbsec(hnbsec_bin, "net", "sweep")
    assert swept.returncode == 0, swept.stderr
    assert set(run.names) <= namespaces()

    run.proc.send_signal(signal.SIGKILL)
    run.proc.wait(timeout=30)
    assert set(run.names) <= namespaces(), "a SIGKILLed run cannot clean up; its namespaces must remain"
    assert f"run {run.run_id} dead" in hnbsec(hnbsec_bin, "net", "show").stdout

    swept = hnbsec(hnbsec_bin, "net", "sweep")
    assert swept.returncode == 0, swept.stderr
    for name in run.names:
        assert f"removed namespace {name}" in swept.stdout
    assert not set(run.names) & namespaces()
    assert f"hx{run.run_id}-" not in ip("-o", "link", "show")
    assert f"run {run.run_id}" not in hnbsec(hnbsec_bin, "net", "show").stdout


def test_sigterm_and_sigint_tear_down(net_up):
    for sig in (signal.SIGTERM, signal.SIGINT):
        run = net_up()
        run.wait_for_line("ready:")
        run.proc.send_signal(sig)
        assert run.wait_exit() == 0
        assert any(line.startswith("torn down") for line in run.lines), run.lines
        assert not set(run.names) & namespaces()


def test_a_live_run_id_cannot_be_reused(net_up, hnbsec_bin):
    run = net_up()
    run.wait_for_line("ready:")
    second = hnbsec(hnbsec_bin, "net", "up", "--run-id", run.run_id)
    assert second.returncode == 1
    assert "in use" in second.stderr
    assert set(run.names) <= namespaces()


def test_bad_run_id_is_a_usage_error(hnbsec_bin):
    result = hnbsec(hnbsec_bin, "net", "up", "--run-id", "Bad_ID")
    assert result.returncode == 2
    assert "0-9 and a-z" in result.stderr
