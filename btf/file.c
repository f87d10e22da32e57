// SPDX-License-Identifier: BSD-2-Clause
/*
 * Raw BTF files (/sys/kernel/btf/<name>, or another kernel's BTF for offline checks):
 * mapped read-only and parsed in place (zero-copy); read() into a buffer where
 * the file cannot be mapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

/* Files larger than this are not BTF (vmlinux BTF is ~6 MiB). */
#define EB_BTF_FILE_MAX (1u << 30)

static int read_all(int fd, size_t hint, uint8_t **out, size_t *out_len)
{
	size_t cap = hint ? hint + 1 : 1 << 16, len = 0;
	uint8_t *buf = eb_malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap && eb_grow((void **)&buf, &cap, len + 1, 1)) {
			eb_free(buf);
			return -ENOMEM;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			eb_free(buf);
			return err;
		}
		if (!n)
			break;
		len += (size_t)n;
		if (len > EB_BTF_FILE_MAX) {
			eb_free(buf);
			return -EFBIG;
		}
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static int load_file(const char *path, struct ebpf_btf *base, bool trusted, struct ebpf_btf **out);

int eb_btf_load_file(const char *path, struct ebpf_btf *base, struct ebpf_btf **out)
{
	return load_file(path, base, false, out);
}

int eb_btf_load_kernel_file(const char *path, struct ebpf_btf *base, struct ebpf_btf **out)
{
	return load_file(path, base, true, out);
}

static int load_file(const char *path, struct ebpf_btf *base, bool trusted, struct ebpf_btf **out)
{
	int (*const parse)(const void *, size_t, struct ebpf_btf *, enum eb_btf_mem, struct ebpf_btf **) =
		trusted ? eb_btf_parse_trusted : eb_btf_parse;
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	void *map;
	int fd, err;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return eb_err(-errno, "BTF file '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return eb_err(err, "BTF file '%s': %s", path, strerror(-err));
	}
	if ((uint64_t)st.st_size > EB_BTF_FILE_MAX) {
		close(fd);
		return eb_err(-EFBIG, "BTF file '%s': %lld bytes is too large", path, (long long)st.st_size);
	}
	map = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (map != MAP_FAILED) {
		close(fd);
		err = parse(map, (size_t)st.st_size, base, EB_BTF_BORROW, out);
		if (err || (*out)->raw != map) {	/* error, or swapped into an owned copy */
			munmap(map, (size_t)st.st_size);
			return err ? eb_err_ctx(err, "BTF file '%s'", path) : 0;
		}
		(*out)->map = map;
		(*out)->map_size = (size_t)st.st_size;
		return 0;
	}
	/* Some files (e.g. on filesystems without mmap) can only be read. */
	err = read_all(fd, (size_t)st.st_size, &buf, &len);
	close(fd);
	if (err)
		return eb_err(err, "BTF file '%s': read: %s", path, strerror(-err));
	err = parse(buf, len, base, EB_BTF_BORROW, out);
	if (err || (*out)->raw != buf) {
		eb_free(buf);
		return err ? eb_err_ctx(err, "BTF file '%s'", path) : 0;
	}
	(*out)->owned = buf;
	return 0;
}

/*
 * The spec keeps the object file's bytes (a private writable mapping, or its
 * own heap copy) and parses its .BTF in place: the DATASEC fix-ups then go into
 * those bytes. eb_btf_fixup_datasecs() edits only bytes the BTF owns (it must
 * never write into a read-only kernel mapping or a caller's const buffer), so
 * the writable bytes are lent to it for the call.
 */
int eb_btf_fixup_datasecs_writable(struct ebpf_btf *btf, void *raw, const struct eb_btf_fixup_cb *cb)
{
	int err;

	if (btf->owned || btf->map || btf->raw != raw)
		return eb_btf_fixup_datasecs(btf, cb);
	btf->owned = raw;
	err = eb_btf_fixup_datasecs(btf, cb);
	btf->owned = NULL;
	return err;
}
