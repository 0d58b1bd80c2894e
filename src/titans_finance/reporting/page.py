"""The report as one self-contained HTML page (plotly.js embedded once: it opens offline)."""

from __future__ import annotations

import datetime as dt
import html

import plotly.graph_objects as go
import plotly.io as pio

from titans_finance.reporting.charts import table_html

STYLE = """body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#212529} section{margin-bottom:2.5em} h1{margin-bottom:.2em} p{color:#495057}
.run p{margin:.3em 0} .run{background:#f8f9fa;border-left:4px solid #457b9d;padding:.6em 1em}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0}
caption{text-align:left;font-weight:600;padding:.4em 0;color:#212529}
th,td{text-align:left;vertical-align:top;padding:.35em .6em;border-bottom:1px solid #dee2e6}
th{background:#e9ecef} tbody tr:nth-child(even){background:#f8f9fa}
.note{color:#212529}"""


def render_page(header: list[str], sections: list[tuple[str, str, list[str], go.Figure]]) -> str:
    """``header``: paragraphs about this run; ``sections``: (title, text, notes, figure).

    Table figures become HTML tables (no clipped rows, selectable text); charts are
    plotly, with plotly.js embedded in the first one only."""
    parts, plotly_embedded = [], False
    for title, text, notes, figure in sections:
        body = table_html(figure)
        if body is None:
            body = pio.to_html(figure, include_plotlyjs=not plotly_embedded, full_html=False,
                               config={"displaylogo": False})
            plotly_embedded = True
        extra = "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)
        parts.append(f"<section><h2>{html.escape(title)}</h2><p>{html.escape(text)}</p>{extra}"
                     f"{body}</section>")
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    about = "".join(f"<p>{html.escape(line)}</p>" for line in header)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>titans-finance report</title>
<style>{STYLE}</style>
</head><body>
<h1>titans-finance report</h1>
<div class="run">{about}<p>Generated {generated}.</p></div>
{''.join(parts)}
</body></html>
"""
