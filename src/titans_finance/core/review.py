"""Which transactions to ask the user about first (plain pandas: the service, the app and
the category pipeline call the same function)."""

from __future__ import annotations

import pandas as pd


def review_queue(transactions: pd.DataFrame, merchant_key: pd.Series, predictions: pd.DataFrame,
                 size: int) -> pd.DataFrame:
    """The few transactions whose correction helps most: one per merchant, ranked by the
    merchant's uncertainty (1 − confidence, summed over its transactions): a correction
    becomes a rule for the whole merchant, so a frequent unsure merchant comes first.

    ``predictions``: `CategoryModel.predict` output aligned with ``transactions``; rows a
    rule already decides are not listed.
    """
    frame = pd.DataFrame({
        "transaction_id": transactions["transaction_id"].to_numpy(),
        "date": pd.to_datetime(transactions["date"]).to_numpy(),
        "description": transactions["description"].to_numpy(),
        "amount": transactions["amount"].to_numpy(dtype="float64"),
        "merchant_key": merchant_key.astype("str").to_numpy(),
        "predicted_category": predictions["category"].to_numpy(),
        "confidence": predictions["confidence"].to_numpy(dtype="float64"),
        "source": predictions["source"].to_numpy(),
        # the level answered (category, group, uncertain) and why it is not a category
        "level": (predictions["level"] if "level" in predictions
                  else pd.Series("category", index=predictions.index)).to_numpy(),
        "reason": (predictions["reason"] if "reason" in predictions
                   else pd.Series("", index=predictions.index)).to_numpy()})
    frame = frame[~frame["source"].isin(["rule", "transfer"])]
    columns = ["merchant_key", "transaction_id", "date", "description", "amount",
               "predicted_category", "confidence", "transactions_of_merchant", "score",
               "level", "reason"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["doubt"] = 1.0 - frame["confidence"].clip(0, 1)
    grouped = frame.groupby("merchant_key")
    summary = pd.DataFrame({"transactions_of_merchant": grouped.size(),
                            "score": grouped["doubt"].sum()})
    latest = frame.sort_values("date").groupby("merchant_key").tail(1).set_index("merchant_key")
    queue = latest.join(summary).reset_index().sort_values(
        ["score", "transactions_of_merchant"], ascending=False).head(size)
    return queue[columns].reset_index(drop=True)
