# custos — make help lists the targets.
SHELL := /bin/bash
GO ?= go
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
TAGS := gore2regex
BIN := bin/custos
DEMO := testdata/snapshots/demo.json

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z][a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-10s %s\n", $$1, $$2}'

.PHONY: build
build: ## build bin/custos (version from git describe)
	$(GO) build -tags $(TAGS) -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/custos

.PHONY: test
test: ## vet, then every Go and Rego test with the race detector
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -race -count=1 ./...

.PHONY: lint
lint: ## gofmt check, go vet, staticcheck, opa fmt and opa check on the policies
	@out=$$(gofmt -l cmd internal scanners reports policies); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	$(GO) tool staticcheck -tags $(TAGS) ./...
	@out=$$($(GO) tool opa fmt -l policies); if [ -n "$$out" ]; then echo "opa fmt would change:"; echo "$$out"; exit 1; fi
	$(GO) tool opa check --strict policies

.PHONY: bench
# Full-size corpora for make bench: 1M and 10M CloudTrail events, a 300 MB tree.
BENCH_ENV ?= CUSTOS_BENCH_EVENTS=1000000,10000000 CUSTOS_BENCH_TREE_MB=300
BENCH ?= .

bench: ## benchmarks at full size: evaluation, effective access, collection, repository, access logs (long; BENCH=regexp)
	$(BENCH_ENV) $(GO) test -tags $(TAGS) -run '^$$' -bench '$(BENCH)' -benchtime 1x -benchmem -timeout 90m ./...

.PHONY: demo
demo: build ## scan the bundled demo account: table on the console, reports in out/
	@mkdir -p out
	@set +e; ./$(BIN) scan aws --snapshot $(DEMO) --format table,sarif,html,json --out-dir out --fail-on high; \
	code=$$?; echo "custos exited $$code (1 = findings at or above --fail-on high); reports in out/: custos.sarif custos.html custos.json custos.txt"; \
	[ $$code -le 1 ]

.PHONY: generate
generate: ## regenerate the snapshot JSON Schema and other generated files
	$(GO) generate ./...

.PHONY: golden
golden: ## regenerate golden report files (review the diff like code)
	$(GO) test ./reports/... ./cmd/... -update

.PHONY: clean
clean: ## remove build output and reports
	rm -rf bin out
