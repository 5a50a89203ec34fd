# Two entry points: `make report` (set up, then write the default reports into reports/)
# and `make test` (set up with the dev tools, then ruff, mypy and pytest). Both are idempotent:
# the second run skips the installs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODELS ?=

DEV    := $(VENV)/.installed-dev

.PHONY: report test setup setup-dev graphviz pdf-libs cjk-fonts chromium lint bench clean

# What the reports and decks need; `make test` adds the dev tools (setup-dev).
setup: $(STAMP) graphviz pdf-libs cjk-fonts
setup-dev: setup $(DEV) chromium

# The CPU build of torch first (pip takes it from the local wheel cache when one is there);
# otherwise the package's own dependency on torch pulls it from PyPI.  pip shows its progress.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { echo "[1/3] creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -c "import torch" 2>/dev/null || { echo "[2/3] installing torch (CPU, about 200 MB)"; \
		$(BIN)/pip install --progress-bar on torch==2.13.0 \
		|| echo "note: torch==2.13.0 (CPU) not available here; installing torch from the package requirements"; }
	@echo "[3/3] installing resnet-inspect and what its reports and decks need"
	$(BIN)/pip install --progress-bar on -e .
	@touch $(STAMP)

$(DEV): $(STAMP)
	@echo "installing the dev tools (pytest, ruff, mypy, torchinfo, fvcore, PyMuPDF, ...)"
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(DEV)

# Headless Chromium runs the report's receptive-field view and the deck's presenter view in the tests.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium is missing: run 'sudo apt-get install chromium' (its tests are skipped without it)"; \
		fi; }

# Graphviz's `dot` draws the diagrams: install it with apt when missing and we are root.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
		else \
			echo "graphviz is missing: run 'sudo apt-get install graphviz' (diagrams need its dot program)"; \
		fi; }

# WeasyPrint (the PDF reports) needs the Pango libraries: install them with apt when missing and we are root.
pdf-libs:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
		else \
			echo "Pango is missing: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' (PDF reports need it)"; \
		fi; }

# The Chinese slides need a CJK font (PDF and PowerPoint would show boxes): install Noto CJK with apt when
# fontconfig knows none and we are root.
cjk-fonts:
	@test -n "$$(fc-list :lang=zh family 2>/dev/null)" || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; \
		else \
			echo "no CJK font: run 'sudo apt-get install fonts-noto-cjk' (the Chinese slides need it)"; \
		fi; }

# One HTML page and one A4 PDF per model, and reports/index.html; MODELS="resnet34 resnet50" picks the models
# (default: the headline set).  The teaching deck in English and Chinese (HTML, PDF, PowerPoint) and the zoo
# listing beside them, then what was written and which file to open.  The decks are written first, so that
# the index links them.
report: setup
	@echo "writing the teaching deck, English and Chinese, into reports/slides/"
	@$(BIN)/resnet-inspect slides -o reports/slides
	@$(BIN)/resnet-inspect slides --lang zh -o reports/slides
	@echo "writing the reports (one page per model) into reports/"
	@$(BIN)/resnet-inspect report $(MODELS) -o reports
	@$(BIN)/resnet-inspect list -o reports/models.txt
	@$(BIN)/resnet-inspect list --format json -o reports/models.json
	@echo ""
	@echo "Wrote reports/: one HTML page and one A4 PDF per model, index.html and index.pdf, the decks"
	@echo "slides/slides-en.* and slides/slides-zh.* (HTML, 16:9 PDF, PowerPoint), models.txt and models.json."
	@echo "Open reports/index.html in a browser to start."

lint: setup-dev
	$(BIN)/ruff check resnet_inspect tests benchmarks
	$(BIN)/mypy

test: setup-dev lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/_failed

# The optional tests against torchvision's own modules and weights metadata, in an environment of their
# own (.venv-tv: torch 2.14 and torchvision from PyPI; large downloads), so .venv stays torchvision-free.
TV_VENV  := .venv-tv
TV_STAMP := $(TV_VENV)/.installed

.PHONY: test-torchvision

$(TV_STAMP): pyproject.toml
	@test -x $(TV_VENV)/bin/python || $(PYTHON) -m venv $(TV_VENV)
	$(TV_VENV)/bin/pip install -q 'torch==2.14.*' torchvision
	$(TV_VENV)/bin/pip install -q -e '.[dev]'
	@touch $(TV_STAMP)

test-torchvision: $(TV_STAMP)
	$(TV_VENV)/bin/python -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__)"
	$(TV_VENV)/bin/pytest -p no:cacheprovider -k torchvision
	$(TV_VENV)/bin/resnet-inspect verify resnet18 resnet50 resnext50_32x4d wide_resnet50_2

# timm's ResNet family (ResNet-D, SE/ECA/SK-ResNet, ResNeSt, Res2Net, ResNet-RS, ResNetV2, RegNet, CSPResNet,
# TResNet, GC-ResNet, TF-"SAME" EfficientNet) against a real forward, FlopCounterMode, torchinfo, fvcore and
# gradient support, in an environment of its own (.venv-timm: torch 2.14, torchvision and a pinned timm).
TIMM_VENV  := .venv-timm
TIMM_STAMP := $(TIMM_VENV)/.installed

.PHONY: test-timm

$(TIMM_STAMP): pyproject.toml
	@test -x $(TIMM_VENV)/bin/python || $(PYTHON) -m venv $(TIMM_VENV)
	$(TIMM_VENV)/bin/pip install -q torch==2.14.1 torchvision==0.29.1 timm==1.0.31
	$(TIMM_VENV)/bin/pip install -q -e '.[dev]'
	@touch $(TIMM_STAMP)

test-timm: $(TIMM_STAMP)
	$(TIMM_VENV)/bin/python -c "import torch, timm; print('torch', torch.__version__, 'timm', timm.__version__)"
	$(TIMM_VENV)/bin/pytest -p no:cacheprovider tests/test_timm.py
	$(TIMM_VENV)/bin/resnet-inspect verify timm:resnet50d timm:tf_efficientnet_b0
