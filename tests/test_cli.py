import subprocess
import sys

import pandas as pd
import pytest

from titans_finance.command_line import main


def test_generate_writes_export_and_truth(tmp_path, capsys):
    output = tmp_path / "raw" / "transactions.csv"
    assert main(["generate", "--rows", "300", "--seed", "5", "--output", str(output)]) == 0
    export = pd.read_csv(output, dtype=str)
    truth = pd.read_csv(tmp_path / "raw" / "transactions_anomalies.csv")
    assert len(export) == 300 and len(truth) == 3
    assert "wrote 300 transactions" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--rows", "0"], "must be at least 1"),
    (["--rows", "ten"], "not an integer"),
    (["--rows", "10", "--anomaly-rate", "0.9"], "outside [0, 0.5]"),
    (["--rows", "10", "--start", "2025-01-01", "--end", "2024-01-01"], "must be before"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path, args, message):
    result = subprocess.run([sys.executable, "-m", "titans_finance.command_line", "generate", *args,
                             "--output", str(tmp_path / "x.csv")], capture_output=True, text=True)
    assert result.returncode == 2
    assert message in result.stderr


def _two_rules(tmp_path):
    from titans_finance.core.correction_rules import append_rule, new_rule, rules_path
    from titans_finance.core.corrections import append_correction

    path = tmp_path / "category_corrections.csv"
    rules = []
    for i, (who, key) in enumerate((("key-a", "jet.com"), ("key-b", "cvs"))):
        record = {"date": "2026-01-02", "description": f"{key.upper()} 100{i}", "amount": -3,
                  "category": "shopping", "submitted_by": who,
                  "submitted_at": f"2026-01-02T10:00:0{i}+00:00"}
        append_correction(path, record)
        rules.append(new_rule(record, key, who))
        append_rule(rules_path(path), rules[-1])
    return path, rules


def test_corrections_revert_undoes_one_rule_by_id_or_everything_of_one_key(tmp_path, capsys):
    from titans_finance.core.correction_rules import read_rules, rules_path

    path, (first, second) = _two_rules(tmp_path)
    assert main(["corrections", "rules", "--path", str(path)]) == 0
    listed = capsys.readouterr().out
    assert first["rule_id"] in listed and second["rule_id"] in listed and "active" in listed
    assert main(["corrections", "revert", "--id", first["rule_id"], "--path", str(path)]) == 0
    assert "removed 1 correction and 1 rule" in capsys.readouterr().out
    assert read_rules(rules_path(path))["rule_id"].tolist() == [second["rule_id"]]
    assert main(["corrections", "revert", "--by", "key-b", "--path", str(path)]) == 0
    assert "removed 1 correction and 1 rule of key-b" in capsys.readouterr().out
    assert read_rules(rules_path(path)).empty and len(pd.read_csv(path)) == 0


@pytest.mark.parametrize("args, status, message", [
    ([], 2, "revert needs --id RULE or --by KEY"),
    (["--id", "rule-x", "--by", "key-a"], 2, "revert needs --id RULE or --by KEY"),
    (["--id", "rule-unknown"], 1, "no rule rule-unknown"),
])
def test_corrections_revert_names_what_is_missing(tmp_path, args, status, message):
    path, _ = _two_rules(tmp_path)
    result = subprocess.run([sys.executable, "-m", "titans_finance.command_line", "corrections",
                             "revert", "--path", str(path), *args], capture_output=True,
                            text=True)
    assert result.returncode == status and message in result.stderr


def test_corrections_approve_lets_a_held_rule_act(tmp_path, capsys):
    from titans_finance.core.correction_rules import (
        ACTIVE,
        append_rule,
        new_rule,
        read_rules,
        rules_path,
    )

    path = tmp_path / "category_corrections.csv"
    record = {"date": "2026-01-02", "description": "JET.COM 1", "amount": -3,
              "category": "shopping", "submitted_by": "key-a",
              "submitted_at": "2026-01-02T10:00:00+00:00"}
    rule = new_rule(record, "jet.com", "key-a", rows=500, max_rows=100)
    append_rule(rules_path(path), rule)
    assert main(["corrections", "approve", "--id", rule["rule_id"], "--path", str(path)]) == 0
    assert "approved" in capsys.readouterr().out
    assert read_rules(rules_path(path))["status"].tolist() == [ACTIVE]
    assert pd.read_csv(path)["description"].tolist() == ["JET.COM 1"]  # now for training
    with pytest.raises(SystemExit) as exit_:
        main(["corrections", "approve", "--id", rule["rule_id"], "--path", str(path)])
    assert exit_.value.code == 1


def test_empty_corrections_and_rules_are_said_as_such(tmp_path, capsys):
    from titans_finance.command_line import main
    from titans_finance.core.corrections import CORRECTION_COLUMNS

    path = tmp_path / "category_corrections.csv"
    path.write_text(",".join(CORRECTION_COLUMNS) + "\n")
    main(["corrections", "list", "--path", str(path)])
    assert capsys.readouterr().out.strip() == "no corrections"
