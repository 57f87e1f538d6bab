/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the tinyvmm command line, and --config FILE, into the machine
 * description of the library (struct tinyvmm_config, include/tinyvmm.h).
 *
 *   tinyvmm --kernel bzImage [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *           [--cpus N] [--console FILE] [--reboot=exit|restart]
 *           [--vf BDF[,key=val]]... [--vf-from-env VAR] [--hugepages] [--stats]
 *           [--timeout SECS] [--expect REGEX] [--console-log FILE]
 *           [--console-log-timestamps] [--events FILE|fd:N]
 *           [--api-socket PATH] [--config FILE] [-v] [-h] [-V]
 *
 * Options live in one table in cli.c (long name, argument, help text, the
 * handler's id); --help is printed from that table and a --config file's
 * keys are looked up in it. The parser turns each option's text into its
 * typed field (a size into MiB, seconds into a double, --vf through
 * tinyvmm_vf_parse()) and says what is wrong with text it cannot read. The
 * values themselves (too much RAM, a VF given twice, ...) are judged by
 * tinyvmm_create(), which names the --option the same way. The kernel and
 * initrd are opened there too. This is the command's: the library never
 * sees argv.
 */
#ifndef TINYVMM_CLI_H
#define TINYVMM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "include/tinyvmm.h"

struct json;

struct cli {
	struct tinyvmm_config cfg; /* what the command line and the file say */
	struct json *config_doc;   /* --config's document: cfg's strings may point into it */
	bool cmdline_vfs;	   /* a --vf or --vf-from-env on the command line: the file's
				    * VF list is replaced, not added to */
	const char *run_as;	   /* --run-as: USER, UID:GID or none; NULL: the default */
};

/*
 * Parse argv into c (which needs no initialisation). Returns 0 to run the
 * VM, 1 when --help or --version was printed (exit 0), or a user error
 * (err.h) after printing one line naming the option and the fix. cfg's
 * strings point into argv and the config document: keep both until the
 * machine is created, then cli_release().
 */
int cli_parse(int argc, char **argv, struct cli *c);

/* Free what cli_parse() holds (the config document). Safe twice. */
void cli_release(struct cli *c);

/*
 * Apply one option by its long name: value is its text, NULL for a flag.
 * For config_file.c; the command line goes through the same function.
 * -ENOENT for a name that is no option (nothing logged).
 */
int cli_apply(struct cli *c, const char *name, const char *value);

/*
 * The --mem value arg (a size, a whole number of MiB within the bounds) in
 * MiB into *mib; a user error after one line naming the fix. tinyvmm check
 * takes --mem through it too.
 */
int cli_mem(const char *arg, unsigned int *mib);

/* Whether name is a long option (exactly): 0 and *takes_arg, or -ENOENT. */
int cli_option_lookup(const char *name, bool *takes_arg);

/* Print --help to f. */
void cli_usage(FILE *f);

#endif
