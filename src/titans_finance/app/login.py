"""The gate every run of the page script passes before a page is drawn: the ``Host`` check,
then the login (a password form, or OIDC through Streamlit's ``st.login``). What is configured
and how it is checked is `access`; this module draws the gate.

A session that has logged in keeps it until it ends (a reload of the browser tab starts a new
session: log in again). The flag lives in the server's session state, which a browser cannot
write except through the widgets drawn for it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os

import streamlit as st

from titans_finance.app.access import Access, FailureThrottle, client_key, host_allowed, is_loopback
from titans_finance.parameters.app import LoginSettings

LOGGED_IN = "titans_logged_in"
log = logging.getLogger(__name__)


def access() -> Access:
    """The access configured now (the environment and Streamlit's secrets, re-read each run:
    an edited secrets.toml applies at the next run)."""
    secrets = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    return Access.of(os.environ, secrets)


@st.cache_resource(show_spinner=False)
def _throttle(max_failures: int, lockout: int, max_lockout: int) -> FailureThrottle:
    """One throttle for every session of this server (a new session does not reset it)."""
    return FailureThrottle(max_failures, lockout, max_lockout)


def _identity(configured: Access) -> str:
    """What a login was checked against: a changed password ends the sessions logged in with
    the old one."""
    secret = f"{configured.password_hash or ''}\0{configured.password or ''}"
    return hashlib.sha256(secret.encode()).hexdigest()


def _served_by_http() -> bool:
    """A browser connection (it always sends headers); Streamlit's test harness and a bare
    script run have none."""
    return len(st.context.headers) > 0


def gate(settings: LoginSettings) -> bool:
    """Whether this run may draw pages; when not, what the visitor may see (a refusal or the
    login) has been drawn and the caller draws nothing else."""
    configured = access()
    browser = _served_by_http()
    if browser and not host_allowed(st.context.headers.get("Host"), configured.allowed_hosts(
            st.get_option("server.address"))):
        st.error("This app is not served under this address. Open it by a name it is "
                 "configured for (the operator adds names to TITANS_APP_HOSTS).")
        return False
    problems = configured.problems(settings.min_password_length)
    if problems:
        for problem in problems:
            log.error("titans-finance app login: %s", problem)
        st.error("The app's login is not configured correctly; the server's log says why.")
        return False
    if not configured.login_required:
        # Streamlit gives no address (None) for a loopback client
        ip = st.context.ip_address
        if browser and ip is not None and not is_loopback(ip):
            st.error("No login is configured, so this app serves this machine only (set "
                     "TITANS_APP_PASSWORD to serve others).")
            return False
        return True
    if configured.oidc:
        return _oidc(configured)
    return _password(configured, settings)


def _oidc(configured: Access) -> bool:
    if not st.user.is_logged_in:
        st.header("titans-finance")
        providers = _providers()
        for provider in providers:
            label = "Log in" if provider is None else f"Log in with {provider}"
            if st.button(label, key=f"login_oidc_{provider or 'default'}"):
                if provider is None:
                    st.login()
                else:
                    st.login(provider)
        return False
    email = st.user.get("email")
    if not configured.user_allowed(email) or st.user.get("email_verified") is False:
        st.error("This account is not allowed in (the operator names the allowed e-mail "
                 "addresses in TITANS_APP_USERS).")
        if st.button("Log out", key="logout_oidc"):
            st.logout()
        return False
    if st.sidebar.button("Log out", key="logout"):
        st.logout()
    return True


def _providers() -> list[str | None]:
    """The providers of ``[auth]``: one unnamed (its keys directly in ``[auth]``), or named
    sections (``[auth.google]``)."""
    auth = st.secrets.get("auth") or {}
    if "client_id" in auth:
        return [None]
    return sorted(name for name, value in auth.items() if hasattr(value, "keys")) or [None]


def _password(configured: Access, settings: LoginSettings) -> bool:
    identity = _identity(configured)
    if st.session_state.get(LOGGED_IN) == identity:
        if st.sidebar.button("Log out", key="logout"):
            st.session_state.pop(LOGGED_IN, None)
            st.rerun()
        return True
    st.header("titans-finance")
    with st.form("login_form", clear_on_submit=True):
        given = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", key="login_submit")
    if not submitted:
        return False
    throttle = _throttle(settings.max_failures, settings.lockout_seconds,
                         settings.max_lockout_seconds)
    client = client_key(st.context.ip_address)
    if (wait := throttle.wait(client)) > 0:
        st.error(f"Too many wrong passwords: try again in {math.ceil(wait)} s.")
        return False
    if not configured.check_password(given):
        throttle.failed(client)
        log.warning("titans-finance app: wrong password from %s", client)
        st.error("Wrong password.")
        return False
    throttle.succeeded(client)
    st.session_state[LOGGED_IN] = identity
    st.rerun()
    return False  # not reached: the rerun draws the pages
