/* SPDX-License-Identifier: MIT */
/*
 * ctl.h - tinyvmm ctl: the control API's command-line client (api.h).
 *
 *   tinyvmm ctl PATH OP [JSON-ARGS]   send {"op": OP, ...JSON-ARGS' members}
 *                                     and print the reply line
 *   tinyvmm ctl PATH --raw            send each stdin line as it is and print
 *                                     each reply line
 *
 * e.g. tinyvmm ctl /run/vm.sock shutdown '{"timeout": 5}'. Every wait (the
 * connect, a send, a reply) gives up after CTL_TIMEOUT_S seconds.
 *
 * Exit status: 0 the reply is ok (--raw: every line got a reply), 1 the
 * server replied an error, 64 bad arguments, 65 no connection (nothing
 * listens on PATH), no reply in time, or a malformed reply.
 */
#ifndef TINYVMM_CTL_H
#define TINYVMM_CTL_H

#define CTL_TIMEOUT_S 5
/* vf-add and vf-remove: the DMA map, the guest's eject (600 s at most) */
#define CTL_VF_TIMEOUT_S 660

/* argv[0] is "ctl". Returns the exit status; never exits itself. */
int ctl_main(int argc, char **argv);

#endif
