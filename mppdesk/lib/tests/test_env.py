import pytest
from django.core.exceptions import ImproperlyConfigured

from mppdesk.lib.env import env_bool, env_int, env_list, env_str


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ("MPPD_TEST", "MPPD_TEST_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on", " True "])
def test_env_bool_true(monkeypatch, value):
    monkeypatch.setenv("MPPD_TEST", value)
    assert env_bool("MPPD_TEST") is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "", "OFF"])
def test_env_bool_false(monkeypatch, value):
    monkeypatch.setenv("MPPD_TEST", value)
    assert env_bool("MPPD_TEST", default=True) is False


def test_env_bool_default():
    assert env_bool("MPPD_TEST") is False
    assert env_bool("MPPD_TEST", default=True) is True


@pytest.mark.parametrize("value", ["maybe", "2", "y e s", "enabled"])
def test_env_bool_invalid_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("MPPD_TEST", value)
    with pytest.raises(ImproperlyConfigured, match="MPPD_TEST") as excinfo:
        env_bool("MPPD_TEST")
    assert repr(value) in str(excinfo.value)


def test_env_str(monkeypatch):
    assert env_str("MPPD_TEST") is None
    assert env_str("MPPD_TEST", "fallback") == "fallback"
    monkeypatch.setenv("MPPD_TEST", "")
    assert env_str("MPPD_TEST", "fallback") == "fallback"
    monkeypatch.setenv("MPPD_TEST", "value")
    assert env_str("MPPD_TEST", "fallback") == "value"


def test_env_str_required_names_the_variable_and_its_file_form():
    with pytest.raises(ImproperlyConfigured, match="MPPD_TEST must be set .or MPPD_TEST_FILE."):
        env_str("MPPD_TEST", required=True)


def test_secret_from_name_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-value\n", encoding="utf-8")
    monkeypatch.setenv("MPPD_TEST_FILE", str(secret))
    monkeypatch.setenv("MPPD_TEST", "ignored")
    assert env_str("MPPD_TEST", required=True) == "s3cr3t-value"


def test_file_form_works_for_every_helper(monkeypatch, tmp_path):
    path = tmp_path / "value"
    monkeypatch.setenv("MPPD_TEST_FILE", str(path))
    path.write_text("yes\n")
    assert env_bool("MPPD_TEST") is True
    path.write_text("42\n")
    assert env_int("MPPD_TEST", 1) == 42
    path.write_text("a, b\n")
    assert env_list("MPPD_TEST") == ["a", "b"]


def test_unreadable_name_file_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("MPPD_TEST_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="MPPD_TEST_FILE"):
        env_str("MPPD_TEST")


def test_env_int(monkeypatch):
    assert env_int("MPPD_TEST", 7) == 7
    monkeypatch.setenv("MPPD_TEST", " ")
    assert env_int("MPPD_TEST", 7) == 7
    monkeypatch.setenv("MPPD_TEST", "12")
    assert env_int("MPPD_TEST", 7) == 12


def test_env_int_invalid_names_the_variable(monkeypatch):
    monkeypatch.setenv("MPPD_TEST", "twelve")
    with pytest.raises(ImproperlyConfigured, match="MPPD_TEST must be an integer, got 'twelve'"):
        env_int("MPPD_TEST", 7)


def test_env_list(monkeypatch):
    assert env_list("MPPD_TEST") == []
    assert env_list("MPPD_TEST", ["x"]) == ["x"]
    monkeypatch.setenv("MPPD_TEST", "example.org, www.example.org,,  ")
    assert env_list("MPPD_TEST") == ["example.org", "www.example.org"]
    monkeypatch.setenv("MPPD_TEST", "")
    assert env_list("MPPD_TEST", ["x"]) == []


def test_env_list_default_is_copied():
    default = ["a"]
    result = env_list("MPPD_TEST", default)
    result.append("b")
    assert default == ["a"]
