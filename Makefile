# NEXT Portal: build, run and test. CI (.ci/run) calls the same targets.
#
#   make build     build bin/portal
#   make run       build, then serve the demo portal on PORTAL_ADDR (default :7007) with data in PORTAL_DATA_DIR (default ./.data)
#   make test      go vet + go test ./... (installs the npm deps of the Backstage client test first when npm is there)
#   make test-pg   make test against PostgreSQL (DATABASE_URL, the server on 127.0.0.1:5432, or a throwaway cluster)
#   make fuzz      run every Go fuzz target for FUZZTIME (default 5m) each, one after another
#   make bench     Go benchmarks, then the HTTP load runs (catalog routes; search over ~100,000 chunks;
#                  wrk over the four routes compared with Backstage, scripts/wrkload.sh)
#   make eval      search quality: the four classic IR sets and the demo set, set × mode, ratio to plain BM25;
#                  then every anomaly detector over the whole NAB corpus, scored NAB's way (PORTAL_NAB_DATA)
#                  then the cost forecast backtests (MASE per series, demo history and the FOCUS sample)
#   make lint      gofmt, go vet, staticcheck
#   make clean     remove bin/ and ./.data

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
# Extra flags for go test, e.g. `make test GOTESTFLAGS='-race -count=1'`.
GOTESTFLAGS ?=
# How long `make fuzz` runs each fuzz target, and `make fuzz-smoke` (part of `make test` under CI=true).
FUZZTIME ?= 5m
FUZZ_SMOKE_TIME ?= 100x
# Packages `make fuzz` covers, e.g. FUZZ_PKGS=./catalog; empty means every package with a FuzzX target.
FUZZ_PKGS ?=
PORTAL_DATA_DIR ?= ./.data
export PORTAL_DATA_DIR
# The Numenta Anomaly Benchmark make eval scores the anomaly detectors on.
PORTAL_NAB_DATA ?= ../shared/data/nab

CLIENT_DIR := api/testdata/catalog-client
# npm writes this hidden lockfile on every install; it is older than package-lock.json when the pins change.
CLIENT_DEPS := $(CLIENT_DIR)/node_modules/.package-lock.json

.PHONY: build run test test-pg bench eval lint clean npm-deps fuzz fuzz-smoke

build:
	$(GO) build -o bin/portal ./cmd/portal

run: build
	mkdir -p "$(PORTAL_DATA_DIR)"
	bin/portal serve --demo

test: npm-deps
	$(GO) vet ./...
	$(GO) test $(GOTESTFLAGS) ./...
	@if [ "$${CI:-}" = true ]; then $(MAKE) --no-print-directory fuzz-smoke; fi

# Plain `go test` runs every fuzz target over its seed corpus; these also mutate inputs.
fuzz:
	GO=$(GO) scripts/fuzz.sh $(FUZZTIME) $(FUZZ_PKGS)

fuzz-smoke:
	GO=$(GO) scripts/fuzz.sh $(FUZZ_SMOKE_TIME)

test-pg:
	scripts/with-postgres.sh $(MAKE) --no-print-directory test

npm-deps: $(CLIENT_DEPS)

$(CLIENT_DEPS): $(CLIENT_DIR)/package.json $(CLIENT_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm ci in $(CLIENT_DIR)"; \
		if (cd $(CLIENT_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); then touch $@; \
		else echo "npm ci failed: the @backstage/catalog-client compatibility test will be skipped (or fail under CI=true)"; fi; \
	else \
		echo "npm not found: the @backstage/catalog-client compatibility test will be skipped"; \
	fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	scripts/loadtest.sh
	scripts/searchload.sh
	scripts/install-wrk.sh
	scripts/wrkload.sh

# The IR sets are read from PORTAL_IR_DATA, else ../shared/data/ir beside the repository.
eval:
	PORTAL_EVAL=1 $(GO) test ./evals -run '^TestEvalTable$$' -count=1 -v -timeout 60m
	$(GO) run ./cmd/portal eval nab --data "$(PORTAL_NAB_DATA)"
	$(GO) run ./cmd/portal eval forecast

lint:
	@unformatted=$$(find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*' -not -path './.data/*' -print0 | xargs -0 gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

clean:
	rm -rf bin .data
