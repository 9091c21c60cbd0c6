# Front door: build, run and test the system. Thin on purpose: the work lives in scripts/ (the stack,
# dependencies, the test sequence) and CMakeLists.txt (the build); no target here hides logic.
#   make run    install what is missing, build, start everything in the foreground (Ctrl-C stops it)
#   make up     the same in the background; returns once the gateway is ready (make down stops it)
#   make test   dependencies, -Werror build, unit tests, contract lint, integration tests on a fresh stack
SHELL := /bin/bash
.DEFAULT_GOAL := build
# deps before build before the stack, even under make -j.
.NOTPARALLEL:

BUILD_DIR ?= build
STATE_DIR ?= .run
export BUILD_DIR := $(abspath $(BUILD_DIR))
export STATE_DIR := $(abspath $(STATE_DIR))
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Ninja when available, but never switch the generator of an already configured folder.
CMAKE_GENERATOR_ARG := $(if $(wildcard $(BUILD_DIR)/CMakeCache.txt),,$(if $(shell command -v ninja 2>/dev/null),-G Ninja,))
FORMAT_DIRS := common services gateway tests

.PHONY: help build run up down status test deps fmt clean bench

help:
	@sed -n '3,5p' Makefile | sed 's/^# //'
	@echo "  also: make build | down | status | deps | fmt | clean | bench"

build:
	cmake -S . -B "$(BUILD_DIR)" $(CMAKE_GENERATOR_ARG) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build "$(BUILD_DIR)" --parallel $(JOBS)

deps:
	@scripts/install-deps.sh

run: deps build
	@scripts/stack.sh run

up: deps build
	@scripts/stack.sh up

down:
	@scripts/stack.sh down

status:
	@scripts/stack.sh status || true

test:
	@scripts/test.sh

fmt:
	@if command -v clang-format >/dev/null 2>&1; then \
	  find $(FORMAT_DIRS) -type f \( -name '*.c' -o -name '*.h' \) -print0 | xargs -0 -r clang-format -i; \
	  echo "fmt: formatted the C sources with $$(clang-format --version)"; \
	else \
	  echo "fmt: clang-format is not installed (apt-get install clang-format); nothing was formatted"; \
	fi

clean:
	rm -rf "$(BUILD_DIR)" "$(CURDIR)/build-asan"
	@echo "clean: kept the stack's state in $(STATE_DIR) (make down first, then remove it to start afresh)"

bench:
	@scripts/bench.sh
