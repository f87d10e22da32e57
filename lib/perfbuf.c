// SPDX-License-Identifier: BSD-2-Clause
/*
 * Perf buffer reader (BPF_MAP_TYPE_PERF_EVENT_ARRAY): one PERF_COUNT_SW_BPF_OUTPUT
 * event per online CPU, stored in the map at index = CPU, each with its own
 * mmap'd ring, all waited on by one epoll fd. The record-reading core,
 * eb_perf_ring_read(), works on plain memory so unit tests can drive it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/perfbuf_internal.h"
#include "lib/ringbuf_internal.h"
#include "lib/sys.h"

#define EB_CPU_MAX 65535

/* ------------------------------------------------------------ record reading */

/* Copy `len` bytes starting at `off` of a ring of `size` bytes, wrapping at its end. */
static void copy_wrapped(void *dst, const uint8_t *data, uint64_t size, uint64_t off, size_t len)
{
	size_t first = (size_t)(size - off) < len ? (size_t)(size - off) : len;

	memcpy(dst, data + off, first);
	memcpy((uint8_t *)dst + first, data, len - first);
}

static int perf_corrupt(struct eb_perf_reader *rd, int cpu, const char *what, uint64_t at)
{
	return eb_err(-EBADMSG, "perf buffer '%s': CPU %d: %s at ring position %llu", rd->name ? rd->name : "?",
		      cpu, what, (unsigned long long)at);
}

/* Deliver one whole record `rec`; *corrupt is set if its contents are impossible. */
static int perf_record(struct eb_perf_reader *rd, int cpu, const struct perf_event_header *hdr,
		       const uint8_t *rec, uint64_t pos, uint64_t *count, bool *corrupt)
{
	uint32_t raw_size;
	uint64_t lost;
	int rc;

	switch (hdr->type) {
	case PERF_RECORD_SAMPLE:
		*corrupt = true;
		if (hdr->size < sizeof(*hdr) + sizeof(raw_size))
			return perf_corrupt(rd, cpu, "sample record too short", pos);
		memcpy(&raw_size, rec + sizeof(*hdr), sizeof(raw_size));
		if (raw_size > hdr->size - sizeof(*hdr) - sizeof(raw_size))
			return perf_corrupt(rd, cpu, "sample larger than its record", pos);
		*corrupt = false;
		(*count)++;
		rc = rd->sample_fn(rd->ctx, cpu, rec + sizeof(*hdr) + sizeof(raw_size), raw_size);
		return rc ? eb_ring_stop_value("perf buffer", rd->name, rc) : 0;
	case PERF_RECORD_LOST:
		/* header, u64 id, u64 lost */
		if (hdr->size < sizeof(*hdr) + 2 * sizeof(uint64_t)) {
			*corrupt = true;
			return perf_corrupt(rd, cpu, "lost record too short", pos);
		}
		memcpy(&lost, rec + sizeof(*hdr) + sizeof(uint64_t), sizeof(lost));
		rd->lost += lost;
		if (rd->lost_fn)
			rd->lost_fn(rd->ctx, cpu, lost);
		return 0;
	default:
		return 0;	/* other record types carry nothing for us */
	}
}

int eb_perf_ring_read(struct eb_perf_reader *rd, int cpu, void *base, size_t map_len,
		      uint64_t *count)
{
	struct perf_event_mmap_page *meta = base;
	uint64_t head, tail, size, off;
	const uint8_t *data;
	int ret = 0;

	/* data_offset/data_size exist since 4.1; a zero size means "the rest after one page". */
	off = meta->data_offset ? meta->data_offset : rd->page_size;
	size = meta->data_size ? meta->data_size : map_len - rd->page_size;
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	if (off > map_len || size > map_len - off || size < sizeof(struct perf_event_header) ||
	    (size & (size - 1))) {
		ret = perf_corrupt(rd, cpu, "impossible ring geometry", tail);
		tail = head;
		goto out;
	}
	data = (const uint8_t *)base + off;

	while (tail != head) {
		struct perf_event_header hdr;
		uint64_t pos = tail & (size - 1);
		const uint8_t *rec;
		bool corrupt = false;

		if (head - tail < sizeof(hdr)) {
			ret = perf_corrupt(rd, cpu, "truncated record header", tail);
			tail = head;
			break;
		}
		copy_wrapped(&hdr, data, size, pos, sizeof(hdr));
		if (hdr.size < sizeof(hdr) || hdr.size > head - tail) {
			ret = perf_corrupt(rd, cpu, "record size out of range", tail);
			tail = head;
			break;
		}
		if (pos + hdr.size <= size) {
			rec = data + pos;
		} else {
			/* The record wraps: make it contiguous for the callback. */
			if (rd->scratch_cap < hdr.size) {
				uint8_t *p = eb_realloc(rd->scratch, hdr.size);

				if (!p) {
					ret = eb_err(-ENOMEM, "perf buffer '%s': out of memory", rd->name);
					break;
				}
				rd->scratch = p;
				rd->scratch_cap = hdr.size;
			}
			copy_wrapped(rd->scratch, data, size, pos, hdr.size);
			rec = rd->scratch;
		}
		ret = perf_record(rd, cpu, &hdr, rec, tail, count, &corrupt);
		if (corrupt) {
			tail = head;
			break;
		}
		tail += hdr.size;
		if (ret)
			break;
	}
out:
	/* Release: our reads of the records happen before the kernel reuses the space. */
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return ret;
}

/* ------------------------------------------------------------ CPU list */

static int parse_cpu(const char **p, long *out)
{
	char *end;
	long v;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(*p, &end, 10);
	if (errno || v > EB_CPU_MAX)
		return -EINVAL;
	*p = end;
	*out = v;
	return 0;
}

int eb_cpu_list_parse(const char *s, int **cpus, size_t *nr)
{
	const char *p = s;
	int *v = NULL;
	size_t n = 0, cap = 0;
	long last = -1;

	*cpus = NULL;
	*nr = 0;
	while (*p && *p != '\n') {
		long a, b;

		if (parse_cpu(&p, &a))
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (parse_cpu(&p, &b) || b < a)
				goto bad;
		}
		if (a <= last)
			goto bad;
		for (long c = a; c <= b; c++) {
			if (eb_grow((void **)&v, &cap, n + 1, sizeof(*v))) {
				eb_free(v);
				return eb_err(-ENOMEM, "CPU list: out of memory");
			}
			v[n++] = (int)c;
		}
		last = b;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto bad;
	}
	*cpus = v;
	*nr = n;
	return 0;
bad:
	eb_free(v);
	return eb_err(-EINVAL, "CPU list '%.64s': malformed at offset %zu", s, (size_t)(p - s));
}

static int online_cpus(int **cpus, size_t *nr)
{
	static const char path[] = "/sys/devices/system/cpu/online";
	char buf[4096];
	ssize_t len;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return eb_err(-errno, "cannot open %s: %s", path, strerror(errno));
	len = read(fd, buf, sizeof(buf) - 1);
	err = -errno;
	close(fd);
	if (len < 0)
		return eb_err(err, "cannot read %s: %s", path, strerror(-err));
	buf[len] = '\0';
	return eb_cpu_list_parse(buf, cpus, nr);
}

/* ------------------------------------------------------------ the reader */

struct eb_perf_cpu {
	int cpu;
	int fd;
	void *base;
	size_t len;
	bool in_map;		/* we stored fd in the map at index cpu */
};

struct ebpf_perfbuf {
	char *name;
	int map_fd;
	struct eb_perf_cpu *cpus;
	size_t nr;
	int epfd;
	struct epoll_event *events;
	struct eb_perf_reader rd;
};

static void perf_cpu_release(struct ebpf_perfbuf *pb, struct eb_perf_cpu *c)
{
	if (c->fd >= 0)
		ioctl(c->fd, PERF_EVENT_IOC_DISABLE, 0);
	if (c->in_map) {
		uint32_t key = (uint32_t)c->cpu;

		/* Leave no stale event behind for programs that keep writing to the map. */
		eb_sys_map_delete(pb->map_fd, &key);
	}
	if (c->base)
		munmap(c->base, c->len);
	eb_close(c->fd);
}

EBPF_API void ebpf_perfbuf_free(struct ebpf_perfbuf *pb)
{
	if (!pb)
		return;
	for (size_t i = 0; i < pb->nr; i++)
		perf_cpu_release(pb, &pb->cpus[i]);
	eb_close(pb->epfd);
	eb_close(pb->map_fd);
	eb_free(pb->cpus);
	eb_free(pb->events);
	eb_free(pb->rd.scratch);
	eb_free(pb->name);
	eb_free(pb);
}

/* Open, map, enable and publish the event of CPU c->cpu. */
static int perf_cpu_open(struct ebpf_perfbuf *pb, struct eb_perf_cpu *c, size_t idx,
			 size_t pages, uint32_t wakeup)
{
	struct perf_event_attr attr;
	struct epoll_event ev;
	uint32_t key = (uint32_t)c->cpu;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	attr.wakeup_events = wakeup;
	c->fd = eb_sys_perf_event_open(&attr, -1, c->cpu, -1, 0);
	if (c->fd < 0) {
		err = c->fd;
		return eb_err(err, "perf buffer '%s': CPU %d: perf_event_open: %s", pb->name, c->cpu,
			      strerror(-err));
	}
	c->len = (pages + 1) * pb->rd.page_size;
	c->base = mmap(NULL, c->len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->base == MAP_FAILED) {
		err = -errno;
		c->base = NULL;
		return eb_err(err, "perf buffer '%s': CPU %d: mmap of %zu pages: %s%s", pb->name,
			      c->cpu, pages + 1, strerror(-err),
			      err == -EPERM ? " (perf_event_mlock_kb limit?)" : "");
	}
	if (ioctl(c->fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return eb_err(-errno, "perf buffer '%s': CPU %d: enable: %s", pb->name, c->cpu,
			      strerror(errno));
	err = eb_sys_map_update(pb->map_fd, &key, &c->fd, EBPF_ANY);
	if (err)
		return eb_err(err, "perf buffer '%s': CPU %d: storing the event in the map: %s",
			      pb->name, c->cpu, strerror(-err));
	c->in_map = true;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = (uint32_t)idx;
	if (epoll_ctl(pb->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		return eb_err(-errno, "perf buffer '%s': CPU %d: epoll_ctl: %s", pb->name, c->cpu,
			      strerror(errno));
	return 0;
}

static int perfbuf_setup(struct ebpf_perfbuf *pb, int map_fd, size_t pages, uint32_t wakeup)
{
	struct eb_map_info info;
	uint32_t info_len = sizeof(info);
	int *cpus = NULL;
	size_t ncpus = 0;
	int err;

	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_info(map_fd, &info, &info_len);
	if (err)
		return eb_err(err, "perf buffer '%s': map info: %s", pb->name, strerror(-err));
	if (info.type != EBPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return eb_err(-EINVAL, "perf buffer '%s': map type %u is not "
			      "BPF_MAP_TYPE_PERF_EVENT_ARRAY (%d)", pb->name, info.type,
			      EBPF_MAP_TYPE_PERF_EVENT_ARRAY);
	pb->map_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 3);
	if (pb->map_fd < 0)
		return eb_err(-errno, "perf buffer '%s': dup of map fd %d: %s", pb->name, map_fd,
			      strerror(errno));
	pb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (pb->epfd < 0)
		return eb_err(-errno, "perf buffer '%s': epoll_create1: %s", pb->name, strerror(errno));
	pb->epfd = eb_fd_not_zero(pb->epfd);
	if (pb->epfd < 0)
		return eb_err(pb->epfd, "perf buffer '%s': epoll fd: %s", pb->name, strerror(-pb->epfd));
	err = online_cpus(&cpus, &ncpus);
	if (err)
		return eb_err_ctx(err, "perf buffer '%s'", pb->name);
	/* The map has one slot per CPU index; CPUs beyond it cannot be served. */
	while (ncpus && (uint32_t)cpus[ncpus - 1] >= info.max_entries)
		ncpus--;
	if (!ncpus) {
		eb_free(cpus);
		return eb_err(-EINVAL, "perf buffer '%s': max_entries %u covers no online CPU",
			      pb->name, info.max_entries);
	}
	pb->cpus = eb_calloc(ncpus, sizeof(*pb->cpus));
	pb->events = eb_calloc(ncpus, sizeof(*pb->events));
	if (!pb->cpus || !pb->events) {
		eb_free(cpus);
		return eb_err(-ENOMEM, "perf buffer '%s': out of memory", pb->name);
	}
	for (size_t i = 0; i < ncpus; i++) {
		struct eb_perf_cpu *c = &pb->cpus[pb->nr++];

		c->cpu = cpus[i];
		c->fd = -1;
		err = perf_cpu_open(pb, c, i, pages, wakeup);
		if (err)
			break;
	}
	eb_free(cpus);
	return err;
}

EBPF_API int ebpf_perfbuf_new_fd(int map_fd, const char *name, size_t pages_per_cpu,
				 ebpf_perfbuf_sample_fn sample_fn, ebpf_perfbuf_lost_fn lost_fn,
				 void *ctx, const struct ebpf_perfbuf_opts *opts,
				 struct ebpf_perfbuf **out)
{
	struct ebpf_perfbuf *pb;
	uint32_t wakeup = 1;
	long page = sysconf(_SC_PAGESIZE);
	size_t page_size = page > 0 ? (size_t)page : 4096;
	int err;

	if (!name)
		name = "?";
	if (!out)
		return eb_err(-EINVAL, "perf buffer '%s': no output pointer given", name);
	*out = NULL;
	if (!sample_fn)
		return eb_err(-EINVAL, "perf buffer '%s': no sample callback given", name);
	if (map_fd < 0)
		return eb_err(-EINVAL, "perf buffer '%s': invalid map fd %d", name, map_fd);
	if (!pages_per_cpu || (pages_per_cpu & (pages_per_cpu - 1)) ||
	    pages_per_cpu >= SIZE_MAX / page_size)
		return eb_err(-EINVAL, "perf buffer '%s': pages per CPU (%zu) must be a power of two",
			      name, pages_per_cpu);
	if (opts && opts->sz >= offsetof(struct ebpf_perfbuf_opts, wakeup_events) +
				sizeof(opts->wakeup_events) && opts->wakeup_events)
		wakeup = opts->wakeup_events;

	pb = eb_calloc(1, sizeof(*pb));
	if (!pb)
		return eb_err(-ENOMEM, "perf buffer '%s': out of memory", name);
	pb->map_fd = -1;
	pb->epfd = -1;
	pb->name = eb_strdup(name);
	if (!pb->name) {
		eb_free(pb);
		return eb_err(-ENOMEM, "perf buffer '%s': out of memory", name);
	}
	pb->rd.name = pb->name;
	pb->rd.sample_fn = sample_fn;
	pb->rd.lost_fn = lost_fn;
	pb->rd.ctx = ctx;
	pb->rd.page_size = page_size;
	err = perfbuf_setup(pb, map_fd, pages_per_cpu, wakeup);
	if (err) {
		ebpf_perfbuf_free(pb);
		return err;
	}
	*out = pb;
	return 0;
}

EBPF_API int ebpf_perfbuf_new(const struct ebpf_map *map, size_t pages_per_cpu,
			      ebpf_perfbuf_sample_fn sample_fn, ebpf_perfbuf_lost_fn lost_fn,
			      void *ctx, const struct ebpf_perfbuf_opts *opts,
			      struct ebpf_perfbuf **out)
{
	if (out)
		*out = NULL;
	if (!map)
		return eb_err(-EINVAL, "perf buffer: no map given");
	return ebpf_perfbuf_new_fd(map->fd, map->name, pages_per_cpu, sample_fn,
				   lost_fn, ctx, opts, out);
}

static int clamp_count(uint64_t n)
{
	return n > INT_MAX ? INT_MAX : (int)n;
}

static int perfbuf_read_cpu(struct ebpf_perfbuf *pb, size_t i, uint64_t *n)
{
	struct eb_perf_cpu *c = &pb->cpus[i];

	return eb_perf_ring_read(&pb->rd, c->cpu, c->base, c->len, n);
}

EBPF_API int ebpf_perfbuf_consume(struct ebpf_perfbuf *pb)
{
	uint64_t n = 0;

	if (!pb)
		return eb_err(-EINVAL, "perf buffer: no reader given");
	for (size_t i = 0; i < pb->nr; i++) {
		int err = perfbuf_read_cpu(pb, i, &n);

		if (err)
			return err;
	}
	return clamp_count(n);
}

EBPF_API int ebpf_perfbuf_poll(struct ebpf_perfbuf *pb, int timeout_ms)
{
	uint64_t n = 0;
	int ready;

	if (!pb)
		return eb_err(-EINVAL, "perf buffer: no reader given");
	ready = epoll_wait(pb->epfd, pb->events, pb->nr > INT_MAX ? INT_MAX : (int)pb->nr, timeout_ms);
	if (ready < 0)
		return eb_err(-errno, "perf buffer '%s': epoll_wait: %s", pb->name, strerror(errno));
	for (int i = 0; i < ready; i++) {
		uint32_t idx = pb->events[i].data.u32;
		int err;

		if (idx >= pb->nr)
			continue;
		err = perfbuf_read_cpu(pb, idx, &n);
		if (err)
			return err;
	}
	return clamp_count(n);
}

EBPF_API uint64_t ebpf_perfbuf_lost(const struct ebpf_perfbuf *pb)
{
	return pb ? pb->rd.lost : 0;
}

EBPF_API size_t ebpf_perfbuf_cpu_count(const struct ebpf_perfbuf *pb)
{
	return pb ? pb->nr : 0;
}

EBPF_API int ebpf_perfbuf_epoll_fd(const struct ebpf_perfbuf *pb)
{
	return pb ? pb->epfd : -EINVAL;
}
