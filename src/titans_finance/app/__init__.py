"""The interactive app (Streamlit): explore, review and correct, try a transaction, check the
models and the data, import an export.

`project` reads what the pipelines wrote through the project's own Kedro catalog
(``conf/``); `views` turns those tables into what each page shows (plain pandas, no
Streamlit); `streamlit_app` is the page script (``titans-finance app`` / ``make app``).
"""


def streamlit_app_path() -> str:
    """The page script (what ``streamlit run`` is given)."""
    from pathlib import Path

    return str(Path(__file__).with_name("streamlit_app.py"))
