# MPP Digital — build, run and test on Debian.
#   make run    install missing system libraries, build release, start the platform (`mpp up`)
#   make test   install what is missing, run the Python interop check and `swift test`

SWIFT          ?= swift
PYTHON         ?= python3
DOCKER_COMPOSE ?= docker-compose
# Serial: several tests start real executables; on a 2-core machine running them one at a time
# keeps timeouts meaningful (about 2 minutes in all). `make test SWIFT_TEST_FLAGS=` runs them in parallel.
SWIFT_TEST_FLAGS ?= --no-parallel

APT_PACKAGES := libzmq3-dev libsodium-dev libsqlite3-dev pkg-config python3-zmq
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT          := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
INTEROP      := Tests/interop/check_health.py
COMPOSE_FILE := compose/docker-compose.yml

.DEFAULT_GOAL := help
.PHONY: help deps swift-check build run test interop bench compose-check clean

help:
	@echo "make run            install missing libraries, build release, run 'mpp up' (data in ./var or \$$MPP_DATA)"
	@echo "make test           install missing libraries, Python interop check, swift test"
	@echo "make deps           install libzmq, libsodium, SQLite headers, pkg-config and pyzmq if missing"
	@echo "make build          swift build -c release"
	@echo "make bench          swift run -c release mpp-bench"
	@echo "make compose-check  validate $(COMPOSE_FILE)"
	@echo "make clean          remove build output (keeps ./var)"

swift-check:
	@command -v $(SWIFT) >/dev/null 2>&1 || { \
	  echo "error: '$(SWIFT)' not found. Install a Swift 6 toolchain (https://swift.org/install, or swiftly) and put it on PATH." >&2; \
	  exit 1; }

# Idempotent: touches apt only when a library or pyzmq is missing.
deps: swift-check
	@if pkg-config --exists libzmq libsodium sqlite3 2>/dev/null && $(PYTHON) -c 'import zmq' 2>/dev/null; then \
	  echo "deps: libzmq, libsodium, sqlite3, pyzmq present"; \
	else \
	  echo "deps: installing $(APT_PACKAGES)"; \
	  $(APT) update -qq && $(APT) install -y -qq --no-install-recommends $(APT_PACKAGES) </dev/null || exit 1; \
	  if ! $(PYTHON) -c 'import zmq' 2>/dev/null; then \
	    echo "deps: $(PYTHON) does not see python3-zmq (pyenv/venv?), installing pyzmq with pip"; \
	    $(PYTHON) -m pip install --quiet pyzmq || echo "deps: warning: pyzmq not installed; the interop check will fail" >&2; \
	  fi; \
	  pkg-config --exists libzmq libsodium sqlite3 || { echo "deps: libraries still missing after apt-get" >&2; exit 1; }; \
	fi

build: deps
	$(SWIFT) build -c release

run: deps build
	.build/release/mpp up

# The interop check runs first so that the last lines of `make test` are swift test's summary.
test: deps interop
	$(SWIFT) test $(SWIFT_TEST_FLAGS)

# A Python client speaking MPP/1 from PROTOCOL.md alone calls sys.health on a real registry.
interop: deps
	@if [ -f $(INTEROP) ]; then \
	  $(SWIFT) build --product mpp-registry && \
	  MPP_REGISTRY_BIN="$(CURDIR)/.build/debug/mpp-registry" $(PYTHON) $(INTEROP); \
	else \
	  echo "interop: $(INTEROP) not present, skipped"; \
	fi

bench: deps
	$(SWIFT) run -c release mpp-bench

compose-check:
	$(DOCKER_COMPOSE) -f $(COMPOSE_FILE) config -q
	@echo "compose-check: $(COMPOSE_FILE) is valid"

clean:
	rm -rf .build
