// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF ring buffer consumer (BPF_MAP_TYPE_RINGBUF): maps each ring's consumer and
 * producer pages, waits on epoll, and hands committed records to callbacks.
 * The record-reading core, eb_ring_read(), works on a plain memory view so that
 * unit tests can drive it with a synthetic ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/ringbuf_internal.h"
#include "lib/sys.h"

/* ------------------------------------------------------------ record reading */

int eb_ring_stop_value(const char *what, const char *name, int rc)
{
	int ret = rc < 0 ? rc : -ECANCELED;

	return eb_err(ret, "%s '%s': callback stopped consumption (returned %d)", what,
		      name ? name : "?", rc);
}

int eb_ring_read(const struct eb_ring_view *v, uint64_t *count)
{
	/* The consumer position is ours; the acquire load pairs with our own release. */
	unsigned long cons = __atomic_load_n(v->consumer_pos, __ATOMIC_ACQUIRE);
	const size_t mask = v->size - 1;
	int ret = 0;

	for (;;) {
		/* Acquire: record headers below prod are visible once we see prod. */
		unsigned long prod = __atomic_load_n(v->producer_pos, __ATOMIC_ACQUIRE);

		if (cons == prod)
			break;
		while (cons != prod) {
			const uint32_t *hdr = (const uint32_t *)(v->data + (cons & mask));
			/* Acquire: pairs with the kernel's release when it commits the record. */
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			uint32_t body = len & ~(EB_RINGBUF_BUSY_BIT | EB_RINGBUF_DISCARD_BIT);
			uint64_t total = ((uint64_t)body + EB_RINGBUF_HDR_SZ + 7) & ~(uint64_t)7;

			if (len & EB_RINGBUF_BUSY_BIT)
				goto out;	/* not committed yet: later records wait too */
			if (total > v->size || total > (unsigned long)(prod - cons)) {
				ret = eb_err(-EBADMSG, "ring buffer '%s': record at position %lu claims %u bytes "
					     "but %lu are available in a ring of %zu",
					     v->name ? v->name : "?", cons, body,
					     (unsigned long)(prod - cons), v->size);
				cons = prod;
				goto out;
			}
			cons += (unsigned long)total;
			if (len & EB_RINGBUF_DISCARD_BIT)
				continue;
			(*count)++;
			{
				int rc = v->fn(v->ctx, hdr + 2, body);

				if (rc) {
					/* This record is consumed; the ones after it stay. */
					ret = eb_ring_stop_value("ring buffer", v->name, rc);
					goto out;
				}
			}
			/*
			 * Release each record as we go so a busy producer gets its space
			 * back while we are still reading a long batch.
			 */
			__atomic_store_n(v->consumer_pos, cons, __ATOMIC_RELEASE);
		}
	}
out:
	/* Release: our reads of the records happen before the kernel may reuse them. */
	__atomic_store_n(v->consumer_pos, cons, __ATOMIC_RELEASE);
	return ret;
}

/* ------------------------------------------------------------ the consumer */

struct eb_ring {
	int fd;
	char *name;
	void *cons_page;	/* one page, read-write */
	void *prod_area;	/* producer page + data twice, read-only */
	size_t prod_len;
	struct eb_ring_view view;
};

struct ebpf_ringbuf {
	struct eb_ring *rings;
	size_t nr, cap;
	int epfd;
	struct epoll_event *events;	/* nr entries, for epoll_wait */
	size_t page_size;
};

static void ring_release(struct eb_ring *r, size_t page)
{
	if (r->prod_area)
		munmap(r->prod_area, r->prod_len);
	if (r->cons_page)
		munmap(r->cons_page, page);
	eb_close(r->fd);
	eb_free(r->name);
}

static int ringbuf_alloc(struct ebpf_ringbuf **out)
{
	struct ebpf_ringbuf *rb;
	long page = sysconf(_SC_PAGESIZE);

	rb = eb_calloc(1, sizeof(*rb));
	if (!rb)
		return -ENOMEM;
	rb->page_size = page > 0 ? (size_t)page : 4096;
	rb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epfd < 0) {
		int err = -errno;

		eb_free(rb);
		return eb_err(err, "ring buffer: epoll_create1: %s", strerror(-err));
	}
	rb->epfd = eb_fd_not_zero(rb->epfd);
	if (rb->epfd < 0) {
		int err = rb->epfd;

		eb_free(rb);
		return eb_err(err, "ring buffer: epoll fd: %s", strerror(-err));
	}
	*out = rb;
	return 0;
}

/* Map the ring of `r->fd` (size `size` bytes of data). */
static int ring_map(struct eb_ring *r, size_t size, size_t page)
{
	void *p;

	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (p == MAP_FAILED)
		return eb_err(-errno, "ring buffer '%s': mmap of the consumer page: %s", r->name,
			      strerror(errno));
	r->cons_page = p;
	/* Size checked by the caller: page + 2 * size does not overflow. */
	r->prod_len = page + 2 * size;
	p = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, r->fd, (off_t)page);
	if (p == MAP_FAILED)
		return eb_err(-errno, "ring buffer '%s': mmap of the producer page and %zu data bytes: %s",
			      r->name, size, strerror(errno));
	r->prod_area = p;
	r->view.consumer_pos = r->cons_page;
	r->view.producer_pos = r->prod_area;
	r->view.data = (const uint8_t *)r->prod_area + page;
	r->view.size = size;
	r->view.name = r->name;
	return 0;
}

static int ring_add(struct ebpf_ringbuf *rb, int map_fd, const char *name, ebpf_ringbuf_fn fn,
		    void *ctx)
{
	struct eb_map_info info;
	uint32_t info_len = sizeof(info);
	struct eb_ring r = { .fd = -1 };
	struct epoll_event ev, *events;
	size_t size;
	int err;

	if (!name)
		name = "?";
	if (!rb || !fn || map_fd < 0)
		return eb_err(-EINVAL, "ring buffer '%s': %s", name,
			      !rb ? "no consumer given" : !fn ? "no callback given" : "invalid map fd");
	if (rb->nr >= INT32_MAX)
		return eb_err(-E2BIG, "ring buffer '%s': too many rings in one consumer", name);
	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_info(map_fd, &info, &info_len);
	if (err)
		return eb_err(err, "ring buffer '%s': map info: %s", name, strerror(-err));
	if (info.type != EBPF_MAP_TYPE_RINGBUF)
		return eb_err(-EINVAL, "ring buffer '%s': map type %u is not BPF_MAP_TYPE_RINGBUF (%d)",
			      name, info.type, EBPF_MAP_TYPE_RINGBUF);
	size = info.max_entries;
	/* The kernel enforces this; a view built on anything else would misread. */
	if (size < rb->page_size || (size & (size - 1)) || size > (SIZE_MAX - rb->page_size) / 2)
		return eb_err(-EINVAL, "ring buffer '%s': size %zu is not a power of two of at least "
			      "one page", name, size);

	r.name = eb_strdup(name);
	if (!r.name)
		return eb_err(-ENOMEM, "ring buffer '%s': out of memory", name);
	r.view.fn = fn;
	r.view.ctx = ctx;
	r.fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 3);
	if (r.fd < 0) {
		err = eb_err(-errno, "ring buffer '%s': dup of map fd %d: %s", name, map_fd,
			     strerror(errno));
		goto fail;
	}
	err = ring_map(&r, size, rb->page_size);
	if (err)
		goto fail;
	if (eb_grow((void **)&rb->rings, &rb->cap, rb->nr + 1, sizeof(*rb->rings)))
		events = NULL;
	else
		events = eb_reallocarray(rb->events, rb->nr + 1, sizeof(*rb->events));
	if (!events) {
		/* rb->events is untouched on failure: it stays owned by rb (freed with it). */
		err = eb_err(-ENOMEM, "ring buffer '%s': out of memory", name);
		goto fail;
	}
	rb->events = events;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = (uint32_t)rb->nr;
	if (epoll_ctl(rb->epfd, EPOLL_CTL_ADD, r.fd, &ev) < 0) {
		err = eb_err(-errno, "ring buffer '%s': epoll_ctl: %s", name, strerror(errno));
		goto fail;
	}
	rb->rings[rb->nr++] = r;
	return 0;
fail:
	ring_release(&r, rb->page_size);
	return err;
}

EBPF_API int ebpf_ringbuf_add_fd(struct ebpf_ringbuf *rb, int map_fd, const char *name,
				 ebpf_ringbuf_fn fn, void *ctx)
{
	return ring_add(rb, map_fd, name, fn, ctx);
}

EBPF_API int ebpf_ringbuf_add(struct ebpf_ringbuf *rb, const struct ebpf_map *map,
			      ebpf_ringbuf_fn fn, void *ctx)
{
	if (!map)
		return eb_err(-EINVAL, "ring buffer: no map given");
	return ring_add(rb, map->fd, map->name, fn, ctx);
}

EBPF_API int ebpf_ringbuf_new(const struct ebpf_map *map, ebpf_ringbuf_fn fn, void *ctx,
			      const struct ebpf_ringbuf_opts *opts, struct ebpf_ringbuf **out)
{
	struct ebpf_ringbuf *rb;
	int err;

	(void)opts;	/* no options yet; the struct reserves the ABI slot */
	if (!out)
		return eb_err(-EINVAL, "ring buffer: no output pointer given");
	*out = NULL;
	if (!map)
		return eb_err(-EINVAL, "ring buffer: no map given");
	err = ringbuf_alloc(&rb);
	if (err)
		return err;
	err = ebpf_ringbuf_add(rb, map, fn, ctx);
	if (err) {
		ebpf_ringbuf_free(rb);
		return err;
	}
	*out = rb;
	return 0;
}

EBPF_API int ebpf_ringbuf_new_fd(int map_fd, const char *name, ebpf_ringbuf_fn fn, void *ctx,
				 const struct ebpf_ringbuf_opts *opts, struct ebpf_ringbuf **out)
{
	struct ebpf_ringbuf *rb;
	int err;

	(void)opts;
	if (!out)
		return eb_err(-EINVAL, "ring buffer: no output pointer given");
	*out = NULL;
	err = ringbuf_alloc(&rb);
	if (err)
		return err;
	err = ring_add(rb, map_fd, name, fn, ctx);
	if (err) {
		ebpf_ringbuf_free(rb);
		return err;
	}
	*out = rb;
	return 0;
}

static int clamp_count(uint64_t n)
{
	return n > INT_MAX ? INT_MAX : (int)n;
}

EBPF_API int ebpf_ringbuf_consume_ring(struct ebpf_ringbuf *rb, size_t idx)
{
	uint64_t n = 0;
	int err;

	if (!rb || idx >= rb->nr)
		return eb_err(-EINVAL, "ring buffer: no ring %zu", idx);
	err = eb_ring_read(&rb->rings[idx].view, &n);
	return err ? err : clamp_count(n);
}

EBPF_API int ebpf_ringbuf_consume(struct ebpf_ringbuf *rb)
{
	uint64_t n = 0;

	if (!rb)
		return eb_err(-EINVAL, "ring buffer: no consumer given");
	for (size_t i = 0; i < rb->nr; i++) {
		int err = eb_ring_read(&rb->rings[i].view, &n);

		if (err)
			return err;
	}
	return clamp_count(n);
}

EBPF_API int ebpf_ringbuf_poll(struct ebpf_ringbuf *rb, int timeout_ms)
{
	uint64_t n = 0;
	int ready;

	if (!rb)
		return eb_err(-EINVAL, "ring buffer: no consumer given");
	if (!rb->nr)
		return eb_err(-EINVAL, "ring buffer: no rings to poll");
	ready = epoll_wait(rb->epfd, rb->events, rb->nr > INT_MAX ? INT_MAX : (int)rb->nr, timeout_ms);
	if (ready < 0)
		return eb_err(-errno, "ring buffer: epoll_wait: %s", strerror(errno));
	for (int i = 0; i < ready; i++) {
		uint32_t idx = rb->events[i].data.u32;
		int err;

		if (idx >= rb->nr)
			continue;
		err = eb_ring_read(&rb->rings[idx].view, &n);
		if (err)
			return err;
	}
	return clamp_count(n);
}

EBPF_API int ebpf_ringbuf_epoll_fd(const struct ebpf_ringbuf *rb)
{
	return rb ? rb->epfd : -EINVAL;
}

EBPF_API size_t ebpf_ringbuf_ring_count(const struct ebpf_ringbuf *rb)
{
	return rb ? rb->nr : 0;
}

EBPF_API void ebpf_ringbuf_free(struct ebpf_ringbuf *rb)
{
	if (!rb)
		return;
	for (size_t i = 0; i < rb->nr; i++)
		ring_release(&rb->rings[i], rb->page_size);
	eb_close(rb->epfd);
	eb_free(rb->rings);
	eb_free(rb->events);
	eb_free(rb);
}
