"""Who may use the app and through which host name (`app.access`): the password checks, the
host names, the loopback rule and the failure throttle, each at its boundary."""

from __future__ import annotations

import pytest

from titans_finance.app.access import (
    PASSWORD,
    Access,
    FailureThrottle,
    client_key,
    hash_password,
    host_allowed,
    is_loopback,
    read_secrets,
)

SECRET = "correct horse battery"


def _access(**environ) -> Access:
    return Access.of(environ, {})


def test_the_password_is_checked_exactly():
    access = _access(TITANS_APP_PASSWORD=SECRET)
    assert access.login_required and access.check_password(SECRET)
    for wrong in ("", SECRET[:-1], SECRET + " ", SECRET.upper(), "x"):
        assert not access.check_password(wrong), wrong


def test_a_hashed_password_is_checked_and_the_hash_is_salted():
    made = hash_password(SECRET)
    assert made.startswith("scrypt$") and made != hash_password(SECRET)
    access = _access(TITANS_APP_PASSWORD_HASH=made)
    assert access.check_password(SECRET) and not access.check_password(SECRET + "!")
    assert access.problems(min_password_length=12) == []
    # a hash wins over a plain password given beside it
    both = _access(TITANS_APP_PASSWORD_HASH=made, TITANS_APP_PASSWORD="another password")
    assert both.check_password(SECRET) and not both.check_password("another password")


@pytest.mark.parametrize("text", ["", "scrypt$16384$8$1$c2FsdA==", "md5$abc",
                                  "scrypt$3$8$1$c2FsdHNhbHQ=$" + "A" * 44,
                                  "scrypt$16384$8$1$not base64$x"])
def test_a_hash_that_is_not_ours_is_a_configuration_problem(text):
    access = _access(TITANS_APP_PASSWORD_HASH=text)
    if text:
        assert any("TITANS_APP_PASSWORD_HASH" in p for p in access.problems(12))
    else:  # empty: not configured at all
        assert not access.login_required


@pytest.mark.parametrize("length, refused", [(11, True), (12, False), (13, False)])
def test_a_password_shorter_than_the_minimum_is_refused(length, refused):
    problems = _access(TITANS_APP_PASSWORD="p" * length).problems(min_password_length=12)
    assert bool(problems) is refused
    assert all(f"{length} characters" in p for p in problems)


def test_a_secret_wins_over_the_environment_and_auth_means_oidc():
    access = Access.of({PASSWORD: "from the environment"}, {PASSWORD: SECRET})
    assert access.check_password(SECRET) and not access.oidc
    oidc = Access.of({}, {"auth": {"client_id": "x"}})
    assert oidc.oidc and oidc.login_required
    assert any("TITANS_APP_USERS" in p for p in oidc.problems(12))  # anyone with an account
    allowed = Access.of({"TITANS_APP_USERS": "Ana@Example.org, bo@example.org"},
                        {"auth": {"client_id": "x"}})
    assert allowed.problems(12) == []
    assert allowed.user_allowed("ana@example.org") and allowed.user_allowed(" BO@example.org")
    assert not allowed.user_allowed("eve@example.org") and not allowed.user_allowed(None)


def test_the_secrets_file_is_read_as_streamlit_reads_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f'{PASSWORD} = "{SECRET}"\n')
    assert read_secrets(tmp_path) == {PASSWORD: SECRET}
    (tmp_path / ".streamlit" / "secrets.toml").write_text("TITANS = [\n")
    with pytest.raises(ValueError, match="not a valid secrets.toml"):
        read_secrets(tmp_path)


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("", False),
    ("192.168.1.20", False), ("10.0.0.1", False), ("app.example.org", False),
    ("localhost.example.org", False)])
def test_which_addresses_serve_this_machine_only(address, loopback):
    assert is_loopback(address) is loopback


LOOPBACK_ONLY = _access().allowed_hosts("127.0.0.1")


@pytest.mark.parametrize("header, served", [
    ("localhost:8501", True), ("localhost", True), ("LOCALHOST.:8501", True),
    ("127.0.0.1:8501", True), ("[::1]:8501", True),
    ("evil.example:8501", False), ("localhost.evil.example", False),
    ("127.0.0.1.nip.io:8501", False), ("localhost@evil.example", False),
    ("localhost:notaport", False), ("localhost:8501/x", False), ("", False), (None, False),
    ("192.168.1.20:8501", False)])
def test_only_loopback_host_names_are_served_without_a_login(header, served):
    assert host_allowed(header, LOOPBACK_ONLY) is served


def test_declared_host_names_need_a_login_and_then_are_served():
    without = _access(TITANS_APP_HOSTS="app.example.org")
    assert without.allowed_hosts("0.0.0.0") == LOOPBACK_ONLY
    assert any("no login" in p for p in without.problems(12))
    access = _access(TITANS_APP_PASSWORD=SECRET, TITANS_APP_HOSTS="App.Example.org, *.corp.example")
    hosts = access.allowed_hosts("192.168.1.20")
    for header in ("app.example.org:443", "192.168.1.20:8501", "x.corp.example", "localhost"):
        assert host_allowed(header, hosts), header
    for header in ("example.org", "corp.example", "evil.example", "xcorp.example"):
        assert not host_allowed(header, hosts), header
    assert "0.0.0.0" not in access.allowed_hosts("0.0.0.0")  # not an address a browser uses


def test_failures_are_counted_per_client_and_an_ipv6_64_is_one_client():
    assert client_key(None) == client_key("127.0.0.1") == "loopback"
    assert client_key("203.0.113.5") == "203.0.113.5"
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:203.0.113.5") == "203.0.113.5"


def test_the_throttle_waits_after_max_failures_doubling_up_to_the_cap():
    now = [1000.0]
    throttle = FailureThrottle(3, 30, 100, clock=lambda: now[0])
    for _ in range(2):
        throttle.failed("a")
    assert throttle.wait("a") == 0  # two failures of three: may try again at once
    throttle.failed("a")
    assert throttle.wait("a") == 30 and throttle.wait("b") == 0
    now[0] += 29.5
    assert throttle.wait("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert throttle.wait("a") == 0
    throttle.failed("a")
    assert throttle.wait("a") == 60  # the fourth failure: doubled
    throttle.failed("a")
    assert throttle.wait("a") == 100  # 120 capped
    throttle.succeeded("a")
    assert throttle.wait("a") == 0
    throttle.failed("a")
    assert throttle.wait("a") == 0  # a success forgot the earlier failures


@pytest.mark.parametrize("salt_bytes, accepted", [(7, False), (8, True), (9, True)])
def test_a_password_hash_needs_a_salt_of_eight_bytes(salt_bytes, accepted):
    stored = hash_password("correct horse battery", salt=b"s" * salt_bytes)
    access = Access(password=None, password_hash=stored, oidc=False, users=(), hosts=())
    assert (access.problems(min_password_length=12) == []) is accepted
    if accepted:
        assert access.check_password("correct horse battery")
        assert not access.check_password("correct horse battery!")
