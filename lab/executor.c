#include "executor.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A message between caller and worker: the task's number, then its payload
 * (to a worker) or its result (back). */
struct message {
    size_t task;
    unsigned char block[];   /* as large as b's payload or result, whichever is larger */
};

static size_t message_bytes(const struct executor_batch *b)
{
    return sizeof(struct message) + (b->payload_size > b->result_size ? b->payload_size : b->result_size);
}

/* A message for b's tasks, zeroed; NULL when memory runs out. */
static struct message *message_new(const struct executor_batch *b)
{
    return calloc(1, message_bytes(b));
}

#define NO_MORE_TASKS ((size_t)-1)

/* Results that arrive before their turn wait here, by task, until every
 * earlier one is taken. Tasks are handed out only while they fit. */
struct ring {
    unsigned char *slots;
    char *have;
    size_t cap, size, next;   /* next: the task to take next */
};

static int ring_init(struct ring *q, size_t cap, size_t size, size_t next)
{
    q->slots = calloc(cap, size ? size : 1);
    q->have = calloc(cap, 1);
    q->cap = cap;
    q->size = size;
    q->next = next;
    return q->slots && q->have ? 0 : -1;
}

static void ring_free(struct ring *q)
{
    free(q->slots);
    free(q->have);
}

static int ring_fits(const struct ring *q, size_t task)
{
    return task < q->next + q->cap;
}

/* Keep the result of task, then take every result now in order. */
static int ring_put(struct ring *q, const struct executor_batch *b, size_t task, const void *result, struct diag *d)
{
    size_t slot = task % q->cap;
    memcpy(q->slots + slot * q->size, result, q->size);
    q->have[slot] = 1;
    while (q->have[q->next % q->cap]) {
        slot = q->next % q->cap;
        q->have[slot] = 0;
        if (b->take(b->sink, q->next, q->slots + slot * q->size, d))
            return -1;
        q->next++;
        if (b->progress)
            b->progress(b->sink, q->next - b->first);
    }
    return 0;
}

static int interrupted(size_t taken, size_t total, struct diag *d)
{
    return diag_fail(d, EXIT_INTERRUPTED, "interrupted after %zu of %zu runs; --resume continues", taken, total);
}

static int run_here(const struct executor_batch *b, const signal_flag *stop, struct diag *d)
{
    struct message *m = message_new(b), *result = message_new(b);
    int rc = m && result ? 0 : diag_fail(d, EXIT_INPUT, "out of memory");
    for (size_t task = b->first; task < b->total && !rc; task++) {
        if (*stop) {
            rc = interrupted(task, b->total, d);
            break;
        }
        if (b->payload)
            b->payload(b->sink, task, m->block);
        b->run(b->ctx, task, m->block, result->block);
        if (b->take(b->sink, task, result->block, d))
            rc = -1;
        else if (b->progress)
            b->progress(b->sink, task + 1 - b->first);
    }
    free(m);
    free(result);
    return rc;
}

/* ---- worker processes ------------------------------------------------------ */

static int write_all(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* 1 when n bytes were read, 0 at the end of the stream before any, -1 otherwise. */
static int read_all(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return got == 0 && k == 0 ? 0 : -1;
        got += (size_t)k;
    }
    return 1;
}

struct worker {
    pid_t pid;
    int task, result;   /* the caller's ends of the pipes */
    int busy;
};

static void worker_loop(const struct executor_batch *b, int task, int result)
{
    signal(SIGINT, SIG_IGN);   /* the caller decides when to stop; a task in hand is finished */
    signal(SIGTERM, SIG_IGN);
    struct message *in = message_new(b), *out = message_new(b);
    if (!in || !out)
        _exit(1);   /* the caller sees the worker die */
    while (read_all(task, in, sizeof in->task + b->payload_size) == 1) {
        out->task = in->task;
        b->run(b->ctx, in->task, in->block, out->block);
        if (write_all(result, out, sizeof out->task + b->result_size))
            break;
    }
    _exit(0);
}

static int start_workers(const struct executor_batch *b, struct worker *w, size_t jobs, struct diag *d)
{
    fflush(NULL);
    for (size_t k = 0; k < jobs; k++) {
        int t[2], r[2];
        if (pipe(t))
            return diag_fail(d, EXIT_INPUT, "cannot start workers: %s", strerror(errno));
        if (pipe(r)) {
            close(t[0]);
            close(t[1]);
            return diag_fail(d, EXIT_INPUT, "cannot start workers: %s", strerror(errno));
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(t[0]);
            close(t[1]);
            close(r[0]);
            close(r[1]);
            return diag_fail(d, EXIT_INPUT, "cannot start workers: %s", strerror(errno));
        }
        if (pid == 0) {
            close(t[1]);
            close(r[0]);
            for (size_t j = 0; j < k; j++) {
                close(w[j].task);
                close(w[j].result);
            }
            worker_loop(b, t[0], r[1]);
        }
        close(t[0]);
        close(r[1]);
        w[k] = (struct worker){ pid, t[1], r[0], 0 };
    }
    return 0;
}

static void stop_workers(struct worker *w, size_t jobs)
{
    for (size_t k = 0; k < jobs; k++) {
        if (!w[k].pid)
            continue;
        close(w[k].task);
        close(w[k].result);
        waitpid(w[k].pid, NULL, 0);
    }
}

static int run_workers(const struct executor_batch *b, const signal_flag *stop, struct diag *d)
{
    size_t jobs = (size_t)b->jobs, next = b->first;
    struct worker *w = calloc(jobs, sizeof *w);
    struct ring q = { 0 };
    struct message *m = message_new(b);
    if (!w || !m || ring_init(&q, 16 * jobs, b->result_size, b->first)) {
        free(w);
        free(m);
        ring_free(&q);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    int rc = start_workers(b, w, jobs, d);
    int died = 0, stopped = rc != 0;
    for (;;) {
        for (size_t k = 0; k < jobs && !*stop && !stopped && !died; k++)
            if (w[k].pid && !w[k].busy && next < b->total && ring_fits(&q, next)) {
                m->task = next;
                if (b->payload)
                    b->payload(b->sink, next, m->block);
                if (write_all(w[k].task, m, sizeof m->task + b->payload_size)) {
                    died = 1;
                    break;
                }
                w[k].busy = 1;
                next++;
            }
        struct pollfd fds[64];
        size_t map[64], n = 0;
        for (size_t k = 0; k < jobs && n < 64; k++)
            if (w[k].busy) {
                fds[n] = (struct pollfd){ w[k].result, POLLIN, 0 };
                map[n++] = k;
            }
        if (n == 0)
            break;
        if (poll(fds, (nfds_t)n, 200) <= 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            size_t k = map[i];
            w[k].busy = 0;
            if (read_all(w[k].result, m, sizeof m->task + b->result_size) != 1) {
                died = 1;
                continue;
            }
            if (!stopped && ring_put(&q, b, m->task, m->block, d)) {
                stopped = 1;
                rc = -1;
            }
        }
    }
    stop_workers(w, jobs);
    free(w);
    free(m);
    size_t taken = q.next;
    ring_free(&q);
    if (rc)
        return -1;
    if (died)
        return diag_fail(d, EXIT_INPUT, "a worker died; %zu runs are on disk, --resume continues", taken);
    if (taken < b->total)
        return interrupted(taken, b->total, d);
    return 0;
}

/* ---- MPI ranks --------------------------------------------------------------
 * Rank 0 hands out tasks as the other ranks ask for more (tasks differ in
 * length) and takes the results in order, as worker processes do. */
#ifdef TURNAROUND_MPI
#include <mpi.h>

enum { TAG_TASK = 1, TAG_RESULT = 2 };

int executor_mpi_ranks(void)
{
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int executor_mpi_rank(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

static int run_ranks(const struct executor_batch *b, const signal_flag *stop, struct diag *d)
{
    const int ranks = executor_mpi_ranks();
    size_t next = b->first, busy = 0, n_idle = 0;
    struct ring q = { 0 };
    int *idle = calloc((size_t)ranks, sizeof *idle);
    struct message *m = message_new(b);
    if (!idle || !m || ring_init(&q, 16 * (size_t)ranks, b->result_size, b->first)) {
        free(idle);
        free(m);
        ring_free(&q);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    for (int k = 1; k < ranks; k++)
        idle[n_idle++] = k;
    int rc = 0;
    for (;;) {
        while (n_idle > 0 && !*stop && !rc && next < b->total && ring_fits(&q, next)) {
            m->task = next;
            if (b->payload)
                b->payload(b->sink, next, m->block);
            MPI_Send(m, (int)(sizeof m->task + b->payload_size), MPI_BYTE, idle[--n_idle], TAG_TASK, MPI_COMM_WORLD);
            next++;
            busy++;
        }
        if (busy == 0)
            break;
        MPI_Status st;
        MPI_Recv(m, (int)message_bytes(b), MPI_BYTE, MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &st);
        busy--;
        idle[n_idle++] = st.MPI_SOURCE;
        if (!rc && ring_put(&q, b, m->task, m->block, d))
            rc = -1;
    }
    free(idle);
    free(m);
    size_t taken = q.next;
    ring_free(&q);
    if (rc)
        return -1;
    return taken < b->total ? interrupted(taken, b->total, d) : 0;
}

void executor_mpi_serve(const struct executor_batch *b)
{
    struct message *in = message_new(b), *out = message_new(b);
    if (!in || !out)
        MPI_Abort(MPI_COMM_WORLD, 1);   /* out of memory on a rank: the whole job stops, loudly */
    for (;;) {
        MPI_Recv(in, (int)message_bytes(b), MPI_BYTE, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (in->task == NO_MORE_TASKS)
            break;
        out->task = in->task;
        b->run(b->ctx, in->task, in->block, out->block);
        MPI_Send(out, (int)(sizeof out->task + b->result_size), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
    free(in);
    free(out);
}

void executor_mpi_finish(void)
{
    size_t none = NO_MORE_TASKS;
    for (int k = 1; k < executor_mpi_ranks(); k++)
        MPI_Send(&none, (int)sizeof none, MPI_BYTE, k, TAG_TASK, MPI_COMM_WORLD);
}
#endif

int executor_run(const struct executor_batch *b, const signal_flag *stop, struct diag *d)
{
    if (b->payload_size > EXECUTOR_BLOCK_MAX || b->result_size > EXECUTOR_BLOCK_MAX || b->result_size == 0)
        return diag_fail(d, EXIT_INPUT, "internal error: executor blocks of %zu and %zu bytes", b->payload_size,
                         b->result_size);
    if (b->first >= b->total)
        return 0;
#ifdef TURNAROUND_MPI
    if (executor_mpi_ranks() > 1)
        return run_ranks(b, stop, d);
#endif
    return b->jobs > 1 ? run_workers(b, stop, d) : run_here(b, stop, d);
}
