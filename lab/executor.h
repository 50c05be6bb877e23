/* executor: a batch of independent tasks, run in this process, in worker
 * processes (--jobs N) or over MPI ranks, their results taken in task order
 * whatever the parallelism, so that what the caller writes from them is the
 * same bytes for any number of workers.
 *
 * The caller builds each task's payload (what a worker needs beyond the shared
 * context), a worker runs it into a result, and the caller takes the results
 * in order. Tasks are handed out as workers free up, since tasks differ in
 * length; results that arrive early wait in a ring of bounded size, so memory
 * stays flat however many tasks there are. */
#ifndef TURNAROUND_EXECUTOR_H
#define TURNAROUND_EXECUTOR_H

#include <stddef.h>

#include "diag.h"
#include "signal_flag.h"

/* The most bytes a payload or a result may have: 1 MiB (a sweep's run with
 * its monthly series is a few kilobytes). */
#define EXECUTOR_BLOCK_MAX ((size_t)1 << 20)

struct executor_batch {
    size_t first, total;          /* run tasks first .. total - 1 */
    size_t payload_size;          /* 0: tasks carry nothing but their number */
    size_t result_size;
    /* In the caller: the payload of task (may be NULL when payload_size is 0). */
    void (*payload)(void *sink, size_t task, void *payload);
    /* In a worker: run task into result. Must touch nothing shared. */
    void (*run)(const void *ctx, size_t task, const void *payload, void *result);
    /* In the caller, in task order. Returns 0, or -1 with d filled to stop
     * (a write error, a failed run under --stop-on-error). */
    int (*take)(void *sink, size_t task, const void *result, struct diag *d);
    /* In the caller after each take, when not NULL: tasks taken so far. */
    void (*progress)(void *sink, size_t taken);
    const void *ctx;
    void *sink;
    int jobs;                     /* worker processes; 1 runs every task here */
};

/* Run tasks first .. total - 1 of b. Returns 0 when every one was taken, or
 * -1 with d filled: EXIT_INTERRUPTED when *stop was set (the tasks taken so
 * far are the first ones, in order), take's own error, or EXIT_INPUT when a
 * worker could not start or died. */
int executor_run(const struct executor_batch *b, const signal_flag *stop, struct diag *d);

#ifdef TURNAROUND_MPI
/* Whether this program runs over more than one MPI rank, and this rank's number. */
int executor_mpi_ranks(void);
int executor_mpi_rank(void);

/* On a rank other than 0: run the tasks rank 0 hands out, with b's run, ctx
 * and sizes, until rank 0 calls executor_mpi_finish. */
void executor_mpi_serve(const struct executor_batch *b);

/* On rank 0: tell every other rank there are no more tasks. */
void executor_mpi_finish(void);
#endif

#endif
