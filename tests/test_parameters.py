"""Typed parameters (titans_finance/parameters, titans_finance/hooks.py): the shipped YAML is
the one source; an unknown key, a missing key or a wrong type stops a run before any node,
with the key and its file."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from kedro.config import OmegaConfigLoader

from tests.parameters import PROJECT_ROOT, parameters, settings, shipped_parameters
from titans_finance.hooks import ParameterValidationHook, check_parameters
from titans_finance.parameters import SETTINGS, ParameterError


def _project(tmp_path: Path, edit: dict[str, str] | None = None) -> Path:
    """A copy of the project's conf/ with ``edit`` (file name → text appended to it)."""
    shutil.copytree(PROJECT_ROOT / "conf", tmp_path / "conf")
    for name, text in (edit or {}).items():
        path = tmp_path / "conf" / "base" / name
        path.write_text(path.read_text() + text)
    return tmp_path / "conf"


def _loaded(conf: Path, env: str = "local", runtime: dict | None = None) -> dict:
    return OmegaConfigLoader(conf_source=str(conf), base_env="base", default_run_env=env,
                             runtime_params=runtime or {})["parameters"]


@pytest.mark.parametrize("env", ["local", "dask"])
def test_every_shipped_block_parses(env):
    parsed = check_parameters(shipped_parameters(env), PROJECT_ROOT / "conf", ["base", env])
    assert set(parsed) == set(SETTINGS)
    assert parsed["scale"].engine == ("dask" if env == "dask" else "pandas")


def test_every_settings_field_is_in_the_yaml_no_code_default():
    for block, cls in SETTINGS.items():
        assert [name for name, field in cls.model_fields.items() if not field.is_required()] \
            == [], block


def test_an_unknown_key_stops_with_its_name_and_file(tmp_path):
    conf = _project(tmp_path, {"parameters_cashflow.yml": "  seed: 42\n"})
    with pytest.raises(ParameterError) as error:
        check_parameters(_loaded(conf), conf, ["base", "local"])
    assert str(error.value).startswith(
        "unknown parameter 'cashflow.seed' in conf/base/parameters_cashflow.yml; known: "
        "horizon_days, ")


def test_a_nested_unknown_key_lists_the_keys_of_its_section(tmp_path):
    conf = _project(tmp_path)
    params = _loaded(conf)
    params["amount"]["lightgbm"]["num_leaf"] = 31
    with pytest.raises(ParameterError, match=r"unknown parameter 'amount.lightgbm.num_leaf' in "
                                             r"conf/base/parameters_amount.yml; known: "
                                             r"n_estimators, learning_rate, num_leaves"):
        check_parameters(params, conf, ["base", "local"])


@pytest.mark.parametrize("key, value, message", [
    ("max_train_rows", "many", "parameter 'amount.max_train_rows' = 'many' in the test's "
                               "overrides of parameters_amount.yml: Input should be a valid "
                               "integer"),
    ("max_train_rows", "100", "= '100'.*valid integer"),   # a string is not a number
    ("max_train_rows", True, "= True.*valid integer"),     # nor is a flag a count
    ("max_train_rows", 1.5, "= 1.5.*valid integer"),
    ("max_train_rows", 0, "= 0.*greater than or equal to 1"),
    ("selection_tolerance", 1.0, "'amount.selection_tolerance' = 1.0.*less than 1"),
    ("candidates", ["prior", "forest"], r"'amount.candidates.1' = 'forest'"),
    ("prior_recent_days", "all", "'amount.prior_recent_days' = 'all'"),
])
def test_a_wrong_type_or_value_is_named_with_the_value(key, value, message):
    with pytest.raises(ParameterError, match=message):
        settings("amount", **{key: value})


@pytest.mark.parametrize("key, value", [
    ("selection_tolerance", 0.0), ("selection_tolerance", 0.999), ("max_train_rows", 1),
    ("prior_recent_days", None), ("seed", 0)])
def test_values_at_the_edge_of_their_range_are_accepted(key, value):
    assert getattr(settings("amount", **{key: value}), key) == value


def test_a_missing_key_is_named_not_defaulted():
    block = parameters("category")
    del block["personal_min_labels"]
    with pytest.raises(ParameterError, match="missing parameter 'category.personal_min_labels' "
                                             "in conf/base/parameters_category.yml"):
        SETTINGS["category"].of(block)


def test_an_unknown_block_is_named_and_runtime_values_are_allowed(tmp_path):
    conf = _project(tmp_path, {"parameters_amount.yml": "cashflo:\n  horizon_days: 30\n"})
    params = _loaded(conf, runtime={"raw_path": "/tmp/export.csv"})
    with pytest.raises(ParameterError) as error:
        check_parameters(params, conf, ["base", "local"], {"raw_path": "/tmp/export.csv"})
    (line,) = str(error.value).splitlines()
    assert line.startswith("unknown parameter block 'cashflo' in "
                           "conf/base/parameters_amount.yml; known: amount, anomaly")
    assert "raw_path" in line  # named as an allowed run-time value, not refused


def test_a_bad_value_given_with_params_names_the_run_params(tmp_path):
    conf = _project(tmp_path)
    runtime = {"anomaly": {"contamination": "high"}}
    with pytest.raises(ParameterError, match=r"'anomaly.contamination' = 'high' in the run's "
                                             r"--params \(over conf/base/parameters_anomaly"):
        check_parameters(_loaded(conf, runtime=runtime), conf, ["base", "local"], runtime)


def test_the_hook_stops_a_run_when_the_context_is_created(tmp_path):
    """What `kedro run` does first (titans_finance/settings.py registers the hook): the
    context's parameters checked before any node runs."""
    from titans_finance import settings as project_settings

    assert any(isinstance(hook, ParameterValidationHook) for hook in project_settings.HOOKS)
    conf = _project(tmp_path, {"parameters_ingestion.yml": "  max_future_dayz: 3\n"})
    loader = OmegaConfigLoader(conf_source=str(conf), base_env="base", default_run_env="local")
    context = SimpleNamespace(config_loader=loader, env=None, params=loader["parameters"],
                              _runtime_params={})
    with pytest.raises(ParameterError, match="unknown parameter 'ingestion.max_future_dayz' in "
                                             "conf/base/parameters_ingestion.yml"):
        ParameterValidationHook().after_context_created(context)
    good = _project(tmp_path / "good")
    loader = OmegaConfigLoader(conf_source=str(good), base_env="base", default_run_env="local")
    ParameterValidationHook().after_context_created(SimpleNamespace(
        config_loader=loader, env=None, params=loader["parameters"], _runtime_params={}))


def test_the_domain_defaults_are_the_shipped_values():
    """core/ keeps library defaults for use without Kedro (features of one request, a
    one-process run): they must be the YAML's, or a caller without parameters computes
    something else than the pipeline."""
    from titans_finance.core.drift import DriftThresholds
    from titans_finance.core.feature_params import FeatureParams
    from titans_finance.core.scale import ScaleParams

    assert FeatureParams() == settings("features").feature_params()
    assert ScaleParams() == settings("scale").scale_params()
    assert dataclasses.asdict(DriftThresholds()) == parameters("monitoring")["thresholds"]


@pytest.mark.parametrize("model", ["amount", "anomaly", "category"])
def test_a_model_without_its_hyper_parameters_says_which(model):
    import pandas as pd

    from titans_finance.models.amount import AmountModel
    from titans_finance.models.anomaly import AnomalyModel
    from titans_finance.models.category import CategoryModel

    given = {k: v for k, v in parameters(model).items() if k != "seed"}
    built = {"amount": lambda: AmountModel("prior", given), "anomaly": lambda: AnomalyModel(given),
             "category": lambda: CategoryModel("logistic_regression", given)}[model]()
    with pytest.raises(ValueError,
                       match=f"missing hyper-parameter\\(s\\) seed .*parameters_{model}"):
        built.fit(pd.DataFrame(), pd.DataFrame())


def test_the_shipped_yaml_reads_the_same_with_any_yaml_reader():
    """Kedro (OmegaConf) and a plain YAML reader agree on every value (``1.0e9`` is a string
    to PyYAML: written ``1.0e+9``)."""
    for path in sorted((PROJECT_ROOT / "conf" / "base").glob("parameters_*.yml")):
        plain = yaml.safe_load(path.read_text())
        for block, values in plain.items():
            assert values == shipped_parameters()[block], path.name


@pytest.mark.parametrize("value", [1, 0, "true", "yes"])
def test_day_first_takes_auto_or_a_yaml_boolean_only(value):
    with pytest.raises(ParameterError, match="'ingestion.day_first' = "):
        settings("ingestion", day_first=value)


@pytest.mark.parametrize("value", ["2025-02-30", "30/06/2025", 20250630])
def test_a_date_parameter_must_be_an_iso_date(value):
    with pytest.raises(ParameterError, match="'ingestion.reference_date' = "):
        settings("ingestion", reference_date=value)


def test_a_kedro_run_with_an_unknown_key_stops_before_any_node(tmp_path):
    """A real session (`kedro run`'s code path) on a copy of the project: the misspelt
    key is named and no node has written anything."""
    from tests.conftest import make_project

    project = make_project(tmp_path)
    path = project.path("conf/base/parameters_ingestion.yml")
    path.write_text(path.read_text() + "  transfer_window_dayz: 5\n")
    with pytest.raises(ParameterError, match="unknown parameter 'ingestion.transfer_window_dayz' "
                                             "in conf/base/parameters_ingestion.yml"):
        project.run("ingestion")
    assert not project.path("data/03_primary").exists()
    assert not project.path("data/08_reporting").exists()


@pytest.mark.parametrize("lines, right, accepted", [
    (13, 12, True), (13, 13, True), (13, 14, False), (0, 0, True), (-1, 0, False)])
def test_the_corroborated_proof_counts_no_more_right_lines_than_lines(lines, right, accepted):
    proof = {"corroborated_proof": {"lines": lines, "right": right}}
    if accepted:
        got = settings("category", default_model=proof).default_model.corroborated_proof
        assert (got.lines, got.right) == (lines, right)
    else:
        with pytest.raises(ParameterError, match="corroborated_proof"):
            settings("category", default_model=proof)


@pytest.mark.parametrize("lines, right, accepted", [
    (13, 12, True), (13, 13, True), (13, 14, False), (-1, 0, False)])
def test_each_answers_uncorroborated_proof_counts_no_more_right_lines_than_lines(
        lines, right, accepted):
    proof = {"uncorroborated_proof": {"groceries": {"lines": lines, "right": right}}}
    if accepted:
        got = settings("category", default_model=proof).default_model.uncorroborated_proof
        assert (got["groceries"].lines, got["groceries"].right) == (lines, right)
    else:
        with pytest.raises(ParameterError, match="uncorroborated_proof"):
            settings("category", default_model=proof)


@pytest.mark.parametrize("z, accepted", [(0.0, False), (1e-9, True), (1.645, True)])
def test_the_proof_z_is_above_zero(z, accepted):
    if accepted:
        assert settings("category", default_model={"proof_z": z}).default_model.proof_z == z
    else:
        with pytest.raises(ParameterError, match="proof_z"):
            settings("category", default_model={"proof_z": z})
