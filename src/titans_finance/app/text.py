"""User data inside the app's markdown, shown as written.

Streamlit renders the text of ``st.markdown``, ``st.write``, ``st.caption``, ``st.info`` and
the like, and the labels of ``st.metric``, as Markdown (plus ``$…$`` LaTeX and ``:name:``
shortcodes): a card descriptor such as ``SQ *LINDA'S CATERING`` next to another ``*`` comes
out half in italics, an account named ``[x](y)`` as a link. Every string that comes from
the user's data (descriptions, merchants, accounts, categories, file names, reasons) goes
through `as_text` before it is put into such a string; tables (``st.dataframe``) show their
cells as written already.
"""

from __future__ import annotations

import re
import string
from typing import Any

# CommonMark lets any ASCII punctuation be escaped with a backslash and shows it literally;
# escaping all of it also covers what Streamlit adds ($ for LaTeX, : for shortcodes,
# ~ for strikethrough) and whatever Markdown extension comes next
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def as_text(value: Any) -> str:
    """``value`` as Markdown that renders as exactly its text (on one line)."""
    text = "" if value is None else str(value)
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))
