# turnaround: build, demo, tests and benchmarks. See README.md.
VERSION := 0.5.3
PREFIX ?= /usr/local
# The library (configs, scenarios, sweeps, calibrations), the documents and
# the manual page. DATADIR is compiled into the program, which looks there
# for scenarios given by name (README, section Commands).
DATADIR = $(PREFIX)/share/turnaround
DOCDIR = $(PREFIX)/share/doc/turnaround
MANDIR = $(PREFIX)/share/man

CC ?= cc
# libmicrohttpd: the web server of turnaround serve.
PKGS := gsl libconfig libmicrohttpd
# The reference implementations under tests/reference/ run on Debian's Python and NumPy;
# the page of turnaround serve is tested in headless Chromium through Selenium.
PYTHON := /usr/bin/python3
DEPS_OK := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && $(PYTHON) -c 'import numpy, pandas, selenium' 2>/dev/null && command -v strace >/dev/null && command -v Rscript >/dev/null && command -v groff >/dev/null && command -v chromium >/dev/null && command -v chromedriver >/dev/null && echo yes)

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
else ifeq ($(BENCH_TIMERS),1)
# make bench's build: the same code with CPU timers around each phase of
# world_step and the capability forecasts (model/bench_timers.h); the timers
# only read clocks, so its results are the release build's bits.
BUILD := build/bench
ALL_CFLAGS += -DTURNAROUND_BENCH_TIMERS
BIN := build/bench/bin
else ifeq ($(SANITIZE),thread)
# SANITIZE=thread: ThreadSanitizer, for make check-threads (the threads that step a
# replication's organisations and run compare's replications, and serve's threads).
BUILD := build/tsan
ALL_CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
BIN := build/tsan/bin
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

.PHONY: all deps demo test check-patterns check-slow check-threads validate bench mpi fuzz clean install uninstall FORCE
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

# main.c is rebuilt when DATADIR changes (make install PREFIX=/opt), and only then.
$(BUILD)/datadir: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(DATADIR)' | cmp -s - $@ || printf '%s\n' '$(DATADIR)' > $@
$(BUILD)/cli/main.o: $(BUILD)/datadir
FORCE:
$(BUILD)/cli/main.o: ALL_CFLAGS += -DTURNAROUND_DATADIR='"$(DATADIR)"'

# The page of turnaround serve, compiled in: one C file generated from its assets.
SERVE_ASSETS := $(wildcard cli/serve_assets/*.html cli/serve_assets/*.css cli/serve_assets/*.js)
$(BUILD)/cli/serve_assets.c: $(SERVE_ASSETS) scripts/embed-assets
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMBED   $@")
	$(Q)scripts/embed-assets $(SERVE_ASSETS) > $@.tmp && mv $@.tmp $@
$(BUILD)/cli/serve_assets.o: $(BUILD)/cli/serve_assets.c Makefile
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Icli -c $< -o $@

$(BIN)/turnaround: $(BUILD)/cli/main.o $(BUILD)/cli/report.o $(BUILD)/cli/serve.o $(BUILD)/cli/serve_assets.o $(CLI_OBJ) \
                   $(BUILD)/libturnaround.a
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

# The program's threads under ThreadSanitizer: the model's tests (1 to 4 threads,
# forecasts in parallel), serve's tests (its job threads and the charts' watchdog
# reading the flag the SIGINT handler sets) and a compare with --threads 2
# --jobs 2, stopping at the first report (about a minute).
check-threads: deps
	$(MAKE) --no-print-directory SANITIZE=thread build/tsan/tests/test_model build/tsan/tests/test_serve build/tsan/bin/turnaround
	TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_model
	TSAN_OPTIONS=halt_on_error=1 TURNAROUND_BIN=$(abspath build/tsan/bin/turnaround) TURNAROUND_SRC=$(CURDIR) \
	  build/tsan/tests/test_serve
	TSAN_OPTIONS=halt_on_error=1 build/tsan/bin/turnaround compare scenarios/doncaster.cfg --reps 4 --threads 2 \
	  --jobs 2 --set sector.orgs=12 --no-plot --quiet --force --out build/tsan/compare
	@echo "make check-threads: no data race reported"

# Each real figure beside the model's, from the scenarios as shipped (about ten seconds).
validate: deps
	$(MAKE) --no-print-directory $(BIN)/turnaround $(VALIDATE_TESTS)
	@fail=0; for t in $(VALIDATE_TESTS); do \
	  echo "== $$t"; $(RUN_TEST) $$t || fail=1; done; \
	  if [ $$fail -ne 0 ]; then echo "make validate: FAILED"; exit 1; fi; echo "make validate: all passed"

# Issue 13's speed targets, this version against BENCH_BASE built from git in
# the same run (scripts/bench: a worktree under build/bench-base/, removed
# after), BENCH_ROUNDS rounds interleaved, medians and ratios. BENCH_BASE
# empty: the parent of the newest commit that changed model/ (the model
# before its latest change); any revision otherwise (make bench
# BENCH_BASE=v0.4.0). QUICK=1: fewer months, no sweeps, 3 rounds (under a
# minute). BENCH_BIG=1: also 1e7 staff for 120 months end to end, once each
# version (a minute or two more).
BENCH_BASE ?=
BENCH_ROUNDS ?= $(if $(QUICK),3,5)
bench: deps
	$(MAKE) --no-print-directory $(BIN)/turnaround $(BIN)/turnaround-bench
	$(MAKE) --no-print-directory BENCH_TIMERS=1 build/bench/bin/turnaround build/bench/bin/turnaround-bench
	$(PYTHON) scripts/bench --base '$(BENCH_BASE)' --rounds $(BENCH_ROUNDS) $(if $(QUICK),--quick) $(if $(BENCH_BIG),--big)

# What make install puts, and make uninstall removes: the program, the
# library in the layout of the source tree (a scenario's base
# "../configs/default.cfg" and a sweep's "../doncaster.cfg" resolve the
# same), README.md with docs/ beside it as README links them, and the manual
# (docs/turnaround.1, with this DATADIR where it names the default one).
# PROGRAM is the binary installed (tests/test_install.c installs the one
# under test).
PROGRAM ?= $(BIN)/turnaround
INSTALL_DATA := $(wildcard configs/*.cfg scenarios/*.cfg scenarios/sweeps/*.cfg scenarios/calibrations/*.cfg)
INSTALL_DOCS := README.md $(wildcard docs/*.md docs/gallery/*.png docs/validation/*.png)
INSTALL_DATA_DIRS := $(sort $(patsubst %/,%,$(dir $(INSTALL_DATA))))
INSTALL_DOC_DIRS := $(sort $(patsubst %/,%,$(filter-out ./,$(dir $(INSTALL_DOCS)))))

install: $(PROGRAM)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
	  $(INSTALL_DATA_DIRS:%=$(DESTDIR)$(DATADIR)/%) $(DESTDIR)$(DOCDIR) $(INSTALL_DOC_DIRS:%=$(DESTDIR)$(DOCDIR)/%)
	install -m 755 $(PROGRAM) $(DESTDIR)$(PREFIX)/bin/turnaround
	sed 's|/usr/local/share/turnaround|$(DATADIR)|g' docs/turnaround.1 > $(DESTDIR)$(MANDIR)/man1/turnaround.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/turnaround.1
	@set -e; for f in $(INSTALL_DATA); do echo "install -m 644 $$f $(DESTDIR)$(DATADIR)/$$f"; \
	  install -m 644 $$f $(DESTDIR)$(DATADIR)/$$f; done
	@set -e; for f in $(INSTALL_DOCS); do echo "install -m 644 $$f $(DESTDIR)$(DOCDIR)/$$f"; \
	  install -m 644 $$f $(DESTDIR)$(DOCDIR)/$$f; done

# Removes the files install put and then its own folders, where they are
# empty: a file someone added beside them, and the folders they are in, stay.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/turnaround $(DESTDIR)$(MANDIR)/man1/turnaround.1 \
	  $(INSTALL_DATA:%=$(DESTDIR)$(DATADIR)/%) $(INSTALL_DOCS:%=$(DESTDIR)$(DOCDIR)/%)
	@set -e; for d in $$(printf '%s\n' $(INSTALL_DATA_DIRS:%=$(DESTDIR)$(DATADIR)/%) $(INSTALL_DOC_DIRS:%=$(DESTDIR)$(DOCDIR)/%) \
	  | sort -r) $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR); do \
	  if [ -d "$$d" ] && [ -z "$$(ls -A "$$d")" ]; then echo "rmdir $$d"; rmdir "$$d"; fi; done

clean:
	rm -rf build bin

.SECONDARY:
-include $(shell find build -name '*.d' 2>/dev/null)
