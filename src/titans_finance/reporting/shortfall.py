"""The chance of running short in words: the one sentence the report and the app show for
the forecast's `shortfall` (computed once, by `CashflowModel.shortfall`)."""

from __future__ import annotations

from typing import Any


def percent(probability: float) -> str:
    """A probability as the reader sees it: whole percent; "under 1 %" rather than a
    rounded "0 %" when some simulated path does go short, "over 99 %" rather than 100.
    Decided on the rounded text itself: 0.005 rounds (half to even) to "0", 0.995 to "100"."""
    text = f"{100 * probability:.0f}"
    if probability > 0 and text == "0":
        return "under 1 %"
    if probability < 1 and text == "100":
        return "over 99 %"
    return f"{text} %"


def shortfall_sentence(risk: dict[str, Any] | None, money) -> str:
    """"X % chance of going below <threshold> before <date>" for the longest horizon, the
    shorter horizons' chances, the most likely first day and the scheduled payments due by
    then; or why there is no chance to give (no balance known, an older model)."""
    if not risk:
        return "No chance of running short is computed by this forecast."
    if not risk.get("probability"):
        return str(risk.get("note") or "No chance of running short can be given.")
    threshold = money.format(float(risk["threshold"]))
    horizons = sorted(risk["probability"], key=int)
    longest = horizons[-1]
    text = (f"{percent(risk['probability'][longest])} chance of going below {threshold} before "
            f"{risk['horizon_end'][longest]}")
    if float(risk.get("opening_balance") or 0.0) < float(risk["threshold"]):
        text = f"The balance is already below {threshold} on {risk['as_of']}; " + text
    shorter = [f"{percent(risk['probability'][h])} within {h} days" for h in horizons[:-1]]
    if shorter:
        text += f" ({', '.join(shorter)})"
    if risk.get("first_day"):
        text += f"; most likely first day {risk['first_day']}"
        drivers = risk.get("drivers") or []
        if drivers:
            text += ", after " + ", ".join(
                f"{item['merchant']} {money.format(float(item['amount']))} on {item['date']}"
                for item in drivers)
    return text + "."
