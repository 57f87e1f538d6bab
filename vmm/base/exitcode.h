/* SPDX-License-Identifier: MIT */
/*
 * exitcode.h - tinyvmm's process exit status.
 *
 *     0        the guest powered off (ACPI S5), or rebooted with --reboot=exit,
 *              or --expect matched a console line, or the control API stopped
 *              it (stop, or a shutdown whose timeout passed: reason api-stop)
 *     0..63    with the debug exit port (DEBUG_EXIT_PORT): exactly the byte the
 *              guest wrote
 *     64       bad arguments, or an input file was rejected (kernel, initrd), or
 *              a --vf device the user must fix (bad address, no such device,
 *              not bound to vfio-pci, IOMMU group not viable, slot clash)
 *     65       host, KVM or VFIO error (/dev/kvm, /dev/vfio, the IOMMU off, an ioctl,
 *              a failed VM entry, a KVM internal error, KVM_RUN failing)
 *     66       the guest crashed: triple fault, or its kernel panicked
 *              (pvpanic)
 *     67       --timeout expired
 *     68       --expect: the guest ended (powered off, rebooted, crashed or
 *              used the debug exit port), or the control API stopped it,
 *              before a console line matched
 *     69       the guest wrote a status of 64..255 to the debug exit port:
 *              that range is tinyvmm's own (and 128+ the shell's signals), so
 *              a guest cannot pass for tinyvmm; the guest-exit event keeps
 *              the byte
 *     70       seccomp: a tinyvmm thread made a system call its allow-list
 *              forbids (vmm/sandbox/seccomp.h); the line before names it
 *     128+N    stopped by signal N (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2,
 *              SIGALRM) after a clean
 *              teardown; Ctrl-A x on the console counts as SIGINT (130)
 *
 * Only main() and the library's run (library_run.c) return one of these;
 * everything else returns 0 or -errno (err.h says how an error becomes 64
 * or 65). The command's --help words them (cmd/cli.c).
 */
#ifndef TINYVMM_EXITCODE_H
#define TINYVMM_EXITCODE_H

#include <stddef.h>

enum exit_code {
	EXIT_POWEROFF = 0,
	EXIT_GUEST_FIRST = 1, /* 1..63: the guest's debug exit port status */
	EXIT_GUEST_LAST = 63,
	EXIT_USAGE = 64,
	EXIT_HOST = 65,
	EXIT_CRASH = 66,
	EXIT_TIMEOUT = 67,
	EXIT_EXPECT_FAILED = 68,
	EXIT_GUEST_RANGE = 69,	/* the guest's status was 64..255 */
	EXIT_SECCOMP = 70,	/* a thread made a system call its filter forbids */
	EXIT_SIGNAL_BASE = 128, /* + signal number */
};

/* Short names of the fixed codes above, for the vmm-exit event's reason. */
struct exit_code_name {
	int code;
	const char *name;
};

static const struct exit_code_name exit_code_names[] = {
    {EXIT_POWEROFF, "poweroff"},
    {EXIT_USAGE, "usage"},
    {EXIT_HOST, "host"},
    {EXIT_CRASH, "crash"},
    {EXIT_TIMEOUT, "timeout"},
    {EXIT_EXPECT_FAILED, "expect-failed"},
    {EXIT_GUEST_RANGE, "guest-range"},
    {EXIT_SECCOMP, "seccomp"},
    {EXIT_SIGNAL_BASE, "signal"},
};

/* Short name of an exit status: "poweroff", "usage", ..., "guest", "?". */
static inline const char *exit_code_name(int code)
{
	if (code >= EXIT_GUEST_FIRST && code <= EXIT_GUEST_LAST)
		return "guest";
	if (code > EXIT_SIGNAL_BASE && code < EXIT_SIGNAL_BASE + 65)
		return "signal";
	for (size_t i = 0; i < sizeof(exit_code_names) / sizeof(exit_code_names[0]); i++)
		if (exit_code_names[i].code == code)
			return exit_code_names[i].name;
	return "?";
}

#endif
