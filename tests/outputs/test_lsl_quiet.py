"""liblsl's start-up INFO lines stay out of the terminal, unless the user configured LSL."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from eyetracker.outputs.streams import lsl


class ConfigurableLsl(SimpleNamespace):
    """What quiet_liblsl uses of pylsl: set_config_content."""

    def __init__(self) -> None:
        super().__init__(given=[])

    def set_config_content(self, text: str) -> None:
        self.given.append(text)


def test_the_quiet_configuration_is_given_when_the_user_has_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("LSLAPICFG", raising=False)
    monkeypatch.setattr(lsl, "user_lsl_config", lambda: None)  # whatever /etc holds
    fake = ConfigurableLsl()
    assert lsl.quiet_liblsl(fake) and fake.given == [lsl.QUIET_CONFIG]


def test_a_users_own_lsl_configuration_is_left_alone(tmp_path, monkeypatch):
    config = tmp_path / "lsl_api.cfg"
    config.write_text("[lab]\nKnownPeers = {192.168.0.2}\n")
    monkeypatch.setenv("LSLAPICFG", str(config))
    assert lsl.user_lsl_config() == config
    fake = ConfigurableLsl()
    assert not lsl.quiet_liblsl(fake) and fake.given == []


def test_an_outlet_starts_without_info_lines(tmp_path):
    pytest.importorskip("pylsl")
    code = (
        "from eyetracker.outputs.streams.lsl import LslStream\n"
        "s = LslStream(30.0, name='quiet-test', allow_network=True)\n"
        "s.start(); s.stop(); print('started')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    if "started" not in done.stdout:
        pytest.skip(f"liblsl cannot start here: {done.stderr[-300:]}")
    assert "INFO|" not in done.stderr
