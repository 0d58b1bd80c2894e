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
