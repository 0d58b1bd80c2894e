"""Every TITANS_* setting read and checked in one place (serving/settings.py)."""

import pytest

from titans_finance.serving.settings import (
    DEFAULT_CORRECTIONS_PATH,
    DEFAULT_MANIFEST,
    ConfigurationError,
    ServingSettings,
)

KEY = "k" * 32


def test_unset_settings_take_their_documented_defaults():
    settings = ServingSettings.from_env({"TITANS_API_KEYS": KEY})
    assert settings.manifest_path == DEFAULT_MANIFEST
    assert settings.corrections_path == DEFAULT_CORRECTIONS_PATH
    assert dict(settings.history_limits) == {}
    assert settings.security.rate_per_sec == 200.0 and settings.security.api_keys == (KEY,)


def test_every_setting_is_read_from_the_one_snapshot():
    settings = ServingSettings.from_env({
        "TITANS_API_KEYS": KEY, "TITANS_PACKAGED_MODELS": "/srv/manifest.json",
        "TITANS_CORRECTIONS_PATH": "/srv/corrections.csv", "TITANS_HISTORY_MAX_ACCOUNTS": "1",
        "TITANS_RATE_LIMIT_BURST": "7", "PATH": "/usr/bin"})
    assert settings.manifest_path == "/srv/manifest.json"
    assert settings.corrections_path == "/srv/corrections.csv"
    assert dict(settings.history_limits) == {"max_accounts": 1}  # the boundary: 1 is allowed
    assert settings.security.burst == 7


def test_a_misspelt_setting_is_refused_with_its_name_not_ignored():
    with pytest.raises(ConfigurationError, match="unknown setting TITANS_RATE_LIMT_PER_SEC; "
                                                 "the service reads .*TITANS_RATE_LIMIT_PER_SEC"):
        ServingSettings.from_env({"TITANS_API_KEYS": KEY, "TITANS_RATE_LIMT_PER_SEC": "5"})


def test_the_projects_other_variables_are_not_typos():
    ServingSettings.from_env({"TITANS_API_KEYS": KEY, "TITANS_PROJECT_ROOT": "/p",
                              "TITANS_MLFLOW_EXPERIMENT": "x"})


@pytest.mark.parametrize("variable, value, message", [
    ("TITANS_RATE_LIMIT_PER_SEC", "fast", "TITANS_RATE_LIMIT_PER_SEC='fast' is not a number"),
    ("TITANS_RATE_LIMIT_BURST", "2.5", "TITANS_RATE_LIMIT_BURST='2.5' must be a whole number"),
    ("TITANS_HISTORY_WINDOW_DAYS", "0", "TITANS_HISTORY_WINDOW_DAYS must be a whole number of "
                                        "at least 1, got '0'"),
    ("TITANS_CORRECTIONS_PATH", " ", "TITANS_CORRECTIONS_PATH is set but empty"),
    ("TITANS_METRICS_PUBLIC", "maybe", "TITANS_METRICS_PUBLIC='maybe' is not a yes/no value"),
])
def test_a_bad_value_names_the_variable_and_the_value(variable, value, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        ServingSettings.from_env({"TITANS_API_KEYS": KEY, variable: value}).security


def test_the_manifest_path_is_known_without_keys_but_serving_needs_one():
    settings = ServingSettings.from_env({"TITANS_PACKAGED_MODELS": "/srv/m.json"})
    assert settings.manifest_path == "/srv/m.json"  # what `bentoml build` packs
    with pytest.raises(ConfigurationError, match="TITANS_API_KEYS is not set"):
        settings.security


def test_the_text_memo_cap_is_a_whole_number_of_bytes_of_at_least_one():
    from titans_finance.serving.settings import DEFAULT_TEXT_MEMO_BYTES

    assert ServingSettings.from_env({}).text_memo_bytes == DEFAULT_TEXT_MEMO_BYTES == 8 * 2**20
    for raw, expected in (("1", 1), ("1048576", 2**20), ("1e6", 1_000_000)):
        assert ServingSettings.from_env({"TITANS_TEXT_MEMO_BYTES": raw}).text_memo_bytes == expected
    for raw, message in (("0", "positive"), ("-1", "positive"), ("2.5", "whole number"),
                         ("lots", "not a number")):
        with pytest.raises(ConfigurationError, match=f"TITANS_TEXT_MEMO_BYTES.*{message}"):
            ServingSettings.from_env({"TITANS_TEXT_MEMO_BYTES": raw})
