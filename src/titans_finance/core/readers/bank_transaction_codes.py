"""Words for an ISO 20022 bank transaction code (``BkTxCd/Domn``: domain, family and
sub-family codes), so that a CAMT entry whose remittance text, parties and additional
information are all absent still says what moved the money ("Card payment", "Cash
withdrawal", "Charges", "Interest") instead of nothing. The names follow ISO 20022's
External Code Sets (BankTransactionCode family and sub-family lists, iso20022.org),
shortened to the words a statement reader uses. Plain module."""

from __future__ import annotations

# Sub-family: the most specific words; the same code means the same thing in every
# family it is listed under (``CHRG`` is charges whether in PMNT/RCDT or ACMT/MDOP).
_SUB_FAMILY = {
    "ESCT": "SEPA credit transfer", "DMCT": "domestic credit transfer",
    "XBCT": "cross-border credit transfer", "SALA": "salary payment",
    "STDO": "standing order", "ESDD": "SEPA direct debit", "BBDD": "SEPA B2B direct debit",
    "PMDD": "direct debit", "OODD": "one-off direct debit", "POSD": "card payment",
    "POSC": "credit card payment", "CWDL": "cash withdrawal", "XBCW": "cash withdrawal abroad",
    "CDPT": "cash deposit", "CHRG": "charges", "FEES": "fees", "COMM": "commission",
    "INTR": "interest", "TAXE": "taxes", "RRTN": "returned payment",
    "ARET": "returned payment", "RPCR": "reversal",
}
# Family: what kind of movement, when the sub-family is missing or not one of the above
_FAMILY = {
    "RCDT": "credit transfer received", "ICDT": "credit transfer sent",
    "RRCT": "instant credit transfer received", "IRCT": "instant credit transfer sent",
    "RDDT": "direct debit received", "IDDT": "direct debit",
    "CCRD": "card transaction", "MCRD": "merchant card transaction",
    "CNTR": "counter transaction", "RCHQ": "cheque received", "ICHQ": "cheque issued",
    "MCOP": "credit operation", "MDOP": "debit operation",
}
# Codes that say nothing: "not available", "other"
_SILENT = {"NTAV", "OTHR", ""}


def bank_transaction_words(family: str, sub_family: str) -> str:
    """The words for a family and sub-family code ("" when neither is known)."""
    sub, fam = sub_family.strip().upper(), family.strip().upper()
    if sub not in _SILENT and sub in _SUB_FAMILY:
        return _SUB_FAMILY[sub]
    return _FAMILY.get(fam, "") if fam not in _SILENT else ""
