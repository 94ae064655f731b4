# cvetrail — build, test, benchmark, install.
#   make                 build ./cvetrail
#   make check           all tests (unit, conformance, golden, end-to-end)
#   make check-asan      the whole suite again built with ASan + UBSan
#   make check-repeat    the crash and lock tests 20 times each
#   make check-tsan      the two-thread code under ThreadSanitizer
#   make bench           benchmarks (ratios against jq and cat)
#   make demo            the daily loop on bundled example scans
#   make install PREFIX=/usr/local

VERSION := 0.1.0
PREFIX ?= /usr/local
CC ?= cc
BUILD ?= build

WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
OPT ?= -O2 -g
CFLAGS ?=
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -pthread $(OPT) $(WARN) -Isrc/lib -DCVT_VERSION='"$(VERSION)"' $(CFLAGS)
# libgit2 is loaded on first use (src/lib/gitlib.h), by the name its package installs.
LIBGIT2_SONAME := $(shell objdump -p "$$(pkg-config --variable=libdir libgit2 2>/dev/null)/libgit2.so" 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
LDLIBS := -pthread
ALL_CFLAGS += $(shell pkg-config --cflags libgit2 2>/dev/null) -DCVT_LIBGIT2_SONAME='"$(or $(LIBGIT2_SONAME),libgit2.so)"'


ifeq ($(SANITIZE),1)
  ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
  BUILD := build-asan
endif

LIB_SRC := $(sort $(wildcard src/lib/*.c src/lib/*/*.c))
CMD_SRC := $(sort $(wildcard src/cmd/*.c)) src/main.c
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libcvetrail.a
BIN := $(BUILD)/cvetrail

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Each fuzz target also runs without libFuzzer on its kept inputs (tests/fuzz/replay.c).
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/test_%)

.PHONY: all check check-unit check-golden check-e2e check-asan check-tsan check-repeat bench demo install clean fuzz man

all: cvetrail doc/cvetrail.1

cvetrail: $(BIN)
	@if [ "$(BUILD)" = build ]; then cp $(BIN) cvetrail; fi

$(BUILD)/%.o: %.c $(wildcard src/lib/*.h src/lib/*/*.h src/cmd/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -DFUZZ_TARGET='"fuzz_$*"' $(LDFLAGS) -o $@ tests/fuzz/replay.c $< $(LIB) $(LDLIBS)

# fuzz_grype.c is fuzz_trivy.c with one adapter.
$(BUILD)/tests/test_fuzz_grype: tests/fuzz/fuzz_trivy.c

doc/cvetrail.1: $(BIN)
	@mkdir -p doc
	$(BIN) help --man > $@.tmp && mv $@.tmp $@

man: doc/cvetrail.1

check: $(BIN) $(UNIT_BIN) $(FUZZ_REPLAY_BIN)
	@BUILD=$(BUILD) sh tests/run-all.sh

check-asan:
	$(MAKE) SANITIZE=1 check

# The code that runs on two threads, under ThreadSanitizer.
check-tsan:
	@sh tests/tsan.sh

check-repeat: $(BIN)
	@CVETRAIL=$(CURDIR)/$(BIN) sh tests/repeat.sh

bench: $(BIN)
	@sh bench/run.sh $(BIN)

demo: $(BIN)
	@sh examples/demo/run.sh $(BIN)

fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cvetrail
	install -m 644 doc/cvetrail.1 $(DESTDIR)$(PREFIX)/share/man/man1/cvetrail.1

clean:
	rm -rf build build-asan build-tsan build-fuzz cvetrail
