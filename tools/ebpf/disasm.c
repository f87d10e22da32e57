// SPDX-License-Identifier: BSD-2-Clause
/*
 * An eBPF disassembler for humans. The syntax follows the kernel verifier log so
 * that what `ebpf inspect --disasm` prints can be compared line by line with the
 * log of a failed load. Instructions come from untrusted objects: every field is
 * rendered, never trusted (an unknown opcode prints as raw bytes).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "disasm.h"

static const char *const alu_ops[16] = {
	[EBPF_ADD >> 4] = "+=", [EBPF_SUB >> 4] = "-=", [EBPF_MUL >> 4] = "*=",
	[EBPF_DIV >> 4] = "/=", [EBPF_OR >> 4] = "|=", [EBPF_AND >> 4] = "&=",
	[EBPF_LSH >> 4] = "<<=", [EBPF_RSH >> 4] = ">>=", [EBPF_MOD >> 4] = "%=",
	[EBPF_XOR >> 4] = "^=", [EBPF_MOV >> 4] = "=", [EBPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
	[EBPF_JEQ >> 4] = "==", [EBPF_JGT >> 4] = ">", [EBPF_JGE >> 4] = ">=",
	[EBPF_JSET >> 4] = "&", [EBPF_JNE >> 4] = "!=", [EBPF_JSGT >> 4] = "s>",
	[EBPF_JSGE >> 4] = "s>=", [EBPF_JLT >> 4] = "<", [EBPF_JLE >> 4] = "<=",
	[EBPF_JSLT >> 4] = "s<", [EBPF_JSLE >> 4] = "s<=",
};

static const char *size_name(uint8_t code, bool sign)
{
	switch (EBPF_SIZE(code)) {
	case EBPF_B: return sign ? "s8" : "u8";
	case EBPF_H: return sign ? "s16" : "u16";
	case EBPF_W: return sign ? "s32" : "u32";
	default: return sign ? "s64" : "u64";
	}
}

/* snprintf that never reports more than it wrote, so callers can chain safely. */
__attribute__((format(printf, 3, 4)))
static size_t put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!len)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}

static void raw(const struct ebpf_insn *in, char *buf, size_t len)
{
	put(buf, len, "(%02x) unknown opcode dst=r%u src=r%u off=%d imm=%d", in->code,
	    in->dst_reg, in->src_reg, in->off, in->imm);
}

static void alu(const struct ebpf_insn *in, char *buf, size_t len)
{
	bool is64 = EBPF_CLASS(in->code) == EBPF_ALU64;
	char r = is64 ? 'r' : 'w';
	uint8_t op = EBPF_OP(in->code);
	const char *sym = alu_ops[op >> 4];

	if (op == EBPF_NEG) {
		put(buf, len, "%c%u = -%c%u", r, in->dst_reg, r, in->dst_reg);
		return;
	}
	if (op == EBPF_END) {
		/* ALU class: to-le/to-be by source bit; ALU64 class: unconditional bswap. */
		const char *kind = is64 ? "bswap" : (EBPF_SRC(in->code) ? "be" : "le");
		put(buf, len, "r%u = %s%d r%u", in->dst_reg, kind, in->imm, in->dst_reg);
		return;
	}
	if (!sym) {
		raw(in, buf, len);
		return;
	}
	/* off = 1 marks the signed forms of div/mod; on mov, off is the sign-extension width. */
	if ((op == EBPF_DIV || op == EBPF_MOD) && in->off == 1)
		sym = op == EBPF_DIV ? "s/=" : "s%=";
	if (EBPF_SRC(in->code) == EBPF_X) {
		if (op == EBPF_MOV && in->off)
			put(buf, len, "%c%u = (s%d)%c%u", r, in->dst_reg, in->off, r, in->src_reg);
		else
			put(buf, len, "%c%u %s %c%u", r, in->dst_reg, sym, r, in->src_reg);
	} else {
		put(buf, len, "%c%u %s %d", r, in->dst_reg, sym, in->imm);
	}
}

static void mem_ref(char *buf, size_t len, const char *size, unsigned reg, int16_t off)
{
	put(buf, len, "*(%s *)(r%u %c%d)", size, reg, off < 0 ? '-' : '+', off < 0 ? -(int)off : off);
}

static void ldx(const struct ebpf_insn *in, char *buf, size_t len)
{
	char ref[64];

	if (EBPF_MODE(in->code) != EBPF_MEM && EBPF_MODE(in->code) != EBPF_MEMSX) {
		raw(in, buf, len);
		return;
	}
	mem_ref(ref, sizeof(ref), size_name(in->code, EBPF_MODE(in->code) == EBPF_MEMSX),
		in->src_reg, in->off);
	put(buf, len, "r%u = %s", in->dst_reg, ref);
}

static void atomic(const struct ebpf_insn *in, char *buf, size_t len)
{
	static const char *const names[16] = {
		[EBPF_ADD >> 4] = "add", [EBPF_OR >> 4] = "or",
		[EBPF_AND >> 4] = "and", [EBPF_XOR >> 4] = "xor",
	};
	bool dw = EBPF_SIZE(in->code) == EBPF_DW;
	char ref[64];
	const char *size = dw ? "u64" : "u32";
	char r = dw ? 'r' : 'w';
	int32_t op = in->imm;

	mem_ref(ref, sizeof(ref), size, in->dst_reg, in->off);
	if (op == 0xe1) {	/* BPF_XCHG */
		put(buf, len, "%c%u = atomic_xchg(%s, %c%u)", r, in->src_reg, ref + 1, r, in->src_reg);
	} else if (op == 0xf1) {	/* BPF_CMPXCHG */
		put(buf, len, "%c0 = atomic_cmpxchg(%s, %c0, %c%u)", r, ref + 1, r, r, in->src_reg);
	} else if ((op & ~0xf1) == 0 && names[(op & 0xf0) >> 4]) {
		if (op & 0x01)	/* BPF_FETCH */
			put(buf, len, "%c%u = atomic_fetch_%s(%s, %c%u)", r, in->src_reg,
			    names[(op & 0xf0) >> 4], ref + 1, r, in->src_reg);
		else
			put(buf, len, "lock %s %s %c%u", ref, alu_ops[(op & 0xf0) >> 4], r, in->src_reg);
	} else {
		raw(in, buf, len);
	}
}

static void store(const struct ebpf_insn *in, char *buf, size_t len)
{
	char ref[64];

	if (EBPF_CLASS(in->code) == EBPF_STX && EBPF_MODE(in->code) == EBPF_ATOMIC) {
		atomic(in, buf, len);
		return;
	}
	if (EBPF_MODE(in->code) != EBPF_MEM) {
		raw(in, buf, len);
		return;
	}
	mem_ref(ref, sizeof(ref), size_name(in->code, false), in->dst_reg, in->off);
	if (EBPF_CLASS(in->code) == EBPF_STX)
		put(buf, len, "%s = r%u", ref, in->src_reg);
	else
		put(buf, len, "%s = %d", ref, in->imm);
}

static size_t ld(const struct ebpf_insn *insns, size_t cnt, size_t idx, char *buf, size_t len)
{
	const struct ebpf_insn *in = &insns[idx];
	uint64_t v;

	if (EBPF_MODE(in->code) == EBPF_ABS || EBPF_MODE(in->code) == EBPF_IND) {
		if (EBPF_MODE(in->code) == EBPF_ABS)
			put(buf, len, "r0 = *(%s *)skb[%d]", size_name(in->code, false), in->imm);
		else
			put(buf, len, "r0 = *(%s *)skb[r%u + %d]", size_name(in->code, false),
			    in->src_reg, in->imm);
		return 1;
	}
	if (in->code != (EBPF_LD | EBPF_IMM | EBPF_DW)) {
		raw(in, buf, len);
		return 1;
	}
	if (idx + 1 >= cnt) {
		put(buf, len, "r%u = <ld_imm64 truncated: second half missing>", in->dst_reg);
		return 1;
	}
	v = (uint32_t)in->imm | ((uint64_t)(uint32_t)insns[idx + 1].imm << 32);
	switch (in->src_reg) {
	case EBPF_PSEUDO_MAP_FD:
		put(buf, len, "r%u = map[fd:%d] ll", in->dst_reg, in->imm);
		break;
	case EBPF_PSEUDO_MAP_VALUE:
		put(buf, len, "r%u = map[fd:%d][0]+%d ll", in->dst_reg, in->imm, insns[idx + 1].imm);
		break;
	case EBPF_PSEUDO_BTF_ID:
		put(buf, len, "r%u = btf_id:%d ll", in->dst_reg, in->imm);
		break;
	case EBPF_PSEUDO_FUNC:
		put(buf, len, "r%u = func pc%+d ll", in->dst_reg, in->imm);
		break;
	case EBPF_PSEUDO_MAP_IDX:
		put(buf, len, "r%u = map[idx:%d] ll", in->dst_reg, in->imm);
		break;
	case EBPF_PSEUDO_MAP_IDX_VALUE:
		put(buf, len, "r%u = map[idx:%d][0]+%d ll", in->dst_reg, in->imm, insns[idx + 1].imm);
		break;
	default:
		put(buf, len, "r%u = 0x%" PRIx64 " ll", in->dst_reg, v);
	}
	return 2;
}

static void jump(const struct ebpf_insn *in, size_t idx, disasm_helper_name_fn helper_name,
		 char *buf, size_t len)
{
	bool is32 = EBPF_CLASS(in->code) == EBPF_JMP32;
	char r = is32 ? 'w' : 'r';
	uint8_t op = EBPF_OP(in->code);
	int64_t target;

	switch (op) {
	case EBPF_EXIT:
		put(buf, len, "exit");
		return;
	case EBPF_CALL:
		if (in->src_reg == EBPF_PSEUDO_CALL) {
			put(buf, len, "call pc%+d <%lld>", in->imm, (long long)idx + 1 + in->imm);
		} else if (in->src_reg == EBPF_PSEUDO_KFUNC_CALL) {
			put(buf, len, "call kfunc btf_id:%d", in->imm);
		} else {
			const char *name = helper_name ? helper_name(in->imm) : NULL;

			if (name)
				put(buf, len, "call %s#%d", name, in->imm);
			else
				put(buf, len, "call #%d", in->imm);
		}
		return;
	case EBPF_JA:
		/* JMP32|JA is the long jump: offset in imm. */
		if (is32) {
			target = (int64_t)idx + 1 + in->imm;
			put(buf, len, "gotol %+d <%lld>", in->imm, (long long)target);
		} else {
			target = (int64_t)idx + 1 + in->off;
			put(buf, len, "goto %+d <%lld>", in->off, (long long)target);
		}
		return;
	}
	if (!jmp_ops[op >> 4]) {
		raw(in, buf, len);
		return;
	}
	target = (int64_t)idx + 1 + in->off;
	if (EBPF_SRC(in->code) == EBPF_X)
		put(buf, len, "if %c%u %s %c%u goto %+d <%lld>", r, in->dst_reg, jmp_ops[op >> 4], r,
		    in->src_reg, in->off, (long long)target);
	else
		put(buf, len, "if %c%u %s %d goto %+d <%lld>", r, in->dst_reg, jmp_ops[op >> 4],
		    in->imm, in->off, (long long)target);
}

size_t disasm_insn(const struct ebpf_insn *insns, size_t cnt, size_t idx,
		   disasm_helper_name_fn helper_name, char *buf, size_t len)
{
	const struct ebpf_insn *in;

	if (!len)
		return 1;
	buf[0] = '\0';
	if (idx >= cnt)
		return 1;
	in = &insns[idx];
	switch (EBPF_CLASS(in->code)) {
	case EBPF_ALU:
	case EBPF_ALU64:
		alu(in, buf, len);
		return 1;
	case EBPF_LDX:
		ldx(in, buf, len);
		return 1;
	case EBPF_ST:
	case EBPF_STX:
		store(in, buf, len);
		return 1;
	case EBPF_LD:
		return ld(insns, cnt, idx, buf, len);
	default: /* EBPF_JMP, EBPF_JMP32 */
		jump(in, idx, helper_name, buf, len);
		return 1;
	}
}
