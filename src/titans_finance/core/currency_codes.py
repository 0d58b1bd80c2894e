"""What a currency written in a column of its own looks like: an ISO 4217 code, a symbol,
or the name of the currency.

A column holds currencies when its values are these (`readers.column_evidence`), whatever
its header says: ``Valuta`` is the currency in Swedish and Danish and the value date in
German and Italian exports, and only the values tell which.
"""

from __future__ import annotations

import pandas as pd

# ISO 4217 codes in use, codes replaced since 1999 that old exports still write (LTL, LVL,
# EEK, HRK, national currencies before the euro; RUR, the rouble before 1998, which Russian
# banks still write), and the crypto codes app exports write
# in their currency column (Revolut, Coinbase).
ISO_CODES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK
JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG
XAU XCD XDR XOF XPD XPF XPT YER ZAR ZMW ZWG ZWL
ATS BEF BYR CYP DEM EEK ESP FIM FRF GRD HRK IEP ITL LTL LUF LVL MRO MTL NLG PTE SIT SKK STD
RUR
VEF ZMK
BTC ETH LTC XRP BCH ADA DOT SOL DOGE USDT USDC
""".split())
# Symbols and names written instead of a code (compared in upper case, spaces aside).
SYMBOLS = frozenset({
    "€", "£", "$", "¥", "₹", "₽", "₩", "₺", "₪", "₴", "₫", "₱", "₦", "₨", "฿", "₡", "₲", "₸",
    "₾", "₼", "US$", "C$", "A$", "NZ$", "HK$", "S$", "R$", "ZŁ", "KČ", "SFR", "LEI", "ЛВ",
    "РУБ", "РУБ.", "EURO", "EUROS", "DOLLAR", "DOLLARS", "EUR.",
})
# (``kr``, ``Ft``, ``Fr.`` are left out: short marks that a debit/credit column writes too,
# ``KR`` for credit in Polish and Czech exports)


def currency_share(text: pd.Series) -> float:
    """The share of ``text`` (non-empty strings) that are currency codes, symbols or names
    (0.0 for no values)."""
    if not len(text):
        return 0.0
    folded = text.str.upper().str.replace(r"\s+", "", regex=True)
    return float((folded.isin(ISO_CODES) | folded.isin(SYMBOLS)).mean())
