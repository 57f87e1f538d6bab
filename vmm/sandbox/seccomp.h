/* SPDX-License-Identifier: MIT */
/*
 * seccomp.h - an allow-list of system calls for each kind of tinyvmm thread,
 * built with libseccomp and installed by the thread itself when it starts.
 *
 * The kinds and what they do (README: "The sandbox" lists the calls):
 *   SB_VCPU     KVM_RUN and the exits it handles: port and MMIO devices,
 *               the VFIO config space (pread/pwrite), MSI-X routes and irqfds
 *               (ioctl, eventfd2, close), console kicks (write); its ioctls
 *               are a fixed set of KVM and VFIO device requests
 *   SB_CONSOLE  the guest console: poll, read, write, the terminal's mode
 *               and the UART's interrupt (ioctl TCGETS, TCSETS*, their
 *               termios2 forms and KVM_IRQ_LINE only: never TIOCSTI)
 *   SB_API      the control API: accept4, recv/send, poll, SO_PEERCRED;
 *               a hot add's and remove's VFIO and KVM device requests
 *   SB_DMA      the background DMA map: ioctl VFIO_IOMMU_MAP_DMA (and
 *               TCGETS and TCGETS2, glibc's isatty()) only
 *   SB_MAIN     the run itself (and the command's main thread): it builds
 *               each VM (again on --reboot=restart), so it keeps the calls
 *               for that: open, ioctl, mmap, threads, sysfs reads; its
 *               ioctls are the requests tinyvmm makes, no other
 * Every kind also has the calls glibc needs under any code: futex, memory
 * (mmap, munmap, madvise, brk), clocks, signals, logging (write), exit.
 * The calls that name a process take only the calling one: tgkill its own
 * pid (taken when the filter is built), prlimit64 pid 0, and fcntl only
 * its commands on a descriptor's own state (no F_SETOWN or F_SETSIG, and
 * F_SETFL without O_ASYNC, whose signal could go to another process). The kinds that
 * start threads start only threads: clone with CLONE_THREAD, and clone3
 * fails with ENOSYS (its flags are out of the filter's sight; glibc falls
 * back to clone), so a filtered thread cannot fork.
 *
 * A filter cannot be lifted, and the threads a filtered thread starts keep
 * it: a vCPU thread started by the run thread has both. Modes:
 *   TINYVMM_SECCOMP_KILL  a call not on the list traps (SIGSYS): one line on
 *                         stderr naming the thread and the call, then the
 *                         process exits with TINYVMM_EXIT_SECCOMP (70)
 *   TINYVMM_SECCOMP_LOG   it is allowed and the kernel logs it (audit,
 *                         dmesg "type=1326"): for finding what is missing
 *   TINYVMM_SECCOMP_OFF   nothing is installed
 */
#ifndef TINYVMM_SECCOMP_H
#define TINYVMM_SECCOMP_H

#include "include/tinyvmm.h"

enum sb_kind { SB_MAIN, SB_VCPU, SB_CONSOLE, SB_API, SB_DMA, SB_KINDS };

/* "main", "vcpu", ...: the kind's name in messages and the README. */
const char *sb_kind_name(enum sb_kind kind);

/*
 * Before any thread of the process starts (mode not OFF): glibc's malloc
 * reads /proc/sys/vm/overcommit_memory the first time a thread's own arena
 * shrinks, and a filtered thread that may not open files (console, vCPU,
 * DMA) would die of it. With one arena, the main one, no heap is shrunk
 * that way (M_ARENA_MAX 1; threads share the main arena's lock). Arenas a
 * thread of the process already has stay.
 */
void sb_malloc_prepare(enum tinyvmm_seccomp mode);

/*
 * Install kind's filter on the calling thread (nothing with mode OFF). Sets
 * no_new_privs on the thread (libseccomp's default). 0 or -errno after one
 * line; a thread that cannot be filtered must not go on.
 */
int sb_enter(enum tinyvmm_seccomp mode, enum sb_kind kind);

/* Each kind's calls, NULL-terminated names (the README's table, tests). */
const char *const *sb_kind_calls(enum sb_kind kind);
/*
 * Whether kind's filter lets ioctl request req through. Each kind takes a
 * fixed set of requests (README: "The sandbox"): the run every request
 * tinyvmm makes (test_seccomp checks the sources against it), the api those
 * of a hot add, the others a few. A forbidden one's message names it.
 */
bool sb_ioctl_allowed(enum sb_kind kind, unsigned long req);
/* Kind's requests: how many (none for a bad kind), the first cap in out. */
unsigned int sb_kind_ioctls(enum sb_kind kind, unsigned long *out, unsigned int cap);

#endif
