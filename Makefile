# НОК-Платформа — two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NOK := $(VENV)/bin/nok
DATA := var
STAMP := $(VENV)/.installed
CENTRAL := $(DATA)/central
REGISTRY_URL := http://127.0.0.1:8090
DEMO_COK_INN := 7722415832

APT_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core fonts-liberation \
  poppler-utils libgl1 libglib2.0-0
APT_TEST := $(APT_RUN) xvfb chromium postgresql wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench apt-run apt-test venv clean help

help:
	@echo "make run   — установить, создать базу с демо-данными и запустить устройство"
	@echo "make test  — установить всё нужное и выполнить все тесты"
	@echo "make bench — замеры производительности (bench/)"

# Install Debian packages only when one is missing, so repeated runs stay fast.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Устанавливаю пакеты Debian: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

apt-run:
	$(call apt_install,$(APT_RUN))
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || $(call apt_install,python3-venv)

apt-test:
	$(call apt_install,$(APT_TEST))
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || $(call apt_install,python3-venv)

$(STAMP): setup.cfg pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

run: apt-run venv
	@test -f $(DATA)/nok.toml || $(NOK) --config $(DATA)/nok.toml init --data-dir $(DATA)
	@$(NOK) --config $(DATA)/nok.toml migrate
	@$(NOK) --config $(DATA)/nok.toml demo
	@test -f $(CENTRAL)/central.toml || $(NOK) --config $(CENTRAL)/central.toml central init --data-dir $(CENTRAL) \
	  --bind 127.0.0.1:8090 --registry-bind tcp://127.0.0.1:7701
	@$(NOK) --config $(CENTRAL)/central.toml central demo
	@$(NOK) --config $(DATA)/nok.toml mail-catcher > $(DATA)/mail-catcher.log 2>&1 & echo $$! > $(DATA)/mail-catcher.pid
	@$(NOK) --config $(CENTRAL)/central.toml central serve > $(DATA)/central.log 2>&1 & echo $$! > $(DATA)/central.pid
	@# The demo appliance belongs to the demo ЦОК «Охрана труда» (ИНН $(DEMO_COK_INN)): enrol it once with a fresh code.
	@test -f $(DATA)/.enrolled || { code=$$($(NOK) --config $(CENTRAL)/central.toml central enrol-code \
	  --organisation-inn $(DEMO_COK_INN) --title "Устройство ЦОК «Охрана труда»" --quiet) && \
	  $(NOK) --config $(DATA)/nok.toml federation enroll --registry-url $(REGISTRY_URL) --code $$code --wait 60 \
	  --appliance-id demo-cok1 --title "Устройство ЦОК «Охрана труда»" && touch $(DATA)/.enrolled; }
	@echo
	@echo "Устройство НОК-Платформы (ЦОК):  http://127.0.0.1:8080/"
	@echo "Реестр СПК:                      $(REGISTRY_URL)/   (вход: admin@spk.demo.nok / nok-demo-2026)"
	@echo "Результаты, отправленные в СПК, уходят в реестр сами; свидетельства возвращаются в кабинеты ЦОК и соискателя."
	@echo "Письма (ссылки для установки пароля) сохраняются в $(DATA)/mail/; журнал реестра — $(DATA)/central.log"
	@echo "Остановка — Ctrl+C."
	@trap 'kill $$(cat $(DATA)/mail-catcher.pid) $$(cat $(DATA)/central.pid) 2>/dev/null' EXIT; \
	  $(NOK) --config $(DATA)/nok.toml serve

test: apt-test venv
	$(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

bench: apt-test venv
	$(PY) bench/http_baseline.py
	$(PY) bench/queue_list.py
	$(PY) bench/exam_day.py
	$(PY) bench/recording.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
