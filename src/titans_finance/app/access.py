"""Who may use the app, and through which host name (plain Python, no Streamlit): read by
the launcher (`titans-finance app`, before the server starts) and by the page script (before
any page is drawn), from the same environment and secrets.

- A password: ``TITANS_APP_PASSWORD``, or its scrypt hash ``TITANS_APP_PASSWORD_HASH``
  (``titans-finance app-password-hash`` makes one), in the environment or at the top level of
  Streamlit's ``secrets.toml`` (Streamlit also exports top-level secrets to the environment).
- OIDC: an ``[auth]`` section in ``secrets.toml`` (Streamlit's ``st.login``) and
  ``TITANS_APP_USERS``, the e-mail addresses allowed in (a provider such as Google signs in
  anyone with an account: the list is required).
- Host names: loopback names always; ``TITANS_APP_HOSTS`` (comma-separated) adds names or
  addresses the app is reached by. Any other ``Host`` is refused (DNS rebinding: a web page
  whose name is made to resolve to this machine).

No login configured: the app serves this machine only (a loopback address).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets as random_source
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PASSWORD = "TITANS_APP_PASSWORD"
PASSWORD_HASH = "TITANS_APP_PASSWORD_HASH"
USERS = "TITANS_APP_USERS"
HOSTS = "TITANS_APP_HOSTS"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# scrypt cost: 16 MiB and ~50 ms a guess (RFC 7914's interactive-login figures)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
# the throttle forgets clients that are not waiting once it tracks this many (memory bound)
TRACKED_CLIENTS = 10_000


class AccessError(ValueError):
    """The app's access is configured in a way it cannot be served safely."""


def secrets_files(root: Path) -> list[Path]:
    """Where Streamlit reads ``secrets.toml`` from (its default ``secrets.files``): the user's
    folder, then the project's (the launcher starts Streamlit in the project root)."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path(root) / ".streamlit" / "secrets.toml"]


def read_secrets(root: Path) -> dict[str, Any]:
    """The secrets Streamlit will see, merged as it merges them (later files win per key)."""
    merged: dict[str, Any] = {}
    for path in secrets_files(root):
        if path.is_file():
            try:
                merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise AccessError(f"{path}: not a valid secrets.toml ({exc})") from None
    return merged


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in (text or "").split(",") if part.strip())


@dataclass(frozen=True)
class Access:
    """The login and host names configured for the app."""

    password: str | None
    password_hash: str | None
    oidc: bool
    users: tuple[str, ...]
    hosts: tuple[str, ...]

    @classmethod
    def of(cls, environ: Mapping[str, str], secrets: Mapping[str, Any]) -> Access:
        """From the environment and the secrets (a secret wins over the environment)."""
        def value(name: str) -> str | None:
            found = secrets.get(name, environ.get(name))
            return str(found) if found not in (None, "") else None

        return cls(password=value(PASSWORD), password_hash=value(PASSWORD_HASH),
                   oidc=isinstance(secrets.get("auth"), Mapping) and bool(secrets["auth"]),
                   users=_names(value(USERS)), hosts=_names(value(HOSTS)))

    @property
    def login_required(self) -> bool:
        return bool(self.password or self.password_hash or self.oidc)

    def problems(self, min_password_length: int) -> list[str]:
        """What makes this configuration unsafe to serve (empty: it is fine)."""
        found = []
        if self.password and len(self.password) < min_password_length:
            found.append(f"{PASSWORD} is {len(self.password)} characters long: use at least "
                         f"{min_password_length} (app.login.min_password_length)")
        if self.password_hash:
            try:
                _parse_hash(self.password_hash)
            except AccessError as exc:
                found.append(str(exc))
        if self.hosts and not self.login_required:
            found.append(f"{HOSTS} names hosts beyond this machine but no login is configured: "
                         f"set {PASSWORD} (or {PASSWORD_HASH}, or OIDC)")
        if self.oidc and not self.users:
            found.append(f"[auth] (OIDC) is configured but {USERS} is empty: name the e-mail "
                         "addresses allowed in (a provider signs in anyone with an account)")
        return found

    def check_password(self, given: str) -> bool:
        """Whether ``given`` is the configured password (constant time: the comparison is of
        digests, so neither the length nor a common prefix shows in the time taken)."""
        if not given:
            return False
        if self.password_hash:
            salt, cost, expected = _parse_hash(self.password_hash)
            return hmac.compare_digest(_scrypt(given, salt, *cost), expected)
        if self.password:
            return hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                                       hashlib.sha256(self.password.encode()).digest())
        return False

    def user_allowed(self, email: str | None) -> bool:
        return bool(email) and str(email).strip().lower() in self.users

    def allowed_hosts(self, address: str | None = None) -> list[str]:
        """The host names served: loopback; with a login also the declared ones and
        ``address`` when it is one specific IP (a Host that is an IP literal cannot be rebound
        by DNS)."""
        if not self.login_required:
            return list(LOOPBACK_HOSTS)
        names = [*LOOPBACK_HOSTS, *self.hosts]
        ip = _ip(address)
        if ip is not None and not ip.is_unspecified:
            names.append(str(ip))
        return list(dict.fromkeys(names))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=256 * 1024 * 1024)


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64): what ``TITANS_APP_PASSWORD_HASH`` takes."""
    salt = salt if salt is not None else random_source.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    encode = base64.b64encode
    return (f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}$"
            f"{encode(digest).decode()}")


def _parse_hash(text: str) -> tuple[bytes, tuple[int, int, int], bytes]:
    parts = text.strip().split("$")
    try:
        if len(parts) != 6 or parts[0] != "scrypt":
            raise ValueError
        n, r, p = (int(part) for part in parts[1:4])
        salt, digest = base64.b64decode(parts[4], validate=True), base64.b64decode(
            parts[5], validate=True)
        if not (2 <= n <= 2 ** 20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16
                and len(salt) >= 8 and len(digest) == 32):
            raise ValueError
    except ValueError:
        raise AccessError(f"{PASSWORD_HASH} is not a hash made by `titans-finance "
                          "app-password-hash` (scrypt$N$r$p$salt$hash)") from None
    return salt, (n, r, p), digest


def _ip(address: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((address or "").strip().strip("[]"))
    except ValueError:
        return None


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from this machine only ("" and
    0.0.0.0 / :: listen everywhere; a host name other than localhost may resolve anywhere)."""
    if (address or "").strip().lower() == "localhost":
        return True
    ip = _ip(address)
    return ip is not None and ip.is_loopback


def host_of(header: str | None) -> str | None:
    """The host name of a ``Host`` header (lower case, no port, no trailing dot); None when it
    is not a plain host[:port]."""
    if not header or any(c in header for c in "/?#@\\ \t\r\n"):
        return None
    try:
        parsed = urlsplit(f"//{header}")
        _ = parsed.port  # a port that is not a number in range is refused
    except ValueError:
        return None
    return parsed.hostname.rstrip(".") if parsed.hostname else None


def host_allowed(header: str | None, allowed: list[str]) -> bool:
    """Whether a request with this ``Host`` header is served (exact names; ``*.example.org``
    also takes its subdomains, as Streamlit's ``server.allowedHosts``)."""
    host = host_of(header)
    if host is None:
        return False
    for name in allowed:
        name = name.strip().lower().rstrip(".")
        if host == name or (name.startswith("*.") and host.endswith(name[1:])):
            return True
    return False


def client_key(ip: str | None) -> str:
    """The client a failure is counted against: its IPv4 address, its IPv6 /64 (one host
    has a whole /64 to pick addresses from), or ``loopback``."""
    parsed = _ip(ip)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if parsed is None or parsed.is_loopback:
        return "loopback"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class FailureThrottle:
    """Failed logins per client: after ``max_failures`` in a row the client waits
    ``lockout_seconds``, doubled at each further failure up to ``max_lockout_seconds``;
    a success forgets its failures. Shared by every session of the server (thread-safe)."""

    def __init__(self, max_failures: int, lockout_seconds: float, max_lockout_seconds: float,
                 clock: Callable[[], float] = time.monotonic):
        self.max_failures, self.lockout, self.max_lockout = (max_failures, lockout_seconds,
                                                             max_lockout_seconds)
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[int, float]] = {}  # client: (failures, waits until)

    def wait(self, client: str) -> float:
        """Seconds ``client`` must wait before its next attempt (0: it may try now)."""
        with self._lock:
            _, until = self._clients.get(client, (0, 0.0))
            return max(0.0, until - self._clock())

    def failed(self, client: str) -> None:
        with self._lock:
            now = self._clock()
            failures = self._clients.get(client, (0, 0.0))[0] + 1
            until = now
            if failures >= self.max_failures:
                until = now + min(self.max_lockout,
                                  self.lockout * 2 ** (failures - self.max_failures))
            if client not in self._clients and len(self._clients) >= TRACKED_CLIENTS:
                waiting = [(key, value) for key, value in self._clients.items()
                           if value[1] > now]  # oldest first: a flood forgets its own start
                self._clients = dict(waiting[-TRACKED_CLIENTS // 2:])
            self._clients[client] = (failures, until)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)
