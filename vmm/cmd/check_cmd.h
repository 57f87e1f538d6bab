/* SPDX-License-Identifier: MIT */
/*
 * check_cmd.h - `tinyvmm check [--vf BDF]... [--mem SIZE]`: the preflight
 * report, one OK or FAIL line per item, each FAIL with its fix.
 *
 * Exit status: 0 all OK, 1 something failed, 64 bad arguments.
 */
#ifndef TINYVMM_CHECK_CMD_H
#define TINYVMM_CHECK_CMD_H

/* argv[0] is "check". Returns the exit status; never exits itself. */
int check_cmd_main(int argc, char **argv);

#endif
