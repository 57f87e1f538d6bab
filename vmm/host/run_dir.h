/* SPDX-License-Identifier: MIT */
/*
 * run_dir.h - the private run directory (/run/tinyvmm or $TINYVMM_RUN_DIR)
 * that holds the VF locks and crash records, and its files.
 *
 * tinyvmm runs as root and acts on what it finds there (a crash record
 * rebinds drivers and sets PF settings), so the directory is trusted only
 * when it is ours: a real directory (not a symbolic link), owned by the
 * effective uid, writable by nobody else. Every file in it is reached
 * through the directory's descriptor with O_NOFOLLOW; new files are made
 * with O_EXCL; a file is read only when it is a regular file of ours that
 * nobody else can write.
 */
#ifndef TINYVMM_RUN_DIR_H
#define TINYVMM_RUN_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Why the directory or a file is not trusted, for the caller's one line. */
#define RUN_DIR_WHY_SZ 128

/*
 * Open path (made 0700 first when create and it does not exist) and check
 * it as above. The directory's fd, or -errno with why filled: -ENOTDIR,
 * -ELOOP (a link), -EPERM (owned by another uid, or writable by others),
 * or mkdir/open's own error.
 */
int run_dir_open(const char *path, bool create, char *why, size_t why_len);

/*
 * Open name in dir for reading and writing, made 0600 if absent; a link
 * or a file that is not a regular file of ours is refused (-ELOOP, -EPERM).
 * The fd or -errno.
 */
int run_dir_open_rw(int dir, const char *name);

/*
 * Read a regular file of ours that nobody else can write into buf (cap
 * bytes). The byte count, -ENOENT when it is absent, -EFBIG when it does not
 * fit, -EPERM/-ELOOP when it is not trusted.
 */
ssize_t run_dir_read(int dir, const char *name, char *buf, size_t cap);

/* Replace name with buf atomically: name.tmp (O_EXCL), fsync, rename. 0 or -errno. */
int run_dir_write(int dir, const char *name, const void *buf, size_t len);

/* Remove name; an absent file is not an error. 0 or -errno. */
int run_dir_remove(int dir, const char *name);

/* "<bdf>.<ext>" into out (len bytes), a VF's file: 0 or -ENAMETOOLONG. */
int run_dir_name(char *out, size_t len, const char *bdf, const char *ext);

/* name is "<something>.<ext>". */
bool run_dir_is(const char *name, const char *ext);

#endif
