# 卡盟争议仲裁 — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi:app
# The SQLite pass runs in two pytest-xdist workers (each its own SQLite file, evidence store, S3 and TSA servers);
# the browser journeys, one server whose clock some of them move, are one group sent whole to one worker
# (tests/browser/conftest.py). The PostgreSQL pass stays in one process: its session resets the one database.
SQLITE_XDIST ?= -n 2 --dist loadgroup
# Debian packages the app needs at run time (fonts for Chinese PDFs, ...; libgl1 and libglib2.0-0 for OpenCV, which
# the screenshot reader rapidocr-onnxruntime uses); installed when missing.
APT_PACKAGES ?= fonts-noto-cjk fonts-wqy-microhei fonts-dejavu-core libharfbuzz-subset0 libgl1 libglib2.0-0

.PHONY: run test install system-packages translations migrate serve clean

run: install migrate            ## install everything, create/upgrade the database, demo data, serve on :5000
	$(BIN)/flask seed-demo
	$(BIN)/flask stats rebuild --if-needed
	$(BIN)/flask serve --host 127.0.0.1 --port 5000

test: APT_PACKAGES += chromium poppler-utils softhsm2  # pdfsig checks signed PDFs; SoftHSM2 is the HSM of the PKCS#11 signing test; browser tests drive Debian's Chromium with Playwright (never `playwright install`)
test: install                   ## install test needs and run the whole suite (SQLite; PostgreSQL too if its URL is set)
	$(BIN)/python -m flake8 arbitration tests bench
	$(BIN)/lint-imports
	env -u ARBITRATION_TEST_POSTGRES_URL $(BIN)/python -m pytest $(SQLITE_XDIST)
	@if [ -n "$$ARBITRATION_TEST_POSTGRES_URL" ]; then \
		echo "== the suite again on PostgreSQL ($$ARBITRATION_TEST_POSTGRES_URL)"; \
		$(BIN)/python -m pytest; \
	fi

install: system-packages $(VENV)/.installed translations

$(VENV)/.installed: setup.cfg pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

translations:
	$(BIN)/pybabel compile -d translations

migrate:
	$(BIN)/flask db upgrade

clean:
	rm -rf $(VENV) *.egg-info
