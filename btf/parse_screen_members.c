// SPDX-License-Identifier: BSD-2-Clause
/*
 * The member rules of the screening pass (see parse_screen.c): every member of
 * every STRUCT/UNION has a name offset (folded into a maximum), a non-void
 * type (its id minus one folded into a maximum, so void wraps to the top) and
 * ends inside its type (bit offset, plus the bitfield size under kind_flag, at
 * most size * 8).
 *
 * Why a file of its own: an object built against a full vmlinux.h has ten
 * thousand members, and the scalar loop spends ~11 instructions on each. The
 * members are an array of 12-byte records, so 8 of them are exactly three
 * 32-byte vectors in which every lane always holds the same field: with AVX2
 * (unsigned max, and a compare against the type's size) a block of 8 members
 * costs about as much as one member did. The screen hands over the list of
 * STRUCT/UNION records it met so that this loop keeps its accumulators in
 * registers across all of them.
 *
 * The portable loop stays for other CPUs, for a type whose last vector would
 * read past the type section, and for tests (eb_btf_screen_simd).
 */
#include <string.h>

#include "btf/btf_internal.h"
#include "btf/parse_screen.h"

bool eb_btf_screen_simd = true;

static inline uint32_t umax(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* One type's members, one at a time. */
static void members_scalar(const struct btf_type *t, struct eb_member_folds *f)
{
	const struct btf_member *m = btf_members(t), *end = m + btf_vlen(t);
	uint32_t names = f->max_name, types = f->max_type1;
	uint32_t bits = 0;

	for (; m < end; m++) {
		names = umax(names, m->name_off);
		types = umax(types, m->type - 1);
		/* kind_flag: bit offset + bitfield size, 24 + 8 bits, cannot wrap */
		bits = umax(bits, btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) + BTF_MEMBER_BITFIELD_SIZE(m->offset)
					       : m->offset);
	}
	f->max_name = names;
	f->max_type1 = types;
	f->bad |= (uint64_t)bits > (uint64_t)t->size * 8;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
/* Bytes of one block: 8 members, three 32-byte vectors. */
#define BLOCK (8 * sizeof(struct btf_member))

/* Largest lane of v. */
AVX2 static uint32_t hmax(__m256i v)
{
	__m128i x = _mm_max_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));

	x = _mm_max_epu32(x, _mm_shuffle_epi32(x, 0x4e));
	x = _mm_max_epu32(x, _mm_shuffle_epi32(x, 0xb1));
	return (uint32_t)_mm_cvtsi128_si32(x);
}

/* Lanes kept past the last member of a type, by members in its last block (1..8). */
static const uint32_t last_mask[8][24] = {
#define M(n) { [0 ... (3 * (n) - 1)] = ~0u }
	M(1), M(2), M(3), M(4), M(5), M(6), M(7), M(8),
#undef M
};

/*
 * Fold one vector: minus1 has -1 in type lanes (void becomes UINT32_MAX);
 * limit has the type's size*8 in offset lanes and UINT32_MAX elsewhere;
 * kind_flag offsets are first turned into bit offset + bitfield size.
 */
#define FOLD(v, acc, minus1, off, limit, keep)                                                            \
	do {                                                                                               \
		__m256i v_ = (v);                                                                          \
		if (kflag)                                                                                 \
			v_ = _mm256_add_epi32(_mm256_and_si256(v_, _mm256_or_si256(bits24, _mm256_xor_si256(off, all))), \
					      _mm256_srli_epi32(_mm256_and_si256(off, v_), 24));           \
		v_ = _mm256_and_si256(_mm256_add_epi32(v_, minus1), keep);                                 \
		acc = _mm256_max_epu32(acc, v_);                                                           \
		ok = _mm256_and_si256(ok, _mm256_cmpeq_epi32(_mm256_max_epu32(v_, limit), limit));         \
	} while (0)

AVX2 static void members_avx2(const uint8_t *types, uint32_t types_len, const uint32_t *offs, size_t n,
			      struct eb_member_folds *f)
{
	/* word w of a block is field w % 3 of its member: 0 name, 1 type, 2 offset */
	const __m256i minus1_0 = _mm256_setr_epi32(0, -1, 0, 0, -1, 0, 0, -1);
	const __m256i minus1_1 = _mm256_setr_epi32(0, 0, -1, 0, 0, -1, 0, 0);
	const __m256i minus1_2 = _mm256_setr_epi32(-1, 0, 0, -1, 0, 0, -1, 0);
	const __m256i off_0 = _mm256_setr_epi32(0, 0, -1, 0, 0, -1, 0, 0);
	const __m256i off_1 = _mm256_setr_epi32(-1, 0, 0, -1, 0, 0, -1, 0);
	const __m256i off_2 = _mm256_setr_epi32(0, -1, 0, 0, -1, 0, 0, -1);
	const __m256i all = _mm256_set1_epi32(-1);
	/* kind_flag: the bit offset's 24 bits of an offset lane */
	const __m256i bits24 = _mm256_set1_epi32(0xffffff);
	__m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, ok = all, names, tids;
	const uint8_t *end = types + types_len;

	for (size_t i = 0; i < n; i++) {
		const struct btf_type *t = (const void *)(types + offs[i]);
		const uint8_t *p = (const uint8_t *)(t + 1);
		uint32_t vlen = btf_vlen(t), size = t->size;
		__m256i s, lim0, lim1, lim2;
		const uint32_t *keep;
		bool kflag;

		/* whole blocks are read: the last one must stay inside the type section */
		if ((size_t)(end - p) < (size_t)((vlen + 7) / 8) * BLOCK) {
			members_scalar(t, f);
			continue;
		}
		/* size*8 past 32 bits: every offset fits */
		s = _mm256_set1_epi32((int)(size > UINT32_MAX / 8 ? UINT32_MAX : size * 8));
		lim0 = _mm256_or_si256(s, _mm256_xor_si256(off_0, all));
		lim1 = _mm256_or_si256(s, _mm256_xor_si256(off_1, all));
		lim2 = _mm256_or_si256(s, _mm256_xor_si256(off_2, all));
		kflag = btf_kflag(t);
		for (; vlen > 8; vlen -= 8, p += BLOCK) {
			FOLD(_mm256_loadu_si256((const void *)p), acc0, minus1_0, off_0, lim0, all);
			FOLD(_mm256_loadu_si256((const void *)(p + 32)), acc1, minus1_1, off_1, lim1, all);
			FOLD(_mm256_loadu_si256((const void *)(p + 64)), acc2, minus1_2, off_2, lim2, all);
		}
		keep = last_mask[vlen - 1];
		FOLD(_mm256_loadu_si256((const void *)p), acc0, minus1_0, off_0, lim0,
		     _mm256_loadu_si256((const void *)keep));
		FOLD(_mm256_loadu_si256((const void *)(p + 32)), acc1, minus1_1, off_1, lim1,
		     _mm256_loadu_si256((const void *)(keep + 8)));
		FOLD(_mm256_loadu_si256((const void *)(p + 64)), acc2, minus1_2, off_2, lim2,
		     _mm256_loadu_si256((const void *)(keep + 16)));
	}
	/* name lanes are where neither minus1 nor off is set; type lanes where minus1 is */
	names = _mm256_max_epu32(_mm256_andnot_si256(_mm256_or_si256(minus1_0, off_0), acc0),
				 _mm256_max_epu32(_mm256_andnot_si256(_mm256_or_si256(minus1_1, off_1), acc1),
						  _mm256_andnot_si256(_mm256_or_si256(minus1_2, off_2), acc2)));
	tids = _mm256_max_epu32(_mm256_and_si256(minus1_0, acc0),
				_mm256_max_epu32(_mm256_and_si256(minus1_1, acc1), _mm256_and_si256(minus1_2, acc2)));
	f->max_name = umax(f->max_name, hmax(names));
	f->max_type1 = umax(f->max_type1, hmax(tids));
	f->bad |= _mm256_movemask_epi8(ok) != -1;
}

static bool have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#else
static bool have_avx2(void)
{
	return false;
}

static void members_avx2(const uint8_t *types, uint32_t types_len, const uint32_t *offs, size_t n,
			 struct eb_member_folds *f)
{
	(void)types, (void)types_len, (void)offs, (void)n, (void)f;
}
#endif

void eb_btf_screen_members(const uint8_t *types, uint32_t types_len, const uint32_t *offs, size_t n,
			   struct eb_member_folds *f)
{
	if (eb_btf_screen_simd && have_avx2()) {
		members_avx2(types, types_len, offs, n, f);
		return;
	}
	for (size_t i = 0; i < n; i++)
		members_scalar((const void *)(types + offs[i]), f);
}
