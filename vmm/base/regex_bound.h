/* SPDX-License-Identifier: MIT */
/*
 * regex_bound.h - keep a user's POSIX extended regular expression (--expect)
 * small enough to compile.
 *
 * glibc's regcomp expands repetitions into copies of their atom: stacked
 * quantifiers double it each time ("logi++++++++++++++++++++++n:" took
 * 2.9 GiB and 8 s) and nested {m,n} bounds multiply. Before regcomp the
 * pattern is checked, purely:
 *   - at most REGEX_MAX_LEN bytes;
 *   - no quantifier directly on a quantified atom ("a++", "a*{2}", "a{2}?");
 *   - its expansion (each atom counted once per copy that a bound makes,
 *     "+" as two, alternatives added up) at most REGEX_MAX_WEIGHT;
 *   - no back-reference ("\1".."\9"): glibc matches those by
 *     backtracking, in time and memory exponential in the line
 *     ("(y*)*\1x" on a long line of y never ends).
 * That keeps a compile under about 10 MiB and a few milliseconds. A match
 * is not bounded so: glibc's matcher caches states as it reads, so a
 * counted repeat after an unbounded one of the same characters
 * ("[ab]*a[ab]{16}x") can take a second and megabytes per 4 KiB line of
 * the guest's; the README says so. Syntax
 * errors are left to regcomp.
 */
#ifndef TINYVMM_REGEX_BOUND_H
#define TINYVMM_REGEX_BOUND_H

#include <stddef.h>

#define REGEX_MAX_LEN	 256
#define REGEX_MAX_WEIGHT 1000

/* 0 when pattern is within bounds, else -E2BIG with why (why_len bytes) filled. */
int regex_bound_check(const char *pattern, char *why, size_t why_len);

#endif
