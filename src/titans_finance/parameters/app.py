"""``app`` block: conf/base/parameters_app.yml (the login throttle and the import page's
upload limits; the secrets themselves come from the environment or Streamlit's secrets)."""

from __future__ import annotations

from titans_finance.parameters.base import Count, Section, Settings


class LoginSettings(Section):
    max_failures: Count
    lockout_seconds: Count
    max_lockout_seconds: Count
    min_password_length: Count


class UploadSettings(Section):
    max_megabytes: Count
    max_columns: Count
    max_line_bytes: Count

    @property
    def max_bytes(self) -> int:
        return self.max_megabytes * 1024 * 1024


class AppSettings(Settings):
    block = "app"

    login: LoginSettings
    upload: UploadSettings
