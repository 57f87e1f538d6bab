/* SPDX-License-Identifier: MIT */
/*
 * library.h - struct tinyvmm, shared by the library's two halves:
 * library.c (the public API: configuration, the run's thread and state,
 * stop, pause, status) and library_run.c (the run itself: what main() did).
 */
#ifndef TINYVMM_LIBRARY_H
#define TINYVMM_LIBRARY_H

#include <pthread.h>
#include <time.h>

#include <regex.h>

#include "include/tinyvmm.h"
#include "vmm/base/input_file.h"
#include "vmm/core/vcpu.h"
#include "vmm/core/vm.h"
#include "vmm/host/vf_manage.h"

struct api_vm;
struct events;

enum tinyvmm_phase {
	TINYVMM_PHASE_CREATED,
	TINYVMM_PHASE_RUNNING,
	TINYVMM_PHASE_STOPPED,
};

struct tinyvmm {
	struct tinyvmm_config cfg; /* the machine: our copy (config.h), checked */
	bool has_cfg;		   /* cfg's strings are ours to config_free() */
	struct input_file kernel;  /* cfg.kernel, opened and checked by create */
	struct input_file initrd;  /* cfg.initrd, or path NULL */
	regex_t expect_re;	   /* cfg.expect compiled (REG_EXTENDED | REG_NOSUB) */
	bool has_expect_re;
	bool t0_given; /* t0 came from tinyvmm_set_clock_start(), not the run's start */
	tinyvmm_event_fn event_fn;
	void *event_opaque;
	struct tinyvmm_host_ops host_ops; /* tinyvmm_set_host_ops(); all NULL/false: none */
	void *host_opaque;

	/* The run's state, under lock. vm changes under vm_lock and lock both:
	 * pause and resume hold only vm_lock (a pause may wait 2 s), so status,
	 * stats and stop (lock only) never wait for one. */
	pthread_mutex_t vm_lock;
	pthread_mutex_t lock;
	pthread_cond_t done_cond; /* phase became STOPPED */
	pthread_cond_t stop_cond; /* stop_pending became true (CLOCK_MONOTONIC) */
	int done_efd;		  /* eventfd, readable once phase is STOPPED */
	enum tinyvmm_phase phase;
	struct timespec t0; /* the start: ts 0 of the events, the timeout's origin */
	struct vm *vm;	    /* the boot under way (attached), or NULL */
	bool stop_pending;  /* a stop was asked: this boot stops, no other runs */
	enum vm_stop_reason stop_why;
	int stop_code;
	unsigned int boots;		 /* atomic */
	u64 last_exits[VCPU_EXIT_KINDS]; /* the last VM's, at detach */
	unsigned int last_vcpus;
	double end_uptime;  /* STOPPED: the run's length */
	int exit_code;	    /* STOPPED: its status */
	const char *reason; /* STOPPED: its vmm-exit reason */
	pthread_t thread;   /* tinyvmm_start()'s */
	bool has_thread, joined;

	/* The run's own (library_run.c; the run's thread, the console's, atomics). */
	struct events *events;	/* NULL without an events file or callback */
	int log_fd;		/* console_log, or -1 */
	bool matched;		/* atomic: expect matched */
	bool first_byte;	/* atomic: first-console-byte reported */
	double marker_ts;	/* seconds from t0 to the expect match; read after matched */
	const char *run_reason; /* the last VM's stop reason name, for vmm-exit */
	struct api_vm *api;	/* api_socket, or NULL */
	/* cfg.vfs taken for the run (sandboxed: by the caller, remote entries);
	 * one hot-removed is given back at once and left out of later boots,
	 * which keep every other VF in the slot it had. */
	struct vf_manage vfm[TINYVMM_MAX_VFS];
	unsigned int nr_vfm;
	u8 vf_slot[TINYVMM_MAX_VFS]; /* cfg.vfs[i]'s slot in the first boot (0: none yet) */
};

/*
 * The whole run, on the calling thread (library_run.c): events, console
 * log, kernel, control API, managed VFs, the boots, and back. Returns the
 * exit status; t->phase is RUNNING throughout and is left to the caller.
 */
int library_run(struct tinyvmm *t);

/*
 * Make vm the boot that stop and pause act on (NULL: none, before
 * vm_destroy). A stop asked earlier stops vm at once. Thread-safe.
 */
void tinyvmm_attach_vm(struct tinyvmm *t, struct vm *vm);

/* Whether a stop was asked; its reason and exit code. Thread-safe. */
bool tinyvmm_stop_asked(struct tinyvmm *t, enum vm_stop_reason *why, int *code);

/* Sleep ms milliseconds, or less if a stop is asked meanwhile (true then). */
bool tinyvmm_wait_stop(struct tinyvmm *t, unsigned int ms);

#endif
