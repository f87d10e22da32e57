// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writing a CO-RE value into the instruction clang marked. Three shapes exist:
 * an ALU instruction with an immediate (r1 = 8, r1 += 8), a load or store
 * whose offset is the field offset, and an ld_imm64 carrying a 64-bit value.
 * Before writing, the instruction must hold what the object's own BTF
 * predicts: if it does not, the record and the code disagree and patching
 * would silently corrupt the program.
 */
#include <errno.h>
#include <inttypes.h>

#include "lib/error.h"
#include "relo/core_internal.h"

static bool is_ld_imm64(const struct ebpf_insn *insn)
{
	return insn->code == (EBPF_LD | EBPF_IMM | EBPF_DW);
}

void eb_core_poison(struct ebpf_insn *insns, uint32_t insn_cnt, uint32_t idx)
{
	/*
	 * Both halves of an ld_imm64 become calls: a lone second half would make
	 * the verifier complain about opcode 0x00 instead of reaching the call.
	 */
	uint32_t n = (idx + 1 < insn_cnt && is_ld_imm64(&insns[idx])) ? 2 : 1;

	for (uint32_t i = 0; i < n; i++)
		insns[idx + i] = (struct ebpf_insn){
			.code = EBPF_JMP | EBPF_CALL,
			.imm = EB_CORE_POISON,
		};
}

static int mem_size_bytes(uint8_t code)
{
	switch (EBPF_SIZE(code)) {
	case EBPF_B: return 1;
	case EBPF_H: return 2;
	case EBPF_W: return 4;
	default: return 8;
	}
}

static int mem_size_code(uint32_t bytes)
{
	switch (bytes) {
	case 1: return EBPF_B;
	case 2: return EBPF_H;
	case 4: return EBPF_W;
	case 8: return EBPF_DW;
	default: return -1;
	}
}

static int patch_alu(struct ebpf_insn *insn, const struct eb_core_res *res)
{
	if (EBPF_SRC(insn->code) != EBPF_K)
		return eb_err(-EINVAL, "ALU instruction (opcode 0x%02x) takes no immediate", insn->code);
	if (res->validate && (uint64_t)(int64_t)insn->imm != res->orig_val &&
	    (uint32_t)insn->imm != res->orig_val)
		return eb_err(-EINVAL, "instruction holds %d, but the object's BTF says %" PRIu64, insn->imm,
			      res->orig_val);
	/* 64-bit ALU sign-extends the immediate; 32-bit ALU takes any 32-bit pattern. */
	if ((int64_t)res->new_val < INT32_MIN || (int64_t)res->new_val > INT32_MAX) {
		if (EBPF_CLASS(insn->code) != EBPF_ALU || res->new_val > UINT32_MAX)
			return eb_err(-ERANGE, "value %" PRIu64 " does not fit a 32-bit immediate", res->new_val);
	}
	insn->imm = (int32_t)(uint32_t)res->new_val;
	return 0;
}

static int patch_mem(struct ebpf_insn *insn, const struct eb_core_res *res, bool *poisoned)
{
	int code;

	if (res->validate && (uint64_t)(int64_t)insn->off != res->orig_val)
		return eb_err(-EINVAL, "instruction offset is %d, but the object's BTF says %" PRIu64,
			      insn->off, res->orig_val);
	if (res->new_val > INT16_MAX)
		return eb_err(-ERANGE, "offset %" PRIu64 " does not fit a load/store (max %d)", res->new_val,
			      INT16_MAX);
	if (res->fail_memsz) {
		*poisoned = true;
		return 0;
	}
	if (res->orig_sz != res->new_sz) {
		if (mem_size_bytes(insn->code) != (int)res->orig_sz)
			return eb_err(-EINVAL, "load/store of %d bytes on a field of %u bytes",
				      mem_size_bytes(insn->code), res->orig_sz);
		code = mem_size_code(res->new_sz);
		if (code < 0)
			return eb_err(-EINVAL, "field is now %u bytes: no load/store has that size", res->new_sz);
		insn->code = (uint8_t)(EBPF_MODE(insn->code) | code | EBPF_CLASS(insn->code));
	}
	insn->off = (int16_t)res->new_val;
	return 0;
}

static int patch_ld_imm64(struct ebpf_insn *insn, uint32_t room, const struct eb_core_res *res)
{
	uint64_t imm;

	if (!is_ld_imm64(insn) || room < 2 || insn[0].src_reg || insn[0].off || insn[1].code ||
	    insn[1].dst_reg || insn[1].src_reg || insn[1].off)
		return eb_err(-EINVAL, "not a plain ld_imm64 (opcode 0x%02x, src_reg %u)", insn->code,
			      insn->src_reg);
	imm = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
	if (res->validate && imm != res->orig_val)
		return eb_err(-EINVAL, "instruction holds %" PRIu64 ", but the object's BTF says %" PRIu64, imm,
			      res->orig_val);
	insn[0].imm = (int32_t)(uint32_t)res->new_val;
	insn[1].imm = (int32_t)(uint32_t)(res->new_val >> 32);
	return 0;
}

int eb_core_patch(struct ebpf_insn *insns, uint32_t insn_cnt, uint32_t idx,
		  const struct eb_core_res *res, bool *poisoned)
{
	struct ebpf_insn *insn;

	*poisoned = false;
	if (idx >= insn_cnt)
		return eb_err(-EINVAL, "instruction %u is past the program's %u instructions", idx, insn_cnt);
	insn = &insns[idx];
	if (res->poison) {
		*poisoned = true;
		eb_core_poison(insns, insn_cnt, idx);
		return 0;
	}
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_ALU:
	case EBPF_ALU64:
		return patch_alu(insn, res);
	case EBPF_LDX:
	case EBPF_ST:
	case EBPF_STX: {
		int err = patch_mem(insn, res, poisoned);

		if (!err && *poisoned)
			eb_core_poison(insns, insn_cnt, idx);
		return err;
	}
	case EBPF_LD:
		return patch_ld_imm64(insn, insn_cnt - idx, res);
	default:
		return eb_err(-EINVAL, "cannot relocate a %s instruction (opcode 0x%02x)",
			      EBPF_CLASS(insn->code) == EBPF_JMP || EBPF_CLASS(insn->code) == EBPF_JMP32 ? "jump"
											     : "non-ALU/memory",
			      insn->code);
	}
}
