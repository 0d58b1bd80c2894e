"""Header names of bank and app exports, in many languages, and the raw column each fills.

Names are compared after `header_key` (accents removed, lowercase, letters and digits
only). A header word is one piece of evidence about a column (`readers.column_roles`
reads the values too); this module only knows the words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from titans_finance.core.amounts import _CURRENCY_CODES

# Header names seen in bank and app exports (English, German, French, Spanish, Dutch,
# Italian, Portuguese, Russian, Nordic, Polish), keyed by the column of the raw table they
# fill. Names are compared after `header_key` (accents removed, lowercase, letters of any
# script and digits only), so "Date de valeur", "date_de_valeur" and "DATE DE VALEUR" are
# one key (letters without a decomposition stay: ``beløp``, ``wpływy``).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Date": (
        "date", "transactiondate", "txndate", "postingdate", "posteddate", "bookingdate",
        "completeddate", "transdate", "dateposted", "postdate", "tradedate", "datum", "buchungstag",
        "buchungsdatum", "belegdatum", "umsatzdatum", "eingangstag", "eingangsdatum", "fecha",
        "fechaoperacion",
        "fechacontable", "fechadeoperacion", "transactiedatum", "boekdatum", "boekingsdatum",
        "dateoperation", "datedoperation", "datedeloperation", "datecomptable",
        "datedelaoperation", "data",
        "dataoperazione", "datacontabile", "startdate", "starteddate", "created", "createdutc",
        "createddate", "datetime", "dateandtime", "timestamp",
        # Russian, Norwegian/Danish, Finnish, Polish
        "дата", "датаоперации", "датапроводки", "dato", "bokføringsdato", "paivamaara",
        "kirjauspaiva", "dataoperacji", "datatransakcji",
        # Hungarian; Japanese, Chinese (written without spaces: `header_words` finds them
        # inside a longer header)
        "konyvelesdatuma", "日付", "取引日", "利用日", "取扱日付", "交易时间",
        "交易日期", "日期", "交易日", "记账日", "入账日",
    ),
    "Value Date": (
        "valuedate", "wertstellung", "wertstellungsdatum", "valutadatum", "datedevaleur",
        "datevaleur", "fechavalor", "fechadevalor", "rentedatum", "datavaluta",
        "erteknap",
    ),
    "Type": (
        "type", "transactiontype", "txntype", "kind", "direction", "typ", "umsatzart",
        "tipo", "tipodeoperacion", "typeoperation", "typedoperation", "mutatiesoort",
        "тип", "типоперации", "交易类型",
    ),
    "Description": (
        "description", "desc", "details", "memo", "narrative", "transactiondescription",
        "transactiondetails", "particulars", "paymentreference", "reason", "purpose",
        "verwendungszweck", "beschreibung", "buchungstext", "umsatztext", "vorgang",
        "libelle", "libelleoperation", "libellesimplifie", "detail", "concepto",
        "descripcion", "omschrijving", "naamomschrijving", "mededelingen", "causale",
        "descrizione", "descricao", "transaction", "textoverwendungszweck",
        "описание", "описаниеоперации", "основание", "назначениеплатежа", "beskrivelse",
        "beskrivning", "selitys", "opis", "popis", "kozlemeny", "摘要", "内容", "商品", "备注",
    ),
    "Amount": (
        "amount", "value", "transactionamount", "sum", "betrag", "umsatz",
        "montant", "importe", "monto", "cantidad", "bedrag", "importo", "valor", "amountinaccountcurrency",
        "transactionamt", "netamount",
        "сумма", "beløp", "beløb", "belopp", "summa", "maara", "kwota", "castka",
        "osszeg", "金額", "金额", "入出金",
    ),
    "Money In": (
        "moneyin", "paidin", "deposit", "deposits", "credit", "credits", "creditamount",
        "amountcredit", "credit+", "in", "inflow", "received", "income", "haben", "gutschrift",
        "eingang", "einnahmen", "credito", "ingreso", "ingresos", "abono", "haber", "entrada",
        "bij", "creditbedrag", "avere", "entrate", "accrediti", "accredito",
        "приход", "поступление", "поступления", "зачисление", "inn", "innskudd",
        "indbetaling", "insattning", "pano", "wpływy", "uznania", "jovairas",
        "入金", "預り", "收入", "存入",
    ),
    "Money Out": (
        "moneyout", "paidout", "withdrawal", "withdrawals", "debit", "debits", "debitamount",
        "amountdebit", "out", "outflow", "spent", "expense", "soll",
        "lastschrift", "ausgang", "ausgaben", "debito", "cargo", "cargos", "gasto", "gastos",
        "debe", "salida", "af", "debetbedrag", "dare", "uscite", "addebiti", "addebito",
        "расход", "разход", "списание", "списания", "ut", "uttak", "udbetaling", "uttag", "otto",
        "wypływy", "obciazenia", "terheles", "出金", "支払", "支出", "支取",
    ),
    "Debit/Credit": (
        "debitcredit", "creditdebit", "drcr", "crdr", "dc", "cd", "sh", "sollhaben",
        "afbij", "bijaf", "creditdebitindicator", "cdtdbtind", "debitcreditindicator",
        "indicator", "sens", "debetcredit", "cargoabono", "收支",
    ),
    "Category": ("category", "categories", "expensecategory", "kategorie", "categorie",
                 "categoria", "rubrik", "категория", "kategori"),
    "Payment Method": ("paymentmethod", "paymenttype", "method", "paidwith", "zahlungsart",
                       "moyendepaiement", "mediodepago", "betaalwijze", "支付方式", "支払方法"),
    "Status": ("status", "state", "estado", "statut", "статус", "当前状态"),
    "Reference": (
        "reference", "ref", "merchant", "merchantname", "payee", "payeename", "vendor",
        "counterparty", "counterpartyname", "client", "name", "partnername", "recipient",
        "beneficiary", "auftraggeberempfanger", "beguenstigterzahlungspflichtiger",
        "begunstigterzahlungspflichtiger", "empfanger", "zahlungsempfanger", "auftraggeber",
        "nameauftraggeberempfanger", "tiers", "beneficiaire", "beneficiario",
        "tegenpartij", "naamtegenpartij", "ordenante", "交易对方", "取引先",
    ),
    "Receipt URL": ("receipturl", "receipt", "receiptlink", "attachment", "url"),
    "Account": (
        "account", "accountnumber", "accountno", "accountid", "accountname", "iban",
        "cardno", "cardnumber", "cardused", "cardusedfortransaction", "konto", "kontonummer",
        "auftragskonto", "ibanauftragskonto", "compte", "numerodecompte", "cuenta",
        "numerodecuenta", "rekening", "rekeningnummer", "conto",
        "produit",
    ),
    "Balance": (
        "balance", "runningbalance", "balanceafter", "accountbalance", "availablebalance",
        "saldo", "kontostand", "saldonachbuchung", "solde", "saldodisponible",
        "saldonamutatie", "saldocontabile",
        "остаток", "баланс", "残高", "余额", "餘額",
    ),
    "Currency": ("currency", "ccy", "curr", "currencycode", "wahrung", "devise", "monnaie",
                 "monn", "moneda", "divisa", "valuta", "munt", "waehrung", "валюта", "deviza"),
    "Fee": ("fee", "fees", "commission", "commissions", "gebuhr", "gebuhren", "entgelt",
            "frais", "comision", "comisiones", "commissione", "commissioni", "provisie"),
    "Bank Transaction ID": (
        "transactionid", "fitid", "transactionnumber", "transactionreference", "bankreference",
        "ndetransaction", "numerodetransaction", "referencenumber", "transactionref",
        "id", "referencia", "transaktionsnummer", "交易单号",
    ),
}
# Words that name a different column in different languages: ``valuta`` is the currency
# in Swedish, Danish and Dutch and the value date in German and Italian exports; ``valor``
# is the amount in Portuguese and the value date in Spanish ones. `header_role` gives the
# first meaning; the values choose among them (`readers.role_values`).
OTHER_MEANINGS: dict[str, tuple[str, ...]] = {
    "valuta": ("Value Date",),
    "valor": ("Value Date",),
}
_HEADER_LOOKUP = {alias: canonical for canonical, aliases in HEADER_SYNONYMS.items()
                  for alias in aliases}
# "Amount (EUR)", "Betrag (EUR)", "Paid out GBP": an ISO code after a known name.
_CODE_SUFFIX = re.compile(r"^(?P<name>[a-z0-9+]+?)(?:in)?(?P<code>[a-z]{3})$")
_QUALIFIED = re.compile(r"^\s*(?P<name>[^()]+?)\s*\((?P<qualifier>[^()]+)\)\s*$")
_QUALIFIER_ROLES = ("Fee", "Balance", "Money In", "Money Out")


def header_key(name: str) -> str:
    """Accent-free lowercase letters (of any script) and digits of a header name (``Débit``
    → ``debit``, ``Сумма`` → ``сумма``)."""
    text = unicodedata.normalize("NFKD", str(name).replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("ß", "ss")
    return re.sub(r"[^\w+]|_", "", text)


# Chinese and Japanese write a header's words without spaces (``出金金額``: withdrawal
# amount; ``取引後残高``: balance after the transaction): the known words inside such a run
# are found by the longest match from its left (``入出金`` is one word, not ``出金``).
_UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_UNSPACED_WORDS = sorted((w for w in _HEADER_LOOKUP if _UNSPACED_SCRIPT.search(w)),
                         key=len, reverse=True)


def _known_words_inside(run: str) -> list[str]:
    found, at = [], 0
    while at < len(run):
        word = next((w for w in _UNSPACED_WORDS if run.startswith(w, at)), None)
        if word is None:
            at += 1
        else:
            found.append(word)
            at += len(word)
    return found


def header_words(name: str) -> list[str]:
    """The words of a header name, each as `header_key` writes it (``Сумма в валюте счета``
    → ``сумма``, ``в``, ``валюте``, ``счета``); in a run of Chinese or Japanese, also the
    known words inside it (``出金金額(円)`` → ``出金金額``, ``出金``, ``金額``, ``円``)."""
    words = []
    for key in (header_key(w) for w in re.split(r"[\W_]+", str(name))):
        if key:
            words.append(key)
            if _UNSPACED_SCRIPT.search(key) and key not in _HEADER_LOOKUP:
                words.extend(_known_words_inside(key))
    return words


# German, Dutch and the Nordic languages write a column's name as one compound word whose
# last part is what it holds (``Ausgangsbetrag``: outgoing amount, ``Zielbetrag``,
# ``Ausgangsgebühr``: outgoing fee, ``Transactiebedrag``): a word that ends in a known
# amount or fee word of at least `_COMPOUND_TAIL` letters, after at least `_COMPOUND_HEAD`
# letters of its own, names that role.
_COMPOUND_ROLES = ("Amount", "Fee")
_COMPOUND_TAIL = 6
_COMPOUND_HEAD = 3
_COMPOUND_TAILS = tuple(sorted({w for role in _COMPOUND_ROLES for w in HEADER_SYNONYMS[role]
                                if len(w) >= _COMPOUND_TAIL and w.isascii() and w.isalpha()},
                               key=len, reverse=True))


def compound_role(word: str) -> str | None:
    """The amount or fee role a compound word's last part names (``ausgangsgebuhr`` →
    Fee); None for a known word, a short one, or one ending in no such part."""
    if word in _HEADER_LOOKUP:
        return None
    tail = next((t for t in _COMPOUND_TAILS
                 if word.endswith(t) and len(word) - len(t) >= _COMPOUND_HEAD), None)
    return _HEADER_LOOKUP[tail] if tail else None


def word_roles(name: str) -> set[str]:
    """The roles the single words of a header name (weaker evidence than the whole
    name: `header_role`) can name: ``Сумма в валюте счета`` names an amount, ``Ut (NOK)``
    money out, ``Betrag der Ausgangsgebühr`` an amount and a fee (`compound_role`)."""
    words = header_words(name)
    return ({_HEADER_LOOKUP[w] for w in words if w in _HEADER_LOOKUP}
            | {role for role in map(compound_role, words) if role})


def unqualified(name: str) -> str:
    """A header name without its parenthesised qualifiers (``Ausgangsbetrag (nach
    Gebühren)`` → ``Ausgangsbetrag``): what the amount includes, not what the column is."""
    return re.sub(r"\([^()]*\)", " ", str(name))


_DATE_WORD = "date"


def header_role(name: str) -> tuple[str | None, str | None]:
    """The raw column a header fills and the currency code written in it, if any."""
    key = header_key(name)
    if key in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key], None
    # English names a date column with its qualifier after the word as well as before it
    # (``Date Completed`` as ``Completed Date``, ``Date Created``): the known name read the
    # other way round names the same column
    if key.startswith(_DATE_WORD) and _HEADER_LOOKUP.get(key[len(_DATE_WORD):] + _DATE_WORD) \
            == "Date":
        return "Date", None
    match = _CODE_SUFFIX.match(key)
    if match and match["code"].upper() in _CURRENCY_CODES and match["name"] in _HEADER_LOOKUP:
        role = _HEADER_LOOKUP[match["name"]]
        if role in ("Amount", "Money In", "Money Out", "Balance"):
            return role, match["code"].upper()
    # "Amount (total)", "Amount (fee)": a known name with a qualifier in parentheses; a
    # qualifier naming a money role of its own (fee, balance, in, out) says which one
    qualified = _QUALIFIED.match(str(name))
    if qualified:
        outer, code = header_role(qualified["name"])
        inner, _ = header_role(qualified["qualifier"])
        if outer is not None:
            return (inner, None) if inner in _QUALIFIER_ROLES else (outer, code)
        # a name whose words name only an amount (``记账金额``, booked amount) with a side
        # in parentheses: ``记账金额(收入)`` is money in
        if inner in ("Money In", "Money Out") and word_roles(qualified["name"]) == {"Amount"}:
            return inner, None
    return None, None


def header_roles(name: str) -> tuple[str, ...]:
    """Every role a header word can name, in any language (`header_role`'s first)."""
    role, _ = header_role(name)
    return ((role,) if role else ()) + OTHER_MEANINGS.get(header_key(name), ())


# Headers naming the day a card was used or a voucher (receipt) written: the purchase's day at
# the merchant, never the day the money moved on the account. A line carries the day its
# account moved it, so such a column yields to a value date beside it (`readers.date_columns`).
# Whole names (German, Dutch and Nordic compounds; Japanese ``利用日``: day of use) and words
# of a longer header (``Purchase date``, ``Data di acquisto``, ``Date d'achat``). ``Transaction
# date`` and ``Date d'opération`` are not among them: a bank account's statement writes its
# booking day under those names (Erste's ``Tranzakció dátuma``, UBS's ``Date de transaction``).
PURCHASE_DAY_NAMES = (
    "belegdatum", "belegtag", "kaufdatum", "kauftag", "aankoopdatum", "kopdatum", "kjøpsdato",
    "købsdato", "利用日", "消费日期",
)
PURCHASE_DAY_WORDS = (
    "purchase", "purchased", "receipt", "voucher", "achat", "compra", "acquisto", "aankoop",
    "zakupu", "покупки",
)


def names_purchase_day(name: str) -> bool:
    """The header names the day of a purchase or voucher (``Belegdatum``, ``Purchase date``,
    ``Data di acquisto``), not the day the account booked it."""
    words = set(header_words(name))  # (``ご利用日``: the known word inside the run)
    return bool(words & set(PURCHASE_DAY_NAMES)) or (
        bool(words & set(PURCHASE_DAY_WORDS)) and "Date" in word_roles(name))


def map_headers(columns: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Map the file's header names onto the canonical raw column names.

    Returns ``(mapping original -> canonical, unrecognised original names)``.
    The first column that maps onto a canonical name wins; a later duplicate
    is reported as unrecognised rather than silently merged.
    """
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    for original in columns:
        canonical, _ = header_role(original)
        if canonical is None or canonical in taken:
            unknown.append(str(original))
            continue
        mapping[original] = canonical
        taken.add(canonical)
    return mapping, unknown
