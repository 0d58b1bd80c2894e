"""User strings in the app's markdown render as written."""

import pytest

from titans_finance.app.text import as_text

markdown_it = pytest.importorskip("markdown_it")


def _rendered(markdown: str) -> str:
    """The HTML CommonMark makes of ``markdown`` (Streamlit's renderer follows CommonMark)."""
    return markdown_it.MarkdownIt("commonmark").renderInline(markdown)


@pytest.mark.parametrize("text", [
    "SQ *LINDA'S CATERING", "AMZN Mktp US*2K4TR 1*2", "_under_ and __bold__", "**x**",
    "[click](http://example.com)", "`code`", "# not a heading", "1. not a list",
    "a \\ backslash", "<b>html</b>", "x | y", "~~gone~~", "$5 and $6", "&amp;",
])
def test_a_user_string_renders_as_written(text):
    html = _rendered(f"**{as_text('Payee')}** {as_text(text)}")
    plain = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
             .replace('"', "&quot;"))
    assert html == f"<strong>Payee</strong> {plain}"


def test_streamlit_extras_are_escaped_too():
    # not CommonMark, but Streamlit's: $…$ is LaTeX, :name: a shortcode or colour
    assert as_text("$5 :red[x]") == "\\$5 \\:red\\[x\\]"


def test_missing_and_multiline_values():
    assert as_text(None) == ""
    assert as_text("two\n\nlines") == "two lines"
    assert as_text(12.5) == "12\\.5"
