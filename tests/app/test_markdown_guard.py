"""Every piece of the user's data the app writes into Markdown goes through `as_text`.

Streamlit renders the text of these calls as Markdown; a new f-string that puts a
description, merchant, account, category, file name or error text into one without
`as_text` would render ``SQ *LINDA'S CATERING`` half in italics again. The check reads
the page script and every page module: each f-string given to such a call (or kept in the session state for
one) may interpolate the user's data only inside ``as_text(...)``.
"""

import ast
from pathlib import Path

import pytest

from titans_finance.app import streamlit_app_path

MARKDOWN_CALLS = {"markdown", "write", "caption", "info", "success", "warning", "error",
                  "metric", "subheader", "header", "title", "toast"}
# keys and names that hold the user's data (rows of the export, the user's input, errors)
USER_KEYS = {"description", "account", "merchant", "category", "predicted_category",
             "anomaly_reasons", "reasons", "msg", "reference", "file"}
USER_NAMES = {"merchant", "name", "exc", "file", "root", "done", "category", "path",
              "description"}


def _user_data(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "as_text":
        return False  # everything under it is escaped
    # a name that holds a container (``category['confidence']``) is judged by its key
    containers = {id(n.value) for n in ast.walk(node)
                  if isinstance(n, ast.Subscript | ast.Attribute)}
    for inner in ast.walk(node):
        if (isinstance(inner, ast.Subscript) and isinstance(inner.slice, ast.Constant)
                and inner.slice.value in USER_KEYS):
            return True
        if isinstance(inner, ast.Name) and inner.id in USER_NAMES and id(inner) not in containers:
            return True
    return False


def _unescaped(tree: ast.AST) -> list[str]:
    escaped = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
               and getattr(node.func, "id", None) == "as_text" for arg in node.args}
    roots = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MARKDOWN_CALLS and node.args):
            roots.append(node.args[0])
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and "session_state" in ast.unparse(t.value)
                for t in node.targets):
            roots.append(node.value)
    found = [f"line {root.lineno}: {ast.unparse(root)}" for root in roots
             if not isinstance(root, ast.JoinedStr) and _user_data(root)]
    for root in roots:
        for text in (n for n in ast.walk(root) if isinstance(n, ast.JoinedStr)):
            if id(text) in escaped:
                continue
            for part in text.values:
                if isinstance(part, ast.FormattedValue) and _user_data(part.value):
                    found.append(f"line {part.lineno}: {{{ast.unparse(part.value)}}}")
    return found


# the page script and every module beside it that draws with Streamlit
PAGE_MODULES = sorted(path for path in Path(streamlit_app_path()).parent.glob("*.py")
                      if "import streamlit as st" in path.read_text())


def test_every_page_module_is_checked():
    names = {path.name for path in PAGE_MODULES}
    assert {"streamlit_app.py", "page_overview.py", "page_import.py"} <= names


@pytest.mark.parametrize("module", PAGE_MODULES, ids=lambda path: path.name)
def test_the_page_script_escapes_every_user_string_in_markdown(module):
    assert _unescaped(ast.parse(module.read_text())) == []


@pytest.mark.parametrize("code, bad", [
    ("st.markdown(f\"**{row['description']}**\")", True),
    ("st.markdown(f\"**{as_text(row['description'])}**\")", False),
    ("st.error(as_text(f\"{name}: {exc}\"))", False),
    ("st.caption(f\"{merchant} has {n} payments\")", True),
    ("st.session_state['m'] = f\"Saved: {fields['description']}\"", True),
    ("st.write(f\"{len(rows):,} rows\")", False),
    ("st.markdown(f\"{category['confidence']:.0%}\")", False),
    ("st.markdown(f\"{category['category']}\")", True),
    ("st.caption(row['anomaly_reasons'])", True),
    ("st.caption(as_text(row['anomaly_reasons']))", False),
])
def test_the_check_itself(code, bad):
    assert bool(_unescaped(ast.parse(code))) is bad
