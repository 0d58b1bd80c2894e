"""The gate before every page (`app.login`), driven by Streamlit's test harness on a project
with no run yet (the gate comes before any output is read): no page content before the login,
a wrong password refused and throttled, the right one (plain, hashed, from the environment or
the secrets) lets the pages in, OIDC users outside the allowed list stay out, and a foreign
``Host`` is refused."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from titans_finance.app import login, streamlit_app_path
from titans_finance.app.access import hash_password

SECRET = "correct horse battery"


@pytest.fixture
def app(empty_project, monkeypatch):
    monkeypatch.setenv("TITANS_PROJECT_ROOT", str(empty_project))
    for name in ("TITANS_APP_PASSWORD", "TITANS_APP_PASSWORD_HASH", "TITANS_APP_USERS",
                 "TITANS_APP_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    login._throttle.clear()  # one throttle per server: a fresh one per test

    def started(**secrets) -> AppTest:
        test = AppTest.from_file(streamlit_app_path(), default_timeout=60)
        test.secrets.update(secrets)
        test.session_state["page"] = "health"
        test.run()
        assert not test.exception, test.exception
        return test

    return started


def _pages_shown(test: AppTest) -> bool:
    """Whether anything of the project is drawn: the page menu, its name, a page header."""
    return bool(test.sidebar.radio) or any(
        "Project" in c.value for c in test.sidebar.caption) or any(
        h.value == "Models and data health" for h in test.header)


def _log_in(test: AppTest, password: str) -> AppTest:
    test.text_input(key="login_password").input(password)
    test.button(key="login_submit").click().run()
    assert not test.exception, test.exception
    return test


def test_without_a_login_configured_the_pages_are_served_on_this_machine(app):
    assert _pages_shown(app())


def test_a_password_is_asked_before_any_page(app, monkeypatch):
    monkeypatch.setenv("TITANS_APP_PASSWORD", SECRET)
    test = app()
    assert not _pages_shown(test)
    assert [t.label for t in test.text_input] == ["Password"]
    assert test.text_input(key="login_password").proto.type == test.text_input(
        key="login_password").proto.PASSWORD  # drawn as dots
    assert not test.sidebar.button  # no log out, no page menu


def test_a_wrong_password_is_refused_and_the_right_one_lets_the_pages_in(app, monkeypatch):
    monkeypatch.setenv("TITANS_APP_PASSWORD", SECRET)
    test = _log_in(app(), SECRET[:-1])
    assert [e.value for e in test.error] == ["Wrong password."]
    assert not _pages_shown(test)
    test = _log_in(test, SECRET)
    assert _pages_shown(test) and not test.error
    test.run()  # the session stays logged in
    assert _pages_shown(test)
    test.sidebar.button(key="logout").click().run()
    assert not _pages_shown(test)


def test_after_max_failures_even_the_right_password_waits(app, monkeypatch):
    monkeypatch.setenv("TITANS_APP_PASSWORD", SECRET)
    test = app()
    for _ in range(4):  # app.login.max_failures: 5
        test = _log_in(test, "wrong password!")
        assert [e.value for e in test.error] == ["Wrong password."]
    test = _log_in(test, "wrong password!")  # the fifth: locked from now
    test = _log_in(test, SECRET)
    assert test.error[0].value.startswith("Too many wrong passwords: try again in ")
    assert not _pages_shown(test)
    # a new session (a reloaded tab) from the same client waits as well
    test = _log_in(app(), SECRET)
    assert "Too many wrong passwords" in test.error[0].value and not _pages_shown(test)


def test_a_hashed_password_from_the_secrets_file(app):
    secrets = {"TITANS_APP_PASSWORD_HASH": hash_password(SECRET)}
    assert not _pages_shown(_log_in(app(**secrets), SECRET + "x"))
    assert _pages_shown(_log_in(app(**secrets), SECRET))


def test_a_login_configured_unsafely_serves_nothing(app, monkeypatch):
    monkeypatch.setenv("TITANS_APP_PASSWORD", "short")
    test = app()
    assert not _pages_shown(test) and not test.text_input
    assert "not configured correctly" in test.error[0].value
    assert "short" not in test.error[0].value  # the reason goes to the server's log


OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                 "cookie_secret": "a" * 32, "client_id": "id", "client_secret": "secret",
                 "server_metadata_url": "https://accounts.example/.well-known/openid-configuration"}}


def test_oidc_shows_only_the_login_button_until_an_allowed_user_logs_in(app, monkeypatch):
    monkeypatch.setenv("TITANS_APP_USERS", "ana@example.org")
    test = AppTest.from_file(streamlit_app_path(), default_timeout=60)
    test.secrets.update(OIDC)
    for user, shown in (({"is_logged_in": False}, False),
                        ({"is_logged_in": True, "email": "eve@example.org"}, False),
                        ({"is_logged_in": True, "email": "ana@example.org",
                          "email_verified": False}, False),
                        ({"is_logged_in": True, "email": "Ana@example.org"}, True)):
        test.user = user
        test.run()
        assert not test.exception, test.exception
        assert _pages_shown(test) is shown, user
        if not user["is_logged_in"]:
            assert [b.label for b in test.button] == ["Log in"] and not test.text_input
        elif not shown:
            assert "not allowed in" in test.error[0].value


def _with_host(monkeypatch, host: str, ip: str | None = None) -> None:
    """The headers a browser's websocket handshake brings (the harness has no connection)."""
    monkeypatch.setattr(type(st.context), "headers", property(
        lambda self: {"Host": host, "Upgrade": "websocket"}))
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: ip))


@pytest.mark.parametrize("host, served", [("localhost:8501", True), ("127.0.0.1:8501", True),
                                          ("evil.example:8501", False),
                                          ("localhost.evil.example:8501", False)])
def test_a_foreign_host_is_refused_before_the_login(app, monkeypatch, host, served):
    _with_host(monkeypatch, host)
    test = app()
    assert _pages_shown(test) is served
    if not served:
        assert "not served under this address" in test.error[0].value


def test_a_declared_host_is_served_with_a_login(app, monkeypatch):
    monkeypatch.setenv("TITANS_APP_PASSWORD", SECRET)
    monkeypatch.setenv("TITANS_APP_HOSTS", "finance.example.org")
    _with_host(monkeypatch, "finance.example.org")
    assert _pages_shown(_log_in(app(), SECRET))
    _with_host(monkeypatch, "evil.example")
    test = app()
    assert not test.text_input and "not served under this address" in test.error[0].value


def test_without_a_login_a_client_from_another_machine_is_refused(app, monkeypatch):
    # `streamlit run --server.address 0.0.0.0` without the launcher: the page refuses
    _with_host(monkeypatch, "127.0.0.1:8501", ip="192.168.1.20")
    test = app()
    assert not _pages_shown(test) and "serves this machine only" in test.error[0].value
    _with_host(monkeypatch, "127.0.0.1:8501", ip=None)  # loopback
    assert _pages_shown(app())
