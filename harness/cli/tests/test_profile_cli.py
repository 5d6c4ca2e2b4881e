"""`hnbsec profile check`: exit codes and file:line problems, as a user sees them."""

from conftest import EMULATED_PROFILE, SOURCE_DIR


def test_shipped_profiles_check_clean(run_hnbsec):
    for name in ("emulated.toml", "lab-example.toml"):
        result = run_hnbsec("profile", "check", SOURCE_DIR / "fixtures" / "profiles" / name)
        assert result.returncode == 0, result.stderr
        assert "OK" in result.stdout


def test_broken_profile_lists_every_problem_with_line(run_hnbsec, tmp_path):
    text = EMULATED_PROFILE.read_text()
    text = text.replace('eui = "00A0C9000001"', 'eui = "00A0C9"')
    text += '\n[bogus]\nkey = 1\n'
    broken = tmp_path / "broken.toml"
    broken.write_text(text)
    result = run_hnbsec("profile", "check", broken)
    assert result.returncode == 1
    eui_line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("eui ="))
    assert f"broken.toml:{eui_line}:" in result.stderr
    assert "bogus" in result.stderr
    # Both problems are reported in one run.
    assert len([l for l in result.stderr.splitlines() if l.startswith(str(broken))]) >= 2


def test_pin_in_profile_is_refused(run_hnbsec, tmp_path):
    text = EMULATED_PROFILE.read_text().replace("[hsm]\n", '[hsm]\npin = "1234"\n')
    bad = tmp_path / "pin.toml"
    bad.write_text(text)
    result = run_hnbsec("profile", "check", bad)
    assert result.returncode == 1
    assert "PINs never go in the profile" in result.stderr
    assert "1234" not in result.stderr


def test_missing_profile_is_a_usage_error(run_hnbsec, tmp_path):
    result = run_hnbsec("profile", "check", tmp_path / "nope.toml")
    assert result.returncode == 2
    assert "nope.toml" in result.stderr


def test_no_command_prints_usage(run_hnbsec):
    result = run_hnbsec()
    assert result.returncode == 2
    assert "--help" in result.stderr
