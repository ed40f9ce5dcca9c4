# stoq: a thin wrapper over CMake + Ninja. Everything real happens in CMakeLists.txt
# and scripts/; this file only names the everyday commands.
#
#   make / make build   configure build/ once (RelWithDebInfo, Ninja, ccache if present) and build
#   make deps           install the Debian packages (scripts/install-deps.sh; apt only if something is missing)
#   make test           deps + build + servers (scripts/services.sh) + ctest
#   make demo           deps + build what stoq runs (no tests) + scripts/demo.sh on samples/
#   make install        cmake --install build --prefix $(PREFIX)
#   make install-check  install into a temp prefix and run the installed stoq from elsewhere
#   make sanitize       clang ASan+UBSan build in build-asan/: unit + plugin tests, then every fuzzer FUZZ_SECONDS (15)
#   make fuzz           libFuzzer targets in build-fuzz/, each FUZZ_SECONDS (60)
#   make tidy           clang-tidy over src/ and plugins/ (tidy-changed: only what changed since .ci/tidy-baseline)
#   make format | format-check | bench | clean
#
# Variables: BUILD_DIR (build), BUILD_TYPE (RelWithDebInfo), PREFIX (/usr/local),
# JOBS (build parallelism; default: ninja's), CTEST_ARGS (extra ctest arguments),
# CMAKE_ARGS (extra configure arguments, used only when build/ is first configured).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
PREFIX     ?= /usr/local
JOBS       ?=
CTEST_ARGS ?=
CMAKE_ARGS ?=

CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER := $(if $(CCACHE),-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
PARALLEL := $(if $(JOBS),--parallel $(JOBS))

# Sources clang-format looks at.
FORMAT_DIRS := include src plugins tests bench fuzz
FORMAT_FILES = $(shell find $(FORMAT_DIRS) -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) 2>/dev/null | sort)

.PHONY: build deps configure test demo install install-check sanitize fuzz format format-check tidy tidy-changed bench clean help

help:
	@sed -n '4,18p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps.sh

# Configure once; afterwards Ninja re-runs CMake by itself when a CMakeLists.txt changes.
$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(LAUNCHER) $(CMAKE_ARGS)

configure: $(BUILD_DIR)/build.ninja

build: $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) $(PARALLEL)

# `make test` and `make demo` work on a fresh machine: dependencies first, then the build.
test: deps
	@$(MAKE) --no-print-directory build
	@trap 'scripts/services.sh stop' EXIT; \
	  scripts/services.sh start; \
	  ctest --test-dir $(BUILD_DIR) --output-on-failure --no-tests=error -j2 $(CTEST_ARGS)

# The demo needs the CLI and the plugins only (target `runtime`), not the test suite.
demo: deps
	@$(MAKE) --no-print-directory $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) $(PARALLEL) --target runtime
	@scripts/demo.sh $(BUILD_DIR)

# CI runs this after `make test` (.ci/run).
sanitize: deps
	@scripts/sanitize.sh $(or $(FUZZ_SECONDS),15)

fuzz:
	@fuzz/run.sh $(or $(FUZZ_SECONDS),60)

install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

install-check: build
	@scripts/install-check.sh $(BUILD_DIR)

format:
	clang-format -i $(FORMAT_FILES)

# Lists the files `make format` would change (clang-format --dry-run FILE shows how).
format-check:
	@bad=0; for f in $(FORMAT_FILES); do \
	  clang-format --dry-run --Werror "$$f" >/dev/null 2>&1 || { echo "needs formatting: $$f"; bad=$$((bad + 1)); }; \
	done; \
	if ((bad)); then echo "format-check: $$bad of $(words $(FORMAT_FILES)) files need 'make format'"; exit 1; fi; \
	echo "format-check: all $(words $(FORMAT_FILES)) files clean"

# clang-tidy over every src/ and plugins/ file of the compile database CMake writes
# (so each file gets its real flags), two at a time. Exit status 1 on any error.
# clang-tidy over every .cpp of src/ and plugins/ (any warning fails: .clang-tidy).
tidy: $(BUILD_DIR)/build.ninja
	@JOBS=$(or $(JOBS),2) scripts/tidy.sh --build $(BUILD_DIR)

# CI: only what changed since .ci/tidy-baseline (the last commit checked whole).
tidy-changed: $(BUILD_DIR)/build.ninja
	@JOBS=$(or $(JOBS),2) scripts/tidy.sh --build $(BUILD_DIR) --changed

bench: $(BUILD_DIR)/build.ninja
	@scripts/install-deps.sh --bench || echo "make bench: going on without the optional bench tools (timings fall back to 'time')"
	@if cmake --build $(BUILD_DIR) --target help | grep -q '^bench-run:'; then \
	  cmake --build $(BUILD_DIR) $(PARALLEL) --target bench-run; \
	else \
	  echo "make bench: this build has no bench-run target (configure with -DSTOQ_BUILD_BENCH=ON; see bench/)"; \
	  exit 1; \
	fi

clean:
	rm -rf $(BUILD_DIR)
