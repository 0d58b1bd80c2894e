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


def _read(tmp_path, content: bytes, name="export.csv", mappings: str | None = None):
    path = tmp_path / name
    path.write_bytes(content)
    files = []
    if mappings is not None:
        (tmp_path / "mappings.yml").write_text(mappings)
        files = [str(tmp_path / "mappings.yml")]
    return RawExportDataset(str(path), mapping_files=files).load()


def test_utf16_as_excel_writes_it_with_and_without_bom(tmp_path):
    text = "Date\tDescription\tAmount\r\n2024-01-02\tCafé\t-3,50\r\n"
    for encoding, content in (("utf-16", text.encode("utf-16")),
                              ("utf-16-le", text.encode("utf-16-le"))):
        frame = _read(tmp_path, content)
        assert frame.loc[0, "Description"] == "Café" and frame.loc[0, "Amount"] == "-3,50"
        assert frame.attrs["source"]["encoding"].startswith("utf-16")
        assert frame.attrs["source"]["delimiter"] == "\t"


def test_preamble_lines_give_account_and_currency_and_are_counted(tmp_path):
    content = ("Kontoinhaber;Max Mustermann\nIBAN;DE89 3704 0044 0532 0130 00\nWährung;EUR\n\n"
               "Buchungstag;Verwendungszweck;Betrag;Soll/Haben\n01.02.2024;Miete;1.200,00;S\n"
               "\n02.02.2024;Gehalt;2.500,00;H\n;Summe;3.700,00;\n").encode("cp1252")
    frame = _read(tmp_path, content)
    info = frame.attrs["source"]
    assert info["preamble_lines"] == 4 and info["header_line"] == 5 and info["blank_lines"] == 1
    assert set(frame["Account"]) == {"DE89370400440532013000"}
    assert set(frame["Currency"]) == {"EUR"}
    assert frame["Debit/Credit"].tolist() == ["S", "H", ""]
    assert frame[PARSE_ERROR_COLUMN].tolist() == ["", "", "summary_line"]


def test_repeated_header_lines_are_marked_not_dropped(tmp_path):
    frame = _read(tmp_path, b"Date,Description,Amount\n2024-01-02,A,-1\n"
                            b"Date,Description,Amount\n2024-01-03,B,-2\n")
    assert frame[PARSE_ERROR_COLUMN].tolist() == ["", "repeated_header", ""]


@pytest.mark.parametrize(
    "header, column, value",
    [("Fecha;Concepto;Importe;Saldo", "Description", "Compra"),          # Spanish
     ("Datum;Naam / Omschrijving;Af Bij;Bedrag (EUR)", "Debit/Credit", "Af"),  # Dutch
     ("Date de l'opération;Libellé;Débit;Crédit", "Money Out", "12,50"),  # French
     ("Buchungstag;Verwendungszweck;Soll;Haben", "Money Out", "12,50"),   # German
     ("Date,Payee,Paid out,Paid in", "Reference", "Compra"),              # English (UK)
     ("Date,Merchant Name,Amount (GBP)", "Currency", "GBP")],
)
def test_headers_in_several_languages(tmp_path, header, column, value):
    names = header.split(";") if ";" in header else header.split(",")
    sep = ";" if ";" in header else ","
    row = {"Fecha": "01/02/2024", "Concepto": "Compra", "Importe": "-12,50", "Saldo": "100,00",
           "Datum": "20240201", "Naam / Omschrijving": "Compra", "Af Bij": "Af",
           "Bedrag (EUR)": "12,50", "Date de l'opération": "01/02/2024", "Libellé": "Compra",
           "Débit": "12,50", "Crédit": "", "Buchungstag": "01.02.2024",
           "Verwendungszweck": "Compra", "Soll": "12,50", "Haben": "", "Date": "01/02/2024",
           "Payee": "Compra", "Paid out": "12.50", "Paid in": "", "Merchant Name": "Compra",
           "Amount (GBP)": "-12.50"}
    content = (header + "\n" + sep.join(row[n] for n in names) + "\n").encode("utf-8")
    frame = _read(tmp_path, content)
    assert frame.loc[0, column] == value
    assert frame.attrs["source"]["unrecognised_columns"] == []


def test_declared_mapping_reads_a_file_detection_cannot(tmp_path):
    content = b"Bank of Example\nwhen;what;how much\n01/02/2024;Rent;900\n"
    # the header is found from the values (a title line, then text over dates and numbers)
    # and its unknown words are no gate: each column's role is read from its values
    frame = _read(tmp_path, content, "odd.csv")
    assert frame.loc[0, "Date"] == "01/02/2024" and frame.loc[0, "Amount"] == "900"
    reading = frame.attrs["source"]["reading"]["columns"]
    assert reading["when"]["role"] == "Date" and reading["how much"]["role"] == "Amount"
    # what the values cannot say (the sign convention, the date order) a mapping declares
    mapping = """
mappings:
  - match: "odd*.csv"
    skip_lines: 1
    columns: {date: when, description: what, amount: "how much"}
    day_first: true
    sign: negate
    account: Example current
    currency: EUR
"""
    frame = _read(tmp_path, content, "odd.csv", mapping)
    assert frame.loc[0, "Date"] == "01/02/2024" and frame.loc[0, "Amount"] == "900"
    assert frame.loc[0, "Account"] == "Example current" and frame.loc[0, "Currency"] == "EUR"
    hints = frame.attrs["source"]["hints"]
    assert hints["day_first"] is True and hints["sign"] == "negate"


@pytest.mark.parametrize(
    "mapping, message",
    [("mappings:\n  - columns: {date: x}\n", "needs `match:`"),
     ("mappings:\n  - match: '*'\n    sign: backwards\n", "sign must be one of"),
     ("mappings:\n  - match: '*'\n    columns: {when: x}\n", "unknown column role 'when'"),
     ("mappings:\n  - match: '*'\n    columns: {date: Nope}\n", "'Nope' for 'Date' not in the file"),
     ("mappings:\n  - match: '*'\n    colums: {}\n", "unknown key(s) colums")],
)
def test_a_wrong_mapping_says_what_and_where(tmp_path, mapping, message):
    with pytest.raises(ExportReadError) as excinfo:
        _read(tmp_path, b"Date,Description,Amount\n2024-01-02,A,-1\n", "x.csv", mapping)
    assert message in str(excinfo.value)


def test_a_folder_a_glob_and_a_list_of_files(tmp_path):
    (tmp_path / "a.csv").write_text("Date,Description,Amount\n2024-01-02,A,-1\n")
    (tmp_path / "b.qif").write_text("!Type:Bank\nD01/03/2024\nPB\nT-2.00\n^\n")
    (tmp_path / "notes.md").write_text("not an export")
    for spec in (str(tmp_path), str(tmp_path / "*.*[fv]"), f"{tmp_path / 'a.csv'};{tmp_path / 'b.qif'}"):
        frame = RawExportDataset(spec, mapping_files=[]).load()
        assert frame["Source File"].tolist() == ["a.csv", "b.qif"]
        files = frame.attrs["source"]["files"]
        assert [f["format"] for f in files] == ["csv", "qif"]
        assert all(str(tmp_path) not in f["path"] for f in files)


def test_a_headerless_file_with_declared_column_names(tmp_path):
    mapping = """
mappings:
  - match: "noheader-*.csv"
    header: false
    column_names: [when, text, value]
    columns: {date: when, description: text, amount: value}
"""
    frame = _read(tmp_path, b"2024-01-02,COFFEE,-3.20\n2024-01-03,RENT,-900\n",
                  "noheader-jan.csv", mapping)
    assert frame["Description"].tolist() == ["COFFEE", "RENT"]
    assert frame["Amount"].tolist() == ["-3.20", "-900"]
