// SPDX-License-Identifier: MIT
/* vf_lock.c - a VF's lock file in the run directory; see vf_lock.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/log.h"
#include "vmm/base/util.h"
#include "vmm/host/pci_sysfs.h"
#include "vmm/host/run_dir.h"
#include "vmm/host/vf_lock.h"

/* fd is the file named name in dir (not one removed, or removed and made again). */
static bool same_file(int dir, const char *name, int fd)
{
	struct stat held, named;

	return fstat(fd, &held) == 0 && fstatat(dir, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
	       held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

/* The pid a lock file holds (0 if none). */
static long lock_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* A wait between tries of a patient take, and the number of tries. */
#define LOCK_RETRY_MS 10
#define LOCK_TRIES    8

int vf_lock_take(const char *dir_path, const char *bdf, bool patient, int *fd_out, long *holder,
		 char *why)
{
	char name[NAME_MAX], buf[32];
	ssize_t n;
	int dir, fd;

	*holder = 0;
	why[0] = '\0';
	if (run_dir_name(name, sizeof(name), bdf, "lock") < 0)
		return -ENAMETOOLONG;
	dir = run_dir_open(dir_path, true, why, RUN_DIR_WHY_SZ);
	if (dir < 0)
		return dir;
	for (int tries = 0;; tries++) {
		fd = run_dir_open_rw(dir, name);
		if (fd < 0) {
			snprintf(why, RUN_DIR_WHY_SZ, "%s.lock: %s", bdf,
				 fd == -EPERM || fd == -ELOOP
				     ? "not a file of this user's that only it can write"
				     : strerror(-fd));
			close(dir);
			return fd;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int e = errno == EWOULDBLOCK ? -EBUSY : -errno;

			*holder = lock_pid(fd);
			close(fd);
			if (e == -EBUSY && patient && tries < LOCK_TRIES - 1) {
				/* a probe (vf list, vf create) lets go at once */
				sleep_ms(LOCK_RETRY_MS);
				continue;
			}
			if (e != -EBUSY)
				snprintf(why, RUN_DIR_WHY_SZ, "%s.lock: flock: %s", bdf,
					 strerror(-e));
			close(dir);
			return e;
		}
		if (same_file(dir, name, fd))
			break;
		*holder = lock_pid(fd);
		close(fd); /* its holder removed it as we opened it: again */
		if (tries == LOCK_TRIES - 1) {
			close(dir);
			return -EBUSY;
		}
	}
	close(dir);
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_debug("vf %s: cannot write the pid into its lock file", bdf);
	*fd_out = fd;
	return 0;
}

void vf_lock_drop(const char *dir_path, const char *bdf, int fd)
{
	char name[NAME_MAX], why[RUN_DIR_WHY_SZ];
	int dir, r;

	if (run_dir_name(name, sizeof(name), bdf, "lock") == 0 &&
	    (dir = run_dir_open(dir_path, false, why, RUN_DIR_WHY_SZ)) >= 0) {
		if (same_file(dir, name, fd)) {
			r = run_dir_remove(dir, name);
			if (r < 0)
				log_debug("vf %s: cannot remove its lock file: %s", bdf,
					  strerror(-r));
		}
		close(dir);
	}
	close(fd);
}

static int is_lock(const struct dirent *e)
{
	return run_dir_is(e->d_name, "lock");
}

void vf_lock_sweep(const char *dir_path, const char *bdf)
{
	struct dirent **ents = NULL;
	int n = scandir(dir_path, &ents, is_lock, alphasort);

	for (int i = 0; i < n; i++) {
		char name[PCI_SYSFS_BDF_SZ], why[RUN_DIR_WHY_SZ];
		size_t len = strlen(ents[i]->d_name) - 5;
		long holder;
		int fd = -1;

		if (len < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)len, ents[i]->d_name);
			if ((!bdf || strcmp(name, bdf) == 0) &&
			    vf_lock_take(dir_path, name, false, &fd, &holder, why) == 0)
				vf_lock_drop(dir_path, name, fd);
		}
		free(ents[i]);
	}
	free(ents);
}
