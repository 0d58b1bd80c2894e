"""BentoML service: the four trained models behind authenticated, validated REST endpoints.

Run from the project root after training (`make run`): ``bentoml serve`` (reads
bentofile.yaml) with ``TITANS_API_KEYS`` set. Models are the ``:latest``
versions in the BentoML model store, saved by the Kedro ``package`` pipeline.
Features of incoming transactions are computed by `titans_finance.core.features`
— the training code — from the history state shipped with the models.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated, Any

import bentoml
import pandas as pd
from bentoml.exceptions import BentoMLException
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from titans_finance.core.features import build_features
from titans_finance.serving.schemas import (
    MAX_BATCH,
    ForecastRequest,
    Transaction,
    finite_or_none,
    transactions_frame,
)
from titans_finance.serving.security import ApiSecurityMiddleware
from titans_finance.serving.store import STORE_NAMES, load

_EXAMPLE = Transaction.model_config["json_schema_extra"]["example"]


class PayloadTooLarge(BentoMLException):
    error_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class TransactionInput(Transaction):
    """One transaction (request body of the single-prediction endpoints)."""


class BatchInput(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE]}})
    transactions: Annotated[list[Transaction], Field(
        min_length=1, description=f"1 to {MAX_BATCH} transactions; more gives 413")]


class ValidateInput(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE, {"description": "", "amount": "abc", "date": "2024-13-45"}]}})
    transactions: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH)]


def _model(name: str) -> bentoml.models.BentoModel:
    return bentoml.models.BentoModel(f"{STORE_NAMES[name]}:latest")


@bentoml.service(name="titans_finance", traffic={"timeout": 60}, workers=1)
class TitansFinance:
    category_ref = _model("category")
    amount_ref = _model("amount")
    anomaly_ref = _model("anomaly")
    cashflow_ref = _model("cashflow")
    history_ref = _model("history")

    def __init__(self) -> None:
        self.models = {name: load(ref.path) for name, ref in (
            ("category", self.category_ref), ("amount", self.amount_ref),
            ("anomaly", self.anomaly_ref), ("cashflow", self.cashflow_ref))}
        self.history = load(self.history_ref.path)
        self.versions = {name: str(ref.tag) for name, ref in (
            ("category", self.category_ref), ("amount", self.amount_ref),
            ("anomaly", self.anomaly_ref), ("cashflow", self.cashflow_ref),
            ("history", self.history_ref))}
        self.model_info = {name: {"name": name, "version": self.versions[name],
                                  "trained_at": ref.info.metadata.get("trained_at"),
                                  "metrics": ref.info.metadata.get("metrics", {}),
                                  "data_hash": ref.info.metadata.get("data_hash")}
                           for name, ref in (("category", self.category_ref),
                                             ("amount", self.amount_ref),
                                             ("anomaly", self.anomaly_ref),
                                             ("cashflow", self.cashflow_ref))}

    # ------------------------------------------------------------------ helpers
    def _predict_all(self, transactions: list[Transaction], which: tuple[str, ...]) -> dict:
        frame = transactions_frame(transactions)
        features = build_features(frame, self.history)
        out: dict[str, pd.DataFrame] = {}
        if "category" in which:
            out["category"] = self.models["category"].predict(frame, features)
        if "amount" in which:
            out["amount"] = self.models["amount"].predict(frame, features)
        if "anomaly" in which:
            out["anomaly"] = self.models["anomaly"].score(frame, features)
        return out

    def _category_item(self, row) -> dict[str, Any]:
        return {"category": row["category"], "confidence": float(row["confidence"]),
                "top_k": row["top_k"], "source": row["source"],
                "model_version": self.versions["category"]}

    def _amount_item(self, row) -> dict[str, Any]:
        return {"predicted_amount": round(float(row["predicted_amount"]), 2),
                "interval": [round(float(row["lower"]), 2), round(float(row["upper"]), 2)],
                "model_version": self.versions["amount"]}

    def _anomaly_item(self, row) -> dict[str, Any]:
        reasons = [r for r in str(row["reasons"]).split("; ") if r]
        return {"score": float(row["score"]), "is_anomaly": bool(row["is_anomaly"]),
                "reasons": reasons, "model_version": self.versions["anomaly"]}

    # ------------------------------------------------------------------ endpoints
    @bentoml.api(route="/predict/category", input_spec=TransactionInput)
    def predict_category(self, **fields: Any) -> dict[str, Any]:
        """Category of one transaction (or `uncertain`), confidence and top-k alternatives."""
        result = self._predict_all([Transaction(**fields)], ("category",))["category"]
        return self._category_item(result.iloc[0])

    @bentoml.api(route="/predict/amount", input_spec=TransactionInput)
    def predict_amount(self, **fields: Any) -> dict[str, Any]:
        """Expected signed amount of a transaction like this one, with an 80 % interval."""
        result = self._predict_all([Transaction(**fields)], ("amount",))["amount"]
        return self._amount_item(result.iloc[0])

    @bentoml.api(route="/predict/anomaly", input_spec=TransactionInput)
    def predict_anomaly(self, **fields: Any) -> dict[str, Any]:
        """Anomaly score in [0, 1], flag and human-readable reasons."""
        result = self._predict_all([Transaction(**fields)], ("anomaly",))["anomaly"]
        return self._anomaly_item(result.iloc[0])

    @bentoml.api(route="/forecast/cashflow", input_spec=ForecastRequest)
    def forecast_cashflow(self, horizon_days: int = 30, opening_balance: float | None = None,
                          low_balance_threshold: float | None = None) -> dict[str, Any]:
        """Daily net cash-flow forecast (point and 80 % interval) and projected balance."""
        table, summary = self.models["cashflow"].predict(horizon_days, opening_balance,
                                                         low_balance_threshold)
        days = [{"date": str(r.date.date()), "point": round(r.point, 2), "lower": round(r.lower, 2),
                 "upper": round(r.upper, 2), "balance": round(r.balance, 2)}
                for r in table.itertuples()]
        return {"days": days, "summary": {k: finite_or_none(v) if isinstance(v, float) else v
                                          for k, v in summary.items()},
                "model_version": self.versions["cashflow"]}

    @bentoml.api(route="/predict/batch", input_spec=BatchInput)
    def predict_batch(self, transactions: list[Transaction]) -> dict[str, Any]:
        """Category, amount and anomaly for up to 10,000 transactions, computed together."""
        if len(transactions) > MAX_BATCH:
            raise PayloadTooLarge(f"transactions: {len(transactions)} items, at most {MAX_BATCH}")
        result = self._predict_all(transactions, ("category", "amount", "anomaly"))
        category, amount, anomaly = result["category"], result["amount"], result["anomaly"]
        return {"results": [
            {"category": self._category_item(category.iloc[i]),
             "amount": self._amount_item(amount.iloc[i]),
             "anomaly": self._anomaly_item(anomaly.iloc[i])} for i in range(len(transactions))]}

    @bentoml.api(route="/validate", input_spec=ValidateInput)
    def validate(self, transactions: list[dict[str, Any]]) -> dict[str, Any]:
        """Schema check only: per-item errors (field and message), no prediction."""
        items = []
        for index, item in enumerate(transactions):
            try:
                Transaction.model_validate(item)
                items.append({"index": index, "valid": True, "errors": []})
            except ValidationError as exc:
                items.append({"index": index, "valid": False, "errors": [
                    {"field": ".".join(str(p) for p in error["loc"]) or "(item)",
                     "message": error["msg"]} for error in exc.errors(include_url=False)]})
        return {"valid": all(i["valid"] for i in items), "items": items}

    @bentoml.api(route="/models")
    def models_info(self) -> dict[str, Any]:
        """Name, version, training time and metrics of each loaded model."""
        return {"models": list(self.model_info.values()),
                "history_version": self.versions["history"],
                "served_since": _STARTED}


_STARTED = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
TitansFinance.add_asgi_middleware(ApiSecurityMiddleware)
