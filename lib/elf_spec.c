// SPDX-License-Identifier: BSD-2-Clause
/*
 * Opening an object: map the file (or copy the memory) into the spec's image,
 * and run the parse stages of lib/elf_reader.h in order.
 * No syscall other than opening and mapping (or reading) the object file
 * happens here.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

int eb_elf_read_license(struct eb_elf *e, struct ebpf_spec *spec)
{
	if (e->license_sec) {
		const struct eb_elf_sec *s = &e->secs[e->license_sec];
		/* The section is usually a NUL-terminated char array; stop at the first NUL. */
		size_t len = s->data ? strnlen((const char *)s->data, s->size) : 0;

		/* Terminated inside the section: used in place, else copied. */
		if (len < s->size) {
			spec->license = (char *)s->data;
		} else {
			spec->license = eb_strndup((const char *)s->data, len);
			if (!spec->license)
				return -ENOMEM;
			spec->license_owned = true;
		}
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

	spec->foreign_endian = e->swap;
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		err = stages[i](e, spec);
		if (err)
			return err;
	}
	return 0;
}

/*
 * A new empty spec named `name`, with room for an `image_size`-byte image
 * (*image, 8-byte aligned) right after it, then `carve` bytes for the
 * stages' spec-lifetime arrays (eb_spec_carve), and the name after that:
 * one allocation that ebpf_spec_free() frees as one block (the image's heap
 * slots stay empty).
 */
static struct ebpf_spec *spec_new(const char *name, size_t image_size, size_t carve, void **image)
{
	size_t len = strlen(name), room;
	struct ebpf_spec *spec;

	_Static_assert(sizeof(*spec) % 8 == 0, "the image after the spec is 8-byte aligned");
	if (image_size > SIZE_MAX / 4 || carve > SIZE_MAX / 4 || len > SIZE_MAX / 4) {
		eb_err(-ENOMEM, "out of memory");
		return NULL;
	}
	room = (image_size + 7) & ~(size_t)7;
	carve = (carve + 7) & ~(size_t)7;
	/* Only the spec is zeroed: the image is overwritten whole, the carved room when handed out, the name below. */
	spec = eb_malloc(sizeof(*spec) + room + carve + len + 1);
	if (!spec)
		return NULL;
	memset(spec, 0, sizeof(*spec));
	spec->kconfig_map = -1;
	if (carve) {
		spec->carve_pos = (uint8_t *)(spec + 1) + room;
		spec->carve_end = spec->carve_pos + carve;
	}
	spec->name = memcpy((char *)(spec + 1) + room + carve, name, len + 1);
	if (image)
		*image = spec + 1;
	return spec;
}

/*
 * Parse the object `e` opened over bytes that spec->image holds (err: how the
 * open went), then hand the spec out or free it.
 */
static int finish(struct ebpf_spec *spec, struct eb_elf *e, int err, struct ebpf_spec **out)
{
	if (!err)
		err = parse(e, spec);
	eb_elf_close(e);
	if (err) {
		ebpf_spec_free(spec);
		return err;
	}
	/*
	 * Parsing wrote the BTF fix-ups into the private mapping; from now on the
	 * image is only read, and a stray write should fault rather than change
	 * what was validated. (A refusal leaves it writable, which is harmless.)
	 */
	if (spec->image.map)
		(void)mprotect(spec->image.map, spec->image.map_len, PROT_READ);
	*out = spec;
	return 0;
}

/*
 * A spec of the object in `bytes` (`size` bytes, which must stay valid and
 * unchanged during the call only): its headers, symbols and relocations are
 * read where they are, and only the sections the spec points into afterwards
 * (eb_elf_kept_size) are copied into the spec's own block, where they are
 * 8-aligned and writable (BTF fix-ups). Messages name `name`.
 */
static int open_kept(const void *bytes, size_t size, const char *name, struct ebpf_spec **out)
{
	struct ebpf_spec *spec;
	struct eb_elf e;
	uint32_t map_cnt = 0;
	size_t maps_room;
	void *kept;
	int err = eb_elf_open_sections(&e, bytes, size, name);

	/* The symbols first: what the spec's block reserves for the stages is counted from them. */
	if (!err)
		err = eb_elf_read_symbols(&e);
	if (err) {
		eb_elf_close(&e);
		return err;
	}
	maps_room = eb_elf_maps_room(&e, &map_cnt);
	spec = spec_new(name, eb_elf_kept_size(&e), eb_elf_progs_room(&e) + eb_elf_relocs_room(&e) + maps_room,
			&kept);
	if (!spec) {
		eb_elf_close(&e);
		return -ENOMEM;
	}
	/* Section and symbol names now point into the kept copy. */
	eb_elf_move_kept(&e, kept);
	if (map_cnt) {
		/* Carved from the room just reserved: cannot fail. */
		spec->maps = eb_spec_carve(spec, (size_t)map_cnt * sizeof(*spec->maps));
		spec->map_cap = spec->maps ? map_cnt : 0;
	}
	return finish(spec, &e, 0, out);
}

EBPF_API int ebpf_spec_open_mem(const void *data, size_t size, const struct ebpf_spec_opts *opts,
				struct ebpf_spec **out)
{
	const char *name = "<memory>";

	if (!out)
		return eb_err(-EINVAL, "ebpf_spec_open_mem: out is NULL");
	*out = NULL;
	if (!data && size)
		return eb_err(-EINVAL, "ebpf_spec_open_mem: data is NULL");
	if (opts && opts->sz >= offsetof(struct ebpf_spec_opts, name) + sizeof(opts->name) && opts->name)
		name = opts->name;
	/*
	 * What the spec keeps is copied: the caller's buffer may be modified or
	 * freed after we return, or be read-only memory with arbitrary alignment.
	 */
	return open_kept(data ? data : "", size, name, out);
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

/*
 * How a file's bytes get into the spec, by size (variables so that tests can
 * force each path):
 *  - up to eb_spec_read_max: read whole with one pread into a transient
 *    buffer (the stack up to EB_SPEC_STACK_READ), and only the sections the
 *    spec points into copied into its block (open_kept);
 *  - from eb_spec_map_min: mapped privately (no heap for the file's bytes);
 *  - in between, or where mapping is refused: only the sections the reader
 *    uses, nearby ones in one pread each (eb_elf_open_fd), no debug info.
 * Thread CPU per open measured here, mapped / read whole / used sections:
 * 5 KiB 6.2 / 1.9 / 2.5 us; 77 KiB (100 programs) 13.8 / 7.5 / 7.8; 731 KiB
 * (1,000 programs) 63 / 59 / 50; 1.2 MiB with 421 KiB of .BTF 65 / 77 / 52.
 * Mapping costs mmap, a fault per page touched, copy-on-write of the BTF
 * fix-ups, mprotect and munmap (about 2.5 us more than one pread on this VM
 * even for a one-page file), but keeps the file's bytes off the heap. Reading
 * whole into the stack keeps the read's speed, and the heap holds only what
 * the spec needs (a 5 KiB one-program object: 1.3 KiB of it). Past the stack
 * buffer a whole read would put the file on the heap while it is parsed:
 * reading everything up to 128 KiB would raise a full load's peak heap for
 * 100 programs from 25 to 109 KiB and for 1,000 from 218 to 608 KiB (libbpf:
 * 109 and 945), against issue #11's heap target, so bigger files are mapped.
 */
size_t eb_spec_read_max = EB_SPEC_STACK_READ;
size_t eb_spec_map_min = 0;

/*
 * Open the ELF of file `fd` (`size` bytes, more than eb_spec_read_max) into
 * spec->image: from eb_spec_map_min mapped privately (writable until parsed,
 * the BTF fix-ups go to private copies of the pages they touch and the file
 * never changes), else, or where mapping is refused, the sections the reader
 * uses read into heap buffers.
 */
static int open_image(struct ebpf_spec *spec, struct eb_elf *e, int fd, size_t size)
{
	void *map;
	int err;

	eb_elf_reset(e);	/* finish() closes it whatever happens here */
	map = size >= eb_spec_map_min ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (map != MAP_FAILED) {
		spec->image.map = map;
		spec->image.map_len = size;
		return eb_elf_open(e, map, size, spec->name);
	}
	err = eb_elf_open_fd(e, fd, size, spec->name);
	/* The buffers it read are the spec's now, whatever happened. */
	spec->image.heap[0] = e->owned_names;
	spec->image.heap[1] = e->owned_data;
	e->owned_names = e->owned_data = NULL;
	return err;
}

/*
 * A small file (`size` <= eb_spec_read_max bytes): read whole into a
 * transient buffer, then open_kept(). The fd is closed either way.
 */
static int open_small_file(int fd, size_t size, const char *name, struct ebpf_spec **out)
{
	/* uint64_t: the ELF header and tables are 8-aligned in the file, and so here. */
	uint64_t stack_buf[EB_SPEC_STACK_READ / sizeof(uint64_t)];
	void *buf = size <= sizeof(stack_buf) ? (void *)stack_buf : eb_malloc(size);
	int err;

	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	err = eb_elf_read_exact(fd, buf, size, 0, name);
	close(fd);
	if (!err)
		err = open_kept(buf, size, name, out);
	if (buf != stack_buf)
		eb_free(buf);
	return err;
}

EBPF_API int ebpf_spec_open_file(const char *path, const struct ebpf_spec_opts *opts,
				 struct ebpf_spec **out)
{
	const char *name = path;
	struct ebpf_spec *spec;
	struct eb_elf e;
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
	err = open_object_file(path, &fd, &size);
	if (err)
		return err;
	if (size <= eb_spec_read_max)
		return open_small_file(fd, size, name, out);
	spec = spec_new(name, 0, 0, NULL);
	if (!spec) {
		close(fd);
		return -ENOMEM;
	}
	err = open_image(spec, &e, fd, size);
	/* A mapping does not need its fd. */
	close(fd);
	return finish(spec, &e, err, out);
}
