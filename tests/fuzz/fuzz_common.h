/* Shared by the libFuzzer harnesses and by the unit suite's regression replay:
 * each harness is a plain function over bytes, so a crash input replays anywhere. */
#ifndef EB_FUZZ_COMMON_H
#define EB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* ELF object -> spec, then every accessor of every program, map, extern. */
int eb_fuzz_elf(const uint8_t *data, size_t size);
/* Raw BTF -> validated BTF, then every lookup and type helper on every type. */
int eb_fuzz_btf(const uint8_t *data, size_t size);
/* [u32 btf_len][.BTF bytes][.BTF.ext bytes] -> BTF + validated .BTF.ext. */
int eb_fuzz_btf_ext(const uint8_t *data, size_t size);
/* ELF object -> spec -> relocate every program against a fixed kernel BTF (no syscalls). */
int eb_fuzz_relo(const uint8_t *data, size_t size);
/* The kernel BTF eb_fuzz_relo resolves against: $EBPF_FUZZ_KBTF or /sys/kernel/btf/vmlinux. */
void eb_fuzz_relo_init(void);
void eb_fuzz_relo_fini(void);

#endif
