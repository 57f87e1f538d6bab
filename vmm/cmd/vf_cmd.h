/* SPDX-License-Identifier: MIT */
/*
 * vf_cmd.h - the `tinyvmm vf ...` subcommands:
 *
 *   tinyvmm vf list [--json]    vf_list.h
 *   tinyvmm vf create PF N      sriov_numvfs = N (through 0 when changing)
 *   tinyvmm vf destroy PF       sriov_numvfs = 0, refused while a VF is in use
 *   tinyvmm vf restore [BDF]    vf_manage_restore()
 *
 * main() calls vf_cmd_main(argc - 1, argv + 1) when argv[1] is "vf"; it
 * returns the process exit status (0, EXIT_USAGE, EXIT_HOST).
 */
#ifndef TINYVMM_VF_CMD_H
#define TINYVMM_VF_CMD_H

#include <stdio.h>

int vf_cmd_main(int argc, char **argv);
void vf_cmd_usage(FILE *f);

#endif
