// SPDX-License-Identifier: MIT
/* main.c - placeholder until the core lands: prints usage. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: tinyvmm --kernel bzImage [--mem MiB]\n");
		return 0;
	}
	fprintf(stderr, "tinyvmm: not implemented yet\n");
	return 64;
}
