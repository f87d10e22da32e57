// SPDX-License-Identifier: BSD-2-Clause
/*
 * Opening an object: read the bytes (file or memory), classify its sections, and
 * run the parse stages of lib/elf_reader.h in order. No syscall other than
 * reading the object file happens here.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

static int classify_sections(struct eb_elf *e)
{
	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		struct eb_elf_sec *s = &e->secs[i];
		uint32_t *special = NULL;

		if (strcmp(s->name, ".BTF") == 0)
			special = &e->btf_sec;
		else if (strcmp(s->name, ".BTF.ext") == 0)
			special = &e->btf_ext_sec;
		else if (strcmp(s->name, "license") == 0)
			special = &e->license_sec;
		else if (strcmp(s->name, "version") == 0)
			special = &e->version_sec;
		else if (strcmp(s->name, ".maps") == 0) {
			special = &e->maps_sec;
			s->kind = EB_ELF_SEC_MAPS;
		} else if (strcmp(s->name, "maps") == 0) {
			special = &e->legacy_maps_sec;
			s->kind = EB_ELF_SEC_LEGACY_MAPS;
		} else if (s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR)) {
			/* Empty executable sections (no functions) carry nothing to load. */
			if (s->size)
				s->kind = EB_ELF_SEC_TEXT;
		} else if ((s->type == SHT_PROGBITS || s->type == SHT_NOBITS) && (s->flags & SHF_ALLOC) &&
			   eb_elf_is_data_sec(s->name)) {
			s->kind = EB_ELF_SEC_DATA;
		}
		if (special) {
			if (*special)
				return eb_err(-EINVAL, "%s: duplicate section '%s'", e->obj, s->name);
			/* NOBITS, or a typeless (SHT_NULL) header whose bytes were never read. */
			if ((s->type == SHT_NOBITS || (!s->data && s->size)) && s->kind != EB_ELF_SEC_MAPS)
				return eb_err(-EINVAL, "%s: section '%s' has no contents", e->obj, s->name);
			*special = i;
		}
		if (s->kind != EB_ELF_SEC_OTHER && (s->flags & SHF_COMPRESSED))
			return eb_err(-EINVAL, "%s: section '%s' is compressed, which is not supported", e->obj,
				      s->name);
	}
	return 0;
}

int eb_elf_read_license(struct eb_elf *e, struct ebpf_spec *spec)
{
	if (e->license_sec) {
		const struct eb_elf_sec *s = &e->secs[e->license_sec];
		/* The section is usually a NUL-terminated char array; stop at the first NUL. */
		size_t len = s->data ? strnlen((const char *)s->data, s->size) : 0;

		spec->license = eb_strndup((const char *)s->data, len);
		if (!spec->license)
			return -ENOMEM;
	}
	if (e->version_sec) {
		const struct eb_elf_sec *s = &e->secs[e->version_sec];

		/* s->data is NULL when the section has no bytes in the file. */
		if (s->size != sizeof(uint32_t) || !s->data)
			return eb_err(-EINVAL, "%s: section 'version' has %llu bytes, expected 4", e->obj,
				      (unsigned long long)(s->data ? s->size : 0));
		spec->kern_version = eb_elf_u32(e, s->data);
	}
	return 0;
}

static int parse(struct eb_elf *e, struct ebpf_spec *spec)
{
	int (*const stages[])(struct eb_elf *, struct ebpf_spec *) = {
		eb_elf_read_license,   eb_elf_read_btf,	      eb_elf_read_legacy_maps,
		eb_elf_read_btf_maps,  eb_elf_read_data_maps,  eb_elf_read_externs,
		eb_elf_read_progs,     eb_elf_read_relocs,     eb_elf_read_map_slots,
	};
	int err;

	err = classify_sections(e);
	if (err)
		return err;
	spec->foreign_endian = e->swap;
	err = eb_elf_keep_strs(e, spec);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		err = stages[i](e, spec);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Parse `size` bytes: those at `data` (the caller lets us borrow them for the
 * duration of the call) or, when `data` is NULL, those of file `fd`, read as needed.
 */
static int open_bytes(const void *data, int fd, size_t size, const char *name, struct ebpf_spec **out)
{
	struct ebpf_spec *spec;
	struct eb_elf e;
	int err;

	*out = NULL;
	spec = eb_calloc(1, sizeof(*spec));
	if (!spec)
		return -ENOMEM;
	spec->kconfig_map = -1;
	spec->name = eb_strdup(name);
	if (!spec->name) {
		eb_free(spec);
		return -ENOMEM;
	}
	err = data ? eb_elf_open(&e, data, size, spec->name) : eb_elf_open_fd(&e, fd, size, spec->name);
	if (!err)
		err = parse(&e, spec);
	eb_elf_close(&e);
	if (err) {
		ebpf_spec_free(spec);
		return err;
	}
	*out = spec;
	return 0;
}

EBPF_API int ebpf_spec_open_mem(const void *data, size_t size, const struct ebpf_spec_opts *opts,
				struct ebpf_spec **out)
{
	const char *name = "<memory>";
	void *copy;
	int err;

	if (!out)
		return eb_err(-EINVAL, "ebpf_spec_open_mem: out is NULL");
	*out = NULL;
	if (!data && size)
		return eb_err(-EINVAL, "ebpf_spec_open_mem: data is NULL");
	if (opts && opts->sz >= offsetof(struct ebpf_spec_opts, name) + sizeof(opts->name) && opts->name)
		name = opts->name;
	/*
	 * Work on a private copy: the caller's buffer may be modified concurrently or
	 * be read-only memory with arbitrary alignment; ours is malloc-aligned.
	 */
	copy = eb_malloc(size ? size : 1);
	if (!copy)
		return -ENOMEM;
	if (size)
		memcpy(copy, data, size);
	err = open_bytes(copy, -1, size, name, out);
	eb_free(copy);
	return err;
}

/* Open `path` for reading: a regular file, and its size. */
static int open_object_file(const char *path, int *fd_out, size_t *size)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return eb_err(-errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return eb_err(err, "%s: cannot stat: %s", path, strerror(-err));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return eb_err(S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "%s: not a regular file", path);
	}
	*fd_out = fd;
	*size = (size_t)st.st_size;
	return 0;
}

EBPF_API int ebpf_spec_open_file(const char *path, const struct ebpf_spec_opts *opts,
				 struct ebpf_spec **out)
{
	const char *name = path;
	size_t size = 0;
	int fd = -1;
	int err;

	if (!out)
		return eb_err(-EINVAL, "ebpf_spec_open_file: out is NULL");
	*out = NULL;
	if (!path)
		return eb_err(-EINVAL, "ebpf_spec_open_file: path is NULL");
	if (opts && opts->sz >= offsetof(struct ebpf_spec_opts, name) + sizeof(opts->name) && opts->name)
		name = opts->name;
	/* Only the sections the reader uses are read (eb_elf_open_fd), not the whole file. */
	err = open_object_file(path, &fd, &size);
	if (err)
		return err;
	err = open_bytes(NULL, fd, size, name, out);
	close(fd);
	return err;
}
