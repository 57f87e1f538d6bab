/* SPDX-License-Identifier: MIT */
/*
 * config_file.h - --config FILE: tinyvmm's options as one JSON object.
 *
 *   {"kernel": "bzImage", "mem": "2G", "cpus": 2, "timeout": 0.5, "stats": true,
 *    "vf": ["0000:01:10.0,slot=3", {"bdf": "0000:01:10.2", "slot": 5, "managed": false}]}
 *
 * Keys are the long option names (tinyvmm --help). Options that take an
 * argument take a string or a number: an integer is written as one (%lld),
 * another number in the shortest form that reads back the same. Options
 * without one take true (give the flag) or false (do not). "vf" takes an
 * array whose items are --vf arguments: a string as is, or an object
 * {"bdf": BDF, KEY: VALUE...} rendered "BDF,KEY=VALUE,..." in document order
 * (strings as is, integers as %lld, booleans as on/off).
 *
 * The file becomes option words ("--mem=2G", "--stats", "--vf=...") that go
 * before the command line's, so the parser applies the file first and a flag
 * given on the command line overrides it. An unknown key, "config", "help"
 * or "version", or a value of the wrong type is an error naming the key.
 * Relative paths in the file are taken relative to the current directory,
 * as on the command line. Nothing here knows the option table: a lookup
 * callback (cli_option_lookup) says which names are options.
 */
#ifndef TINYVMM_CONFIG_FILE_H
#define TINYVMM_CONFIG_FILE_H

#include <stdbool.h>

#include "vmm/base/json.h"

/* 0 when name is an option (*takes_arg: it needs a value), -ENOENT if not. */
typedef int (*config_file_lookup_fn)(const char *name, bool *takes_arg);

/*
 * Build the argv the option parser should see: argv[0], the words of root
 * in document order, then argv[1..argc-1]. Keys named in skip (a
 * NULL-terminated list, or NULL) are checked but left out. *out is
 * NULL-terminated with *out_argc words; one allocation holds the array and
 * the file's strings: free() it. The argv strings are not copied. Returns 0,
 * or -EINVAL / -ENOMEM after logging one line "config PATH: ...".
 */
int config_file_build(const struct json *root, const char *path, config_file_lookup_fn lookup,
		      const char *const *skip, int argc, char **argv, char ***out, int *out_argc);

/*
 * Read PATH (a regular file, at most JSON_MAX_TEXT bytes), parse it and
 * config_file_build() from it. Same results; a syntax error is reported as
 * "config PATH: line L column C: ...".
 */
int config_file_load(const char *path, config_file_lookup_fn lookup, const char *const *skip,
		     int argc, char **argv, char ***out, int *out_argc);

#endif
