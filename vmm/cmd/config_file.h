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
 * Each key is applied in document order through a callback, as if given on
 * the command line (cli_apply()), before the command line's own options,
 * so a flag given there overrides the file. An unknown key, "config",
 * "help" or "version", or a value of the wrong type is an error naming the
 * key. Relative paths in the file are taken relative to the current
 * directory, as on the command line. Nothing here knows the option table:
 * a lookup callback (cli_option_lookup) says which names are options.
 */
#ifndef TINYVMM_CONFIG_FILE_H
#define TINYVMM_CONFIG_FILE_H

#include <stdbool.h>

#include "vmm/base/json.h"

/* 0 when name is an option (*takes_arg: it needs a value), -ENOENT if not. */
typedef int (*config_file_lookup_fn)(const char *name, bool *takes_arg);

/*
 * Apply one option: value is its text, NULL for a flag that is true (a
 * false flag is not applied). 0, or an error it has logged.
 */
typedef int (*config_file_apply_fn)(void *opaque, const char *name, const char *value);

/*
 * Apply the keys of root in document order: strings as they are, integers
 * as %lld, other numbers in the shortest form that reads back the same
 * (number nodes are turned into string nodes of that text in place, so
 * every value handed over lives as long as root), each "vf" item as one
 * --vf argument. Stops at the first error: 0, or a user error after one
 * line "config PATH: ..." (or the apply callback's error).
 */
int config_file_apply(struct json *root, const char *path, config_file_lookup_fn lookup,
		      config_file_apply_fn apply, void *opaque);

/*
 * Read PATH (a regular file, at most JSON_MAX_TEXT bytes), parse it and
 * config_file_apply() it. *doc gets the document (json_free() it once the
 * applied values are no longer needed; NULL when it could not be read). A
 * syntax error is reported as "config PATH: line L column C: ...".
 */
int config_file_load(const char *path, config_file_lookup_fn lookup, config_file_apply_fn apply,
		     void *opaque, struct json **doc);

#endif
