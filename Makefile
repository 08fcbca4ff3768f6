# ecsdeploy — build, test, install.
#
#   make            build bin/ecsdeploy (optimised)
#   make deps       install missing Debian packages (apt-get; root or sudo)
#   make check      build with ASan+UBSan and run every test (unit, fake, end-to-end),
#                   after `make tsan`
#   make tsan       the tests of threaded code under ThreadSanitizer
#   make demo       the newcomer's tour on the local fake
#   make bench      benchmarks against the fake
#   make fuzz       longer fuzz runs (clang/libFuzzer)
#   make install PREFIX=/usr/local
#   make clean

VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
PREFIX    ?= /usr/local
CC        ?= cc
PKGS      := libcurl openssl libcjson libxml-2.0 yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

WARN      := -Wall -Wextra -Werror
BASEFLAGS := -std=c11 -D_GNU_SOURCE -DECSDEPLOY_VERSION='"$(VERSION)"' \
             -Iinclude $(PKG_CFLAGS) $(WARN) -MMD -MP
OPTFLAGS  ?= -O2 -g
SANFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
             -fno-sanitize-recover=undefined,float-cast-overflow

# Everything but main() goes into the library, so tests link the same code.
LIB_SRC   := $(sort $(wildcard sigv4/*.c services/*.c src/*/*.c))
LIB_SRC   := $(filter-out src/cli/main.c,$(LIB_SRC))
MAIN_SRC  := src/cli/main.c
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRC  := $(sort $(wildcard tests/tools/*.c))
SCRIPTS   := $(sort $(wildcard tests/fakeaws/tests/test_*.py tests/e2e/test_*.sh tests/e2e/test_*.py))

REL ?= build/rel
SAN ?= build/san

# `make V=1` shows the full compiler lines.
Q := $(if $(V),,@)

.PHONY: all deps check run-checks tsan demo bench fuzz install clean
all: bin/ecsdeploy

# ---- release build -------------------------------------------------------
$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(BASEFLAGS) $(OPTFLAGS) -c $< -o $@

$(REL)/libecsdeploy.a: $(LIB_SRC:%.c=$(REL)/%.o)
	@rm -f $@
	$(Q)ar rcs $@ $^

bin/ecsdeploy: $(REL)/$(MAIN_SRC:.c=.o) $(REL)/libecsdeploy.a
	@mkdir -p bin
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(OPTFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# ---- sanitizer build, used by every test --------------------------------
$(SAN)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC san  $<')
	$(Q)$(CC) $(BASEFLAGS) $(CHECK_CFLAGS) $(SANFLAGS) -c $< -o $@

$(SAN)/libecsdeploy.a: $(LIB_SRC:%.c=$(SAN)/%.o)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(SAN)/ecsdeploy: $(SAN)/$(MAIN_SRC:.c=.o) $(SAN)/libecsdeploy.a
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# Each tests/unit/test_*.c defines one or more `Suite *NAME_suite(void)` (or UNIT_SUITE(NAME,
# ...) / FAKE_SUITE(NAME, ...), which define it); the runner gets the list generated here,
# so adding a test file needs no other edit.
$(SAN)/suites.h: $(TEST_SRC) Makefile
	@mkdir -p $(dir $@)
	@{ for f in $(TEST_SRC); do \
	     sed -n -e 's/^Suite \*\([a-z0-9_]*_suite\)(void).*/SUITE(\1)/p' \
	            -e 's/^[A-Z]*_SUITE(\([a-z0-9_]*\),.*/SUITE(\1_suite)/p' $$f; \
	   done; } > $@.tmp && mv $@.tmp $@

$(SAN)/scripts.h: Makefile $(SCRIPTS)
	@mkdir -p $(dir $@)
	@{ for f in $(SCRIPTS); do echo "SCRIPT(\"$$f\")"; done; } > $@.tmp && mv $@.tmp $@

$(SAN)/tests/check_main.o: tests/check_main.c $(SAN)/suites.h $(SAN)/scripts.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASEFLAGS) $(CHECK_CFLAGS) $(SANFLAGS) -I$(SAN) -c $< -o $@

$(SAN)/check_runner: $(SAN)/tests/check_main.o $(TEST_SRC:%.c=$(SAN)/%.o) $(SAN)/libecsdeploy.a
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread

# Small helper programs the scripted tests drive (e.g. the SigV4 differential signer).
$(SAN)/tools/%: tests/tools/%.c $(SAN)/libecsdeploy.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASEFLAGS) $(SANFLAGS) -o $@ $(filter %.c %.a,$^) $(PKG_LIBS) -lpthread

TOOLS := $(TOOL_SRC:tests/tools/%.c=$(SAN)/tools/%)

# ---- ThreadSanitizer build of the tests of threaded code -------------------------
# The executor's worker pool, the cancel flag, the progress view's in-flight list and one
# AWS client shared by many threads (against the fake), built with -fsanitize=thread (it cannot be combined with ASan) and run by `make tsan`,
# which `make check` runs first. Any race report fails the test that made it.
# (test_cli_interrupt is not among them: ThreadSanitizer holds back a signal sent to a
# thread blocked in read() until the read ends, which is what that test sends.)
TSAN ?= build/tsan
TSANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_TESTS := tests/unit/test_plan_exec.c tests/unit/test_cli_progress.c \
              tests/unit/test_aws_threads.c tests/unit/test_support_fakeaws.c \
              tests/unit/test_support_suite.c tests/unit/test_deploy_poller.c \
              tests/unit/test_support_graph.c tests/unit/test_util_slots.c \
              tests/unit/test_plan_record.c

$(TSAN)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC tsan $<')
	$(Q)$(CC) $(BASEFLAGS) $(CHECK_CFLAGS) $(TSANFLAGS) -c $< -o $@

$(TSAN)/libecsdeploy.a: $(LIB_SRC:%.c=$(TSAN)/%.o)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(TSAN)/suites.h: $(TSAN_TESTS) Makefile
	@mkdir -p $(dir $@)
	@{ for f in $(TSAN_TESTS); do \
	     sed -n -e 's/^Suite \*\([a-z0-9_]*_suite\)(void).*/SUITE(\1)/p' \
	            -e 's/^[A-Z]*_SUITE(\([a-z0-9_]*\),.*/SUITE(\1_suite)/p' $$f; \
	   done; } > $@.tmp && mv $@.tmp $@
	@: > $(TSAN)/scripts.h

# (no scripts here: GCC sees the empty list and warns about code that never runs)
$(TSAN)/tests/check_main.o: tests/check_main.c $(TSAN)/suites.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASEFLAGS) $(CHECK_CFLAGS) $(TSANFLAGS) -Wno-nonnull -Wno-format-overflow \
	  -I$(TSAN) -c $< -o $@

$(TSAN)/check_runner: $(TSAN)/tests/check_main.o $(TSAN_TESTS:%.c=$(TSAN)/%.o) $(TSAN)/libecsdeploy.a
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(TSANFLAGS) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS) -lpthread

tsan: $(TSAN)/check_runner
	@TOP=$(CURDIR) TSAN_OPTIONS="halt_on_error=1 exitcode=66 $${TSAN_OPTIONS:-}" $(TSAN)/check_runner

# deps first, then a fresh make: pkg-config's answers are read when a Makefile is parsed,
# and on a new machine pkg-config itself arrives with deps.
check: deps
	@$(MAKE) --no-print-directory run-checks

run-checks: $(SAN)/check_runner $(SAN)/ecsdeploy $(TOOLS) bin/ecsdeploy $(TSAN)/check_runner
	@$(MAKE) --no-print-directory tsan
	@ECSDEPLOY=$(abspath $(SAN)/ecsdeploy) TOOLS_DIR=$(abspath $(SAN)/tools) \
	  TOP=$(CURDIR) $(SAN)/check_runner

# ---- everything else -----------------------------------------------------
deps:
	@sh tests/deps.sh

demo: deps
	@$(MAKE) --no-print-directory bin/ecsdeploy
	@sh examples/demo.sh

bench: deps
	@$(MAKE) --no-print-directory bin/ecsdeploy
	@sh bench/run.sh

fuzz: deps
	@sh tests/fuzz/run.sh

install: bin/ecsdeploy
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 bin/ecsdeploy $(DESTDIR)$(PREFIX)/bin/ecsdeploy
	install -m 0644 $(wildcard man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	$(if $(wildcard man/*.5),install -m 0644 $(wildcard man/*.5) $(DESTDIR)$(PREFIX)/share/man/man5/)

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
