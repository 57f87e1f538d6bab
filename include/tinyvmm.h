/* SPDX-License-Identifier: MIT */
/*
 * tinyvmm.h - the embeddable tinyvmm: boot a Linux kernel in a KVM virtual
 * machine, with SR-IOV VFs passed through by VFIO, from your own program.
 * Link with build/libtinyvmm.a -lpci -pthread. This is the library's only
 * public header; it needs nothing but the standard C headers (C99 or later).
 *
 *	struct tinyvmm_config cfg = {.kernel = "bzImage", .expect = "login:"};
 *	struct tinyvmm *vm;
 *
 *	if (tinyvmm_create(&cfg, &vm) < 0)
 *		return 64;
 *	tinyvmm_add_vf(vm, "0000:01:10.0");
 *	status = tinyvmm_run(vm);	(or tinyvmm_start() ... tinyvmm_wait())
 *	tinyvmm_destroy(vm);
 *
 * One struct tinyvmm is one run: tinyvmm_run() or tinyvmm_start() once,
 * booting the guest again after each reboot when restart_on_reboot is set.
 * The run does what the tinyvmm command does with the same options: it
 * emits the same events, takes managed VFs (binds them to vfio-pci, applies
 * mac=/vlan=/...) when it starts and gives them back when it ends, on every
 * path, and returns the same exit status (TINYVMM_EXIT_*).
 *
 * Errors are returned as 0 or a negative errno value (-EINVAL, ...), and the
 * library writes one line saying what is wrong (prefixed "tinyvmm: ") to
 * stderr; so does the guest's trouble (a crash, a panic). verbose raises
 * that log to debug level for the whole process.
 *
 * Threads and signals: every function may be called from any thread, except
 * that tinyvmm_destroy() must be the last call on a struct tinyvmm. The run
 * starts threads of its own (one per vCPU, the console, the control API);
 * they inherit the signal mask of the thread that calls tinyvmm_run() or
 * tinyvmm_start(), so block the signals you read with sigwait() or a
 * signalfd before that. The library installs one process-wide handler: a
 * no-op SIGUSR1 handler (without SA_RESTART) that it uses to kick vCPU
 * threads out of KVM_RUN; do not use SIGUSR1 for anything else. SIGPIPE is
 * blocked on the threads that run the VM, so a console or events pipe whose
 * reader went away is a failed write, not a dead process. The library
 * never exits the process and never touches SIGINT, SIGTERM or SIGHUP:
 * call tinyvmm_stop() when your program is asked to quit.
 *
 * Not thread-safe against other users of getopt(): tinyvmm_create()
 * validates the configuration with the command line's parser.
 */
#ifndef TINYVMM_H
#define TINYVMM_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface; tinyvmm_api_version() is the library's. */
#define TINYVMM_API_VERSION 1

/* The run's exit status: the same values as the tinyvmm command's. */
#define TINYVMM_EXIT_POWEROFF	   0  /* powered off, rebooted, expect matched, stopped */
#define TINYVMM_EXIT_USAGE	   64 /* a bad setting, kernel, initrd or VF */
#define TINYVMM_EXIT_HOST	   65 /* host, KVM or VFIO error */
#define TINYVMM_EXIT_CRASH	   66 /* triple fault or kernel panic (pvpanic) */
#define TINYVMM_EXIT_TIMEOUT	   67 /* the timeout expired */
#define TINYVMM_EXIT_EXPECT_FAILED 68 /* the guest ended before expect matched */
#define TINYVMM_EXIT_SIGNAL_BASE   128 /* + N: the command only, stopped by signal N */
/* 1..63: the byte the guest wrote to the debug exit port 0x501. */

/* One virtual machine and its run. Opaque. */
struct tinyvmm;

/*
 * The machine. Every field's zero value is its default; the strings are
 * copied by tinyvmm_create(). The same checks as the command line apply
 * (an error names the matching --option).
 */
struct tinyvmm_config {
	const char *kernel;  /* required: an x86_64 bzImage or vmlinux (opened by create) */
	const char *initrd;  /* optional initial ramdisk (opened by create) */
	const char *cmdline; /* default "console=ttyS0 panic=-1" */
	unsigned int mem_mib; /* guest RAM in MiB, 16 and up; default 256 */
	unsigned int cpus;    /* vCPUs, 1..255; default 1 */
	/* File the guest's serial output is appended to; NULL: this process's
	 * stdout. The guest gets no console input either way. */
	const char *console;
	const char *console_log;     /* optional: also append the output to this file */
	bool console_log_timestamps; /* prefix console_log lines with seconds since start */
	/* End the run with status 0 when a console line matches this POSIX
	 * extended regular expression (the expect-matched event), or with
	 * TINYVMM_EXIT_EXPECT_FAILED if the guest ends first. */
	const char *expect;
	double timeout;		/* seconds of wall time, then TINYVMM_EXIT_TIMEOUT; 0: none */
	const char *events;	/* also write the events as JSON lines: a file or "fd:N" */
	const char *api_socket; /* serve the control API on this Unix socket path */
	bool hugepages;		/* back guest RAM with 2 MiB huge pages */
	bool restart_on_reboot; /* a guest reboot boots it again; default: the run ends, 0 */
	bool stats;		/* print exit and device counters to stderr when a VM ends */
	bool verbose;		/* debug-level log (process-wide) */
};

enum tinyvmm_state {
	TINYVMM_CREATED, /* not run yet */
	TINYVMM_RUNNING, /* the run is under way (setting up, booting, running) */
	TINYVMM_PAUSED,	 /* running, every vCPU parked by tinyvmm_pause() */
	TINYVMM_STOPPED, /* the run is over: exit_code and reason are set */
};

struct tinyvmm_status {
	enum tinyvmm_state state;
	double uptime;	    /* seconds since the run started; frozen when it ends */
	int exit_code;	    /* STOPPED: the run's exit status (TINYVMM_EXIT_*); else -1 */
	const char *reason; /* STOPPED: why, as in the vmm-exit event: "poweroff", "reset",
			     * "expect-matched", "api-stop", "timeout", "crash", "panic",
			     * "guest-exit", "usage", "host", ...; else "created",
			     * "running" or "paused". A static string. */
	unsigned int boots; /* VMs booted so far (more than 1 with restart_on_reboot) */
};

#define TINYVMM_EXIT_KINDS_MAX 8

struct tinyvmm_stats {
	/* VM exits by kind, summed over the vCPUs: of the VM running now, or
	 * once it has stopped of the last one (all zero before the first). */
	unsigned int nr_kinds;				  /* entries used below */
	const char *exit_names[TINYVMM_EXIT_KINDS_MAX];	  /* "io", "mmio", "hlt", ... */
	unsigned long long exits[TINYVMM_EXIT_KINDS_MAX];
	unsigned int vcpus;
	unsigned int boots;
	double boot_to_marker; /* seconds from the run's start to the expect match, or -1 */
};

/*
 * Event callback: every event the run emits, in order, with its JSON line
 * exactly as the events file gets it (without the newline), e.g.
 *   event "guest-exit", json_line {"ts": 1.300000, "event": "guest-exit", "code": 3}
 * Events: vmm-start, kvm-ready, vf-attached, guest-entry, first-console-byte,
 * expect-matched, guest-exit, stats, vmm-exit (always last, once).
 * It is called on the library's threads (a vCPU's, the console's, the run's)
 * with an internal lock held, one call at a time: return quickly, and call
 * no tinyvmm function from it but tinyvmm_stop(), tinyvmm_status() and
 * tinyvmm_stats(). The strings are valid during the call only.
 */
typedef void (*tinyvmm_event_fn)(void *opaque, const char *event, const char *json_line);

/* TINYVMM_API_VERSION of the library linked in, and tinyvmm's version ("0.1"). */
int tinyvmm_api_version(void);
const char *tinyvmm_version(void);

/*
 * Check cfg and make a machine in state CREATED (nothing runs, no KVM yet).
 * Returns 0 and *out, or -EINVAL for a bad setting (no kernel, a file that
 * cannot be opened, a bad expect regex, ...), -ENOMEM; the reason is logged.
 */
int tinyvmm_create(const struct tinyvmm_config *cfg, struct tinyvmm **out);

/*
 * Pass a host PCI function through: the --vf syntax,
 * "BDF[,slot=N][,mac=MAC][,vlan=N[,qos=N]][,spoofchk=on|off][,trust=on|off]
 * [,managed=on|off]", up to 16. Before the run only: -EBUSY after;
 * -EINVAL for a bad argument, a duplicate or one too many (logged).
 */
int tinyvmm_add_vf(struct tinyvmm *t, const char *vf);

/* Set the event callback (NULL: none) before the run; -EBUSY after. */
int tinyvmm_set_event_callback(struct tinyvmm *t, tinyvmm_event_fn fn, void *opaque);

/*
 * Run the machine on the calling thread until the run ends; returns its exit
 * status (TINYVMM_EXIT_*, or the guest's debug exit byte). -EBUSY if it was
 * already run or started.
 */
int tinyvmm_run(struct tinyvmm *t);

/* The same run in a background thread: 0, -EBUSY, or -errno if no thread. */
int tinyvmm_start(struct tinyvmm *t);

/*
 * Wait for the run to end (started or run elsewhere); returns its exit
 * status. -ESRCH if it was never run. Several threads may wait.
 */
int tinyvmm_wait(struct tinyvmm *t);

/*
 * Stop the run now, hard (the guest is not asked): the run ends with status
 * 0 (TINYVMM_EXIT_EXPECT_FAILED if expect is set and did not match yet) and
 * reason "api-stop"; with restart_on_reboot no further boot happens. Returns
 * at once, 0; the run is over when tinyvmm_wait() returns. 0 as well when it
 * has ended already; -ESRCH before it was run.
 */
int tinyvmm_stop(struct tinyvmm *t);

/*
 * Park every vCPU (the guest runs nothing; its clocks go on) / let them run
 * again. Both idempotent. 0, -ESRCH when no VM is running (before the run,
 * between two boots, after the end), -ETIMEDOUT when a vCPU did not park
 * within 2 s (it will; the VM stays paused).
 */
int tinyvmm_pause(struct tinyvmm *t);
int tinyvmm_resume(struct tinyvmm *t);

/* Fill *st (see above). 0, or -EINVAL for a NULL argument. */
int tinyvmm_status(struct tinyvmm *t, struct tinyvmm_status *st);
int tinyvmm_stats(struct tinyvmm *t, struct tinyvmm_stats *st);

/*
 * Stop the run if it is going (as tinyvmm_stop), wait for it (managed VFs
 * are given back, every file closed), free t. NULL is a no-op.
 */
void tinyvmm_destroy(struct tinyvmm *t);

#ifdef __cplusplus
}
#endif

#endif
