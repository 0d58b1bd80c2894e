"""The "try a transaction" page: the four trained models' answers for one transaction typed
in, through the service's own request checks (`actions.try_transaction`)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from titans_finance.app import views
from titans_finance.app.outputs import RUN_FIRST, load, money_for, project_of
from titans_finance.app.project import Project
from titans_finance.app.text import as_text


@st.cache_resource(show_spinner="Loading the models...", max_entries=2)
def _models(root: str, stamp: tuple[float, ...]):
    project = project_of(root)
    names = ("category_model", "amount_model", "anomaly_model", "cashflow_model")
    loaded = {name.removesuffix("_model"): project.load(name) for name in names}
    return loaded, project.load("history_state")


def try_page(project: Project) -> None:
    from pydantic import ValidationError

    from titans_finance.app.actions import try_transaction

    st.header("Try a transaction")
    models, history = _models(str(project.root), project.modified(
        ("category_model", "amount_model", "anomaly_model", "cashflow_model", "history_state")))
    missing = [name for name, model in models.items() if model is None]
    if len(missing) == len(models) or history is None:
        st.info(RUN_FIRST.format(what="the trained models"))
        return
    if missing:
        st.info(f"Not trained on this export: {', '.join(missing)} model(s) (the export may be "
                "too short for them; `make run`'s log says why). The others answer below.")
    clean = load(project, "clean_transactions")
    money = money_for(project, clean)
    with st.form("try_form"):
        description = st.text_input("Description (as the bank writes it)", key="try_description")
        left, middle, right = st.columns(3)
        amount = left.number_input("Amount (negative: money out)", value=-25.0, key="try_amount")
        window = views.try_dates(models.get("cashflow"), clean)
        date = middle.date_input(
            "Date", window[0] if window else dt.date.today(), key="try_date",
            help=(f"Only a date from {window[0]} to {window[1]} (the forecast's days: after "
                  "the export's last day) changes the projected balance." if window else None))
        merchant = right.text_input("Merchant / payee (optional)", key="try_merchant")
        submitted = st.form_submit_button("Ask the models", key="try_submit")
    if not submitted:
        return
    try:
        answer = try_transaction(models, history, description, amount, date, merchant)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            st.error(as_text(f"{'.'.join(map(str, error['loc'])) or 'transaction'}: "
                             f"{error['msg']}"))
        return
    if category := answer.get("category"):
        st.subheader("Category")
        top = ", ".join(f"{as_text(c)} {p:.0%}" for c, p in views.top_choices(category["top_k"]))
        verdict = ("unsure: it abstains rather than guess" if category["uncertain"]
                   else f"**{as_text(category['category'])}**")
        st.markdown(f"{verdict} (confidence {category['confidence']:.0%}, from the "
                    f"{category['source']} model); top choices: {top or 'none'}.")
    if amount_answer := answer.get("amount"):
        st.subheader("Amount")
        payee = ("a payee it knows" if amount_answer["known_payee"]
                 else "a payee it has not seen: the range is that of similar payees")
        st.markdown(f"Expected about **{money.format(amount_answer['predicted'], 2)}** "
                    f"(80 % range {money.format(amount_answer['lower'], 2)} to "
                    f"{money.format(amount_answer['upper'], 2)}) for {payee}.")
    if anomaly := answer.get("anomaly"):
        st.subheader("Anomaly")
        st.markdown(f"Score **{anomaly['score']:.2f}** (flagged from "
                    f"{anomaly['threshold']:.2f}): "
                    f"{'**flagged**' if anomaly['flagged'] else 'not flagged'} — "
                    f"{as_text(anomaly['reasons'])}.")
    if cash := answer.get("cashflow"):
        st.subheader("Cash flow")
        change = "" if cash["balance_known"] else " (change since the export's last day)"
        if cash["inside_forecast"]:
            st.markdown(f"With this transaction the projected balance{change} on "
                        f"{cash['end_date']} is **{money.format(cash['balance_with'])}** instead "
                        f"of {money.format(cash['balance_without'])}"
                        + (f"; first day below {money.format(cash['threshold'])}: "
                           f"{cash['first_low_day_with'] or 'none'} (without it: "
                           f"{cash['first_low_day_without'] or 'none'})." if cash["balance_known"]
                           else "."))
        else:
            st.markdown(f"The forecast runs from {cash['first_date']} (the day after the "
                        f"export's last day, {cash['as_of']}) to {cash['end_date']}: a "
                        f"transaction on {date} is outside it, so it does not change the "
                        "projected balance. Pick a date in that range to see its effect.")
