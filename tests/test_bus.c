// SPDX-License-Identifier: MIT
/* test_bus.c - range registration and access dispatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/core/bus.h"

/* A fake device that records its last access and answers with a pattern. */
struct rec {
	u64 off;
	u32 len;
	bool write;
	u64 wval;
	int calls;
	int fail; /* return this instead of 0 */
};

static int rec_access(struct device *d, u64 off, void *data, u32 len, bool write)
{
	struct rec *r = d->priv;

	r->off = off;
	r->len = len;
	r->write = write;
	r->calls++;
	if (write) {
		r->wval = 0;
		memcpy(&r->wval, data, len);
	} else {
		memset(data, 0x5a, len);
		if (r->fail)
			memset(data, 0x11, len); /* garbage the bus must hide */
	}
	return r->fail;
}

static const struct dev_ops pio_ops = {.pio = rec_access};
static const struct dev_ops mmio_ops = {.mmio = rec_access};

#define DEV(var, o)                                                                                \
	struct rec var##_rec = {0};                                                                \
	struct device var = {.name = #var, .ops = &(o), .priv = &var##_rec}

static void test_register_and_overlaps(void **state)
{
	struct bus b;
	DEV(a, pio_ops);
	DEV(c, pio_ops);
	(void)state;

	assert_int_equal(bus_init(&b, "pio"), 0);
	assert_int_equal(bus_register(&b, 0x100, 0x10, &a), 0);	      /* 0x100-0x10f */
	assert_int_equal(bus_register(&b, 0xf8, 0x9, &c), -EEXIST);   /* hits first byte */
	assert_int_equal(bus_register(&b, 0x10f, 0x4, &c), -EEXIST);  /* hits last byte */
	assert_int_equal(bus_register(&b, 0x104, 0x2, &c), -EEXIST);  /* contained */
	assert_int_equal(bus_register(&b, 0x0, 0x1000, &c), -EEXIST); /* contains */
	assert_int_equal(bus_register(&b, 0x100, 0x10, &c), -EEXIST); /* identical */
	assert_int_equal(bus_register(&b, 0xf0, 0x10, &c), 0);	      /* adjacent below */
	assert_int_equal(bus_register(&b, 0x110, 0x1, &c), 0);	      /* adjacent above */
	assert_int_equal(b.nr, 3);
	for (size_t i = 1; i < b.nr; i++)
		assert_true(b.ranges[i - 1].base < b.ranges[i].base);
	bus_destroy(&b);
}

static void test_register_invalid(void **state)
{
	struct bus b;
	DEV(a, mmio_ops);
	(void)state;

	assert_int_equal(bus_init(&b, "mmio"), 0);
	assert_int_equal(bus_register(&b, 0x1000, 0, &a), -EINVAL);
	assert_int_equal(bus_register(&b, UINT64_MAX, 2, &a), -EINVAL);
	assert_int_equal(bus_register(&b, UINT64_MAX - 0xf, 0x11, &a), -EINVAL);
	assert_int_equal(bus_register(&b, 0x1000, 0x10, NULL), -EINVAL);
	assert_int_equal(b.nr, 0);
	/* A range ending exactly at 2^64 does not wrap. */
	assert_int_equal(bus_register(&b, UINT64_MAX - 0xf, 0x10, &a), 0);
	u32 v = 0;
	assert_int_equal(bus_access(&b, UINT64_MAX - 3, &v, 4, false), 0);
	assert_int_equal(a_rec.off, 0xc);
	/* An access that would wrap past 2^64 is unhandled, not a crash. */
	u64 q = 0;
	assert_int_equal(bus_access(&b, UINT64_MAX - 3, &q, 8, false), -ENOENT);
	assert_int_equal(q, UINT64_MAX);
	bus_destroy(&b);
}

static void test_unregister(void **state)
{
	struct bus b;
	DEV(a, pio_ops);
	DEV(c, pio_ops);
	u8 v;
	(void)state;

	assert_int_equal(bus_init(&b, "pio"), 0);
	assert_int_equal(bus_register(&b, 0x60, 5, &a), 0);
	assert_int_equal(bus_register(&b, 0x3f8, 8, &c), 0);
	assert_int_equal(bus_unregister(&b, 0x61, &a), -ENOENT); /* not its base */
	assert_int_equal(bus_unregister(&b, 0x60, &c), -ENOENT); /* not its owner */
	assert_int_equal(bus_unregister(&b, 0x60, &a), 0);
	assert_int_equal(bus_unregister(&b, 0x60, &a), -ENOENT);
	assert_int_equal(b.nr, 1);
	assert_int_equal(bus_access(&b, 0x60, &v, 1, false), -ENOENT);
	assert_int_equal(a_rec.calls, 0);
	/* The freed range can be claimed again. */
	assert_int_equal(bus_register(&b, 0x60, 1, &c), 0);
	assert_int_equal(bus_access(&b, 0x3ff, &v, 1, false), 0);
	assert_int_equal(c_rec.off, 7);
	bus_destroy(&b);
}

static void test_dispatch_offsets(void **state)
{
	struct bus b;
	DEV(a, pio_ops);
	DEV(c, pio_ops);
	u32 v = 0;
	(void)state;

	assert_int_equal(bus_init(&b, "pio"), 0);
	assert_int_equal(bus_register(&b, 0x3f8, 8, &a), 0);
	assert_int_equal(bus_register(&b, 0x400, 4, &c), 0);

	/* First byte. */
	v = 0x41;
	assert_int_equal(bus_access(&b, 0x3f8, &v, 1, true), 0);
	assert_int_equal(a_rec.off, 0);
	assert_int_equal(a_rec.len, 1);
	assert_true(a_rec.write);
	assert_int_equal(a_rec.wval, 0x41);
	/* Last byte. */
	v = 0;
	assert_int_equal(bus_access(&b, 0x3ff, &v, 1, false), 0);
	assert_int_equal(a_rec.off, 7);
	assert_false(a_rec.write);
	assert_int_equal(v, 0x5a);
	/* A dword that ends exactly at the range end. */
	assert_int_equal(bus_access(&b, 0x3fc, &v, 4, false), 0);
	assert_int_equal(a_rec.off, 4);
	assert_int_equal(v, 0x5a5a5a5a);
	/* The neighbour gets its own offsets. */
	assert_int_equal(bus_access(&b, 0x402, &v, 2, true), 0);
	assert_int_equal(c_rec.off, 2);
	assert_int_equal(c_rec.len, 2);
	assert_int_equal(a_rec.calls, 3);
	assert_int_equal(c_rec.calls, 1);
	/* accesses counts what reached each device. */
	assert_int_equal(a.accesses, 3);
	assert_int_equal(c.accesses, 1);
	assert_int_equal(b.unclaimed, 0);
	bus_destroy(&b);
}

static void test_unclaimed_and_straddle(void **state)
{
	struct bus b;
	DEV(a, pio_ops);
	u32 v;
	u8 v8;
	(void)state;

	assert_int_equal(bus_init(&b, "pio"), 0);
	assert_int_equal(bus_register(&b, 0x3f8, 8, &a), 0);

	v8 = 0;
	assert_int_equal(bus_access(&b, 0x2f8, &v8, 1, false), -ENOENT);
	assert_int_equal(v8, 0xff);
	assert_int_equal(bus_access(&b, 0x2f8, &v8, 1, true), -ENOENT);
	/* Straddles the end: 0x3fe-0x401. */
	v = 0;
	assert_int_equal(bus_access(&b, 0x3fe, &v, 4, false), -ENOENT);
	assert_int_equal(v, 0xffffffff);
	/* Starts below the range and runs into it. */
	v = 0;
	assert_int_equal(bus_access(&b, 0x3f6, &v, 4, false), -ENOENT);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(a_rec.calls, 0);
	assert_int_equal(a.accesses, 0);
	assert_int_equal(b.unclaimed, 4);
	bus_destroy(&b);
}

static void test_device_failure(void **state)
{
	struct bus b;
	DEV(a, mmio_ops);
	u64 v = 0;
	(void)state;

	assert_int_equal(bus_init(&b, "mmio"), 0);
	assert_int_equal(bus_register(&b, 0xc0000000, 0x1000, &a), 0);
	a_rec.fail = -EINVAL;
	assert_int_equal(bus_access(&b, 0xc0000010, &v, 8, false), -EIO);
	assert_int_equal(v, UINT64_MAX); /* not the device's garbage */
	assert_int_equal(bus_access(&b, 0xc0000010, &v, 8, true), -EIO);
	assert_int_equal(a_rec.calls, 2);
	assert_int_equal(a.accesses, 2);
	a_rec.fail = 0;
	assert_int_equal(bus_access(&b, 0xc0000010, &v, 4, false), 0);
	bus_destroy(&b);
}

static void test_missing_callback(void **state)
{
	struct bus pio, mmio;
	DEV(m, mmio_ops); /* has only an mmio callback */
	u16 v = 0;
	(void)state;

	assert_int_equal(bus_init(&pio, "pio"), 0);
	assert_int_equal(bus_init(&mmio, "mmio"), 0);
	assert_int_equal(bus_register(&pio, 0x500, 2, &m), 0);
	assert_int_equal(bus_register(&mmio, 0xd0000000, 2, &m), 0);
	assert_int_equal(bus_access(&pio, 0x500, &v, 2, false), -ENOENT);
	assert_int_equal(v, 0xffff);
	assert_int_equal(m_rec.calls, 0);
	assert_int_equal(pio.unclaimed, 1);
	assert_int_equal(bus_access(&mmio, 0xd0000000, &v, 2, false), 0);
	assert_int_equal(v, 0x5a5a);
	assert_int_equal(m_rec.calls, 1);
	bus_destroy(&pio);
	bus_destroy(&mmio);
}

static void test_bad_lengths(void **state)
{
	struct bus b;
	DEV(a, pio_ops);
	u8 buf[16];
	static const u32 bad[] = {0, 3, 5, 6, 7, 16};
	(void)state;

	assert_int_equal(bus_init(&b, "pio"), 0);
	assert_int_equal(bus_register(&b, 0, 0x10000, &a), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(buf, 0, sizeof(buf));
		assert_int_equal(bus_access(&b, 0x10, buf, bad[i], false), -EINVAL);
		for (u32 j = 0; j < MIN(bad[i], 8u); j++)
			assert_int_equal(buf[j], 0xff);
		assert_int_equal(bus_access(&b, 0x10, buf, bad[i], true), -EINVAL);
	}
	assert_int_equal(a_rec.calls, 0);
	assert_int_equal(b.unclaimed, 2 * ARRAY_SIZE(bad));
	bus_destroy(&b);
}

/* A device whose access tries to re-register on its own bus. */
static struct bus *reentrant_bus;
static int reentrant_ret;

static int reentrant_access(struct device *d, u64 off, void *data, u32 len, bool write)
{
	(void)off;
	(void)data;
	(void)len;
	(void)write;
	reentrant_ret = bus_register(reentrant_bus, 0x9000, 4, d);
	return 0;
}

static void test_register_from_callback(void **state)
{
	static const struct dev_ops ops = {.pio = reentrant_access};
	struct device d = {.name = "reentrant", .ops = &ops};
	struct bus b;
	u8 v = 0;
	(void)state;

	assert_int_equal(bus_init(&b, "pio"), 0);
	reentrant_bus = &b;
	assert_int_equal(bus_register(&b, 0x10, 1, &d), 0);
	assert_int_equal(bus_access(&b, 0x10, &v, 1, true), 0);
	assert_int_equal(reentrant_ret, -EDEADLK);
	assert_int_equal(b.nr, 1);
	/* Outside a callback the same call works. */
	assert_int_equal(bus_register(&b, 0x9000, 4, &d), 0);
	bus_destroy(&b);
}

static void test_many_ranges_sorted(void **state)
{
	struct bus b;
	DEV(a, mmio_ops);
	u8 v;
	(void)state;

	assert_int_equal(bus_init(&b, "mmio"), 0);
	/* Insert out of order, past the initial capacity. */
	for (u64 i = 0; i < 100; i++) {
		u64 base = ((i * 37) % 100) * 0x1000;
		assert_int_equal(bus_register(&b, base, 0x800, &a), 0);
	}
	assert_int_equal(b.nr, 100);
	for (size_t i = 1; i < b.nr; i++)
		assert_true(b.ranges[i - 1].base < b.ranges[i].base);
	for (u64 i = 0; i < 100; i++) {
		assert_int_equal(bus_access(&b, i * 0x1000 + 0x7ff, &v, 1, false), 0);
		assert_int_equal(a_rec.off, 0x7ff);
		assert_int_equal(bus_access(&b, i * 0x1000 + 0x800, &v, 1, false), -ENOENT);
	}
	bus_destroy(&b);
}

/* Run fn with stderr captured; return what it printed (static buffer). */
static const char *capture_stderr(void (*fn)(void))
{
	static char out[4096];
	int fd = memfd_create("stderr", 0), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, sizeof(out) - 1, 0);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	return out;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void noisy_guest(void)
{
	struct bus b1, b2;
	u8 v = 0;

	assert_int_equal(bus_init(&b1, "pio"), 0);
	assert_int_equal(bus_init(&b2, "mmio"), 0);
	for (int i = 0; i < 100; i++) {
		bus_access(&b1, 0x2f8, &v, 1, true);
		bus_access(&b1, 0x2f9, &v, 1, false);
		bus_access(&b2, 0xfed00000, &v, 1, false);
	}
	bus_destroy(&b1);
	bus_destroy(&b2);
}

static void test_logged_once_per_bus(void **state)
{
	const char *log;
	(void)state;

	log = capture_stderr(noisy_guest);
	assert_int_equal(count(log, "\n"), 2);
	assert_non_null(strstr(log, "pio: unhandled 1-byte write to port 0x2f8 (logged once)"));
	assert_non_null(strstr(log, "mmio: unhandled 1-byte read at 0xfed00000 (logged once)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register_and_overlaps),
	    cmocka_unit_test(test_register_invalid),
	    cmocka_unit_test(test_unregister),
	    cmocka_unit_test(test_dispatch_offsets),
	    cmocka_unit_test(test_unclaimed_and_straddle),
	    cmocka_unit_test(test_device_failure),
	    cmocka_unit_test(test_missing_callback),
	    cmocka_unit_test(test_bad_lengths),
	    cmocka_unit_test(test_register_from_callback),
	    cmocka_unit_test(test_many_ranges_sorted),
	    cmocka_unit_test(test_logged_once_per_bus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
