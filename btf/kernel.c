// SPDX-License-Identifier: BSD-2-Clause
/*
 * The running kernel's BTF, shared process-wide: vmlinux is mapped and validated
 * once, then handed out as references (every collection load of the process
 * reuses it). Module BTF (split BTF on top of vmlinux) is only read when a name
 * is missing from vmlinux, and cached the same way. One mutex guards the cache;
 * lookups themselves run without it (the BTF objects are immutable, and their
 * lazy name index has its own lock).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

#define SYSFS_BTF "/sys/kernel/btf"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ebpf_btf *vmlinux;
static struct ebpf_btf **modules;	/* every module BTF loaded so far */
static size_t nr_modules, cap_modules;
static bool modules_scanned;		/* every module of the directory is in `modules` */
static char *btf_dir;			/* test override of SYSFS_BTF */

static const char *dir(void)
{
	return btf_dir ? btf_dir : SYSFS_BTF;
}

/* The kernel's own BTF is trusted (btf_internal.h); a test directory's files are not. */
static int load(const char *path, struct ebpf_btf *base, struct ebpf_btf **out)
{
	return btf_dir ? eb_btf_load_file(path, base, out) : eb_btf_load_kernel_file(path, base, out);
}

static void flush_locked(void)
{
	eb_btf_put(vmlinux);
	vmlinux = NULL;
	for (size_t i = 0; i < nr_modules; i++)
		eb_btf_put(modules[i]);
	eb_free(modules);
	modules = NULL;
	nr_modules = cap_modules = 0;
	modules_scanned = false;
}

void eb_btf_kernel_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	flush_locked();
	pthread_mutex_unlock(&cache_lock);
}

void eb_btf_kernel_set_dir(const char *d)
{
	pthread_mutex_lock(&cache_lock);
	flush_locked();
	eb_free(btf_dir);
	btf_dir = d ? eb_strdup(d) : NULL;
	pthread_mutex_unlock(&cache_lock);
}

static int vmlinux_locked(struct ebpf_btf **out)
{
	char path[PATH_MAX];
	int err;

	if (!vmlinux) {
		snprintf(path, sizeof(path), "%s/vmlinux", dir());
		err = load(path, NULL, &vmlinux);
		if (err)
			return eb_err_ctx(err, "kernel BTF");
	}
	*out = eb_btf_get(vmlinux);
	return 0;
}

int eb_btf_vmlinux(struct ebpf_btf **out)
{
	int err;

	*out = NULL;
	pthread_mutex_lock(&cache_lock);
	err = vmlinux_locked(out);
	pthread_mutex_unlock(&cache_lock);
	return err;
}

static bool valid_module_name(const char *m)
{
	return *m && strlen(m) < NAME_MAX && !strchr(m, '/') && strcmp(m, ".") && strcmp(m, "..") &&
	       strcmp(m, "vmlinux");
}

static struct ebpf_btf *cached_module(const char *m)
{
	for (size_t i = 0; i < nr_modules; i++)
		if (!strcmp(modules[i]->name, m))
			return modules[i];
	return NULL;
}

/* Load module `m` into the cache (a borrowed pointer on success). */
static int module_locked(const char *m, struct ebpf_btf **out)
{
	struct ebpf_btf *base, *btf;
	char path[PATH_MAX];
	int err;

	*out = cached_module(m);
	if (*out)
		return 0;
	err = vmlinux_locked(&base);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s", dir(), m);
	err = load(path, base, &btf);
	eb_btf_put(base);	/* btf holds its own reference on the base */
	if (err)
		return eb_err_ctx(err, "module '%s'", m);
	btf->name = eb_strdup(m);
	if (!btf->name || eb_grow((void **)&modules, &cap_modules, nr_modules + 1, sizeof(*modules))) {
		eb_btf_put(btf);
		return -ENOMEM;
	}
	modules[nr_modules++] = btf;
	*out = btf;
	return 0;
}

int eb_btf_kernel_module(const char *module, struct ebpf_btf **out)
{
	struct ebpf_btf *btf;
	int err;

	*out = NULL;
	if (!module || !valid_module_name(module))
		return eb_err(-EINVAL, "kernel BTF: invalid module name '%s'", module ? module : "(null)");
	pthread_mutex_lock(&cache_lock);
	err = module_locked(module, &btf);
	if (!err)
		*out = eb_btf_get(btf);
	pthread_mutex_unlock(&cache_lock);
	return err;
}

/* Make sure every module of the BTF directory is loaded (once per cache lifetime). */
static int scan_modules_locked(void)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (modules_scanned)
		return 0;
	d = opendir(dir());
	if (!d)
		return eb_err(-errno, "kernel BTF: %s: %s", dir(), strerror(errno));
	while ((de = readdir(d))) {
		struct ebpf_btf *btf;

		if (de->d_name[0] == '.' || !valid_module_name(de->d_name))
			continue;
		err = module_locked(de->d_name, &btf);
		if (err)
			break;
	}
	closedir(d);
	if (!err)
		modules_scanned = true;
	return err;
}

int eb_btf_kernel_find(const char *name, unsigned kind, struct ebpf_btf **btf, uint32_t *id,
		       const char **module_name)
{
	struct ebpf_btf *vm;
	int32_t r;
	int err;

	*btf = NULL;
	*id = 0;
	if (module_name)
		*module_name = NULL;
	err = eb_btf_vmlinux(&vm);
	if (err)
		return err;
	r = eb_btf_find(vm, name, kind);
	if (r > 0) {
		*btf = vm;
		*id = (uint32_t)r;
		return 0;
	}
	eb_btf_put(vm);
	if (r != -ENOENT)
		return r;

	pthread_mutex_lock(&cache_lock);
	err = scan_modules_locked();
	for (size_t i = 0; !err && i < nr_modules; i++) {
		struct ebpf_btf *m = modules[i];

		/* Look at the module's own ids only: vmlinux already said no. */
		r = eb_btf_find(m, name, kind);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			err = r;
			break;
		}
		*btf = eb_btf_get(m);
		*id = (uint32_t)r;
		if (module_name)
			*module_name = m->name;
		break;
	}
	pthread_mutex_unlock(&cache_lock);
	if (err)
		return err;
	if (!*btf)
		return eb_err(-ENOENT, "'%s' not found in kernel BTF (vmlinux and modules)", name);
	return 0;
}
