from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.models.category import (
    CategoryModel,
    RuleError,
    apply_rules,
    apply_temperature,
    model_inputs,
    parse_rules,
    rules_from_corrections,
)
from titans_finance.models.category.evaluation import expected_calibration_error
from titans_finance.models.category.taxonomy import Taxonomy, TaxonomyError

# the shipped parameters; a personal model from 10 labels (these hand-built exports are small)
# the model without the repeat memory (every line here repeats; test_category_memory covers it)
PARAMS = parameters("category", seed=0, personal_min_labels=10, memory_min_repeats=0,
                    word_memory_min_rows=0, word_memory_latest_rows=0)
MERCHANTS = {"fuel": ["Shell", "BP", "Chevron", "Exxon"],
             "software": ["Adobe", "Slack", "Zoom", "Dropbox"],
             "meals_entertainment": ["Starbucks", "Panera Bread", "Chipotle", "Subway"]}
TEXT = {"fuel": ["Fuel for vehicle", "Gas station fill up"],
        "software": ["Software subscription", "Cloud plan renewal"],
        "meals_entertainment": ["Client lunch", "Coffee meeting"]}
AMOUNT = {"fuel": 60.0, "software": 20.0, "meals_entertainment": 25.0}


def _data(n=120, seed=0, start="2024-01-01"):
    """Labelled expenses; every third merchant of a category is only in later rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        category = list(MERCHANTS)[i % 3]
        merchant = MERCHANTS[category][(i // 3) % 4]
        rows.append({"date": pd.Timestamp(start) + pd.Timedelta(days=int(i)),
                     "description": f"{TEXT[category][i % 2]} {merchant}".upper(),
                     "reference": None,
                     "amount": -round(AMOUNT[category] * float(rng.lognormal(0, 0.3)), 2),
                     "category": category, "type": "expense", "payment_method": None})
    tx = pd.DataFrame(rows)
    tx["source_row"] = np.arange(1, len(tx) + 1)
    tx["transaction_id"] = [f"t{i}" for i in range(len(tx))]
    tx["receipt_url"] = None
    return tx, build_features(tx)


def _split(tx, features, n_train=90):
    return (tx.iloc[:n_train], features.iloc[:n_train], tx.iloc[n_train:].reset_index(drop=True),
            features.iloc[n_train:].reset_index(drop=True))


def test_predicts_rows_it_did_not_train_on_with_sorted_top_k():
    train_tx, train_f, test_tx, test_f = _split(*_data())
    model = CategoryModel("logistic_regression", PARAMS).fit(train_tx, train_f)
    predictions = model.predict(test_tx, test_f)
    assert (predictions["category"] == test_tx["category"].to_numpy()).mean() >= 0.95
    for items in predictions["top_k"]:
        probabilities = [item["probability"] for item in items]
        assert probabilities == sorted(probabilities, reverse=True)
        assert sum(probabilities) <= 1.0 + 1e-9
    assert (predictions["source"] == "model").all()


def test_predict_proba_applies_the_calibration_temperature():
    train_tx, train_f, test_tx, test_f = _split(*_data())
    model = CategoryModel("logistic_regression", PARAMS).fit(train_tx, train_f, calibrate=False)
    raw = model.personal.predict_proba(*model_inputs(test_tx, test_f))
    for temperature in (0.5, 3.0):
        model.temperature = temperature
        proba = model.predict_proba(test_tx, test_f)
        np.testing.assert_allclose(proba, apply_temperature(raw, temperature))
        assert np.abs(proba.max(axis=1) - raw.max(axis=1)).max() > 0.01
    # the calibrated confidence is what predict reports
    model.temperature = 3.0
    np.testing.assert_allclose(model.predict(test_tx, test_f, threshold=0.0)["confidence"],
                               model.predict_proba(test_tx, test_f).max(axis=1))


def test_the_confidence_threshold_parameter_decides_abstention():
    train_tx, train_f, test_tx, test_f = _split(*_data())
    strict = CategoryModel("logistic_regression", {**PARAMS, "confidence_threshold": 0.95})
    lenient = CategoryModel("logistic_regression", {**PARAMS, "confidence_threshold": 0.4})
    for model in (strict, lenient):
        model.fit(train_tx, train_f, calibrate=False)
        model.temperature = 2.0  # spread the confidences over realistic values
    assert strict.threshold == 0.95 and lenient.threshold == 0.4  # read by fit
    confidence = lenient.predict(test_tx, test_f, threshold=0.0)["confidence"].to_numpy()
    assert ((confidence > 0.4) & (confidence < 0.95)).any()
    for model, threshold in ((strict, 0.95), (lenient, 0.4)):
        answered = model.predict(test_tx, test_f)["category"] != UNCERTAIN_CATEGORY
        np.testing.assert_array_equal(answered.to_numpy(), confidence >= threshold)


def test_an_unfamiliar_description_is_uncertain_not_a_confident_guess():
    train_tx, train_f, _, _ = _split(*_data())
    model = CategoryModel("logistic_regression", PARAMS).fit(train_tx, train_f)
    odd = train_tx.iloc[:3].assign(description=["ZX TRADING LTD 884422", "QUICKCASH KIOSK 77",
                                                "FUEL FOR VEHICLE SHELL"], reference=None)
    predictions = model.predict(odd, build_features(odd))
    assert list(predictions["category"][:2]) == [UNCERTAIN_CATEGORY] * 2
    assert predictions["category"].iloc[2] == "fuel"


def test_calibrated_confidence_abstains_at_a_realistic_threshold():
    """Two categories sharing the same wording: the model must not be sure of either."""
    tx, features = _data()
    tx = tx.copy()
    mixed = (tx["category"] != "fuel").to_numpy() & (np.arange(len(tx)) % 2 == 0)
    tx.loc[mixed, "description"] = "ONLINE PAYMENT ACME"
    tx.loc[mixed, "amount"] = -22.0  # nothing tells these software and meal rows apart
    features = build_features(tx)
    train_tx, train_f, test_tx, test_f = _split(tx, features)
    model = CategoryModel("logistic_regression", PARAMS).fit(train_tx, train_f)
    predictions = model.predict(test_tx, test_f)
    ambiguous = (test_tx["description"] == "ONLINE PAYMENT ACME").to_numpy()
    assert (predictions["confidence"][ambiguous] < 0.8).all()
    clear = ~ambiguous & (test_tx["category"] == "fuel").to_numpy()
    assert (predictions["category"][clear] == "fuel").all()


def test_income_never_gets_an_expense_only_category():
    train_tx, train_f, _, _ = _split(*_data())
    model = CategoryModel("logistic_regression", PARAMS).fit(train_tx, train_f)
    income = train_tx.iloc[:3].assign(amount=[250.0, 80.0, 12.0], type="income")
    predictions = model.predict(income, build_features(income), threshold=0.0)
    assert (predictions["category"] == UNCERTAIN_CATEGORY).all()  # no income class learnt


def test_rules_win_and_a_single_correction_fixes_every_transaction_of_the_merchant():
    tx, features = _data()
    corrected = pd.Series(False, index=tx.index)
    corrected.iloc[0] = True  # one correction of a Shell line
    labels = tx["category"].copy()
    labels.iloc[0] = "vehicle"
    rules = parse_rules({"rules": [{"pattern": "cloud", "field": "description",
                                    "category": "hosting"}]})
    rules += rules_from_corrections(features["merchant_key"], labels, corrected, 1)
    model = CategoryModel("logistic_regression", PARAMS, rules).fit(tx, features)
    new = tx.iloc[90:].reset_index(drop=True)
    new_f = build_features(new)
    predictions = model.predict(new, new_f)
    shell = (new_f["merchant_key"] == features["merchant_key"].iloc[0]).to_numpy()
    assert shell.sum() >= 3
    assert (predictions["category"][shell] == "vehicle").all()
    assert (predictions["source"][shell] == "rule").all()
    cloud = new["description"].str.contains("CLOUD").to_numpy()
    assert (predictions["category"][cloud] == "hosting").all()
    assert (predictions["confidence"][shell | cloud] == 1.0).all()


def test_transfers_marked_by_ingestion_are_transfers():
    tx, features = _data()
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    new = tx.iloc[:4].assign(is_transfer=[True, False, None, True])
    predictions = model.predict(new, build_features(new))
    assert list(predictions["category"][[0, 3]]) == ["transfer", "transfer"]
    assert (predictions["source"][[0, 3]] == "transfer").all()
    assert predictions["category"].iloc[1] == new["category"].iloc[1]


def test_too_few_labels_leave_no_personal_model():
    tx, features = _data(n=6)
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    assert model.personal is None and "default model" in model.metadata["reason"]
    predictions = model.predict(tx, features)
    assert (predictions["category"] == UNCERTAIN_CATEGORY).all()  # no default model given
    with pytest.raises(RuntimeError, match=r"^CategoryModel has no personal model \(not fitted, "
                                           r"or too few labels\)$"):
        model.predict_proba(tx, features)


def test_lightgbm_candidate_fits_and_predicts_unseen_rows():
    train_tx, train_f, test_tx, test_f = _split(*_data())
    # One thread: a LightGBM fit with two leaves GNU OpenMP's thread pool behind in the
    # process, and a process forked from it (mutmut forks one per mutant from the process
    # that ran this test) waits forever on that pool at its next fit (docs/testing.md).
    model = CategoryModel("lightgbm", parameters("category", seed=0, personal_min_labels=10,
                                                 n_jobs=1, lightgbm={"n_estimators": 30,
                                                                     "min_child_samples": 2}))
    model.fit(train_tx, train_f, calibrate=False)
    assert (model.predict(test_tx, test_f, threshold=0)["category"]
            == test_tx["category"]).mean() > 0.9


def test_expected_calibration_error():
    confidence = np.array([0.9] * 10 + [0.6] * 10)
    correct = np.array([True] * 9 + [False] + [True] * 3 + [False] * 7)
    # bin 0.9: accuracy 0.9 (gap 0); bin 0.6: accuracy 0.3 (gap 0.3); half the rows each
    assert expected_calibration_error(confidence, correct) == pytest.approx(0.15)
    assert expected_calibration_error(np.ones(4), np.ones(4, dtype=bool)) == 0.0


@pytest.mark.parametrize("raw, message", [
    ({"rules": [{"pattern": "(", "category": "x"}]}, "rule #1: invalid regular expression"),
    ({"rules": [{"pattern": "a", "category": "Not Snake"}]}, "snake_case"),
    ({"rules": [{"pattern": "a", "category": "x", "field": "memo"}]}, "'field' must be one of"),
    ({"rules": [{"pattern": "a", "category": "x"}, "oops"]}, "rule #2"),
    ({"rules": "a"}, "must be a list"),
])
def test_malformed_rules_name_the_rule(raw, message):
    with pytest.raises(RuleError, match=message):
        parse_rules(raw)


def test_empty_rule_files_mean_no_rules():
    assert parse_rules(None) == [] and parse_rules({"rules": []}) == [] and parse_rules({}) == []
    assert apply_rules([], pd.Series(["x"]), pd.Series(["y"])).isna().all()


@pytest.mark.parametrize("change, message", [
    ({"kind": "spending"}, "'kind' must be one of"),
    ({"id": "Not Snake"}, "snake_case"),
    ({"group": "nowhere"}, "unknown group"),
    # `{label: Electricity, gas, water}` in a YAML flow mapping: "gas" and "water" are keys
    ({"label": "Electricity", "gas": None, "water": None}, r"unknown keys \['gas', 'water'\]"),
])
def test_a_malformed_taxonomy_says_which_category(change, message):
    raw = {"groups": {"food": "Food"},
           "categories": [{"id": "groceries", "group": "food", "kind": "expense"}]}
    raw["categories"][0].update(change)
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_dict(raw)


def test_the_shipped_labels_are_whole_and_every_known_key_is_accepted():
    import yaml

    root = Path(__file__).resolve().parents[3] / "conf/base"
    taxonomy = Taxonomy.from_dict(yaml.safe_load((root / "category_taxonomy.yml").read_text()))
    assert taxonomy.categories.loc["utilities", "label"] == "Electricity, gas, water"
    raw = {"groups": {"food": "Food"}, "categories": [
        {"id": "groceries", "group": "food", "kind": "expense", "label": "Groceries",
         "coicop": "01", "schedule_c": None}]}
    assert list(Taxonomy.from_dict(raw).categories.index) == ["groceries"]


def test_label_lines_are_each_label_and_its_parts():
    import yaml

    from titans_finance.models.category.taxonomy import Lexicon, label_examples

    root = Path(__file__).resolve().parents[3] / "conf/base"
    taxonomy = Taxonomy.from_dict(yaml.safe_load((root / "category_taxonomy.yml").read_text()))
    lexicon = Lexicon.from_dict(yaml.safe_load((root / "category_lexicon.yml").read_text()),
                                taxonomy)
    lines = label_examples(taxonomy, lexicon, variants=2, seed=1)
    names = lines.groupby("group").head(1).set_index("group")["category"]
    # "interest": of interest and dividends (money in), and of interest and finance charges
    assert set(lines.loc[lines["group"] == "t:interest", "category"]) == {
        "interest_dividends", "interest_charges"}
    assert names["t:phone and internet"] == names["t:phone"] == names["t:internet"] == "telecom"
    assert names["t:rent"] == "rent" and names["t:card payments"] == "transfer"
    assert names["t:electricity, gas, water"] == names["t:gas"] == "utilities"
    assert "t:" not in names  # no empty part
    assert lines.groupby(["group", "category"]).size().eq(2).all()


def test_label_parts_of_two_letters_are_too_short_to_teach_a_category():
    import yaml

    from titans_finance.models.category.taxonomy import Lexicon, label_examples

    root = Path(__file__).resolve().parents[3] / "conf/base"
    raw = yaml.safe_load((root / "category_taxonomy.yml").read_text())
    for item in raw["categories"]:
        if item["id"] == "telecom":
            item["label"] = "TV, fax and phone"  # parts of 2, 3 and 5 letters
    taxonomy = Taxonomy.from_dict(raw)
    lexicon = Lexicon.from_dict(yaml.safe_load((root / "category_lexicon.yml").read_text()),
                                taxonomy)
    groups = set(label_examples(taxonomy, lexicon, variants=1, seed=1)["group"])
    assert {"t:fax", "t:phone"} <= groups and "t:tv" not in groups
    import yaml

    from titans_finance.models.category.taxonomy import Lexicon, brand_examples

    root = Path(__file__).resolve().parents[3] / "conf/base"
    taxonomy = Taxonomy.from_dict(yaml.safe_load((root / "category_taxonomy.yml").read_text()))
    lexicon = Lexicon.from_dict(yaml.safe_load((root / "category_lexicon.yml").read_text()),
                                taxonomy)
    brands = pd.DataFrame({"name": ["tesco", "tesco", "tesco", "big bazaar"],
                           "category": ["groceries", "groceries", "fuel", "groceries"],
                           "country": ["CZ", "GB", "GB", "IN"]})
    lines = brand_examples(brands, lexicon, taxonomy, variants=2, seed=1)
    assert len(lines) == 3 * 2  # tesco/groceries once, not once per country
    assert set(lines["group"]) == {"m:tesco", "m:big bazaar"}
    first = lines.groupby(["group", "category"]).head(1)["description"].str.lower()
    assert set(first) == {"tesco", "big bazaar"}  # the name alone comes first
    assert (lines["sign"] == -1).all()
    with pytest.raises(TaxonomyError, match="unknown categories"):
        brand_examples(brands.assign(category="grocery_store"), lexicon, taxonomy, 1, 1)


def test_brand_names_are_also_written_as_a_card_statement_cuts_them_down():
    """Each brand name a card's name field cuts down (a word cut to its consonants or run
    into the next, the name cut short) gets one line, in the brand's calibration group; a
    name the field leaves whole gets none; a field of 0 characters writes none."""
    import yaml

    from titans_finance.models.category.card_names import cut_down
    from titans_finance.models.category.taxonomy import Lexicon, card_examples

    root = Path(__file__).resolve().parents[3] / "conf/base"
    taxonomy = Taxonomy.from_dict(yaml.safe_load((root / "category_taxonomy.yml").read_text()))
    lexicon = Lexicon.from_dict(yaml.safe_load((root / "category_lexicon.yml").read_text()),
                                taxonomy)
    long_name = "sprouts farmers market of the greater metropolitan area"  # over 22 letters
    brands = pd.DataFrame({"name": ["tesco", long_name, long_name, "vodafone"],
                           "category": ["groceries", "groceries", "groceries", "telecom"],
                           "country": ["GB", "US", "CA", "PT"]})
    cards = card_examples(brands, lexicon, taxonomy, card_length=22, seed=3)
    assert list(cards.columns) == ["description", "sign", "category", "group"]
    # a one-word name is never cut but at the field's end; the long one always is, once
    assert "m:tesco" not in set(cards["group"])
    assert cards["group"].tolist().count(f"m:{long_name}") == 1
    assert (cards["description"].str.len() <= 22).all()
    assert all(cut_down(g[2:], d) for g, d in zip(cards["group"], cards["description"]))
    assert (cards["sign"] == -1).all()
    assert cards.loc[cards["group"] == f"m:{long_name}", "category"].tolist() == ["groceries"]
    assert card_examples(brands, lexicon, taxonomy, card_length=0, seed=3).empty
    with pytest.raises(TaxonomyError, match="unknown categories"):
        card_examples(brands.assign(category="grocery_store"), lexicon, taxonomy, 22, 3)


def test_a_brand_known_only_from_open_knowledge_is_answered(default_category_model):
    """Brands of countries the hand-written lexicon never covered (issue #26): the best
    guess is right; whether it is answered is the calibrated confidence's call (brand lines
    weigh a quarter of a lexicon line), and the best-known one is."""
    lines = np.array(["big bazaar", "dmart mumbai", "biedronka 4411 warszawa",
                      "oxxo sucursal 12"], dtype=object)
    out = default_category_model.predict_raw(lines, -np.ones(len(lines), dtype=int))
    assert [items[0]["category"] for items in out["top_k"]] == ["groceries"] * 4
    # answered as groceries, or as its group (food) where the leaf is less sure
    assert set(out["category"]) <= {"groceries", "food"}
    assert out["answers"].iloc[0]
