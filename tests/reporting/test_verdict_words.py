"""The words of every scorecard come from the verdict with its noise margin."""

import pytest

from titans_finance.reporting import charts, scorecards


def _card(advantage, error, verdict, model=71.48, baseline=72.02):
    return {"metric": "mae", "lower_is_better": True, "model": model,
            "baselines": {"payee_median": baseline}, "best_baseline": "payee_median",
            "beats_best_baseline": verdict == "beats", "advantage": advantage,
            "advantage_se": error, "verdict": verdict}


@pytest.mark.parametrize("verdict, words", [
    ("beats", "The amount model beats its strongest simple baseline"),
    ("level with", "is level with its strongest simple baseline"),
    ("behind", "is behind its strongest simple baseline"),
])
def test_each_verdict_has_its_sentence_and_cell(verdict, words):
    metrics = {"amount": {"scorecard": _card(0.54, 0.6, verdict)}}
    (finding,) = scorecards.scorecard_findings(metrics)
    assert words in finding
    assert scorecards.model_scorecard(metrics).data[0].cells.values[5][0] == verdict


def test_a_win_inside_the_noise_is_not_called_a_win():
    (finding,) = scorecards.scorecard_findings({"amount": {"scorecard": _card(0.54, 0.6,
                                                                           "level with")}})
    assert "beats" not in finding and "inside the noise" in finding
    assert "difference 0.54, noise margin 1.20" in finding
