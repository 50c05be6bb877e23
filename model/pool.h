/* pool: threads that step a world's organisations in parallel.
 *
 * pool_run splits the items 0..n-1 into one contiguous block per thread, in
 * order (block t: n t / T to n (t + 1) / T), runs block 0 in the calling
 * thread and the others on the pool's threads, and returns when all are done.
 * Each item is one organisation and touches only its own state and its own
 * random streams, so what a phase computes does not depend on the number of
 * threads or their timing (tests/test_model.c checks 1, 2 and 4 threads give
 * the same bits). */
#ifndef TURNAROUND_POOL_H
#define TURNAROUND_POOL_H

#include <stddef.h>

struct pool;

typedef void pool_fn(void *ctx, size_t begin, size_t end, int thread);

/* A pool of threads - 1 helpers beside the caller, 2 <= threads <= 64; NULL
 * when a thread cannot be started (having stopped those it started). */
struct pool *pool_new(int threads);
void pool_free(struct pool *pl);
int pool_threads(const struct pool *pl);

/* Thread t's block of n items: [*begin, *end). */
void pool_block(const struct pool *pl, size_t n, int t, size_t *begin, size_t *end);

/* fn(ctx, begin, end, t) for each thread t's block of 0..n-1. pl NULL: all of
 * it in the caller as thread 0. */
void pool_run(struct pool *pl, size_t n, pool_fn *fn, void *ctx);

#endif
