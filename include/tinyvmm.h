/* SPDX-License-Identifier: MIT */
/*
 * tinyvmm.h - the embeddable tinyvmm: boot a Linux kernel in a KVM virtual
 * machine, with SR-IOV VFs passed through by VFIO, from your own program.
 * Link with build/libtinyvmm.a -pthread. This is the library's only public
 * header; it needs nothing but the standard C headers (C99 or later).
 *
 *	struct tinyvmm_config cfg = {.kernel = "bzImage", .expect = "login:"};
 *	struct tinyvmm *vm;
 *
 *	tinyvmm_vf_parse("0000:01:10.0,slot=4", &cfg.vfs[cfg.nr_vfs++]);
 *	if (tinyvmm_create(&cfg, &vm) < 0)
 *		return 64;
 *	status = tinyvmm_run(vm);	(or tinyvmm_start() ... tinyvmm_wait())
 *	tinyvmm_destroy(vm);
 *
 * struct tinyvmm_config is the whole machine: memory, vCPUs, kernel, initrd,
 * command line, the VFs with their slots and PF settings, the console, the
 * CI options and the API socket. The tinyvmm command fills it from its
 * command line and --config file and runs it through these same calls.
 *
 * One struct tinyvmm is one run: tinyvmm_run() or tinyvmm_start() once,
 * booting the guest again after each reboot when restart_on_reboot is set.
 * The run does what the tinyvmm command does with the same options: it
 * emits the same events, takes managed VFs (binds them to vfio-pci, applies
 * mac=/vlan=/...) when it starts and gives them back when it ends, on every
 * path, and returns the same exit status (TINYVMM_EXIT_*).
 *
 * Errors are returned as 0 or a negative errno value, and the library logs
 * one line saying what is wrong (on stderr prefixed "tinyvmm: ", or to the
 * log callback); so does the guest's trouble (a crash, a panic). When the
 * caller's input is at fault (a bad setting, a kernel file that is not a
 * kernel, a VF that cannot be used as given) the value also carries
 * TINYVMM_ERR_USER: tinyvmm_is_user_error() tells, tinyvmm_errno() gives the
 * plain -errno. verbose raises the log to debug level for the whole process.
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
 * call tinyvmm_stop() when your program is asked to quit (or
 * tinyvmm_stop_signal(), as the command does).
 */
#ifndef TINYVMM_H
#define TINYVMM_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this interface; tinyvmm_api_version() is the library's.
 * 2: the VFs are part of struct tinyvmm_config, errors carry
 * TINYVMM_ERR_USER, the log callback and the host VF workflow
 * (tinyvmm_vf_list(), tinyvmm_vf_set_count(), tinyvmm_vf_restore(),
 * tinyvmm_check()).
 */
#define TINYVMM_API_VERSION 2

/* An error the caller can fix: set in -r (r = -(errno | TINYVMM_ERR_USER)). */
#define TINYVMM_ERR_USER 0x10000

/* Whether error r is the caller's input's fault (exit 64) or the host's (65). */
static inline int tinyvmm_is_user_error(int r)
{
	return r < 0 && ((-r) & TINYVMM_ERR_USER) != 0;
}

/* The plain negative errno of r, for strerror(-tinyvmm_errno(r)). */
static inline int tinyvmm_errno(int r)
{
	return r < 0 ? -((-r) & (TINYVMM_ERR_USER - 1)) : r;
}

/* The run's exit status: the same values as the tinyvmm command's. */
#define TINYVMM_EXIT_POWEROFF	   0   /* powered off, rebooted, expect matched, stopped */
#define TINYVMM_EXIT_USAGE	   64  /* a bad setting, kernel, initrd or VF */
#define TINYVMM_EXIT_HOST	   65  /* host, KVM or VFIO error */
#define TINYVMM_EXIT_CRASH	   66  /* triple fault or kernel panic (pvpanic) */
#define TINYVMM_EXIT_TIMEOUT	   67  /* the timeout expired */
#define TINYVMM_EXIT_EXPECT_FAILED 68  /* the guest ended before expect matched */
#define TINYVMM_EXIT_GUEST_RANGE   69  /* the guest's debug exit status was 64..255 */
#define TINYVMM_EXIT_SECCOMP	   70  /* a thread made a system call its filter forbids */
#define TINYVMM_EXIT_SIGNAL_BASE   128 /* + N: the command only, stopped by signal N */
/* 1..63: the byte the guest wrote to the debug exit port 0x501 (or 69). */

/* Defaults and limits of struct tinyvmm_config. */
#define TINYVMM_DEFAULT_CMDLINE "console=ttyS0 panic=-1"
#define TINYVMM_DEFAULT_MEM_MIB 256
#define TINYVMM_MIN_MEM_MIB	16
#define TINYVMM_MAX_CPUS	255 /* xAPIC ids 0..254 in the ACPI MADT */
#define TINYVMM_MAX_VFS		16
/* What each output file (console, console_log, events) may grow by in one
 * run, when output_limit is 0; TINYVMM_OUTPUT_UNLIMITED lifts the cap. */
#define TINYVMM_DEFAULT_OUTPUT_LIMIT (64ULL << 20)
/* What a VM with VFs pins beyond guest RAM (VFIO's own pages): the sandboxed
 * VM process's RLIMIT_MEMLOCK is guest RAM plus this. */
#define TINYVMM_MEMLOCK_SLACK	 (64ULL << 20)
#define TINYVMM_OUTPUT_UNLIMITED (~0ULL)
#define TINYVMM_MAX_TIMEOUT	 (366.0 * 86400) /* seconds: a year */
#define TINYVMM_BDF_SIZE	 13		 /* "DDDD:BB:DD.F" and its NUL */

/* One virtual machine and its run. Opaque. */
struct tinyvmm;

/* A PF setting of a VF: leave it as the PF has it, or turn it on or off. */
enum tinyvmm_switch { TINYVMM_KEEP, TINYVMM_ON, TINYVMM_OFF };

/*
 * One host PCI function passed through (an SR-IOV VF, usually): the --vf
 * option. Zero is the default for every field but bdf. tinyvmm_vf_parse()
 * fills one from the --vf syntax.
 */
struct tinyvmm_vf {
	char bdf[TINYVMM_BDF_SIZE]; /* "0000:01:10.0" (or "01:10.0": domain 0) */
	unsigned int slot;	    /* guest slot 1..31 (0000:00:SS.0); 0: the lowest free */
	bool unmanaged;		    /* managed=off: it must be on vfio-pci already */
	bool set_mac;		    /* mac=: set through the PF before the guest starts */
	unsigned char mac[6];
	bool set_vlan;		      /* vlan=: set through the PF (0: untagged) */
	unsigned int vlan;	      /* 0..4094 */
	unsigned int qos;	      /* 802.1p priority 0..7, with set_vlan and vlan > 0 */
	enum tinyvmm_switch spoofchk; /* the PF's spoof check for the VF */
	enum tinyvmm_switch trust;    /* the PF's trust for the VF */
};

/*
 * Per-thread system call filters (seccomp allow-lists, one per kind of
 * thread: vCPU, console, API, DMA map, the run). OFF: none (the library's
 * default). KILL: a forbidden call ends the process with
 * TINYVMM_EXIT_SECCOMP after one line naming the thread and the call (the
 * tinyvmm command's default). LOG: allowed, and logged by the kernel (audit),
 * but for clone3, which the lists that start threads make fail with ENOSYS
 * (glibc then uses clone). A filter stays on the thread for its life, and
 * on threads it starts. Not OFF, tinyvmm_create() and
 * tinyvmm_seccomp_thread() set glibc's M_ARENA_MAX to 1 for the process:
 * malloc reads /proc/sys/vm/overcommit_memory when a thread's own arena
 * first shrinks, which would end a filtered thread that opens no files.
 * Create the tinyvmm before the program starts threads that malloc.
 */
enum tinyvmm_seccomp { TINYVMM_SECCOMP_OFF, TINYVMM_SECCOMP_KILL, TINYVMM_SECCOMP_LOG };

/*
 * Put the run's allow-list (the "main" kind: what building and tearing down
 * a VM needs) on the calling thread, e.g. an embedder's thread that waits
 * on a sandboxed run. Its ioctls are tinyvmm's own requests (KVM, VFIO, the
 * terminal's mode), no other: neither that thread nor any it starts later
 * can make the embedder's own ioctls. Signals and resource limits are for
 * the calling process only (tgkill of its own pid, prlimit64 of pid 0;
 * fcntl only F_GETFL F_SETFL (without O_ASYNC) F_GETFD F_SETFD F_DUPFD
 * F_DUPFD_CLOEXEC), and
 * it starts threads, not processes: fork() from it ends the process with
 * TINYVMM_EXIT_SECCOMP, and posix_spawn(), system() and popen(), which
 * block signals while they clone, end it by SIGSYS. With config.seccomp,
 * the event and log callbacks run under the list of the thread that calls
 * them. 0 (nothing with OFF) or -errno after one line.
 */
int tinyvmm_seccomp_thread(enum tinyvmm_seccomp mode);

/*
 * The machine. Every field's zero value is its default; the strings are
 * copied by tinyvmm_create(). tinyvmm_create() checks it all and names the
 * matching --option in its message, as the command does.
 */
struct tinyvmm_config {
	const char *kernel;   /* required: tinyvmm_arch()->kernel_arg's file (opened by create) */
	const char *initrd;   /* optional initial ramdisk (opened by create) */
	const char *cmdline;  /* default TINYVMM_DEFAULT_CMDLINE */
	unsigned int mem_mib; /* guest RAM in MiB, TINYVMM_MIN_MEM_MIB and up; default 256 */
	unsigned int cpus;    /* vCPUs, 1..TINYVMM_MAX_CPUS; default 1 */
	/* File the guest's serial output is appended to; NULL: this process's
	 * stdout. The guest gets no console input, unless console_stdin. */
	const char *console;
	/* With console NULL: the guest's console also reads this process's
	 * stdin, a terminal in raw mode (Ctrl-A x stops the run with status
	 * 130, as SIGINT would). The command's console; off by default, as
	 * stdin is the embedding program's. */
	bool console_stdin;
	const char *console_log;     /* optional: also append the output to this file */
	bool console_log_timestamps; /* prefix console_log lines with seconds since start */
	/* End the run with status 0 when a console line matches this POSIX
	 * extended regular expression (the expect-matched event), or with
	 * TINYVMM_EXIT_EXPECT_FAILED if the guest ends first. */
	const char *expect;
	double timeout;	    /* seconds of wall time, then TINYVMM_EXIT_TIMEOUT; 0: none */
	const char *events; /* also write the events as JSON lines: a file or "fd:N" */
	/* Bytes that console (a file), console_log and events may each grow by
	 * in a run, so a guest cannot fill the disk: then the guest's output is
	 * dropped (logged once); the last event, vmm-exit, is always written
	 * (but when the process dies: see tinyvmm_emit_exit()).
	 * 0: TINYVMM_DEFAULT_OUTPUT_LIMIT. The files are created mode 0600. */
	unsigned long long output_limit;
	enum tinyvmm_seccomp seccomp; /* the threads' system call filters; default OFF */
	const char *api_socket;	      /* serve the control API on this Unix socket path */
	bool hugepages;		      /* back guest RAM with 2 MiB huge pages */
	bool restart_on_reboot;	      /* a guest reboot boots it again; default: the run ends, 0 */
	bool stats;		      /* print exit and device counters to stderr when a VM ends */
	bool verbose;		      /* debug-level log (process-wide) */
	/* arm64: write the device tree the guest would boot with to this file,
	 * then end the run with 0 before the guest starts (QEMU's dumpdtb).
	 * x86 boots with ACPI tables: refused there. */
	const char *dump_dtb;
	/* The functions to pass through, in this order (their default slots
	 * follow it). At most TINYVMM_MAX_VFS, each once. */
	unsigned int nr_vfs;
	struct tinyvmm_vf vfs[TINYVMM_MAX_VFS];
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
	unsigned int nr_kinds;				/* entries used below */
	const char *exit_names[TINYVMM_EXIT_KINDS_MAX]; /* "io", "mmio", "hlt", ... */
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

/* The most guest RAM this architecture's layout takes, in MiB. */
unsigned int tinyvmm_max_mem_mib(void);

/* The architecture the library was built for, in words a help text can use. */
struct tinyvmm_arch {
	const char *name;	    /* "x86_64", "arm64" */
	const char *kernel_arg;	    /* the --kernel argument: "bzImage|vmlinux", "Image" */
	const char *kernel_help;    /* what --kernel takes, one phrase */
	const char *kernel_example; /* a kernel file's usual name: "bzImage", "Image" */
	const char *console;	    /* the guest's console device: "ttyS0 (COM1)" */
	const char *guest_exit;	    /* how a guest ends the run with its own status */
};
const struct tinyvmm_arch *tinyvmm_arch(void);

/*
 * Log callback, process-wide: every line the library logs (errors,
 * warnings, info, and debug with verbose), without the "tinyvmm: " prefix
 * and newline, one call at a time, on the thread that logs. NULL: back to
 * stderr. Keep it quick; call no tinyvmm function from it.
 */
enum tinyvmm_log_level { TINYVMM_LOG_ERR, TINYVMM_LOG_WARN, TINYVMM_LOG_INFO, TINYVMM_LOG_DEBUG };
typedef void (*tinyvmm_log_fn)(void *opaque, enum tinyvmm_log_level level, const char *msg);
void tinyvmm_set_log_callback(tinyvmm_log_fn fn, void *opaque);

/*
 * Parse the --vf syntax into *out:
 * "BDF[,slot=N][,mac=MAC][,vlan=N[,qos=N]][,spoofchk=on|off][,trust=on|off]
 * [,managed=on|off]". 0, or a user error naming the argument and the fix
 * (a malformed BDF, an unknown or repeated key, a bad value).
 */
int tinyvmm_vf_parse(const char *spec, struct tinyvmm_vf *out);

/*
 * Check cfg and make a machine in state CREATED (nothing runs, no KVM yet):
 * the kernel and initrd are opened, the expect regex compiled. Returns 0
 * and *out, or a user error (TINYVMM_ERR_USER) for a bad setting (no
 * kernel, a file that cannot be opened, a bad expect regex, a VF given
 * twice, ...), or -ENOMEM; the reason is logged. -EINVAL for NULL.
 */
int tinyvmm_create(const struct tinyvmm_config *cfg, struct tinyvmm **out);

/*
 * Add one more VF, in the --vf syntax (tinyvmm_vf_parse()), up to
 * TINYVMM_MAX_VFS in all. Before the run only: -EBUSY after; a user error
 * for a bad argument, a duplicate or one too many (logged).
 */
int tinyvmm_add_vf(struct tinyvmm *t, const char *vf);

/* Set the event callback (NULL: none) before the run; -EBUSY after. */
int tinyvmm_set_event_callback(struct tinyvmm *t, tinyvmm_event_fn fn, void *opaque);

/*
 * A run split in two, as the tinyvmm command runs as root: a privileged
 * process that owns the host side (it takes the VFs with tinyvmm_vf_take()
 * and opens device files on request) and the VM process, which runs the
 * VM through this library and gives up its privileges before the guest
 * starts. With host ops set (before the run; -EBUSY after):
 *  - open (when not NULL) opens /dev/kvm, /dev/vfio/vfio, /dev/vfio/N and
 *    the console file instead of open(): each boot opens them again;
 *    returns an fd or -errno;
 *  - lockdown (when not NULL) is called once on the run's thread, after the
 *    events, console log and API socket are open and before any thread of
 *    the run starts or the guest runs: drop privileges there. It logs its
 *    own line on failure (-errno), which ends the run with TINYVMM_EXIT_HOST;
 *  - vfs_taken: the caller took the VFs (lock, vfio-pci, PF settings,
 *    crash record) and gives them back; the run leaves the host VFs alone.
 */
struct tinyvmm_host_ops {
	int (*open)(void *opaque, const char *path, int flags);
	int (*lockdown)(void *opaque);
	bool vfs_taken;
	/* With vfs_taken: a VF hot-added while the run goes (VF hotplug)
	 * is taken by take_vf (0, or -errno after the caller's own line) and
	 * given back by give_back_vf; NULL: hot-add is refused. give_back_vf
	 * is also called for a VF of cfg.vfs (one the caller took) that is
	 * hot-removed: the run has closed its device and, unless another VF
	 * shares it, its IOMMU group. */
	int (*take_vf)(void *opaque, const struct tinyvmm_vf *vf);
	void (*give_back_vf)(void *opaque, const char *bdf);
};
int tinyvmm_set_host_ops(struct tinyvmm *t, const struct tinyvmm_host_ops *ops, void *opaque);

/*
 * For the privileged side of a split run, before the VM process starts:
 * open the events file cfg names (cfg->events), as the run will, and keep
 * it for tinyvmm_emit_exit(). A file is created or truncated (write-only,
 * so a FIFO with no reader fails at once: -ENXIO); "fd:N" is opened again
 * through /proc/self/fd/N (N's own flags left alone), or for a socket
 * duplicated. Close-on-exec, and non-blocking where opened, so that a
 * FIFO nobody drains cannot hold the caller. The descriptor, which the
 * caller closes, or -errno (-ENOENT when cfg names no events file): then
 * the run says why.
 */
int tinyvmm_events_keep(const struct tinyvmm_config *cfg);

/*
 * For the privileged side of a split run, on its own copy of the machine:
 * write the closing vmm-exit event ({"code": code, "reason": reason}) that
 * a VM process could not, because a signal killed it or a seccomp trap
 * ended it. Written to fd, the events file tinyvmm_events_keep() kept
 * (< 0: none), and passed to the event callback; its ts counts from
 * tinyvmm_set_clock_start(). A file whose last line is vmm-exit already
 * (the VM process wrote it, then died tearing down) gets no second one,
 * and the callback is not called; a FIFO cannot be read for it, and a
 * line from before tinyvmm_events_keep() does not count. A descriptor not
 * writable within a second gets none (logged). 0, or -errno after one
 * line.
 */
int tinyvmm_emit_exit(struct tinyvmm *t, int fd, int code, const char *reason);

/*
 * Run the machine on the calling thread until the run ends; returns its exit
 * status (TINYVMM_EXIT_*, or the guest's debug exit byte). -EBUSY if it was
 * already run or started.
 */
int tinyvmm_run(struct tinyvmm *t);

/* The same run in a background thread: 0, -EBUSY, or -errno if no thread. */
int tinyvmm_start(struct tinyvmm *t);

/*
 * Where the run's clock starts (CLOCK_MONOTONIC): ts 0 of the events, the
 * origin of the timeout and of boot_to_marker. Default: when the run
 * starts. The command passes its own start. Before the run only: -EBUSY.
 * -EINVAL for a time that is no CLOCK_MONOTONIC reading: negative, tv_nsec
 * outside 0..999999999, or later than now.
 */
struct timespec;
int tinyvmm_set_clock_start(struct tinyvmm *t, const struct timespec *t0);

/* A descriptor that becomes readable once the run has ended, for poll();
 * never read it. Valid until tinyvmm_destroy(). */
int tinyvmm_wait_fd(const struct tinyvmm *t);

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
 * Stop as signal signo would stop the command: hard, status 128 + signo,
 * reason "signal" (the first stop asked wins). 0, -ESRCH before the run,
 * -EINVAL for a signal number outside 1..64.
 */
int tinyvmm_stop_signal(struct tinyvmm *t, int signo);

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
 * VF hotplug (x86: ACPI PCI hotplug, which Linux's acpiphp drives; see the
 * README). tinyvmm_vf_attach() hot-adds the VF spec names (the --vf syntax:
 * "0000:01:10.2,slot=6,mac=...") to the running guest: taken and bound as
 * --vf does, its slot slot= or the lowest free one, the guest notified.
 * tinyvmm_vf_detach() removes the VF bdf (or, bdf NULL or "", the one in
 * slot): the guest is asked to eject it and given timeout seconds (0: 10)
 * to do so, then it is removed anyway; force removes it at once. The VF
 * goes back to its host driver. Both return 0 with out filled (reason:
 * "api" when the guest ejected it, "timeout", "forced"), or -errno with the
 * one-line reason in out->error, and then change nothing: no VM running
 * (-ESRCH), a paused VM, a guest not ready for hotplug, a slot taken or
 * empty or out of 1..31, a bad BDF, a VF in use elsewhere.
 */
struct tinyvmm_vf_hotplug {
	char bdf[TINYVMM_BDF_SIZE];
	unsigned int slot;  /* 0000:00:<slot>.0 in the guest */
	const char *reason; /* detach: why it went (static string) */
	char error[256];    /* on failure: the reason, one line */
};
int tinyvmm_vf_attach(struct tinyvmm *t, const char *spec, struct tinyvmm_vf_hotplug *out);
int tinyvmm_vf_detach(struct tinyvmm *t, const char *bdf, unsigned int slot, double timeout,
		      bool force, struct tinyvmm_vf_hotplug *out);

/*
 * Stop the run if it is going (as tinyvmm_stop), wait for it (managed VFs
 * are given back, every file closed), free t. NULL is a no-op.
 */
void tinyvmm_destroy(struct tinyvmm *t);

/* ---- the host's SR-IOV functions: the operator's VF workflow ---- */

#define TINYVMM_NAME_SIZE 64

/*
 * One PCI function as the host sees it (sysfs and, for a VF, its PF over
 * rtnetlink). Names from pci.ids are not looked up here (the tinyvmm
 * command does that with libpci): the ids are.
 */
struct tinyvmm_pci_fn {
	char bdf[TINYVMM_BDF_SIZE];
	unsigned int vendor_id, device_id;
	char driver[TINYVMM_NAME_SIZE]; /* "" when unbound */
	char netdev[TINYVMM_NAME_SIZE]; /* "" when it has no network interface */
	int iommu_group;		/* -1: none (the IOMMU is off) */
	bool viable;			/* every other device of its group is safe for DMA */
	int index;			/* its VF number on the PF; -1 for a PF */
	/* A VF's settings as its PF reports them; has_settings false when the
	 * PF has no netdev or does not report this VF. */
	bool has_settings;
	unsigned char mac[6];
	unsigned int vlan, qos;
	int spoofchk, trust; /* 1 on, 0 off, -1 not reported */
	int link_state;	     /* 0 auto, 1 enable, 2 disable, -1 not reported */
};

struct tinyvmm_pf {
	struct tinyvmm_pci_fn fn;
	unsigned long sriov_numvfs, sriov_totalvfs;
	unsigned int nr_vfs;
	struct tinyvmm_pci_fn *vfs; /* nr_vfs, in VF-number order */
};

struct tinyvmm_vf_list {
	unsigned int nr_pfs;
	struct tinyvmm_pf *pfs; /* by BDF */
};

/*
 * Every SR-IOV PF of the host (a function with sriov_totalvfs) and its VFs.
 * 0, or a host error (logged). Free with tinyvmm_vf_list_free(), also
 * after an error.
 */
int tinyvmm_vf_list(struct tinyvmm_vf_list *out);
void tinyvmm_vf_list_free(struct tinyvmm_vf_list *l);

/*
 * Give PF (a BDF or its network interface, e.g. "eth0") count VFs, going
 * through 0 when it has others (sriov_numvfs). Refused while one of its
 * VFs is in use by a tinyvmm or open through VFIO. 0 and, when out is not
 * NULL, the PF and its VFs as they are now (free with tinyvmm_pf_free());
 * a user error for an unknown PF, a count over sriov_totalvfs or VFs in
 * use; a host error otherwise.
 */
int tinyvmm_vf_set_count(const char *pf, unsigned int count, struct tinyvmm_pf *out);
void tinyvmm_pf_free(struct tinyvmm_pf *pf);

/* One VF that tinyvmm_vf_restore() found a crash record for. */
struct tinyvmm_restored {
	char bdf[TINYVMM_BDF_SIZE];
	int status;	 /* 0 given back; -EBUSY in use by holder_pid; other: failed (logged) */
	long holder_pid; /* the tinyvmm holding it, with -EBUSY */
	char driver[TINYVMM_NAME_SIZE]; /* status 0: the driver it is on now, "" none */
	char netdev[TINYVMM_NAME_SIZE]; /* and its network interface, "" none */
	bool pf_settings;		/* its PF settings were put back too */
};

/*
 * Give back every VF (or only bdf, when not NULL) that a tinyvmm killed
 * with SIGKILL left taken: its crash record in the run directory
 * (/run/tinyvmm or $TINYVMM_RUN_DIR) says which driver and PF settings to
 * put back. A VF whose tinyvmm still runs is left alone. Up to cap results
 * in out; *nr is how many VFs had a record (more than cap: the rest are
 * handled, not reported). 0 when all were given back (or none was found),
 * a user error -EBUSY when one is in use, else the first failure.
 */
int tinyvmm_vf_restore(const char *bdf, struct tinyvmm_restored *out, unsigned int cap,
		       unsigned int *nr);

/* VFs taken for a VM by tinyvmm_vf_take() (opaque). */
struct tinyvmm_vf_hold;

/*
 * Take the n VFs as a run takes them (tinyvmm_set_host_ops(): vfs_taken):
 * the slots are checked, then each VF is locked, recorded for a crash,
 * given its PF settings and, unless unmanaged, bound to vfio-pci. 0 and
 * *out, or an error after one line with nothing left taken (a user error
 * when the input is at fault: more than TINYVMM_MAX_VFS is one). n == 0
 * gives an empty hold. NULL out, or NULL vfs with n > 0: -EINVAL, not
 * logged. tinyvmm_vf_give_back() puts everything back and frees the hold;
 * after a SIGKILL, tinyvmm_vf_restore() does.
 */
int tinyvmm_vf_take(const struct tinyvmm_vf *vfs, unsigned int n, struct tinyvmm_vf_hold **out);
void tinyvmm_vf_give_back(struct tinyvmm_vf_hold *h);
/*
 * In a process forked from the one that took the VFs: let go of the hold's
 * descriptors (the VFs' locks) and free it, giving nothing back; the taker
 * still holds them. A lock held by a dying child must not outlive its taker.
 */
void tinyvmm_vf_hold_drop(struct tinyvmm_vf_hold *h);
/*
 * Give back only bdf (a VF the VM process detached for good: a hot-remove of
 * a VF the run started with), leaving the hold's other VFs held. 0, or
 * -ENOENT when h does not hold bdf (any more).
 */
int tinyvmm_vf_give_back_one(struct tinyvmm_vf_hold *h, const char *bdf);
/*
 * Some process holds bdf's IOMMU group open, or a device in it (its
 * /dev/vfio/N answers EBUSY): a vfio-pci unbind would block until it lets
 * go. false when it is free, or bdf has no group.
 */
bool tinyvmm_vf_group_busy(const char *bdf);
/* The IOMMU group of each VF of the hold, in order (-1: none, or given back
 * with tinyvmm_vf_give_back_one()); how many, at most cap. */
unsigned int tinyvmm_vf_hold_groups(const struct tinyvmm_vf_hold *h, int *groups, unsigned int cap);

/* One item of the preflight check. */
struct tinyvmm_check_item {
	char name[32]; /* "kvm", "cpu", "iommu", "vfio-pci", "vf BDF", "memlock", "hugepages" */
	bool ok;
	char detail[480]; /* what was found; a failure ends with "fix: ..." */
};

#define TINYVMM_CHECK_MAX_ITEMS (7 + TINYVMM_MAX_VFS)

struct tinyvmm_check_request {
	unsigned int mem_mib;	/* guest RAM to be pinned; 0: TINYVMM_DEFAULT_MEM_MIB */
	unsigned int nr_vfs;	/* at most TINYVMM_MAX_VFS */
	const char *const *vfs; /* the VFs' BDFs as the user gave them */
};

/*
 * Check that this host can run a VM with req's VFs: /dev/kvm, CPU
 * virtualization, the IOMMU, vfio-pci, each VF and its IOMMU group,
 * RLIMIT_MEMLOCK against the RAM, hugepages. Fills items[0..*nr) (cap
 * entries; TINYVMM_CHECK_MAX_ITEMS is enough) and returns how many failed,
 * or -EINVAL for a bad request.
 */
int tinyvmm_check(const struct tinyvmm_check_request *req, struct tinyvmm_check_item *items,
		  unsigned int cap, unsigned int *nr);

#ifdef __cplusplus
}
#endif

#endif
