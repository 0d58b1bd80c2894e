import yaml

from tests.conftest import PROJECT_ROOT
from titans_finance.reporting.glossary import feature_meaning, metric_meaning


def test_every_monitored_feature_has_a_meaning_in_plain_words():
    params = yaml.safe_load((PROJECT_ROOT / "conf/base/parameters_monitoring.yml").read_text())
    for name in params["monitoring"]["features"]:
        meaning = feature_meaning(name)
        assert meaning != name.replace("_", " ") and "_" not in meaning, name
    assert feature_meaning("kw_software").startswith("the description mentions software (")


def test_abbreviations_are_spelt_out():
    for metric, words in (("psi", "population stability index"), ("mase", "naive forecast"),
                          ("pr_auc", "ranks truly unusual"), ("holdout_mae", "typical size")):
        assert words in metric_meaning(metric)
