# НОК-Платформа — two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NOK := $(VENV)/bin/nok
DATA := var
STAMP := $(VENV)/.installed

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
	@$(NOK) --config $(DATA)/nok.toml mail-catcher > $(DATA)/mail-catcher.log 2>&1 & echo $$! > $(DATA)/mail-catcher.pid
	@echo
	@echo "Устройство НОК-Платформы: http://127.0.0.1:8080/   (остановка — Ctrl+C)"
	@echo "Письма (ссылки для установки пароля) сохраняются в $(DATA)/mail/"
	@trap 'kill $$(cat $(DATA)/mail-catcher.pid) 2>/dev/null' EXIT; $(NOK) --config $(DATA)/nok.toml serve

test: apt-test venv
	$(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

bench: apt-test venv
	$(PY) bench/http_baseline.py
	$(PY) bench/queue_list.py
	$(PY) bench/exam_day.py
	$(PY) bench/recording.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
