/* SPDX-License-Identifier: MIT */
/*
 * util.h - small scalar types, helpers and the checked ioctl wrapper.
 *
 * Every module includes this first. Nothing here allocates or logs.
 */
#ifndef TINYVMM_UTIL_H
#define TINYVMM_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef u64 gpa_t; /* guest physical address */

/* A range of guest RAM; a layout's ranges are sorted and do not overlap. */
struct ram_range {
	gpa_t gpa;
	u64 size;
};

/* Kept as written: clang-format 14 reads (a) - 1 as a cast of -1 and writes (a)-1. */
/* clang-format off */
#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_POW2(x)	 ((x) != 0 && ((x) & ((x) - 1)) == 0)
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))
#define KiB		 (1024ULL)
#define MiB		 (1024ULL * KiB)
#define GiB		 (1024ULL * MiB)
/* clang-format on */

#define UNUSED	     __attribute__((unused))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))

/*
 * ioctl that returns -errno on failure and the (non-negative) ioctl result
 * otherwise. Use the typed macros below, not this, so the argument size is
 * checked against the request at compile time.
 */
static inline int sys_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int r = ioctl(fd, req, arg);
	return r < 0 ? -errno : r;
}

/* ioctl whose argument is a pointer to the struct the request encodes. */
#define ioctl_ptr(fd, req, ptr)                                                                    \
	({                                                                                         \
		_Static_assert(_IOC_SIZE(req) == sizeof(*(ptr)),                                   \
			       "ioctl argument size does not match " #req);                        \
		sys_ioctl((fd), (req), (unsigned long)(ptr));                                      \
	})

/* ioctl whose argument is a plain value (or none). */
#define ioctl_val(fd, req, val) sys_ioctl((fd), (req), (unsigned long)(val))

/* Little-endian unaligned accessors for table builders and parsers. */
static inline u16 get_le16(const void *p)
{
	const u8 *b = p;
	return (u16)(b[0] | b[1] << 8);
}
static inline u32 get_le32(const void *p)
{
	const u8 *b = p;
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}
static inline u64 get_le64(const void *p)
{
	return get_le32(p) | (u64)get_le32((const u8 *)p + 4) << 32;
}
static inline void put_le16(void *p, u16 v)
{
	u8 *b = p;
	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
}
static inline void put_le32(void *p, u32 v)
{
	u8 *b = p;
	for (int i = 0; i < 4; i++)
		b[i] = (u8)(v >> (8 * i));
}
static inline void put_le64(void *p, u64 v)
{
	put_le32(p, (u32)v);
	put_le32((u8 *)p + 4, (u32)(v >> 32));
}

/* CLOCK_MONOTONIC in nanoseconds: durations and deadlines. */
static inline u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* Sleep ms milliseconds (a signal may cut it short). */
static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* True if [start, start+len) lies inside [0, limit). Overflow-safe. */
static inline bool range_ok(u64 start, u64 len, u64 limit)
{
	u64 end;
	if (__builtin_add_overflow(start, len, &end))
		return false;
	return end <= limit;
}

#endif
