from kedro.pipeline import Node, Pipeline

from titans_finance.tracking import mlflow_logging_nodes

from .nodes import (
    backtest_cashflow,
    fit_cashflow_model,
    forecast_cashflow,
    forecast_cashflow_by_account,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(backtest_cashflow, ["clean_transactions", "params:cashflow"],
                 ["cashflow_backtest_metrics", "cashflow_backtest"], name="backtest_cashflow"),
            Node(fit_cashflow_model, ["clean_transactions", "cashflow_backtest",
                                      "cashflow_backtest_metrics", "params:cashflow"],
                 "cashflow_model", name="fit_cashflow_model"),
            Node(forecast_cashflow, ["cashflow_model", "cashflow_backtest_metrics",
                                     "params:cashflow"], ["cashflow_forecast", "metrics_cashflow"],
                 name="forecast_cashflow"),
            Node(forecast_cashflow_by_account, ["clean_transactions", "params:cashflow",
                                                "params:scale"],
                 ["cashflow_forecast_accounts", "cashflow_accounts"],
                 name="forecast_cashflow_by_account"),
            *mlflow_logging_nodes("cashflow"),
        ]
    )
