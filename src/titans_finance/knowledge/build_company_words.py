"""Build ``conf/base/knowledge/company_words.csv``: words that name a company's legal form or
its trade, not what it sells (`models.category.company_words`).

    make knowledge     # downloads the pinned cleanco wheel with pip, then runs:
    .venv/bin/python -m titans_finance.knowledge.build_company_words \\
        --termdata <cleanco/termdata.py> --cleanco-version 2.3 \\
        --trade-words conf/base/knowledge/trade_words.yml \\
        --lexicon conf/base/category_lexicon.yml \\
        --output conf/base/knowledge/company_words.csv

Legal forms: the terms of cleanco (PyPI ``cleanco``, MIT; version in the Makefile's
``CLEANCO_VERSION``), ``termdata.terms_by_type`` and ``terms_by_country``, read as data (the
file is parsed, never run). Kept: single words (a bank line's words are compared one by one;
the parts of "pty ltd", "sdn bhd" are terms of their own) of at least three letters, or
written with a dot ("s.a.", "b.v."): two bare letters ("as", "da", "co", "et") are too often
a word of a language or a code; not a keyword of the lexicon (``category_lexicon.yml``, the
project's own words that say what a spending is: "vat" is a tax there, not a Dutch
partnership). Trade words: ``trade_words.yml`` (the project's: generic
designations of a trade, "trading", "holdings"). Rows ``word,kind,source`` sorted.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pandas as pd
import yaml

LEGAL_FORM_TABLES = ("terms_by_type", "terms_by_country")


def legal_forms(termdata: str, keywords: frozenset[str]) -> list[str]:
    """cleanco's terms in ``termdata`` (the source of ``termdata.py``) that are kept: not
    one of the lexicon's ``keywords``."""
    tables = {}
    for node in ast.parse(termdata).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and getattr(node.targets[0], "id", None) in LEGAL_FORM_TABLES:
            tables[node.targets[0].id] = ast.literal_eval(node.value)
    missing = [name for name in LEGAL_FORM_TABLES if name not in tables]
    if missing:
        raise ValueError(f"cleanco termdata.py has no {missing}: not the file expected")
    terms = {t.strip().lower() for table in tables.values() for group in table.values()
             for t in group}
    return sorted(t for t in terms if t and " " not in t
                  and (sum(c.isalpha() for c in t) >= 3 or "." in t) and t not in keywords)


def lexicon_keywords(raw: object, where: str) -> frozenset[str]:
    """The lexicon's keywords (``keywords: {category: [words or phrases]}``), lower case."""
    keywords = raw.get("keywords") if isinstance(raw, dict) else None
    if not isinstance(keywords, dict):
        raise ValueError(f"{where}: no 'keywords' mapping of category to words")
    return frozenset(str(w).strip().lower() for words in keywords.values() for w in words or [])


def trade_words(raw: object, where: str) -> list[str]:
    """The ``trade_words`` list of ``trade_words.yml``."""
    words = raw.get("trade_words") if isinstance(raw, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"{where}: 'trade_words' must be a list of words")
    return sorted({w.strip().lower() for w in words})


def company_words_table(termdata: str, trades: list[str], keywords: frozenset[str],
                        cleanco_version: str) -> pd.DataFrame:
    rows = {w: ("legal_form", f"cleanco:{cleanco_version}")
            for w in legal_forms(termdata, keywords)}
    for word in trades:
        rows.setdefault(word, ("trade", "titans-finance"))
    return pd.DataFrame([(w, kind, source) for w, (kind, source) in sorted(rows.items())],
                        columns=["word", "kind", "source"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--termdata", required=True, type=Path)
    parser.add_argument("--cleanco-version", required=True)
    parser.add_argument("--trade-words", required=True, type=Path)
    parser.add_argument("--lexicon", required=True, type=Path)
    parser.add_argument("--output", required=True, type=Path)
    args = parser.parse_args(argv)
    trades = trade_words(yaml.safe_load(args.trade_words.read_text(encoding="utf-8")),
                         str(args.trade_words))
    keywords = lexicon_keywords(yaml.safe_load(args.lexicon.read_text(encoding="utf-8")),
                                str(args.lexicon))
    table = company_words_table(args.termdata.read_text(encoding="utf-8"), trades, keywords,
                                args.cleanco_version)
    table.to_csv(args.output, index=False, lineterminator="\n")
    print(f"{args.output}: {len(table)} words")


if __name__ == "__main__":
    main()
