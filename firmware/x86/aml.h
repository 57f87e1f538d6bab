/* SPDX-License-Identifier: MIT */
/*
 * aml.h - a small AML (ACPI Machine Language) encoder.
 *
 * Enough of ACPI 6.3 chapter 20 and the resource descriptors of 6.4 to write
 * tinyvmm's DSDT: names, integers, strings, EISAID, Name, Scope, Device,
 * Method, Package, Buffer and ResourceTemplate with the IO, IRQNoFlags,
 * Word/DWord/QWord address-space descriptors and the EndTag.
 *
 * Usage: every emitter appends to one struct aml. Nested objects are opened
 * with aml_*_begin() and closed with aml_end() (innermost first); their
 * PkgLength is back-patched at aml_end() with the smallest of the 1-4 byte
 * encodings that fits. aml_*_begin() reserves the smallest encoding and
 * aml_end() moves the content up if it needs more, so the encoder never
 * needs more room than the final output: a buffer of exactly the measured
 * size is enough.
 *
 *	struct aml a;
 *	aml_init(&a, buf, len);
 *	aml_scope_begin(&a, "\\_SB");
 *	aml_device_begin(&a, "COM1");
 *	aml_name(&a, "_HID");
 *	aml_eisaid(&a, "PNP0501");
 *	aml_end(&a);		// Device
 *	aml_end(&a);		// Scope
 *	if (aml_finish(&a) < 0) ...	// -ENOSPC or -EINVAL
 *
 * Errors are sticky, so callers check once, at aml_finish():
 *  - overflow: a write did not fit in buf. Nothing is ever written at or past
 *    buf + len; the encoder keeps counting, so a.pos is still the size the
 *    output needs. aml_init(&a, NULL, 0) therefore measures without writing.
 *  - misuse: an invalid name, string or EISAID, an aml_end() with nothing
 *    open, nesting deeper than AML_MAX_DEPTH, more than 255 package
 *    elements, a PkgLength over 2^28 - 1, or a descriptor with min > max.
 * Once an error is set the buffer content is meaningless.
 */
#ifndef TINYVMM_AML_H
#define TINYVMM_AML_H

#include <sys/types.h>

#include "vmm/base/util.h"

#define AML_MAX_DEPTH  16
#define AML_PKGLEN_MAX 0x0fffffffU /* largest value a 4-byte PkgLength holds */

/* Opcodes and prefixes (ACPI 6.3 section 20.3) */
#define AML_ZERO_OP	      0x00
#define AML_ONE_OP	      0x01
#define AML_NAME_OP	      0x08
#define AML_BYTE_PREFIX	      0x0a
#define AML_WORD_PREFIX	      0x0b
#define AML_DWORD_PREFIX      0x0c
#define AML_STRING_PREFIX     0x0d
#define AML_QWORD_PREFIX      0x0e
#define AML_SCOPE_OP	      0x10
#define AML_BUFFER_OP	      0x11
#define AML_PACKAGE_OP	      0x12
#define AML_METHOD_OP	      0x14
#define AML_DUAL_NAME_PREFIX  0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX     0x5b
#define AML_DEVICE_OP	      0x82 /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR	      '\\'
#define AML_PARENT_PREFIX     '^'
#define AML_RETURN_OP	      0xa4
#define AML_ONES_OP	      0xff
#define AML_OPREGION_OP	      0x80 /* after AML_EXT_OP_PREFIX */
#define AML_FIELD_OP	      0x81 /* after AML_EXT_OP_PREFIX */
#define AML_LOCAL0_OP	      0x60 /* Local0-Local7: 0x60-0x67 */
#define AML_ARG0_OP	      0x68 /* Arg0-Arg6: 0x68-0x6e */
#define AML_STORE_OP	      0x70 /* Store (source, target) */
#define AML_SHIFT_LEFT_OP     0x79 /* ShiftLeft (value, count, target) */
#define AML_AND_OP	      0x7b /* And (a, b, target) */
#define AML_NOTIFY_OP	      0x86 /* Notify (object, value) */
#define AML_IF_OP	      0xa0 /* If (predicate) { ... } */
#define AML_NULL_NAME	      0x00 /* a target that is not stored */

/* OperationRegion spaces and Field flags (ACPI 6.3 sections 19.6.100, 19.6.48) */
#define AML_SPACE_SYSTEM_IO 1
#define AML_FIELD_DWORD_ACC 3 /* AccessType DWordAcc, NoLock, Preserve */

/* Resource descriptor tags (ACPI 6.3 section 6.4) */
#define AML_RES_IRQ_NOFLAGS 0x22 /* small IRQ descriptor, 2 bytes: mask */
#define AML_RES_IO	    0x47 /* small I/O port descriptor, 7 bytes */
#define AML_RES_END_TAG	    0x79 /* small end tag, 1 byte: checksum */
#define AML_RES_DWORD_ADDR  0x87
#define AML_RES_WORD_ADDR   0x88
#define AML_RES_QWORD_ADDR  0x8a
#define AML_RES_EXT_IRQ	    0x89 /* Interrupt (): the extended interrupt descriptor */

/* Address-space descriptor resource types and memory attributes */
#define AML_ADDR_MEMORY		0
#define AML_ADDR_IO		1
#define AML_ADDR_BUS		2
#define AML_MEM_NONCACHEABLE	0
#define AML_MEM_CACHEABLE	1
#define AML_MEM_WRITE_COMBINING 2
#define AML_MEM_PREFETCHABLE	3

struct aml {
	u8 *buf;
	size_t len;    /* capacity of buf */
	size_t pos;    /* bytes emitted, counted on past len after an overflow */
	bool overflow; /* something did not fit: aml_finish() gives -ENOSPC */
	bool invalid;  /* misuse (see above): aml_finish() gives -EINVAL */
	unsigned int depth;
	struct {
		size_t start; /* offset of the reserved PkgLength bytes */
		u8 kind;      /* private: package, buffer or plain */
	} open[AML_MAX_DEPTH];
};

/* Start encoding into buf[0..len). buf may be NULL with len 0 to measure. */
void aml_init(struct aml *a, void *buf, size_t len);
/* Bytes emitted (or needed, after an overflow), or -ENOSPC / -EINVAL. An
 * object still open at this point is misuse. */
ssize_t aml_finish(const struct aml *a);

/* Raw bytes: opcodes this header has no helper for. */
void aml_byte(struct aml *a, u8 b);
void aml_bytes(struct aml *a, const void *p, size_t n);

/*
 * PkgLength encoding of len (which counts the encoding's own bytes, as the
 * AML grammar does) into out[4]. Returns the number of bytes (1-4), or 0 if
 * len cannot be encoded (len > AML_PKGLEN_MAX, or len too small to hold its
 * own encoding). Exposed for tests.
 */
unsigned int aml_pkglen_encode(u32 len, u8 out[4]);

/*
 * Names. A NameSeg is 1-4 characters from [A-Z_] then [A-Z0-9_], padded to
 * four with '_'. A path is an optional '\' (root) or any number of '^'
 * (parent), then NameSegs separated by '.': "\\", "\\_SB.PCI0", "_HID",
 * "^^FOO". A bad name marks the encoder invalid.
 */
void aml_nameseg(struct aml *a, const char *seg);
void aml_namestring(struct aml *a, const char *path);

/* Integers: ZeroOp, OneOp, or the smallest Byte/Word/DWord/QWord prefix. */
void aml_integer(struct aml *a, u64 v);
/* String: ASCII 0x01-0x7f only, NUL-terminated in the AML. */
void aml_string(struct aml *a, const char *s);
/*
 * EISA id: three upper-case letters and four upper-case hex digits, e.g.
 * "PNP0A03" -> 0x030AD041. aml_eisaid_value() returns 0 and sets *v, or
 * -EINVAL; aml_eisaid() emits the value as an integer.
 */
int aml_eisaid_value(const char *id, u32 *v);
void aml_eisaid(struct aml *a, const char *id);

/* Name(path, <next object>): emit the value right after this call. */
void aml_name(struct aml *a, const char *path);

/* Nested objects, each closed by aml_end(). */
void aml_scope_begin(struct aml *a, const char *path);
void aml_device_begin(struct aml *a, const char *path);
void aml_method_begin(struct aml *a, const char *path, unsigned int nargs, bool serialized);
/* Package with exactly nelems (0-255) elements, emitted before aml_end(). */
void aml_package_begin(struct aml *a, unsigned int nelems);
/* Buffer whose size (an integer before the bytes) is filled in by aml_end(). */
void aml_buffer_begin(struct aml *a);
void aml_end(struct aml *a);

/* If (<predicate emitted next>) { <terms> }, closed by aml_end(). */
void aml_if_begin(struct aml *a);

/* OperationRegion (name, space, offset, len) */
void aml_opregion(struct aml *a, const char *name, u8 space, u64 offset, u64 len);
/*
 * Field (region, flags) { units }: aml_field_begin(), then aml_field_unit()
 * for each named unit of 1-63 bits in order, then aml_end().
 */
void aml_field_begin(struct aml *a, const char *region, u8 flags);
void aml_field_unit(struct aml *a, const char *name, unsigned int bits);

/* Notify (path, value) */
void aml_notify(struct aml *a, const char *path, u64 value);

/*
 * ResourceTemplate: a Buffer of resource descriptors. aml_restemplate_end()
 * adds the EndTag (checksum 0: "no checksum") and closes the Buffer; it is
 * misuse if the innermost open object is not a Buffer.
 */
void aml_restemplate_begin(struct aml *a);
void aml_restemplate_end(struct aml *a);

/* IO (Decode16, min, max, align, len) */
void aml_res_io(struct aml *a, u16 min, u16 max, u8 align, u8 len);
/* IRQNoFlags () { irq }: edge-triggered, active-high, exclusive; irq 0-15 */
void aml_res_irq_noflags(struct aml *a, unsigned int irq);
/*
 * Interrupt (ResourceConsumer, Edge or Level, ActiveHigh or ActiveLow,
 * Exclusive) { gsi }: the extended interrupt descriptor with one interrupt.
 */
void aml_res_interrupt(struct aml *a, u32 gsi, bool edge, bool active_low);
/*
 * Producer address-space descriptors with fixed min and max (MinFixed,
 * MaxFixed, PosDecode), granularity 0, no translation; the length is
 * max - min + 1.
 */
void aml_res_word_bus(struct aml *a, u16 min, u16 max);
void aml_res_word_io(struct aml *a, u16 min, u16 max); /* EntireRange */
/* mem_type: AML_MEM_*; rw: ReadWrite (else ReadOnly) */
void aml_res_dword_mem(struct aml *a, u32 min, u32 max, unsigned int mem_type, bool rw);
void aml_res_qword_mem(struct aml *a, u64 min, u64 max, unsigned int mem_type, bool rw);

#endif
