/*
 * Kernel BTF: lookups in the real /sys/kernel/btf/vmlinux agree with an
 * independent walker written here (never hard-coded ids), the shared cache
 * under concurrent use, and the module fallback on a split-BTF fixture.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "btf_blob.h"
#include "btf/btf_internal.h"
#include <ebpf/btf.h>

#define VMLINUX "/sys/kernel/btf/vmlinux"

#define REQUIRE_VMLINUX()                                                          \
	do {                                                                       \
		if (access(VMLINUX, R_OK)) {                                       \
			test_skip(__func__, "no " VMLINUX);                        \
			return;                                                    \
		}                                                                  \
	} while (0)

/* The independent reading: a plain walk of the raw file. */
struct walk {
	uint8_t *raw;
	size_t size;
	struct btf_header h;
};

static void walk_open(struct walk *w)
{
	w->raw = test_read_file(VMLINUX, &w->size);
	memcpy(&w->h, w->raw, sizeof(w->h));
	ck_assert_uint_eq(w->h.magic, BTF_MAGIC);
}

/* First id of `kind` named `name` (kind 0: any), or 0; *count gets the type count. */
static uint32_t walk_find(const struct walk *w, const char *name, unsigned kind, uint32_t *count)
{
	const uint8_t *p = w->raw + w->h.hdr_len + w->h.type_off, *end = p + w->h.type_len;
	const char *strs = (const char *)w->raw + w->h.hdr_len + w->h.str_off;
	uint32_t id = 1, found = 0;
	static const uint8_t per_vlen[] = { [BTF_KIND_STRUCT] = 12, [BTF_KIND_UNION] = 12,
		[BTF_KIND_ENUM] = 8, [BTF_KIND_FUNC_PROTO] = 8, [BTF_KIND_DATASEC] = 12,
		[BTF_KIND_ENUM64] = 12 };
	static const uint8_t fixed[] = { [BTF_KIND_INT] = 4, [BTF_KIND_ARRAY] = 12,
		[BTF_KIND_VAR] = 4, [BTF_KIND_DECL_TAG] = 4, [BTF_KIND_MAX] = 0 };

	for (; p < end; id++) {
		uint32_t name_off, info;
		unsigned k;

		memcpy(&name_off, p, 4);
		memcpy(&info, p + 4, 4);
		k = (info >> 24) & 0x1f;
		if (!found && (!kind || k == kind) && !strcmp(strs + name_off, name))
			found = id;
		p += 12 + fixed[k] + (size_t)per_vlen[k] * (info & 0xffff);
	}
	if (count)
		*count = id;
	return found;
}

static const struct { const char *name; unsigned kind; } names[] = {
	{ "task_struct", BTF_KIND_STRUCT }, { "bpf_task_from_pid", BTF_KIND_FUNC },
	{ "bpf_prog_active", BTF_KIND_VAR }, { "runqueues", BTF_KIND_VAR },
	{ "___pskb_trim", BTF_KIND_FUNC }, { "sk_buff", BTF_KIND_STRUCT },
	{ "int", BTF_KIND_INT }, { "task_struct", 0 },
};

START_TEST(test_lookups_agree_with_walker)
{
	struct walk w;
	struct ebpf_btf *btf;
	uint32_t count, ids[8];

	REQUIRE_VMLINUX();
	walk_open(&w);
	ck_assert_int_eq(eb_btf_load_file(VMLINUX, NULL, &btf), 0);
	walk_find(&w, "", 0, &count);
	ck_assert_uint_eq(eb_btf_type_cnt(btf), count);
	/* Enough rounds that the later ones go through the name index. */
	for (int round = 0; round < 6; round++) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			uint32_t want = walk_find(&w, names[i].name, names[i].kind, NULL);

			ck_assert_msg(want > 0, "walker did not find %s", names[i].name);
			ck_assert_int_eq(eb_btf_find(btf, names[i].name, names[i].kind), (int32_t)want);
		}
	}
	ck_assert_ptr_nonnull(atomic_load(&btf->index));
	ck_assert_int_eq(eb_btf_find(btf, "no_such_type_in_any_kernel", 0), -ENOENT);
	/* Essential-name lookup: a local flavor finds the kernel's struct. */
	ck_assert_int_eq(eb_btf_find_essential(btf, "task_struct___local", BTF_KIND_STRUCT, ids, 8), 1);
	ck_assert_uint_eq(ids[0], walk_find(&w, "task_struct", BTF_KIND_STRUCT, NULL));
	/* ___pskb_trim is itself, not a flavor of "" */
	ck_assert_int_eq(eb_btf_find_essential(btf, "___pskb_trim", BTF_KIND_FUNC, ids, 8), 1);
	ck_assert_uint_eq(ids[0], walk_find(&w, "___pskb_trim", BTF_KIND_FUNC, NULL));
	eb_btf_put(btf);
	free(w.raw);
}
END_TEST

struct thread_arg {
	struct ebpf_btf *seen;
	int32_t task_struct;
	int err;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < 20 && !a->err; i++) {
		struct ebpf_btf *btf;

		a->err = eb_btf_vmlinux(&btf);
		if (a->err)
			break;
		a->seen = btf;	/* compared by address only */
		a->task_struct = eb_btf_find(btf, "task_struct", BTF_KIND_STRUCT);
		eb_btf_put(btf);
	}
	return NULL;
}

START_TEST(test_shared_cache_threads)
{
	struct thread_arg args[8];
	pthread_t th[8];
	struct ebpf_btf *btf;
	struct walk w;

	REQUIRE_VMLINUX();
	walk_open(&w);
	eb_btf_kernel_flush();
	memset(args, 0, sizeof(args));
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(eb_btf_vmlinux(&btf), 0);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(args[i].err, 0);
		ck_assert_ptr_eq(args[i].seen, btf);	/* one parse per process */
		ck_assert_int_eq(args[i].task_struct, (int32_t)walk_find(&w, "task_struct", BTF_KIND_STRUCT, NULL));
	}
	eb_btf_put(btf);
	eb_btf_kernel_flush();
	free(w.raw);
}
END_TEST

START_TEST(test_module_fallback)
{
	char dir[] = "/tmp/btf_test_modXXXXXX", path[4096];
	struct ebpf_btf *vm, *found;
	struct walk w;
	struct tblob b;
	const char *mod;
	uint32_t id, count, int_id;
	size_t size;
	void *raw;
	FILE *f;

	REQUIRE_VMLINUX();
	walk_open(&w);
	int_id = walk_find(&w, "int", BTF_KIND_INT, &count);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	ck_assert_int_eq(symlink(VMLINUX, path), 0);
	/* Module "btf_test_mod": struct btf_test_mod_only { int x; }, split on vmlinux. */
	tb_init(&b, w.h.str_len);
	tb_type(&b, tb_str(&b, "btf_test_mod_only"), BTF_KIND_STRUCT, 1, 0, 4);
	tb_w(&b, tb_str(&b, "x")); tb_w(&b, int_id); tb_w(&b, 0);
	raw = tb_build(&b, &size);
	snprintf(path, sizeof(path), "%s/btf_test_mod", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(raw, 1, size, f), size);
	fclose(f);
	free(raw);

	eb_btf_kernel_set_dir(dir);
	ck_assert_int_eq(eb_btf_kernel_find("btf_test_mod_only", BTF_KIND_STRUCT, &found, &id, &mod), 0);
	ck_assert_str_eq(mod, "btf_test_mod");
	ck_assert_uint_eq(id, count);	/* the first id after vmlinux's */
	ck_assert_str_eq(eb_btf_name(found, eb_btf_type(found, btf_members(eb_btf_type(found, id))[0].type)), "int");
	eb_btf_put(found);

	/* A vmlinux name never consults modules. */
	ck_assert_int_eq(eb_btf_kernel_find("task_struct", BTF_KIND_STRUCT, &found, &id, &mod), 0);
	ck_assert_ptr_null(mod);
	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
	ck_assert_ptr_eq(found, vm);
	ck_assert_uint_eq(id, walk_find(&w, "task_struct", BTF_KIND_STRUCT, NULL));
	eb_btf_put(vm);
	eb_btf_put(found);

	ck_assert_int_eq(eb_btf_kernel_find("btf_test_nowhere", 0, &found, &id, &mod), -ENOENT);
	ck_assert_errmsg_has("'btf_test_nowhere' not found in kernel BTF (vmlinux and modules)");
	ck_assert_int_eq(eb_btf_kernel_module("../etc", &found), -EINVAL);
	ck_assert_errmsg_has("invalid module name '../etc'");

	eb_btf_kernel_set_dir(NULL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	unlink(path);
	rmdir(dir);
	free(w.raw);
}
END_TEST

START_TEST(test_load_file_errors)
{
	struct ebpf_btf *btf = (void *)1;
	char path[] = "/tmp/btf_test_badXXXXXX";
	int fd;

	ck_assert_int_eq(eb_btf_load_file("/nonexistent/btf", NULL, &btf), -ENOENT);
	ck_assert_ptr_null(btf);
	ck_assert_errmsg_has("BTF file '/nonexistent/btf'");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not btf at all, really, no no", 30), 30);
	close(fd);
	ck_assert_int_eq(eb_btf_load_file(path, NULL, &btf), -EINVAL);
	ck_assert_errmsg_has("bad magic");
	ck_assert_errmsg_has(path);
	unlink(path);
}
END_TEST

/* A FIFO cannot be mapped (and stats as 0 bytes): the reader falls back to read(). */
struct fifo_writer {
	const char *path;
	const uint8_t *raw;
	size_t size;
	int err;
};

static void *fifo_write(void *arg)
{
	struct fifo_writer *fw = arg;
	FILE *f = fopen(fw->path, "wb");

	if (!f || fwrite(fw->raw, 1, fw->size, f) != fw->size)
		fw->err = -1;
	if (f)
		fclose(f);
	return NULL;
}

START_TEST(test_read_fallback)
{
	char dir[] = "/tmp/btf_test_fifoXXXXXX", path[4096];
	struct ebpf_btf *mapped, *read_back;
	struct fifo_writer fw;
	pthread_t th;
	struct walk w;

	REQUIRE_VMLINUX();
	walk_open(&w);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/btf", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	fw = (struct fifo_writer){ .path = path, .raw = w.raw, .size = w.size };
	ck_assert_int_eq(pthread_create(&th, NULL, fifo_write, &fw), 0);
	ck_assert_int_eq(eb_btf_load_file(path, NULL, &read_back), 0);
	pthread_join(th, NULL);
	ck_assert_int_eq(fw.err, 0);
	ck_assert_ptr_null(read_back->map);	/* read, not mapped */
	ck_assert_ptr_nonnull(read_back->owned);
	ck_assert_int_eq(eb_btf_load_file(VMLINUX, NULL, &mapped), 0);
	ck_assert_ptr_nonnull(mapped->map);
	ck_assert_uint_eq(eb_btf_type_cnt(read_back), eb_btf_type_cnt(mapped));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_int_eq(eb_btf_find(read_back, names[i].name, names[i].kind),
				 (int32_t)walk_find(&w, names[i].name, names[i].kind, NULL));
	eb_btf_put(read_back);
	eb_btf_put(mapped);
	unlink(path);
	rmdir(dir);
	free(w.raw);
}
END_TEST

START_TEST(test_public_api)
{
	struct ebpf_btf *a, *b;
	struct walk w;

	REQUIRE_VMLINUX();
	walk_open(&w);
	ck_assert_int_eq(ebpf_btf_load_vmlinux(&a), 0);
	ck_assert_int_eq(ebpf_btf_load_vmlinux(&b), 0);
	ck_assert_ptr_eq(a, b);	/* shared */
	ck_assert_int_eq(ebpf_btf_find(a, "bpf_task_from_pid", BTF_KIND_FUNC),
			 (int32_t)walk_find(&w, "bpf_task_from_pid", BTF_KIND_FUNC, NULL));
	ck_assert_int_eq(ebpf_btf_find(a, "bpf_task_from_pid", BTF_KIND_STRUCT), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "BTF: no type 'bpf_task_from_pid' of kind STRUCT");
	ck_assert_uint_eq(ebpf_btf_type_cnt(a), eb_btf_type_cnt(a));

	/* many at once: each answer is the single lookup's, misses included */
	const char *many[] = { "task_struct", "bpf_task_from_pid", "bpf_prog_active", "runqueues",
				"bpf_task_from_pid", "no_such_type_anywhere", "", NULL, "sk_buff" };
	const unsigned kinds[] = { BTF_KIND_STRUCT, BTF_KIND_FUNC, BTF_KIND_VAR, BTF_KIND_VAR,
				   BTF_KIND_STRUCT, BTF_KIND_STRUCT, BTF_KIND_STRUCT, BTF_KIND_STRUCT, 0 };
	const size_t n = sizeof(many) / sizeof(many[0]);
	int32_t ids[sizeof(many) / sizeof(many[0])], any[sizeof(many) / sizeof(many[0])];
	int found = 0;

	for (size_t i = 0; i < n; i++) {
		int32_t want = many[i] && many[i][0] ? (int32_t)walk_find(&w, many[i], kinds[i], NULL) : 0;

		want = want > 0 ? want : -ENOENT;
		found += want > 0;
		ids[i] = 12345;
		ck_assert_int_eq(many[i] ? ebpf_btf_find(a, many[i], kinds[i]) : -ENOENT, want);
	}
	ck_assert_int_ge(found, 5);	/* task_struct, the kfunc, two per-CPU variables, sk_buff */
	ck_assert_int_eq(ebpf_btf_find_many(a, many, kinds, n, ids), found);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(ids[i], many[i] && many[i][0] ? ebpf_btf_find(a, many[i], kinds[i]) : -ENOENT);
	/* kinds NULL: any kind, so the lowest id of that name */
	ck_assert_int_ge(ebpf_btf_find_many(a, many, NULL, n, any), found);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(any[i], many[i] && many[i][0] ? ebpf_btf_find(a, many[i], 0) : -ENOENT);
	ck_assert_int_eq(ebpf_btf_find_many(a, many, kinds, 0, NULL), 0);
	ck_assert_int_eq(ebpf_btf_find_many(NULL, many, kinds, n, ids), -EINVAL);
	ck_assert_int_eq(ebpf_btf_find_many(a, NULL, kinds, n, ids), -EINVAL);
	ck_assert_str_eq(ebpf_errmsg(), "ebpf_btf_find_many: NULL argument");
	ebpf_btf_free(a);
	ebpf_btf_free(b);
	ebpf_btf_free(NULL);
	ck_assert_int_eq(ebpf_btf_load_file(VMLINUX, &a), 0);
	ck_assert_ptr_ne(a, b);	/* by path: a private copy */
	ebpf_btf_free(a);
	eb_btf_kernel_flush();
	free(w.raw);
}
END_TEST

Suite *suite_btf_vmlinux(void)
{
	Suite *s = suite_create("btf_vmlinux");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, test_lookups_agree_with_walker);
	tcase_add_test(tc, test_shared_cache_threads);
	tcase_add_test(tc, test_module_fallback);
	tcase_add_test(tc, test_load_file_errors);
	tcase_add_test(tc, test_read_fallback);
	tcase_add_test(tc, test_public_api);
	suite_add_tcase(s, tc);
	return s;
}
