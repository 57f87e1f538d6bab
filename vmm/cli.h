/* SPDX-License-Identifier: MIT */
/*
 * cli.h - command line parsing into struct config.
 *
 *   tinyvmm --kernel bzImage [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *           [--cpus N] [--console FILE] [--reboot=exit|restart]
 *           [--hugepages] [--stats] [-v] [-h] [-V]
 *
 * Options live in one table in cli.c (long name, argument, help text, the
 * handler's id); --help is printed from that table, so adding an option
 * (e.g. a repeatable --vf BDF[,slot=N]) is one row and one case. A later
 * subcommand can be dispatched on argv[1] before the option parse.
 *
 * The kernel and initrd are opened here (O_RDONLY|O_NONBLOCK|O_CLOEXEC, so
 * a FIFO never blocks) and must be regular files; the open descriptors and
 * their sizes are kept in the config so the loader reads the same file that
 * was checked. cli_release() closes them.
 */
#ifndef TINYVMM_CLI_H
#define TINYVMM_CLI_H

#include <stdio.h>

#include "util.h"

#define CLI_DEFAULT_CMDLINE "console=ttyS0 panic=-1"
#define CLI_DEFAULT_MEM_MIB 256
#define CLI_MIN_MEM	    (16 * MiB)
#define CLI_MAX_CPUS	    255 /* ACPI_MAX_CPUS: xAPIC ids 0..254 in the MADT */

enum reboot_mode {
	REBOOT_EXIT,	/* a guest reboot ends tinyvmm with status 0 */
	REBOOT_RESTART, /* a guest reboot boots the VM again from scratch */
};

/* An input file opened and checked by cli_parse(). */
struct input_file {
	const char *path; /* NULL: not given */
	int fd;		  /* -1 when path is NULL */
	u64 size;
};

struct config {
	u64 mem;	   /* guest RAM in bytes, a multiple of 1 MiB */
	u64 mem_mib;	   /* the same in MiB */
	unsigned int cpus; /* 1..CLI_MAX_CPUS */
	struct input_file kernel;
	struct input_file initrd;
	const char *cmdline; /* never NULL */
	const char *console; /* --console FILE, or NULL for stdin/stdout */
	enum reboot_mode reboot;
	bool hugepages;
	bool stats;
	bool verbose;
};

/*
 * Parse argv into cfg (which needs no initialisation). Returns 0 to run the
 * VM, 1 when --help or --version was printed (exit 0), or -EINVAL after
 * printing one error line naming the option and the fix (exit 64). On
 * anything but 0 no file descriptor is left open.
 */
int cli_parse(int argc, char **argv, struct config *cfg);

/* Close the descriptors cli_parse() opened. Safe to call twice. */
void cli_release(struct config *cfg);

/* Print --help to f. */
void cli_usage(FILE *f);

/*
 * Parse a size: a decimal number with an optional K, M, G, T, P or E suffix
 * (case-insensitive, powers of 1024); no suffix means MiB. -EINVAL for an
 * empty string, a sign, a space or trailing junk, -ERANGE on overflow.
 * Zero parses (the caller enforces its minimum).
 */
int cli_parse_size(const char *s, u64 *bytes);

#endif
