"""The service's rolling history per account over HTTP, in-process (`client`: BentoML's ASGI
app with the security middleware).

Each test works in accounts of its own (a fresh name per test): the session's service is
shared, and what one test records must not change another's answers. The training data
ends on 2025-12-31; charges dated after it are recorded in any account.
"""

from __future__ import annotations

import concurrent.futures
import uuid

from tests.serving.conftest import HISTORY_MAX_ACCOUNTS, KeyedClient

CHARGE = {"description": "CORNER BOOKSHOP 0412", "amount": -23.45, "date": "2026-01-05",
          "merchant": "Corner Bookshop", "payment_method": "debit_card"}


def fresh(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def duplicate_reasons(answer: dict) -> list[str]:
    return [r for r in answer["reasons"] if r.startswith("same amount to the same payee")]


def rolling_stats(client: KeyedClient) -> dict:
    return client.get("/models").json()["rolling_history"]


def recorded_so_far(client: httpx.Client) -> int:
    """Transactions recorded since start-up: held plus forgotten. Other tests fill the
    session server's accounts up to its cap, and a new account then forgets the least
    recently used one with its transactions: what is held alone is no count of what
    was recorded."""
    stats = rolling_stats(client)
    return stats["transactions"] + stats["forgotten_transactions"]


def test_a_charge_sent_twice_is_caught_the_second_time_in_its_own_account(client):
    account = fresh("twice")
    recorded = recorded_so_far(client)
    first = client.post("/predict/anomaly", json={**CHARGE, "account": account}).json()
    assert not duplicate_reasons(first)
    second = client.post("/predict/anomaly", json={**CHARGE, "account": account}).json()
    assert duplicate_reasons(second) == ["same amount to the same payee on 2026-01-05"]
    assert second["is_anomaly"] and second["score"] > first["score"]
    # another account has never paid it: its first charge is no duplicate
    other = client.post("/predict/anomaly", json={**CHARGE, "account": fresh("other")}).json()
    assert not duplicate_reasons(other)
    # a dry run is scored against the history and keeps nothing: the same answer each time
    dry = {**CHARGE, "description": "HARBOUR FERRY", "amount": -7.5, "account": account,
           "record": False}
    assert client.post("/predict/anomaly", json=dry).json() == client.post(
        "/predict/anomaly", json=dry).json()
    # category and amount read the history and never record
    client.post("/predict/amount", json={**CHARGE, "account": account, "amount": -99.0})
    assert recorded_so_far(client) == recorded + 3


def test_a_retry_with_the_same_transaction_id_is_answered_as_the_first_time(client):
    account = fresh("retry")
    item = {**CHARGE, "account": account, "transaction_id": "bank-1"}
    first = client.post("/predict/anomaly", json=item).json()
    assert client.post("/predict/anomaly", json=item).json() == first  # a retry, not a charge
    another = client.post("/predict/anomaly", json={**item, "transaction_id": "bank-2"}).json()
    assert duplicate_reasons(another)  # a second charge with its own id is a duplicate
    conflict = client.post("/predict/anomaly", json={**item, "amount": -1.0})
    assert conflict.status_code == 409 and "bank-1" in conflict.json()["message"]
    new_shop = {**CHARGE, "account": account, "description": "NEW SHOP", "merchant": "New Shop",
                "amount": -12.0}
    batch = client.post("/predict/batch", json={"transactions": [new_shop,
                                                                 {**item, "amount": -2.0}]})
    assert batch.status_code == 409 and batch.json()["message"].startswith("transactions.1:")
    # nothing of the refused batch was recorded: NEW SHOP is still new to the account
    assert not duplicate_reasons(client.post("/predict/anomaly", json={
        **new_shop, "record": False}).json())


def test_a_batch_answers_what_its_transactions_sent_one_by_one_answer(client):
    """The same transactions into two new accounts: as one batch, and one request at a
    time in date order (category and amount read, then anomaly records): the same
    category, amount and anomaly answers, the history moving the same way (a batch's rows
    of an account are taken in date order: its late row is scored before the later
    ones)."""
    items = [CHARGE,
             {**CHARGE, "description": "GROCER 22", "amount": -54.1, "merchant": "Grocer"},
             CHARGE,  # the same charge again: a duplicate in both ways of sending
             {**CHARGE, "date": "2026-01-03", "description": "LATE FEE", "amount": -5.0,
              "merchant": None},  # dated before the account's latest day
             {**CHARGE, "date": "2026-01-07", "amount": -640.0},
             {"description": "Monthly Retainer", "amount": 2000.0, "date": "2026-01-08",
              "merchant": "MainClient", "type": "income"},
             {**CHARGE, "date": "2026-01-08", "record": False}]
    in_batch, one_by_one = fresh("batch"), fresh("single")
    batch = client.post("/predict/batch", json={"transactions": [
        {**item, "account": in_batch} for item in items]}).json()["results"]
    for item, result in sorted(zip(items, batch, strict=True),
                               key=lambda pair: pair[0]["date"]):
        single = {**item, "account": one_by_one}
        assert result["category"] == client.post("/predict/category", json=single).json()
        assert result["amount"] == client.post("/predict/amount", json=single).json()
        assert result["anomaly"] == client.post("/predict/anomaly", json=single).json()
    assert duplicate_reasons(batch[2]["anomaly"]) and not duplicate_reasons(batch[0]["anomaly"])


def test_concurrent_requests_into_one_account_are_all_recorded(client):
    """Single requests (micro-batched) and a batch at the same time, into one account: each
    charge is recorded once (every one is then a duplicate when sent again)."""
    account = fresh("concurrent")
    singles = [{**CHARGE, "account": account, "description": f"SHOP {i}", "amount": -10.0 - i}
               for i in range(24)]
    batch = [{**CHARGE, "account": account, "description": f"STORE {i}", "amount": -3.0 - i}
             for i in range(10)]
    recorded = recorded_so_far(client)

    def send(item):
        if item is None:
            return client.post("/predict/batch", json={"transactions": batch}).status_code
        return client.post("/predict/anomaly", json=item).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, [*singles[:12], None, *singles[12:]]))
    assert statuses == [200] * 25
    assert recorded_so_far(client) == recorded + 34
    again = client.post("/predict/batch", json={"transactions": [
        {**item, "record": False} for item in singles + batch]}).json()["results"]
    assert all(duplicate_reasons(r["anomaly"]) for r in again)


def test_a_flood_of_account_ids_keeps_at_most_the_configured_accounts(client):
    before = rolling_stats(client)
    assert before["limits"]["max_accounts"] == HISTORY_MAX_ACCOUNTS
    first = fresh("flooded")
    client.post("/predict/anomaly", json={**CHARGE, "account": first})
    flood = [{**CHARGE, "account": fresh("random")} for _ in range(HISTORY_MAX_ACCOUNTS + 20)]
    assert client.post("/predict/batch", json={"transactions": flood}).status_code == 200
    after = rolling_stats(client)
    assert after["accounts"] <= HISTORY_MAX_ACCOUNTS
    assert after["forgotten_accounts"] >= before["forgotten_accounts"] + 21
    # the least recently used account was forgotten: its charge is no longer remembered
    again = client.post("/predict/anomaly", json={**CHARGE, "account": first}).json()
    assert not duplicate_reasons(again)


def test_a_reload_keeps_what_the_new_training_data_does_not_cover(client, admin):
    account = fresh("reload")
    client.post("/predict/anomaly", json={**CHARGE, "account": account})
    # dated inside the training period (ends 2025-12-31), in the default account: taken to
    # be in the new training data, so not carried over
    inside = {**CHARGE, "date": "2025-12-30", "description": "RELOAD TEST SHOP"}
    client.post("/predict/anomaly", json=inside)
    assert duplicate_reasons(client.post("/predict/anomaly",
                                         json={**inside, "record": False}).json())
    body = admin.post("/models/reload").json()
    assert body["reloaded"] and body["rolling_history_carried"] >= 1
    assert duplicate_reasons(client.post("/predict/anomaly", json={
        **CHARGE, "account": account, "record": False}).json())
    assert not duplicate_reasons(client.post("/predict/anomaly",
                                             json={**inside, "record": False}).json())



def test_the_docs_duplicate_example_is_caught_the_second_time(client):
    """docs/serving.md's rolling-history example, in an account of its own."""
    import json
    import re

    from tests.conftest import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs" / "serving.md").read_text()
    example = json.loads(re.search(r"^DUP='(.*)'$", text, flags=re.M).group(1))
    example["account"] = fresh("docs")
    first = client.post("/predict/anomaly", json=example).json()
    second = client.post("/predict/anomaly", json=example).json()
    assert not duplicate_reasons(first) and second["is_anomaly"]
    assert duplicate_reasons(second) == [f"same amount to the same payee on {example['date']}"]
