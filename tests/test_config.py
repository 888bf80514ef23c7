"""One configuration: flags > environment > TOML file > defaults, every bad value one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from crampcare.config import ConfigError, environment_setting, load_config, to_env


def test_layers_and_signup_limit_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MODE", "DB", "WORKERS", "SIGNUP_LIMIT", "PORT"):
        monkeypatch.delenv(f"CRAMPCARE_{name}", raising=False)
    file = tmp_path / "crampcare.toml"
    file.write_text('[server]\nmode = "server"\nworkers = 2\nport = 9000\nsignup_limit = 3\n')
    assert load_config().mode == "local"  # the defaults
    from_file = load_config(file=file)
    assert (from_file.mode, from_file.workers, from_file.port, from_file.signup_limit) == ("server", 2, 9000, 3)
    monkeypatch.setenv("CRAMPCARE_WORKERS", "4")
    monkeypatch.setenv("CRAMPCARE_MODE", "")  # empty means "not set"
    assert load_config(file=file).workers == 4  # the environment beats the file
    assert load_config({"workers": 8, "port": None}, file).workers == 8  # a flag beats both; None = not given
    assert load_config({"workers": 8}, file).port == 9000
    env = to_env(load_config(file=file))
    assert env["CRAMPCARE_SIGNUP_LIMIT"] == "3" and env["CRAMPCARE_MODE"] == "server"


@pytest.mark.parametrize(("text", "says"), [
    ('mode = "cluster"\n', "mode: Input should be 'local' or 'server'"),
    ("workers = 0\n", "workers: Input should be greater than or equal to 1"),
    ("colour = 1\n", "colour: unknown setting"),
    ("[server\n", "is not valid TOML"),
])
def test_bad_settings_are_one_line(tmp_path: Path, text: str, says: str) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(text)
    with pytest.raises(ConfigError) as refused:
        load_config(file=file)
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAMPCARE_PORT", "eighty")
    with pytest.raises(ConfigError, match="^CRAMPCARE_PORT: "):
        load_config()


def test_one_setting_from_the_environment_ignores_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAMPCARE_PORT", "eighty")  # a CLI command opening the diary never reads the port
    monkeypatch.delenv("CRAMPCARE_BUSY_TIMEOUT", raising=False)
    assert environment_setting("busy_timeout") == 10
    monkeypatch.setenv("CRAMPCARE_BUSY_TIMEOUT", "0.5")
    assert environment_setting("busy_timeout") == 0.5
    monkeypatch.setenv("CRAMPCARE_BUSY_TIMEOUT", "0")
    with pytest.raises(ConfigError, match="^CRAMPCARE_BUSY_TIMEOUT: Input should be greater than 0"):
        environment_setting("busy_timeout")
