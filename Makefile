# libebpf — one non-recursive Makefile.
#
#   make              libebpf.a, libebpf.so.$(VERSION) and the ebpf tool
#   make check        deps, library, testdata, unit + kernel suites, unit suite under valgrind
#   make demo         the end-to-end demo (see README.md)
#   make bench        benchmarks (tools/bench); bench-callgrind: their instruction counts
#   make install      PREFIX, LIBDIR, INCLUDEDIR, DESTDIR honoured
#   V=1               show commands;  WERROR=0  for builds where warnings must not fail
#   SANITIZE=1        ASan + UBSan for library and tests

# The version is written in one place, include/ebpf/version.h; read it from there.
version_part = $(shell sed -n 's/^\#define EBPF_VERSION_$(1) \([0-9][0-9]*\)$$/\1/p' include/ebpf/version.h)
VERSION_MAJOR := $(call version_part,MAJOR)
VERSION_MINOR := $(call version_part,MINOR)
VERSION_PATCH := $(call version_part,PATCH)
VERSION       := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR    ?=

CC      ?= cc
CLANG   ?= clang
AR      ?= ar
PKG_CONFIG ?= pkg-config
CFLAGS  ?= -O2 -g
WERROR  ?= 1
BUILD   ?= build

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libelf zlib 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs libelf zlib 2>/dev/null || echo -lelf -lz)

WARN := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 -Wundef \
        -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Test builds compile the fault-injection hooks in; release objects never carry them.
# -fno-ident: no compiler-version .comment section in each of the ~85 objects
# (about 9 KiB of the static archive, which issue #11 wants smaller than libbpf's).
LIB_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC -fvisibility=hidden -fno-ident -pthread \
              -Iinclude -I. $(WARN) $(SAN_FLAGS) $(DEP_CFLAGS) $(CPPFLAGS) $(CFLAGS)

LIB_SRCS := $(sort $(wildcard lib/*.c btf/*.c relo/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_TEST_OBJS := $(LIB_SRCS:%.c=$(BUILD)/tobj/%.o)

STATIC_LIB := $(BUILD)/libebpf.a
TEST_LIB   := $(BUILD)/libebpf-test.a
SHARED_LIB := $(BUILD)/libebpf.so.$(VERSION)
SONAME     := libebpf.so.$(VERSION_MAJOR)
VERSION_H  := include/ebpf/version.h

TOOL_SRCS := $(sort $(wildcard tools/ebpf/*.c))
TOOL      := $(BUILD)/ebpf

all: $(STATIC_LIB) $(SHARED_LIB) $(TOOL)

$(BUILD)/obj/%.o: %.c $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tobj/%.o: %.c $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LIB_CFLAGS) -DEBPF_FAULT_INJECTION -MMD -MP -c $< -o $@

$(STATIC_LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(TEST_LIB): $(LIB_TEST_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS) lib/libebpf.map
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=lib/libebpf.map \
	  -Wl,--no-undefined $(SAN_FLAGS) $(LDFLAGS) -o $@ $(LIB_OBJS) $(DEP_LIBS) -pthread
	$(Q)ln -sf libebpf.so.$(VERSION) $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(BUILD)/libebpf.so

# ---------------------------------------------------------------------------- tool
TOOL_CFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude $(WARN) $(SAN_FLAGS) $(CPPFLAGS) $(CFLAGS)
$(BUILD)/tool/%.o: tools/ebpf/%.c $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -MMD -MP -c $< -o $@

$(TOOL): $(TOOL_SRCS:tools/ebpf/%.c=$(BUILD)/tool/%.o) $(STATIC_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(STATIC_LIB) $(DEP_LIBS) -pthread

# ---------------------------------------------------------------------------- BPF test objects
BPF_SRCS := $(sort $(wildcard testdata/*.bpf.c))
BPF_OBJS := $(BPF_SRCS:testdata/%.bpf.c=$(BUILD)/testdata/%.bpf.o)
BPF_CFLAGS := -O2 -g -target bpf -Itestdata/include -Wall -Wno-unused-function

$(BUILD)/testdata/%.bpf.o: testdata/%.bpf.c $(wildcard testdata/include/*.h)
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

testdata: $(BPF_OBJS)

# ---------------------------------------------------------------------------- tests
# Every tests/<suite>/NAME.c defines `Suite *suite_NAME(void)`; the list of suites is
# generated from the file names, so adding a test file never touches a shared file.
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)
TEST_CFLAGS  := -std=c11 -D_GNU_SOURCE -Iinclude -I. -Itests/common -pthread $(WARN) -Wno-missing-prototypes \
                $(SAN_FLAGS) $(DEP_CFLAGS) $(CHECK_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
                -DEBPF_FAULT_INJECTION \
                -DTESTDATA_SRC='"$(CURDIR)/testdata"' -DTESTDATA_OBJ='"$(abspath $(BUILD))/testdata"' \
                -DBUILD_DIR='"$(abspath $(BUILD))"'
TEST_COMMON_SRCS := $(sort $(wildcard tests/common/*.c))

# The unit suite replays fuzz regressions through the harness bodies.
unit_EXTRA := tests/fuzz/fuzz_targets.c

define test_suite
$(1)_SRCS := $$(sort $$(wildcard tests/$(1)/*.c))
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/%.o,$$($(1)_SRCS) $$($(1)_EXTRA) $$(TEST_COMMON_SRCS)) \
              $(BUILD)/tests/$(1)_main.o
$(BUILD)/tests/$(1)_suites.h: $$($(1)_SRCS) Makefile
	$$(Q)mkdir -p $$(@D)
	$$(Q)( for f in $$(notdir $$(basename $$($(1)_SRCS))); do echo "SUITE($$$$f)"; done ) > $$@.tmp
	$$(Q)cmp -s $$@.tmp $$@ || mv $$@.tmp $$@; rm -f $$@.tmp
$(BUILD)/tests/$(1)_main.o: tests/common/main.c.in $(BUILD)/tests/$(1)_suites.h
	$$(call msg,CC,$$@)
	$$(Q)$$(CC) $$(TEST_CFLAGS) -DSUITES_H='"$(1)_suites.h"' -DSUITE_KIND='"$(1)"' -I$(BUILD)/tests \
	  -x c -c $$< -o $$@
$(BUILD)/$(1)_tests: $$($(1)_OBJS) $(TEST_LIB)
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(SAN_FLAGS) $$(LDFLAGS) -o $$@ $$($(1)_OBJS) $(TEST_LIB) $$(CHECK_LIBS) $$(DEP_LIBS) -pthread -ldl
endef
$(eval $(call test_suite,unit))
$(eval $(call test_suite,kernel))

$(BUILD)/tests/%.o: tests/%.c $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

VALGRIND := valgrind --quiet --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect

tests: $(BUILD)/unit_tests $(BUILD)/kernel_tests $(TOOL) testdata

# CK_FORK=no under valgrind: one process, so every leak is seen. SANITIZE=1 skips the
# packaging checks (they build plain consumers against what is installed, which is
# then instrumented) and valgrind (ASan's leak check takes its place). The kernel suite
# runs without glibc's tcache so that rel_fault_injection can count heap bytes exactly.
check: deps all tests
	@echo "== unit suite"
	$(Q)$(BUILD)/unit_tests
	@echo "== kernel suite"
	$(Q)GLIBC_TUNABLES=glibc.malloc.tcache_count=0 $(BUILD)/kernel_tests
ifneq ($(SANITIZE),1)
	@echo "== packaging: install, pkg-config consumers, vendoring, exports"
	$(Q)BUILD=$(BUILD) tests/packaging.sh
	@echo "== unit suite under valgrind"
	$(Q)CK_FORK=no $(VALGRIND) $(BUILD)/unit_tests
	@echo "== fault injection under valgrind (leaks and bad accesses; memcheck cannot see what the kernel writes, so no undefined-value checks)"
	$(Q)CK_FORK=no CK_RUN_SUITE=rel_fault_injection $(VALGRIND) --undef-value-errors=no $(BUILD)/kernel_tests
endif
	@echo "== ThreadSanitizer: 8 threads loading and running collections"
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD) tsan-check
	@echo "== fuzz smoke: $(FUZZ_SECONDS) s per harness"
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD) fuzz
	@echo "== make check: all passed"

# ---------------------------------------------------------------------------- fuzzing
# libFuzzer harnesses (clang): the library is compiled with coverage + ASan + UBSan.
# `make fuzz FUZZ_SECONDS=N` runs every harness N seconds on a corpus seeded from
# the compiled testdata objects; `make check` runs a short smoke of each.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := elf btf btf_ext relo
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -I. -Itests/fuzz $(DEP_CFLAGS) $(FUZZ_SAN)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o) $(BUILD)/fuzzobj/tests/fuzz/fuzz_targets.o

$(BUILD)/fuzzobj/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB_OBJS) -o $@ $(DEP_LIBS) -pthread

# The instrumented objects are only named by a pattern rule: keep make from deleting them.
.SECONDARY: $(FUZZ_LIB_OBJS)

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

fuzz: fuzz-build testdata
	$(Q)BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_TARGETS)

# ---------------------------------------------------------------------------- ThreadSanitizer
# The library and the concurrency suite (tests/kernel/rel_threads.c) built with
# -fsanitize=thread in a tree of their own: TSan cannot be combined with ASan.
TSAN_FLAGS  := -fsanitize=thread -fno-omit-frame-pointer
TSAN_CFLAGS := $(filter-out $(SAN_FLAGS),$(TEST_CFLAGS)) $(TSAN_FLAGS)
TSAN_SUITES := rel_threads
TSAN_OBJS   := $(patsubst %.c,$(BUILD)/tsanobj/%.o,$(LIB_SRCS) $(TSAN_SUITES:%=tests/kernel/%.c) \
                 $(TEST_COMMON_SRCS)) $(BUILD)/tsanobj/main.o

$(BUILD)/tsanobj/%.o: %.c $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TSAN_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tsanobj/tsan_suites.h: Makefile
	$(Q)mkdir -p $(@D)
	$(Q)( for f in $(TSAN_SUITES); do echo "SUITE($$f)"; done ) > $@

$(BUILD)/tsanobj/main.o: tests/common/main.c.in $(BUILD)/tsanobj/tsan_suites.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(TSAN_CFLAGS) -DSUITES_H='"tsan_suites.h"' -DSUITE_KIND='"tsan"' -I$(BUILD)/tsanobj \
	  -x c -c $< -o $@

$(BUILD)/tsan_tests: $(TSAN_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(DEP_LIBS) -pthread -ldl

# One process (CK_FORK=no) so TSan sees every thread; any report fails the run.
tsan-check: $(BUILD)/tsan_tests testdata
	$(Q)CK_FORK=no TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" $(BUILD)/tsan_tests

# ---------------------------------------------------------------------------- deps
deps:
	$(Q)tools/deps.sh

demo: deps all testdata
	$(Q)BUILD=$(BUILD) tools/demo.sh

bench: all testdata
	$(Q)if [ -f tools/bench/bench.mk ]; then $(MAKE) -f tools/bench/bench.mk BUILD=$(BUILD) run; \
	  else echo "bench: no benchmarks yet"; fi

# Instruction counts (valgrind) for the same figures: stable on a busy machine.
bench-callgrind: all testdata
	$(Q)$(MAKE) -f tools/bench/bench.mk BUILD=$(BUILD) callgrind
.PHONY: bench-callgrind

# ---------------------------------------------------------------------------- install
PUBLIC_HEADERS := $(sort $(wildcard include/ebpf/*.h))

$(BUILD)/libebpf.pc: pkgconfig/libebpf.pc.in Makefile
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(VERSION)|' $< > $@

install: all $(BUILD)/libebpf.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/ebpf $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 644 $(sort $(PUBLIC_HEADERS)) $(DESTDIR)$(INCLUDEDIR)/ebpf/
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libebpf.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libebpf.so
	install -m 644 $(BUILD)/libebpf.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 755 $(TOOL) $(DESTDIR)$(BINDIR)/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/ebpf/,$(notdir $(sort $(PUBLIC_HEADERS))))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/ebpf 2>/dev/null
	rm -f $(DESTDIR)$(LIBDIR)/libebpf.a $(DESTDIR)$(LIBDIR)/libebpf.so.$(VERSION) \
	  $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libebpf.so \
	  $(DESTDIR)$(PKGCONFIGDIR)/libebpf.pc $(DESTDIR)$(BINDIR)/ebpf

clean:
	rm -rf $(BUILD)

.PHONY: all check tests testdata deps demo bench install uninstall clean fuzz fuzz-build tsan-check

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
