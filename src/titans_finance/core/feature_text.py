"""Text of a transaction for the features: descriptions cleaned, merchant and payee keys
(`normalise_merchant`, `_payee_keys`), keyword flags; strings handled as codes into their
distinct values (`_Coded`), each distinct text processed once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.bounded_memo import BoundedMemo
from titans_finance.core.feature_params import ACCOUNT_SEPARATOR, MISSING_KEY, _chronological_order
from titans_finance.core.merchant_key import (
    merchant_from_reference,
    merchants_from_descriptions,
)

KEYWORDS: dict[str, str] = {
    "kw_subscription": r"subscri|monthly|renewal|plan\b|membership",
    "kw_fuel": r"fuel|gas\b|shell|chevron|exxon|mobil|\bbp\b|texaco",
    "kw_meals": r"lunch|dinner|restaurant|coffee|cafe|meal|starbucks|bottle|bread|grill|pizza",
    "kw_travel": r"hotel|flight|airline|parking|uber|lyft|taxi|travel|marriott|hilton",
    "kw_rent": r"\brent\b|lease|property",
    "kw_insurance": r"insurance|geico|state farm|progressive",
    "kw_fee": r"\bfee|fees\b|charge|dues|bank",
    "kw_software": r"software|license|licence|subscription|cloud|hosting|domain|saas|adobe|microsoft",
    "kw_telecom": r"phone|internet|mobile|comcast|verizon|spectrum|telecom",
    "kw_office": r"office|supplies|paper|printer|staples|depot",
}


_NON_LETTERS = re.compile(r"[^a-z]+")
_SINGLE_LETTER = re.compile(r"\b[a-z]\b")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_BANK_DESCRIPTOR = re.compile(r"\*|#\d|\d{4,}")
_KEYWORD_PATTERNS = {name: re.compile(pattern) for name, pattern in KEYWORDS.items()}


def _clean_one(description: str) -> str:
    text = _SINGLE_LETTER.sub(" ", _NON_LETTERS.sub(" ", description.lower()))
    # letters and single spaces, unless a single letter was removed
    return (_SPACES.sub(" ", text) if "  " in text else text).strip()


def _strings(values: Any) -> np.ndarray:
    """Object array of str; missing values (None, NaN, NA) become ''."""
    array = np.asarray(values, dtype=object)
    out = array.copy()
    missing = pd.isna(array)
    out[missing] = ""
    if not set(map(type, out)) <= {str}:  # (every value a str)
        out = np.array([v if type(v) is str else str(v) for v in out], dtype=object)
    return out


@dataclass(frozen=True)
class _Coded:
    """A column of strings as ``distinct[codes]``.

    String work (regexes, concatenation, hashing for group keys) then runs once per
    distinct value: a million-row export has ~300k distinct descriptions, a few
    hundred references and a handful of accounts, types and categories.
    ``distinct`` may hold a string twice (a missing value and a written ""); keys made
    by `_merged` hold each string once, so equal codes mean equal strings and back.
    """

    codes: np.ndarray  # intp, one per row
    distinct: np.ndarray  # object array of str

    @classmethod
    def of(cls, values: Any, missing: str = "") -> _Coded:
        """``_strings(values)`` as codes and distinct values; a missing value reads as
        ``missing``."""
        if not isinstance(getattr(values, "dtype", None), pd.StringDtype):
            # objects of other types may compare equal (1, 1.0, True) yet print
            # differently: made strings row by row first
            array = np.asarray(values, dtype=object)
            values = _strings(array)
            values[pd.isna(array)] = missing
        codes, uniques = pd.factorize(values)  # missing → -1
        distinct = np.append(_strings(uniques), missing)
        return cls(np.where(codes < 0, len(distinct) - 1, codes), distinct)

    def strings(self) -> np.ndarray:
        return self.distinct[self.codes]

    def take(self, rows: np.ndarray) -> _Coded:
        return _Coded(self.codes[rows], self.distinct)

    def map(self, function) -> _Coded:
        """``function`` of every string (once per distinct value)."""
        return _Coded(self.codes, np.array([function(v) for v in self.distinct], dtype=object))

    def table(self, function, width: int) -> np.ndarray:
        """(rows, width) float array of ``function`` (``width`` numbers per string)."""
        values = np.array([function(v) for v in self.distinct], dtype="float64")
        return values.reshape(len(self.distinct), width)[self.codes]


def _merged(codes: np.ndarray, strings: np.ndarray) -> _Coded:
    """Codes into ``strings`` (which may repeat) as codes into distinct strings."""
    remap, distinct = pd.factorize(strings)
    return _Coded(remap[codes], np.asarray(distinct, dtype=object))


def _joined(left: _Coded, separator: str, right: _Coded) -> _Coded:
    """``left + separator + right`` per row, built once per distinct pair."""
    pair = left.codes.astype("int64") * len(right.distinct) + right.codes
    codes, pairs = pd.factorize(pair)
    strings = (left.distinct[pairs // len(right.distinct)] + separator
               + right.distinct[pairs % len(right.distinct)])
    return _merged(codes, strings)


def _per_unique(values: np.ndarray, function, width: int | None = None) -> np.ndarray:
    """``function`` once per distinct value (exports repeat descriptions a lot), spread back
    to every row: an object array, or with ``width`` numbers per value an (n, width) array."""
    codes, uniques = pd.factorize(values)
    results = [function(v) for v in uniques]
    if width is None:
        return np.array(results, dtype=object)[codes]
    return np.array(results, dtype="float64").reshape(len(uniques), width)[codes]


def _merchant_keys(description: _Coded, reference: _Coded) -> _Coded:
    """The merchant key of each row (see `normalise_merchant`)."""
    return _named_and_described(description, reference)[0]


def _named_and_described(description: _Coded, reference: _Coded
                         ) -> tuple[_Coded, _Coded, np.ndarray]:
    """Each row's merchant key (the reference's, else the description's), its
    description's key, and whether the reference named the payee."""
    # (the features and the history state of one table both need the merchant of each of
    # its distinct descriptions: `merchant_from_description` caches them)
    from_reference = reference.map(merchant_from_reference).distinct
    from_description = np.array(merchants_from_descriptions(description.distinct.tolist()),
                                dtype=object)
    from_description[from_description == ""] = MISSING_KEY
    use_reference = (from_reference != "")[reference.codes]
    # one code space for both: description keys, then reference keys
    codes = np.where(use_reference, len(from_description) + reference.codes, description.codes)
    return (_merged(codes, np.concatenate([from_description, from_reference])),
            _Coded(description.codes, from_description), use_reference)


def _payee_keys(description: _Coded, reference: _Coded, account: _Coded, day: np.ndarray,
                source_row: np.ndarray, payees: pd.Series, learn: bool = True
                ) -> tuple[_Coded, pd.Series]:
    """Each row's payee key and the account's description → payee table after the rows.

    A row whose reference names its payee is keyed by it; a row without one is keyed by
    the payee that the latest earlier row of its account with the same description key
    named (an earlier input row's, else the history's ``payees``), else by its
    description. So "Office Rent" sent without a merchant is the same payee as the
    history's "Office Rent" rows that named "Property Management", in training (an export
    row with an empty reference) and in the service (a request without ``merchant``)
    alike; no row is keyed by a later one. ``payees``: index
    ``account<ACCOUNT_SEPARATOR>description key``, payee keys; ``learn`` False: input rows
    teach nothing (each scored as if alone after the history)."""
    named, described, use_reference = _named_and_described(description, reference)
    teaching = use_reference & (described.distinct != MISSING_KEY)[described.codes] & learn
    if not teaching.any() and (use_reference.all() or not len(payees)):
        return named, payees
    group = _joined(account, ACCOUNT_SEPARATOR, described)
    # the history's payee of each group, then (in time order) the input's own
    alias = payees.reindex(group.distinct).to_numpy(dtype=object)
    found = pd.notna(alias)
    strings = np.concatenate([named.distinct, np.where(found, alias, "").astype(object)])
    taught = np.where(found, len(named.distinct) + np.arange(len(group.distinct)), -1)
    order = _chronological_order(day, source_row) if teaching.any() else None
    if order is None:  # no input row teaches (the service's rows): the history's alone
        earlier = taught[group.codes].astype("float64")
    else:
        teacher = pd.Series(np.where(teaching, named.codes, np.nan)[order])
        latest = teacher.groupby(group.codes[order], sort=False).ffill().to_numpy()
        earlier = np.empty(len(order))
        earlier[order] = latest
        earlier = np.where(np.isnan(earlier), taught[group.codes], earlier)
    aliased = ~use_reference & (earlier >= 0)
    if aliased.any():
        named = _merged(np.where(aliased, earlier.astype("int64"), named.codes), strings)
    if teaching.any():
        rows = order[teaching[order]]
        last = pd.Series(named.codes[rows]).groupby(group.codes[rows], sort=False).last()
        learned = pd.Series(named.distinct[last.to_numpy()],
                            index=group.distinct[last.index.to_numpy()], dtype=object)
        payees = pd.concat([payees, learned]) if len(payees) else learned
        payees = payees[~payees.index.duplicated(keep="last")]
    return named, payees


def _empty_payees() -> pd.Series:
    return pd.Series(dtype=object, index=pd.Index([], dtype="str", name="key"))


def clean_text(description: pd.Series) -> pd.Series:
    """Lowercase letters-only tokens: ``SQ *BLUE BOTTLE 0412`` → ``sq blue bottle``."""
    return pd.Series(_Coded.of(description).map(_clean_one).strings(),
                     index=description.index, dtype="str")


def normalise_merchant(description: pd.Series, reference: pd.Series) -> pd.Series:
    """Merchant key: the reference when given, else the name in the description
    (`core.merchant_key`): ``AMZN Mktp US*2K4TR`` → ``amzn mktp``; ``SHELL OIL 57444
    HOUSTON TX`` → ``shell oil``; ``SQ *BLUE BOTTLE 0412`` → ``blue bottle``;
    ``99 RANCH #1769`` → ``99 ranch``.
    """
    return pd.Series(_merchant_keys(_Coded.of(description), _Coded.of(reference)).strings(),
                     index=description.index, dtype="str")


def _description_features(description: _Coded) -> np.ndarray:
    """length, tokens, has digits, bank descriptor (one row per description)."""
    memo = _DESCRIPTION_TEXT_MEMO
    if memo is None:
        return description.table(_described, 4)
    values = memo.get_all(["d" + text for text in description.distinct.tolist()],
                          lambda key: _described(key[1:]))
    return np.array(values, dtype="float64").reshape(len(description.distinct), 4)[
        description.codes]


def _described(text: str) -> np.ndarray:
    return np.array([len(text), len(_TOKEN.findall(text)), _DIGIT.search(text) is not None,
                     _BANK_DESCRIPTOR.search(text) is not None], dtype="float64")


def _cleaned(description: _Coded) -> _Coded:
    """`_clean_one` of each distinct description (remembered in the service)."""
    memo = _DESCRIPTION_TEXT_MEMO
    if memo is None:
        return description.map(_clean_one)
    values = memo.get_all(["c" + text for text in description.distinct.tolist()],
                          lambda key: _clean_one(key[1:]))
    return _Coded(description.codes, np.array(values, dtype=object))


# The service's memo of what a description's own text gives (its cleaned text under
# "c" + description, its length, tokens, digits and descriptor marks under "d" +
# description), as the keyword flags below: its requests repeat their descriptions (~1 ms
# of a 1,000-row batch's ~340 texts); a pipeline keeps none. One memo, bounded like the
# service's other memos of request text (`bound_description_text_memo`).
_DESCRIPTION_TEXT_MEMO: BoundedMemo | None = None


def bound_description_text_memo(max_bytes: int) -> None:
    """Keep what the text of at most ``max_bytes`` of descriptions gives from now on."""
    global _DESCRIPTION_TEXT_MEMO
    _DESCRIPTION_TEXT_MEMO = _resized(_DESCRIPTION_TEXT_MEMO, max_bytes)


def _resized(memo: BoundedMemo | None, max_bytes: int) -> BoundedMemo:
    """``memo`` with a cap of ``max_bytes`` (a new memo when there is none yet)."""
    if memo is None:
        return BoundedMemo(max_bytes)
    memo.resize(max_bytes)
    return memo


# The keyword flags of the texts seen, kept in the service only: its requests repeat their
# descriptions, and the ten searches of one text cost ~20 µs (~8 ms of a 1,000-row batch's
# ~340 texts); a pipeline searches each text of an export once anyway and keeps none. The
# service bounds it as its other memos of request text (`bound_keyword_memo`, called by
# `serving.served_models.bound_text_memos`: ``TITANS_TEXT_MEMO_BYTES``).
_KEYWORD_MEMO: BoundedMemo | None = None


def bound_keyword_memo(max_bytes: int) -> None:
    """Keep the keyword flags of at most ``max_bytes`` of texts from now on."""
    global _KEYWORD_MEMO
    _KEYWORD_MEMO = _resized(_KEYWORD_MEMO, max_bytes)


def _flags_of(text: str) -> tuple[bool, ...]:
    return tuple(p.search(text) is not None for p in _KEYWORD_PATTERNS.values())


def _keyword_flags(searchable: np.ndarray) -> np.ndarray:
    memo = _KEYWORD_MEMO
    if memo is None:
        return _per_unique(searchable, _flags_of, len(_KEYWORD_PATTERNS))
    codes, uniques = pd.factorize(searchable)
    values = memo.get_all(np.asarray(uniques, dtype=object).tolist(), _flags_of)
    return np.array(values, dtype="float64").reshape(len(uniques), len(_KEYWORD_PATTERNS))[
        codes]


# --------------------------------------------------------------------------- state

# the running sums a history keeps per (account, merchant) and per (account, category)
