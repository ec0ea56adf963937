# Developer and CI entry points. PostgreSQL comes from .ci/pg-ensure: the
# DATABASE_URL you set, the server on 127.0.0.1:5432, or a private cluster in
# .data/pg that it creates and starts.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
# Two packages at a time suit a 2-core machine; each test clones its own database.
GOTESTFLAGS ?= -count=1 -p 2

# $(call with_db,VAR,DBNAME): keep VAR if it is set, else set it from
# .ci/pg-ensure DBNAME; then export it. A failing pg-ensure stops the recipe.
with_db = $(1)="$${$(1):-$$(.ci/pg-ensure $(2))}"; export $(1)

.PHONY: run test bench migrate vet fmt

run:
	@$(call with_db,DATABASE_URL,jointops); \
	$(GO) run ./cmd/jointops dev

# Runs every package's tests, then prints one line that counts packages. The
# browser tests need Debian's Chromium: .ci/chromium-ensure installs it.
test:
	@.ci/chromium-ensure; \
	$(call with_db,TEST_DATABASE_URL,jointops_test); \
	log="$$(mktemp)"; trap 'rm -f "$$log"' EXIT; \
	status=0; $(GO) test $(GOTESTFLAGS) ./... 2>&1 | tee "$$log" || status=$$?; \
	echo "packages: $$(grep -c '^ok' "$$log" || true) passed, $$(grep -c $$'^FAIL\t' "$$log" || true) failed"; \
	exit $$status

bench:
	@$(call with_db,DATABASE_URL,jointops); \
	$(GO) run ./cmd/jointops bench all

migrate:
	@$(call with_db,DATABASE_URL,jointops); \
	$(GO) run ./cmd/jointops migrate

vet:
	$(GO) vet ./...

fmt:
	$(GO) fmt ./...
