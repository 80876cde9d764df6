# Musubi — every target a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS := --experimental-vm-modules

# npm install, not npm ci: the registry mirror here serves only this platform's optional packages
# (e.g. no @swc/core-darwin-*), so the lock cannot list them and npm ci refuses a lock without them.
# npm install still installs the locked versions.
node_modules/.package-lock.json: package-lock.json
	npm install --no-audit --no-fund
	@touch $@

.PHONY: help
help: ## list targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: deps
deps: node_modules/.package-lock.json ## install npm dependencies (the locked versions)

.PHONY: build
build: deps ## type-check and compile every workspace to dist/
	npx tsc -b

.PHONY: gen
gen: deps ## regenerate crds/ and docs/api.md from the zod API
	npx tsc -b operator
	node operator/dist/gen/main.js

.PHONY: check-gen
check-gen: gen ## fail when generated files differ from what is committed
	@git diff --exit-code -- crds docs/api.md || { echo "generated files are stale: run 'make gen' and commit"; exit 1; }

.PHONY: lint
lint: deps ## eslint + musubi lint over examples/
	npx eslint .
	npx tsc -b
	node operator/dist/cli/main.js lint examples/

.PHONY: controlplane
controlplane: ## build (or reuse) kube-apiserver, etcd, kwok, helm, kubeconform into ~/.cache/musubi
	@bash e2e/controlplane/build.sh >/dev/null

.PHONY: up
up: build controlplane ## start the local control plane in the background (kubeconfig in .musubi/kubeconfig)
	@node e2e/dist/cli/up.js

.PHONY: run
run: build controlplane ## the local default: control plane + operator + examples/, then kubectl get musubi
	@node e2e/dist/cli/run.js

.PHONY: down
down: ## stop the local control plane started by make up
	@node e2e/dist/cli/down.js

.PHONY: test
test: deps controlplane ## everything CI runs: build, gen check, lint, unit + integration tests
	$(MAKE) check-gen lint
	npx jest --ci --watchman=false

.PHONY: bench
bench: build controlplane ## benchmarks, printed with units (trust vs raw Ed25519; rack share recompute; connector negotiations/s and 100 MiB vs loopback; ORv3 placement with the real scheduler, ~6 min)
	node packages/core/dist/trust/bench.js
	node operator/dist/placement/bench.js
	node connector-image/dist/bench/main.js
	node e2e/dist/bench/placement-scale.js

.PHONY: conformance
conformance: build ## conformance checklists against our services, pass counts per suite (W3C VC DM 2.0, VC-API issuer/verifier)
	node trust-services/dist/conformance/main.js

.PHONY: conformance-dsp
conformance-dsp: build ## the official DSP 2025-1 TCK (1.0.0-RC6 test modules from Maven Central) against the connector's TCK profile; counts per suite
	bash connector-image/conformance/run.sh

.PHONY: lint-examples
lint-examples: build ## validate examples/ offline with musubi lint
	node operator/dist/cli/main.js lint examples/
