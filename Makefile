# Two entry points: `make report` (set up, then write the default reports into reports/)
# and `make test` (set up with the dev tools, then ruff, mypy and pytest). Both are idempotent:
# the second run skips the installs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODELS ?= resnet18 resnet50 resnet101 resnet152

.PHONY: report test setup graphviz cjk-fonts lint bench clean

setup: $(STAMP) graphviz cjk-fonts

# The CPU build of torch first (pip takes it from the local wheel cache when one is there);
# otherwise the package's own dependency on torch pulls it from PyPI.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q torch==2.13.0 \
		|| echo "note: torch==2.13.0 (CPU) not available here; installing torch from the package requirements"
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

# Graphviz's `dot` draws the diagrams: install it with apt when missing and we are root.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
		else \
			echo "graphviz is missing: run 'sudo apt-get install graphviz' (diagrams need its dot program)"; \
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

report: setup
	@mkdir -p reports
	$(BIN)/resnet-inspect list -o reports/models.txt
	$(BIN)/resnet-inspect list --format json -o reports/models.json
	@for m in $(MODELS); do \
		$(BIN)/resnet-inspect table $$m -o reports/$$m.txt && \
		$(BIN)/resnet-inspect table $$m --format json -o reports/$$m.json && \
		$(BIN)/resnet-inspect table $$m --format html -o reports/$$m.html || exit 1; \
	done
	$(BIN)/resnet-inspect depth resnet50 resnet101 -o reports/depth-resnet50-resnet101.txt
	$(BIN)/resnet-inspect compare --layout paper resnet18 resnet34 resnet50 resnet101 resnet152 -o reports/table1.txt
	$(BIN)/resnet-inspect compare --layout paper resnet18 resnet34 resnet50 resnet101 resnet152 \
		--format markdown -o reports/table1.md
	@mkdir -p reports/diagrams reports/plots
	@for kind in contrast bottleneck-kinds v1-vs-v15 plain-vs-residual; do \
		$(BIN)/resnet-inspect diagram $$kind -o reports/diagrams/$$kind.svg || exit 1; done
	$(BIN)/resnet-inspect diagram block resnet50 -o reports/diagrams/block-resnet50.svg
	$(BIN)/resnet-inspect diagram network resnet101 -o reports/diagrams/network-resnet101.svg
	$(BIN)/resnet-inspect plot stages resnet18 resnet34 resnet50 resnet101 resnet152 -o reports/plots/stages.png
	$(BIN)/resnet-inspect plot rf resnet50 -o reports/plots/rf-resnet50.png
	$(BIN)/resnet-inspect plot shapes resnet50 -o reports/plots/shapes-resnet50.png
	$(BIN)/resnet-inspect plot family -o reports/plots/family.png
	$(BIN)/resnet-inspect plot memory resnet18 resnet50 resnet101 -o reports/plots/memory.png
	$(BIN)/resnet-inspect table resnet101 --depth 1

lint: $(STAMP)
	$(BIN)/ruff check resnet_inspect tests benchmarks
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/_failed
