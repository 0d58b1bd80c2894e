"""`titans-finance generate --accounts N`: accounts with their own flows and transfers."""

import numpy as np
import pandas as pd
import pytest

from titans_finance.synthetic.accounts import (
    CARD_PAYMENT,
    CARD_PAYMENT_IN,
    generate_accounts,
)


@pytest.fixture(scope="module")
def export():
    return generate_accounts(accounts=5, rows=2000, seed=11)


def test_deterministic_per_seed_and_sized_as_asked(export):
    frame, truth = export
    again, again_truth = generate_accounts(accounts=5, rows=2000, seed=11)
    pd.testing.assert_frame_equal(frame, again)
    pd.testing.assert_frame_equal(truth, again_truth)
    assert not frame.equals(generate_accounts(accounts=5, rows=2000, seed=12)[0])
    assert len(frame) == 2000
    assert frame["Account"].value_counts().to_dict() == {
        a: 400 for a in ["U000001-CHK", "U000001-CARD", "U000002-CHK", "U000002-CARD",
                         "U000003-CHK"]}


def test_the_balance_column_runs_per_account(export):
    frame, _ = export
    amount, balance = frame["Amount"].astype(float), frame["Balance"].astype(float)
    for _, rows in frame.groupby("Account"):
        steps = balance[rows.index].diff().iloc[1:]
        np.testing.assert_allclose(steps, amount[rows.index].iloc[1:], atol=0.011)
        assert pd.to_datetime(rows["Date"]).is_monotonic_increasing


def test_card_payments_are_transfers_between_the_user_s_own_accounts(export):
    frame, _ = export
    out = frame[frame["Description"] == CARD_PAYMENT]
    into = frame[frame["Description"] == CARD_PAYMENT_IN]
    assert set(out["Account"]) == {"U000001-CHK", "U000002-CHK"}  # user 3 has no card
    assert set(into["Account"]) == {"U000001-CARD", "U000002-CARD"}
    pairs = out.assign(user=out["Account"].str[:7]).merge(
        into.assign(user=into["Account"].str[:7]), on=["user", "Date"], suffixes=("_out", "_in"))
    assert len(pairs) == len(out) == len(into)
    np.testing.assert_array_equal(pairs["Amount_out"].astype(float),
                                  -pairs["Amount_in"].astype(float))


def test_each_account_has_its_own_income_and_levels(export):
    frame, truth = export
    salaries = frame[(frame["Type"] == "Income") & frame["Account"].str.endswith("-CHK")
                     & (frame["Description"] != CARD_PAYMENT_IN)]
    per_account = salaries.groupby("Account")["Amount"].agg(lambda a: a.astype(float).median())
    assert per_account.nunique() == 3  # three users, three salaries
    assert not frame.loc[frame["Account"].str.endswith("-CARD"), "Description"].isin(
        salaries["Description"]).any()  # no salary on a card
    assert len(truth) and (truth["anomaly_type"] == "spike_known_payee").all()
    rows = frame.iloc[truth["row_number"].to_numpy() - 1]
    assert (rows["Account"].to_numpy() == truth["Account"].to_numpy()).all()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="rows .* at least the number of accounts"):
        generate_accounts(accounts=10, rows=5, seed=1)
    with pytest.raises(ValueError, match="accounts must be at least 1"):
        generate_accounts(accounts=0, rows=5, seed=1)


def test_written_in_chunks_of_whole_users_deterministically(tmp_path, monkeypatch):
    from titans_finance.synthetic import accounts as generator_accounts
    from titans_finance.command_line import main

    monkeypatch.setattr(generator_accounts, "CHUNK_ROWS", 300)  # 3 chunks of 2 accounts
    paths = []
    for name in ("a.csv", "b.csv"):
        main(["generate", "--accounts", "5", "--rows", "1000", "--seed", "3",
              "--output", str(tmp_path / name)])
        paths.append(tmp_path / name)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    frame = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    truth = pd.read_csv(tmp_path / "a_anomalies.csv", dtype=str, keep_default_na=False)
    assert len(frame) == 1000 and frame["Account"].value_counts().eq(200).all()
    assert frame["Account"].nunique() == 5 and frame.columns[-2:].tolist() == ["Account",
                                                                               "Balance"]
    rows = frame.iloc[truth["row_number"].astype(int) - 1]
    assert (rows[["Date", "Amount", "Account"]].to_numpy()
            == truth[["Date", "Amount", "Account"]].to_numpy()).all()
    # a user's card payment stays within its chunk: every CHK payment has its CARD twin
    out = frame[frame["Description"] == generator_accounts.CARD_PAYMENT]
    assert set(out["Account"].str[:7] + "-CARD") <= set(frame["Account"])
