/* memory: what a command will need, held against what the machine has, so a
 * run too large for it is refused at once with both numbers named, not
 * killed by the kernel hours later. */
#ifndef TURNAROUND_MEMORY_H
#define TURNAROUND_MEMORY_H

#include <stddef.h>

#include "diag.h"

/* The memory this process may use: the limit set by memory_set_limit
 * (--max-memory), or else the kernel's estimate of available memory
 * (MemAvailable in /proc/meminfo), or else the physical memory. */
size_t memory_limit(void);

/* --max-memory TEXT: bytes, or a number with K, M, G or T (powers of 1024).
 * Returns -1 when TEXT is not such a size. */
int memory_set_limit(const char *text);

/* 0 when need bytes fit the limit; otherwise -1 with d filled, naming what
 * needs them (for example "a sector of 1000000000 staff"), the estimate and
 * the limit, and the option that raises it. need = SIZE_MAX means the count
 * itself overflowed. */
int memory_check(size_t need, const char *what, struct diag *d);

/* "1.5 GB" and the like, into buf. */
const char *memory_text(size_t bytes, char *buf, size_t len);

#endif
