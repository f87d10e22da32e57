# Benchmarks, called by the top Makefile (`make bench` -> `run`).
#   make -f tools/bench/bench.mk BUILD=build run        every benchmark's table
#   make -f tools/bench/bench.mk BUILD=build callgrind  instruction counts (valgrind)
# To add a benchmark: tools/bench/NAME_bench.c, add NAME to BENCHES, and (if it
# needs more than the library) NAME_BENCH_FLAGS / NAME_BENCH_LIBS / NAME_BENCH_SRCS.
BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config

BENCHES := btf core ev
BENCH_BINS := $(BENCHES:%=$(BUILD)/bench/%_bench)
BENCH_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude -I. -pthread -Wall -Wextra -Wno-unused-parameter
BENCH_LIBS := $(BUILD)/libebpf.a $(shell $(PKG_CONFIG) --libs libelf zlib 2>/dev/null || echo -lelf -lz) -pthread

# The BTF benchmark compares with libbpf when it is installed; the only code allowed to link it.
ifeq ($(shell $(PKG_CONFIG) --exists libbpf && echo yes),yes)
btf_BENCH_FLAGS := -DHAVE_LIBBPF $(shell $(PKG_CONFIG) --cflags libbpf)
btf_BENCH_LIBS := $(shell $(PKG_CONFIG) --libs libbpf)
btf_BENCH_SRCS := tools/bench/btf_bench_libbpf.c
core_BENCH_FLAGS := -DHAVE_LIBBPF
core_BENCH_LIBS := $(shell $(PKG_CONFIG) --libs libbpf)
core_BENCH_SRCS := tools/bench/core_bench_libbpf.c
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

run: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do $$b || exit 1; done

# Noise-free figures: instructions executed inside one open + 20 lookups.
callgrind: $(BUILD)/bench/btf_bench
	@printf 'BTF open + 20 lookups, instructions (callgrind): ours '
	@valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=run_ours \
	  $(BUILD)/bench/btf_bench --once ours 2>&1 | sed -n 's/.*Collected : //p'
	@if [ -n "$(btf_BENCH_FLAGS)" ]; then printf '                                          libbpf '; \
	  valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=run_libbpf \
	  $(BUILD)/bench/btf_bench --once libbpf 2>&1 | sed -n 's/.*Collected : //p'; fi

.PHONY: run callgrind
