/* merge: the shards of a sweep (sweep --shard K/N) joined into one results
 * folder, as if the sweep had run in one piece. */
#ifndef TURNAROUND_MERGE_H
#define TURNAROUND_MERGE_H

#include <stddef.h>

#include "diag.h"

int merge_shards(const char *const *parts, size_t n, const char *out, int force, struct diag *d);

#endif
