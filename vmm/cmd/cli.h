/* SPDX-License-Identifier: MIT */
/*
 * cli.h - command line parsing into struct config.
 *
 *   tinyvmm --kernel bzImage [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *           [--cpus N] [--console FILE] [--reboot=exit|restart]
 *           [--vf BDF[,slot=N]]... [--hugepages] [--stats] [-v] [-h] [-V]
 *           [--timeout SECS] [--expect REGEX] [--console-log FILE]
 *           [--console-log-timestamps] [--events FILE|fd:N]
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

#include <regex.h>
#include <stdio.h>

#include "vmm/base/util.h"

#ifndef TINYVMM_VERSION
#define TINYVMM_VERSION "0.1" /* --version and the control API's info */
#endif

#define CLI_DEFAULT_CMDLINE "console=ttyS0 panic=-1"
#define CLI_DEFAULT_MEM_MIB 256
#define CLI_MIN_MEM	    (16 * MiB)
#define CLI_MAX_CPUS	    255 /* ACPI_MAX_CPUS: xAPIC ids 0..254 in the MADT */
#define CLI_MAX_VFS	    16	/* --vf may be given this many times */
#define CLI_MAX_TIMEOUT	    (366.0 * 86400) /* --timeout: at most a year */

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

/*
 * One --vf BDF[,key=value]...: the host PCI function to pass through and its
 * per-device options. Keys so far: slot=N (1..31). A new key (mac=, vlan=,
 * managed=, ...) is a field here and a row in cli.c's vf_keys[]; an unknown
 * key is an error naming it.
 */
struct vf_opts {
	char bdf[13];	 /* canonical "DDDD:BB:DD.F" */
	const char *arg; /* the --vf argument as given, for messages */
	int slot;	 /* guest slot 1..31, or -1: the lowest free one */
	bool managed;	 /* managed=on (default): bind to vfio-pci, give back at exit */
	bool has_mac;	 /* mac=: set through the PF before the guest starts */
	u8 mac[6];
	int vlan;	    /* vlan=0..4094 (0: untagged), -1: leave as is */
	int qos;	    /* qos=0..7 with vlan=, -1: 0 */
	int spoofchk, trust; /* 1 on, 0 off, -1 leave as is */
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
	struct vf_opts vfs[CLI_MAX_VFS]; /* in command-line order */
	unsigned int nr_vfs;
	char *vf_env; /* --vf-from-env: a copy of the variable; vfs[].arg point into it */
	char **config_argv; /* --config: argv with the file's words; cfg strings point into it */

	/* CI boot-test mode */
	double timeout;		 /* --timeout seconds (> 0), or 0: none */
	const char *expect;	 /* --expect REGEX as given, or NULL */
	regex_t expect_re;	 /* compiled (REG_EXTENDED | REG_NOSUB) when expect is set */
	const char *console_log; /* --console-log FILE, or NULL */
	bool console_log_timestamps;
	const char *events; /* --events FILE or fd:N (N checked open), or NULL */
	const char *api_socket; /* --api-socket PATH (vmm/api.h), or NULL */
};

/*
 * Parse argv into cfg (which needs no initialisation). Returns 0 to run the
 * VM, 1 when --help or --version was printed (exit 0), or -EINVAL after
 * printing one error line naming the option and the fix (exit 64). On
 * anything but 0 no file descriptor is left open.
 */
int cli_parse(int argc, char **argv, struct config *cfg);

/* Close the descriptors cli_parse() opened, free the --expect regex. Safe to call twice. */
void cli_release(struct config *cfg);

/*
 * Whether name is a long option (exactly, no abbreviation): 0 and
 * *takes_arg, or -ENOENT. For --config files (config_file.h).
 */
int cli_option_lookup(const char *name, bool *takes_arg);

/* Print --help to f. */
void cli_usage(FILE *f);

/*
 * Parse one --vf argument "BDF[,key=value]..." into out. -EINVAL after
 * printing one line naming the argument and what is wrong (a malformed BDF,
 * an unknown or repeated key, a key without a value, a bad slot).
 */
int cli_parse_vf(const char *arg, struct vf_opts *out);

/* Add one --vf argument to cfg (parsed, duplicates refused). 0 or -EINVAL. */
int cli_add_vf(struct config *cfg, const char *arg);

/*
 * --vf-from-env VAR: add a --vf for each comma-separated BDF in the
 * environment variable VAR (as the Kubernetes SR-IOV network device plugin
 * sets PCIDEVICE_<RESOURCE>). Unset or empty VAR is an error.
 */
int cli_vf_from_env(struct config *cfg, const char *var);

/* Strict decimal unsigned: no sign, space or junk; -EINVAL, -ERANGE over max. */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);

/*
 * Parse a size: a decimal number with an optional K, M, G, T, P or E suffix
 * (case-insensitive, powers of 1024); no suffix means MiB. -EINVAL for an
 * empty string, a sign, a space or trailing junk, -ERANGE on overflow.
 * Zero parses (the caller enforces its minimum).
 */
int cli_parse_size(const char *s, u64 *bytes);

#endif
