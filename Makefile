# turnaround: build, demo, tests and benchmarks. See README.md.
VERSION := 0.4.0
PREFIX ?= /usr/local
DATADIR = $(PREFIX)/share/turnaround

CC ?= cc
PKGS := gsl libconfig
# The reference implementations under tests/reference/ run on Debian's Python and NumPy.
PYTHON := /usr/bin/python3
DEPS_OK := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && $(PYTHON) -c 'import numpy' 2>/dev/null && command -v strace >/dev/null && echo yes)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wwrite-strings -Wconversion -Wno-sign-conversion -Wpointer-arith -Wcast-qual \
        -Wundef -Wformat=2
CFLAGS ?= -O2 -g
# Beliefs are bit sets: use the processor's popcount where the baseline lacks it.
ARCH_FLAGS := $(if $(filter x86_64,$(shell uname -m)),-mpopcnt)
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -pthread $(WARN) $(ARCH_FLAGS) $(CFLAGS) -MMD -MP \
             -DTURNAROUND_VERSION='"$(VERSION)"' \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread

# Short build lines; V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

ifeq ($(FUZZ),1)
# make fuzz: the loaders under libFuzzer, with AddressSanitizer and UBSan.
CC := clang
BUILD := build/fuzz
BIN := build/fuzz/bin
WARN := $(filter-out -Werror,$(WARN))
CFLAGS := -g -O1
ALL_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(MPI),1)
# turnaround-mpi: the same program built with mpicc, its sweeps spread over MPI ranks.
CC := mpicc
BUILD := build/mpi
ALL_CFLAGS += -DTURNAROUND_MPI
BIN := build/mpi/bin
else ifeq ($(SANITIZE),1)
BUILD := build/sanitize
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BIN := build/sanitize/bin
else
BUILD := build/release
BIN := bin
endif

MODEL_SRC := $(wildcard model/*.c)
# The layers point one way: model <- lab (experiments) <- cli (the command line);
# plots read results.
CLI_SRC := $(wildcard lab/*.c) $(wildcard plots/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

MODEL_OBJ := $(MODEL_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
SLOW_TESTS := $(BUILD)/tests/test_patterns_slow $(BUILD)/tests/test_patterns_full $(BUILD)/tests/test_march_full \
              $(BUILD)/tests/test_calibrate_full $(BUILD)/tests/test_kill_full
VALIDATE_TESTS := $(BUILD)/tests/test_validate
FAST_TESTS := $(filter-out $(SLOW_TESTS) $(VALIDATE_TESTS), $(TESTS))

.PHONY: all deps demo test check-patterns check-slow validate bench mpi fuzz clean install uninstall
all: $(BIN)/turnaround

deps:
	@$(if $(DEPS_OK),true,scripts/deps)

$(BUILD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Imodel -Ilab -Icli -Iplots -c $< -o $@

$(BUILD)/libturnaround.a: $(MODEL_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

$(BIN)/turnaround: $(BUILD)/cli/main.o $(BUILD)/cli/report.o $(CLI_OBJ) $(BUILD)/libturnaround.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/turnaround-bench: $(BUILD)/cli/bench.o $(CLI_OBJ) $(BUILD)/libturnaround.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/tests/support.o $(BUILD)/tests/patterns.o $(BUILD)/tests/march.o $(CLI_OBJ) \
                 $(BUILD)/libturnaround.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs cmocka 2>/dev/null) -o $@

# Fuzz harnesses for the configuration, sweep and calibration loaders and the
# resume reader (tests/fuzz/), each run for FUZZ_SECONDS: make fuzz FUZZ_SECONDS=1800.
FUZZ_SECONDS ?= 60
FUZZERS := config sweep calibration resume
$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(CLI_OBJ) $(BUILD)/libturnaround.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -fsanitize=fuzzer,address,undefined $^ $(LDLIBS) -o $@

fuzz: deps all
	@command -v clang >/dev/null 2>&1 && [ -n "$$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a 2>/dev/null)" ] \
	  || scripts/deps fuzz
	$(MAKE) --no-print-directory FUZZ=1 $(FUZZERS:%=build/fuzz/fuzz_%)
	TURNAROUND_SRC=$(CURDIR) scripts/fuzz $(FUZZ_SECONDS) $(FUZZERS)

# bin/turnaround-mpi (scripts/deps installs OpenMPI).
mpi:
	$(MAKE) --no-print-directory MPI=1 build/mpi/bin/turnaround
	@mkdir -p bin && cp build/mpi/bin/turnaround bin/turnaround-mpi

# Tests find the binaries under test and the source tree through the environment.
RUN_TEST = TURNAROUND_BIN=$(abspath $(BIN)/turnaround) TURNAROUND_SRC=$(CURDIR) \
           TURNAROUND_MPI_BIN=$(abspath bin/turnaround-mpi)

demo: deps
	$(MAKE) --no-print-directory all
	$(BIN)/turnaround run --force

test: deps
	$(MAKE) --no-print-directory $(BIN)/turnaround $(FAST_TESTS)
	@if command -v mpicc >/dev/null 2>&1; then $(MAKE) --no-print-directory mpi; fi
	@fail=0; for t in $(FAST_TESTS); do \
	  echo "== $$t"; $(RUN_TEST) $$t || fail=1; done; \
	  echo "== tests/reference (the reference implementations' own tests)"; \
	  $(PYTHON) -m unittest discover -s tests/reference || fail=1; \
	  if [ $$fail -ne 0 ]; then echo "make test: FAILED"; exit 1; fi; echo "make test: all passed"

# The full statistical pattern set: more replications, wider ranges, pattern 3.
check-patterns: deps
	$(MAKE) --no-print-directory $(BIN)/turnaround $(SLOW_TESTS)
	@fail=0; for t in $(SLOW_TESTS); do \
	  echo "== $$t"; $(RUN_TEST) $$t || fail=1; done; \
	  if [ $$fail -ne 0 ]; then echo "make check-patterns: FAILED"; exit 1; fi; echo "make check-patterns: all passed"

check-slow: check-patterns

# Each real figure beside the model's, from the scenarios as shipped (about ten seconds).
validate: deps
	$(MAKE) --no-print-directory $(BIN)/turnaround $(VALIDATE_TESTS)
	@fail=0; for t in $(VALIDATE_TESTS); do \
	  echo "== $$t"; $(RUN_TEST) $$t || fail=1; done; \
	  if [ $$fail -ne 0 ]; then echo "make validate: FAILED"; exit 1; fi; echo "make validate: all passed"

bench: deps
	$(MAKE) --no-print-directory $(BIN)/turnaround-bench
	$(BIN)/turnaround-bench

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/configs $(DESTDIR)$(DATADIR)/scenarios
	install -m 755 $(BIN)/turnaround $(DESTDIR)$(PREFIX)/bin/turnaround
	install -m 644 configs/*.cfg $(DESTDIR)$(DATADIR)/configs/
	install -m 644 scenarios/*.cfg $(DESTDIR)$(DATADIR)/scenarios/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/turnaround
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build bin

.SECONDARY:
-include $(shell find build -name '*.d' 2>/dev/null)
