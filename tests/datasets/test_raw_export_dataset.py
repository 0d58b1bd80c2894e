import pandas as pd
import pytest

from titans_finance.core.schema import RAW_COLUMNS, READ_COLUMNS
from titans_finance.datasets.raw_export_dataset import (
    PARSE_ERROR_COLUMN,
    ExportReadError,
    RawExportDataset,
)

HEADER = ",".join(RAW_COLUMNS)


def _load(tmp_path, content: bytes, name="export.csv") -> pd.DataFrame:
    path = tmp_path / name
    path.write_bytes(content)
    return RawExportDataset(str(path)).load()


def test_loads_every_field_as_written(tmp_path):
    frame = _load(tmp_path, (HEADER + "\n2024-01-02,Expense, Fuel ,-1.50,fuel,credit_card,paid,"
                             "Shell,\n").encode())
    assert list(frame.columns) == [*READ_COLUMNS, PARSE_ERROR_COLUMN]
    assert frame.loc[0, "Description"] == " Fuel "  # unchanged: normalisation is not our job
    assert frame.loc[0, "Amount"] == "-1.50"
    assert frame.attrs["source"]["encoding"] == "utf-8"
    assert frame.loc[0, "Source File"] == "export.csv"


def test_bom_latin1_semicolons_and_header_variants(tmp_path):
    text = "date;type;description;amount;category;payment_method;status;merchant;receipt_url\n" \
           "02/01/2024;Expense;Café crème;-3,50;meals_entertainment;cash;paid;Café;\n"
    frame = _load(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert frame.loc[0, "Description"] == "Café crème"
    assert frame.loc[0, "Reference"] == "Café"
    frame = _load(tmp_path, text.encode("latin-1"), "latin.csv")
    assert frame.loc[0, "Description"] == "Café crème"
    assert frame.attrs["source"]["encoding"] in ("cp1252", "latin-1")
    assert frame.attrs["source"]["delimiter"] == ";"


def test_missing_optional_columns_are_added_empty(tmp_path):
    frame = _load(tmp_path, b"Date,Description,Amount,Notes\n2024-01-02,Coffee,-3\n")
    assert frame.loc[0, "Category"] == ""
    assert frame.attrs["source"]["unrecognised_columns"] == ["Notes"]
    assert "Category" not in frame.attrs["source"]["columns"]


def test_ragged_lines_are_kept_and_marked(tmp_path):
    content = (HEADER + "\n2024-01-02,Expense,Fuel,-1.50,fuel,credit_card,paid,Shell,\n"
               "2024-01-03,Expense,Broken,line\n"
               "2024-01-04,Expense,Too,many,fields,a,b,c,d,e,f\n").encode()
    frame = _load(tmp_path, content)
    assert len(frame) == 3
    assert frame[PARSE_ERROR_COLUMN].str.startswith("malformed_line").tolist() == [False, False, True]
    assert frame.loc[1, "Amount"] == "line" and frame.loc[1, "Category"] == ""


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"foo,bar,baz\n1,2,3\n", "no transaction header found"),
    ],
)
def test_unreadable_files_fail_with_one_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ExportReadError) as excinfo:
        RawExportDataset(str(path)).load()
    assert path.name in str(excinfo.value)
    assert str(tmp_path) not in str(excinfo.value)  # no machine path in what users read
    assert message in str(excinfo.value)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ExportReadError, match="nowhere.csv: file not found"):
        RawExportDataset(str(tmp_path / "nowhere.csv")).load()


def test_raw_export_is_read_only(tmp_path):
    with pytest.raises(Exception, match="read-only"):
        RawExportDataset(str(tmp_path / "x.csv")).save(pd.DataFrame())
