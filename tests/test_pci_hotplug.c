// SPDX-License-Identifier: MIT
/* test_pci_hotplug.c - the PCIU/PCID/B0EJ hotplug controller: requests,
 * read-to-clear, ejects, bad accesses, waiting and waking. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/pci_hotplug.h"

static int notified;

static void count_notify(void *opaque)
{
	(void)opaque;
	notified++;
}

static u32 rd(struct pcihp *h, u64 off)
{
	struct device *d = pcihp_device(h);
	u32 v = 0x5a5a5a5a;

	assert_int_equal(d->ops->pio(d, off, &v, 4, false), 0);
	return v;
}

static void wr(struct pcihp *h, u64 off, u32 v)
{
	struct device *d = pcihp_device(h);

	assert_int_equal(d->ops->pio(d, off, &v, 4, true), 0);
}

static struct pcihp *make(void)
{
	struct pcihp *h;

	notified = 0;
	assert_int_equal(pcihp_create(&h, count_notify, NULL), 0);
	return h;
}

static void test_add_and_remove_requests(void **state)
{
	struct pcihp *h = make();
	u32 up, down;
	(void)state;

	assert_int_equal(rd(h, PCIHP_REG_UP), 0);
	assert_int_equal(rd(h, PCIHP_REG_DOWN), 0);
	assert_int_equal(pcihp_request(h, 6, true), 0);
	assert_int_equal(pcihp_request(h, 31, true), 0);
	assert_int_equal(notified, 2);
	pcihp_pending(h, &up, &down);
	assert_int_equal(up, 1U << 6 | 1U << 31);
	assert_int_equal(down, 0);
	/* read-to-clear */
	assert_int_equal(rd(h, PCIHP_REG_UP), 1U << 6 | 1U << 31);
	assert_int_equal(rd(h, PCIHP_REG_UP), 0);

	assert_int_equal(pcihp_request(h, 6, false), 0);
	assert_int_equal(rd(h, PCIHP_REG_UP), 0);
	assert_int_equal(rd(h, PCIHP_REG_DOWN), 1U << 6);
	assert_int_equal(rd(h, PCIHP_REG_DOWN), 0);
	assert_int_equal(notified, 3);
	/* The eject register reads 0 and writes are not readable back. */
	assert_int_equal(rd(h, PCIHP_REG_EJECT), 0);
	pcihp_destroy(h);
}

static void test_opposite_request_withdraws(void **state)
{
	struct pcihp *h = make();
	(void)state;

	assert_int_equal(pcihp_request(h, 3, true), 0);
	assert_int_equal(pcihp_request(h, 3, false), 0);
	assert_int_equal(rd(h, PCIHP_REG_UP), 0);
	assert_int_equal(rd(h, PCIHP_REG_DOWN), 1U << 3);
	assert_int_equal(pcihp_request(h, 3, false), 0);
	assert_int_equal(pcihp_request(h, 3, true), 0);
	assert_int_equal(rd(h, PCIHP_REG_DOWN), 0);
	assert_int_equal(rd(h, PCIHP_REG_UP), 1U << 3);
	pcihp_destroy(h);
}

static void test_bad_slots(void **state)
{
	struct pcihp *h = make();
	(void)state;

	assert_int_equal(pcihp_request(h, 0, true), -EINVAL);
	assert_int_equal(pcihp_request(h, 32, true), -EINVAL);
	assert_int_equal(pcihp_request(h, 1000, false), -EINVAL);
	assert_int_equal(notified, 0);
	assert_int_equal(rd(h, PCIHP_REG_UP), 0);
	pcihp_destroy(h);
}

static void test_eject(void **state)
{
	struct pcihp *h = make();
	(void)state;

	assert_int_equal(pcihp_wait_ejected(h, 0), 0);
	wr(h, PCIHP_REG_EJECT, 1U << 6);
	wr(h, PCIHP_REG_EJECT, 1U << 7);
	assert_int_equal(pcihp_wait_ejected(h, 0), 1U << 6 | 1U << 7);
	assert_int_equal(pcihp_wait_ejected(h, 0), 0);
	/* Bit 0 is the host bridge: never ejected. */
	wr(h, PCIHP_REG_EJECT, 1);
	assert_int_equal(pcihp_wait_ejected(h, 10), 0);
	/* Writes to the read-only registers change nothing. */
	wr(h, PCIHP_REG_UP, ~0u);
	wr(h, PCIHP_REG_DOWN, ~0u);
	assert_int_equal(rd(h, PCIHP_REG_UP), 0);
	assert_int_equal(rd(h, PCIHP_REG_DOWN), 0);
	assert_int_equal(notified, 0);
	pcihp_destroy(h);
}

static void test_bad_accesses(void **state)
{
	struct pcihp *h = make();
	struct device *d = pcihp_device(h);
	u8 b[8] = {0};
	(void)state;

	assert_int_equal(pcihp_request(h, 5, true), 0);
	assert_int_equal(d->ops->pio(d, PCIHP_REG_UP, b, 1, false), -EINVAL);
	assert_int_equal(d->ops->pio(d, PCIHP_REG_UP, b, 2, false), -EINVAL);
	assert_int_equal(d->ops->pio(d, PCIHP_REG_UP + 1, b, 4, false), -EINVAL);
	assert_int_equal(d->ops->pio(d, PCIHP_REG_LEN, b, 4, false), -EINVAL);
	assert_int_equal(d->ops->pio(d, ~0ULL - 3, b, 4, false), -EINVAL);
	assert_int_equal(d->ops->pio(d, PCIHP_REG_EJECT, b, 8, true), -EINVAL);
	/* None of them read (and cleared) the pending bit. */
	assert_int_equal(rd(h, PCIHP_REG_UP), 1U << 5);
	assert_int_equal(pcihp_wait_ejected(h, 0), 0);
	pcihp_destroy(h);
}

static void *ejecter(void *arg)
{
	usleep(20000);
	wr(arg, PCIHP_REG_EJECT, 1U << 9);
	return NULL;
}

static void *waker(void *arg)
{
	usleep(20000);
	pcihp_wake(arg);
	return NULL;
}

static void test_wait(void **state)
{
	struct pcihp *h = make();
	pthread_t t;
	(void)state;

	/* A timeout returns nothing. */
	assert_int_equal(pcihp_wait_ejected(h, 30), 0);
	/* An eject from another thread ends a wait for ever. */
	assert_int_equal(pthread_create(&t, NULL, ejecter, h), 0);
	assert_int_equal(pcihp_wait_ejected(h, -1), 1U << 9);
	pthread_join(t, NULL);
	/* A wake with no one waiting ends the next wait, once. */
	pcihp_wake(h);
	assert_int_equal(pcihp_wait_ejected(h, -1), 0);
	assert_int_equal(pcihp_wait_ejected(h, 10), 0);
	/* So does a wake, with nothing ejected. */
	assert_int_equal(pthread_create(&t, NULL, waker, h), 0);
	assert_int_equal(pcihp_wait_ejected(h, -1), 0);
	pthread_join(t, NULL);
	pcihp_destroy(h);
	pcihp_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_remove_requests),
	    cmocka_unit_test(test_opposite_request_withdraws),
	    cmocka_unit_test(test_bad_slots),
	    cmocka_unit_test(test_eject),
	    cmocka_unit_test(test_bad_accesses),
	    cmocka_unit_test(test_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
