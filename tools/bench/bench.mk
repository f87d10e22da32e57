# Benchmarks, called by the top Makefile (`make bench` -> `run`).
#   make -f tools/bench/bench.mk BUILD=build run        every benchmark's table
#   make -f tools/bench/bench.mk BUILD=build callgrind  instruction counts (valgrind)
# To add a benchmark: tools/bench/NAME_bench.c, add NAME to BENCHES, and (if it
# needs more than the library) NAME_BENCH_FLAGS / NAME_BENCH_LIBS / NAME_BENCH_SRCS.
BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config

BENCHES := btf core ev load
CLANG ?= clang
BPFTOOL ?= bpftool
BENCH_BINS := $(BENCHES:%=$(BUILD)/bench/%_bench)
BENCH_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -I. -pthread -Wall -Wextra -Wno-unused-parameter
BENCH_LIBS := $(BUILD)/libebpf.a $(shell $(PKG_CONFIG) --libs libelf zlib 2>/dev/null || echo -lelf -lz) -pthread

# The BTF benchmark compares with libbpf when it is installed; the only code allowed to link it.
btf_BENCH_SRCS := tools/bench/bench_util.c
ifeq ($(shell $(PKG_CONFIG) --exists libbpf && echo yes),yes)
btf_BENCH_FLAGS := -DHAVE_LIBBPF $(shell $(PKG_CONFIG) --cflags libbpf)
btf_BENCH_LIBS := $(shell $(PKG_CONFIG) --libs libbpf)
btf_BENCH_SRCS += tools/bench/btf_bench_libbpf.c
core_BENCH_FLAGS := -DHAVE_LIBBPF
core_BENCH_LIBS := $(shell $(PKG_CONFIG) --libs libbpf)
core_BENCH_SRCS := tools/bench/core_bench_libbpf.c
endif

# Object open / full load / scaling (load_bench.c): heap accounting and helpers always,
# the libbpf side when installed. Its inputs are compiled into $(BENCH_IN) below.
load_BENCH_SRCS := tools/bench/bench_heap.c tools/bench/bench_util.c tools/bench/load_bench_report.c \
		   tools/bench/io_floor.c
ifeq ($(shell $(PKG_CONFIG) --exists libbpf && echo yes),yes)
load_BENCH_FLAGS := -DHAVE_LIBBPF
load_BENCH_LIBS := $(shell $(PKG_CONFIG) --libs libbpf)
load_BENCH_SRCS += tools/bench/load_bench_libbpf.c
endif

# The ring buffer benchmark loads testdata/ev_bench.bpf.c (built by `make testdata`).
ev_BENCH_FLAGS := -DEV_BENCH_OBJ='"$(abspath $(BUILD))/testdata/ev_bench.bpf.o"'

# Extra sources are compiled apart from the main one so their headers cannot clash.
.SECONDEXPANSION:
$(BUILD)/bench/%_bench: tools/bench/%_bench.c $$($$*_BENCH_SRCS) $(BUILD)/libebpf.a
	@mkdir -p $(@D)
	@for src in $($*_BENCH_SRCS); do \
	  $(CC) $(BENCH_CFLAGS) $($*_BENCH_FLAGS) -c $$src -o $(@D)/$$(basename $$src .c).o || exit 1; done
	$(CC) $(BENCH_CFLAGS) $($*_BENCH_FLAGS) -o $@ $< \
	  $(patsubst tools/bench/%.c,$(@D)/%.o,$($*_BENCH_SRCS)) $(BENCH_LIBS) $($*_BENCH_LIBS)

# Every table on the terminal; the markdown of each into $(BUILD)/bench/summary.md.
SUMMARY := $(BUILD)/bench/summary.md
BENCH_RUNS ?= 7
run: $(BENCH_BINS) $$(LOAD_INPUTS)
	@rm -f $(SUMMARY).parts
	@for b in $(filter-out %/load_bench,$(BENCH_BINS)); do BENCH_MD=$(abspath $(SUMMARY).parts) $$b || exit 1; done
	@$(if $(HAVE_BPFTOOL),,echo "load_bench: bpftool or /sys/kernel/btf/vmlinux missing: the CO-RE tracing input is skipped")
	@$(BUILD)/bench/load_bench --runs $(BENCH_RUNS) --md $(SUMMARY).load $(BENCH_IN)
	@tools/bench/size_bench.sh $(BUILD) $(SUMMARY).size
	@tools/bench/summary.sh $(SUMMARY) $(SUMMARY).parts $(SUMMARY).load $(SUMMARY).size
	@echo "markdown summary: $(SUMMARY)"

# Noise-free figures: instructions of BTF open + lookups, object open and full load.
callgrind: $(BENCH_BINS) $$(LOAD_INPUTS)
	@tools/bench/callgrind.sh $(BUILD) $(BUILD)/bench/callgrind.md
	@echo "markdown: $(BUILD)/bench/callgrind.md"

.PHONY: run callgrind

# ---------------------------------------------------------------------------- load_bench inputs
# Generated or compiled at bench time into $(BENCH_IN):
#   small.bpf.o        testdata/bench_small.bpf.c
#   heavy.bpf.o        tools/bench/bench_heavy.bpf.c against this kernel's vmlinux.h
#                      (bpftool); skipped, visibly, without bpftool
#   progs_N.bpf.o      N socket filters (bench_gen progs N), N = 1, 10, 100, 1000
#   core_10000.bpf.o   10,000 CO-RE relocations (bench_gen core 10000)
BENCH_IN := $(BUILD)/bench/inputs
BPF_BENCH_CFLAGS := -O2 -g -target bpf -Wall -Wno-unused-function
# Structs of vmlinux.h embedded by value in bench_heavy's anchor: ~430 KB of .BTF.
ANCHOR_TYPES := 1000
HAVE_BPFTOOL := $(shell command -v $(BPFTOOL) >/dev/null 2>&1 && [ -r /sys/kernel/btf/vmlinux ] && echo yes)
LOAD_INPUTS := $(BENCH_IN)/small.bpf.o $(BENCH_IN)/progs_1.bpf.o $(BENCH_IN)/progs_10.bpf.o \
	$(BENCH_IN)/progs_100.bpf.o $(BENCH_IN)/progs_1000.bpf.o $(BENCH_IN)/core_10000.bpf.o
ifeq ($(HAVE_BPFTOOL),yes)
LOAD_INPUTS += $(BENCH_IN)/heavy.bpf.o
endif

$(BUILD)/bench/bench_gen: tools/bench/bench_gen.c $(BUILD)/libebpf.a
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(BENCH_LIBS)

$(BENCH_IN)/small.bpf.o: testdata/bench_small.bpf.c $(wildcard testdata/include/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_BENCH_CFLAGS) -Itestdata/include -c $< -o $@

$(BENCH_IN)/progs_%.bpf.c: $(BUILD)/bench/bench_gen
	@mkdir -p $(@D)
	$(BUILD)/bench/bench_gen progs $* $@

$(BENCH_IN)/core_%.bpf.c: $(BUILD)/bench/bench_gen
	@mkdir -p $(@D)
	$(BUILD)/bench/bench_gen core $* $@

$(BENCH_IN)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BENCH_IN)/bench_anchor.h: $(BENCH_IN)/vmlinux.h
	{ echo 'struct bench_anchor {'; grep -oE '^struct [A-Za-z0-9_]+ \{' $< | head -n $(ANCHOR_TYPES) | \
	  sed -E 's/^struct ([A-Za-z0-9_]+) \{/\tstruct \1 v_\1;/'; echo '};'; } > $@

# -w: some anchored structs end in flexible arrays, which C allows only as the last member.
$(BENCH_IN)/heavy.bpf.o: tools/bench/bench_heavy.bpf.c $(BENCH_IN)/bench_anchor.h
	$(CLANG) $(BPF_BENCH_CFLAGS) -w -I$(BENCH_IN) -c $< -o $@

$(BENCH_IN)/%.bpf.o: $(BENCH_IN)/%.bpf.c
	$(CLANG) $(BPF_BENCH_CFLAGS) -c $< -o $@

.SECONDARY: $(BENCH_IN)/progs_1.bpf.c $(BENCH_IN)/progs_10.bpf.c $(BENCH_IN)/progs_100.bpf.c \
	$(BENCH_IN)/progs_1000.bpf.c $(BENCH_IN)/core_10000.bpf.c

inputs: $(LOAD_INPUTS)

.PHONY: inputs
