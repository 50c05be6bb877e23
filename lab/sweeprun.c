/* sweeprun: running a sweep into its folder, in parallel, over shards and MPI. */
#include "sweep_impl.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"
#include "folder.h"
#include "results.h"
#include "series.h"

/* config.cfg of a sweep: the scenario's resolved parameters, and what --set
 * changed as "# set:" lines, which the charts name in their titles. */
static char *resolved_config(const struct sweep *sw, const struct sweep_options *o)
{
    return settings_resolved_text("the sweep in sweep.cfg", o->sets, o->n_sets, &sw->base.p);
}

/* ---- progress ------------------------------------------------------------- */

struct progress {
    int quiet, tty;
    double start, last;
    size_t first;   /* runs already done when this invocation began */
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void report(struct progress *pr, size_t done, size_t total, int final)
{
    if (pr->quiet)
        return;
    double t = now();
    if (!final && t - pr->last < (pr->tty ? 0.25 : 5.0))
        return;
    pr->last = t;
    double rate = (double)(done - pr->first) / (t - pr->start > 1e-9 ? t - pr->start : 1e-9);
    double left = rate > 0 ? (double)(total - done) / rate : 0.0;
    fprintf(stderr, "%s%zu of %zu runs, %.1f runs/s, %.0f s left%s", pr->tty ? "\r" : "", done, total, rate, left,
            pr->tty && !final ? "   " : "\n");
}

/* ---- running -------------------------------------------------------------- */

/* The executor's view of a sweep: each task is a run of this shard, its
 * payload the run's number in the whole sweep. */
struct sweep_job {
    const struct sweep *sw;
    const struct sweep_options *o;
    FILE *runs;
    FILE *series;   /* NULL unless the sweep writes series */
    struct progress *pr;
    size_t total;
};

static void job_payload(void *sink, size_t task, void *payload)
{
    const struct sweep_job *j = sink;
    size_t run = sweep_global_run(j->o, task);
    memcpy(payload, &run, sizeof run);
}

static void job_run(const void *ctx, size_t task, const void *payload, void *result)
{
    (void)task;
    size_t run;
    memcpy(&run, payload, sizeof run);
    const struct sweep *sw = ctx;
    sweep_run_one(sw, run, result, sw->series ? (float *)((unsigned char *)result + sizeof(struct outcome)) : NULL);
}

static int job_take(void *sink, size_t task, const void *result, struct diag *d)
{
    (void)task;
    const struct sweep_job *j = sink;
    const struct outcome *out = result;
    /* The series first: series.csv never holds fewer runs than runs.csv. */
    if (j->series && series_write_run(j->sw, j->series, out->run, out->failed,
                                      (const float *)((const unsigned char *)result + sizeof *out)))
        return diag_fail(d, EXIT_INPUT, "cannot write run %zu to %s/series.csv: %s; the runs before it are kept, and "
                         "--resume continues once there is room", out->run, j->o->out, strerror(errno));
    if (sweep_write_line(j->sw, j->runs, out))
        return diag_fail(d, EXIT_INPUT, "cannot write run %zu to %s/runs.csv: %s; the runs before it are kept, and "
                         "--resume continues once there is room", out->run, j->o->out, strerror(errno));
    if (out->failed && j->o->stop_on_error)
        return diag_fail(d, EXIT_INPUT, "run %zu failed: %s (--stop-on-error; see the error column of runs.csv)",
                         out->run, out->error);
    return 0;
}

static void job_progress(void *sink, size_t taken)
{
    const struct sweep_job *j = sink;
    report(j->pr, j->pr->first + taken, j->total, 0);
}

static struct executor_batch sweep_batch(struct sweep_job *j, size_t next)
{
    struct executor_batch b = { 0 };
    b.first = next;
    b.total = j->total;
    b.payload_size = sizeof(size_t);
    b.result_size = sizeof(struct outcome) + series_floats(j->sw) * sizeof(float);
    b.payload = job_payload;
    b.run = job_run;
    b.take = job_take;
    b.progress = job_progress;
    b.ctx = j->sw;
    b.sink = j;
    b.jobs = j->o ? j->o->jobs : 1;
    return b;
}

#ifdef TURNAROUND_MPI
#include <mpi.h>

/* Rank 0 tells the other ranks whether there is a sweep to run. */
static void mpi_go(int go)
{
    if (executor_mpi_ranks() > 1)
        MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
}

void sweep_serve(const struct sweep *sw)
{
    int go = 0;
    MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!go)
        return;
    struct sweep_job j = { sw, NULL, NULL, NULL, NULL, 0 };
    struct executor_batch b = sweep_batch(&j, 0);
    executor_mpi_serve(&b);
}
#else
static void mpi_go(int go)
{
    (void)go;
}
#endif

static int sweep_run_locked(const struct sweep *sw, const struct sweep_options *o, const signal_flag *stop,
                            struct diag *d)
{
    const char *dir = o->out;
    char marker[1200], runs_path[1200], series_path[1200], path[1200];
    snprintf(marker, sizeof marker, "%s/.incomplete", dir);
    snprintf(runs_path, sizeof runs_path, "%s/runs.csv", dir);
    snprintf(series_path, sizeof series_path, "%s/series.csv", dir);
    char *config = resolved_config(sw, o);
    if (!config) {
        mpi_go(0);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    size_t next = 0;
    int rc = 0;
    if (o->resume && results_exists(dir)) {
        snprintf(path, sizeof path, "%s/config.cfg", dir);
        char *old = NULL;
        FILE *f = fopen(path, "r");
        if (f) {
            old = calloc(1, strlen(config) + 2);
            if (old && fread(old, 1, strlen(config) + 1, f) != strlen(config))
                old[0] = '\0';
            fclose(f);
        }
        long done = 0;
        snprintf(path, sizeof path, "%s/sweep.cfg", dir);
        f = fopen(path, "r");
        char sweep_text[sizeof sw->text];
        size_t n = f ? fread(sweep_text, 1, sizeof sweep_text - 1, f) : 0;
        if (f)
            fclose(f);
        sweep_text[n] = '\0';
        if (!old || strcmp(old, config) != 0 || strcmp(sweep_text, sw->text) != 0)
            rc = diag_fail(d, EXIT_INPUT, "'%s' holds a different sweep (or none); --force starts this one afresh", dir);
        free(old);
        if (!rc)
            rc = sweep_resume_check_shard(sw, o, dir, d);
        if (!rc && (done = sweep_verify_runs(sw, o, runs_path, d)) < 0)
            rc = -1;
        if (!rc && sw->series && series_verify(sw, o, series_path, done, d))
            rc = -1;
        if (!rc && !results_exists(marker) && (size_t)done == sweep_local_total(sw, o)) {
            free(config);
            mpi_go(0);
            return 0;   /* already complete */
        }
        next = rc ? 0 : (size_t)done;
    } else {
        if (results_exists(dir) && !o->force)
            rc = diag_fail(d, EXIT_INPUT, "results folder '%s' already exists; --resume continues its sweep, --force replaces it",
                           dir);
        /* Forced, the old folder was set aside by sweep_run: dir is free.
         * The new folder is made whole beside it and renamed into place, so
         * a kill leaves either no folder or one --resume can continue. */
        char made[FOLDER_PATH_MAX], made_runs[FOLDER_PATH_MAX + 16];
        int created = 0;
        folder_remove_stale(dir, "creating");
        if (!rc && folder_beside(dir, "creating", made, sizeof made) != 0)
            rc = diag_fail(d, EXIT_INPUT, "'%s': path too long", dir);
        if (!rc && (results_make_parents(made) != 0 || mkdir(made, 0777) != 0))
            rc = diag_fail(d, EXIT_INPUT, "cannot create '%s': %s", dir, strerror(errno));
        else if (!rc)
            created = 1;
        if (!rc)
            rc = folder_mark(made, "sweep", d);
        if (!rc)
            rc = sweep_write_file(made, ".incomplete", "a sweep is running or was interrupted; --resume continues it\n", d);
        if (!rc)
            rc = sweep_write_file(made, "config.cfg", config, d);
        if (!rc)
            rc = sweep_write_file(made, "sweep.cfg", sw->text, d);
        if (!rc) {
            char info[200];
            snprintf(info, sizeof info, "runs,shard,shards\n%zu,%d,%d\n", sweep_runs_total(sw), o->shard, o->shards);
            rc = sweep_write_file(made, "sweep-info.csv", info, d);
        }
        snprintf(made_runs, sizeof made_runs, "%s/runs.csv", made);
        if (!rc) {
            FILE *f = fopen(made_runs, "w");
            if (f)
                sweep_write_header(sw, f);
            if (!f || sweep_close_checked(f) != 0)
                rc = diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", runs_path, strerror(errno));
        }
        if (!rc && sw->series) {
            char made_series[FOLDER_PATH_MAX + 16];
            snprintf(made_series, sizeof made_series, "%s/series.csv", made);
            FILE *f = fopen(made_series, "w");
            if (f)
                series_write_header(f);
            if (!f || sweep_close_checked(f) != 0)
                rc = diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", series_path, strerror(errno));
        }
        if (!rc && (folder_sync(made) != 0 || rename(made, dir) != 0))
            rc = diag_fail(d, EXIT_INPUT, "cannot create '%s': %s", dir, strerror(errno));
        /* A folder that never held a run is no sweep to resume: not left. */
        if (rc && created)
            folder_remove_tree(made);
    }
    free(config);
    FILE *runs = rc ? NULL : fopen(runs_path, "a");
    FILE *series = rc || !runs || !sw->series ? NULL : fopen(series_path, "a");
    mpi_go(runs != NULL && (series != NULL || !sw->series));
    if (rc)
        return -1;
    if (!runs || (sw->series && !series)) {
        if (runs)
            fclose(runs);
        return diag_fail(d, EXIT_INPUT, "cannot write '%s'", runs ? series_path : runs_path);
    }
    struct progress pr = { o->quiet, isatty(STDERR_FILENO), now(), 0.0, next };
    struct sweep_job job = { sw, o, runs, series, &pr, sweep_local_total(sw, o) };
    struct executor_batch batch = sweep_batch(&job, next);
    rc = executor_run(&batch, stop, d);
#ifdef TURNAROUND_MPI
    if (executor_mpi_ranks() > 1)
        executor_mpi_finish();
#endif
    if (series && sweep_close_checked(series) != 0 && !rc)
        rc = diag_fail(d, EXIT_INPUT, "error writing '%s' (disk full?)", series_path);
    if (fclose(runs) != 0 && !rc)
        rc = diag_fail(d, EXIT_INPUT, "error writing '%s' (disk full?)", runs_path);
    if (rc)
        return -1;
    report(&pr, sweep_local_total(sw, o), sweep_local_total(sw, o), 1);
    if (sweep_write_design(sw, dir, d))
        return -1;
    if (o->shards == 1 && sweep_write_analysis(sw, dir, d))
        return -1;
    remove(marker);
    return 0;
}

/* The folder's lock for the whole sweep; and with --force the old folder set
 * aside (never deleted first): dropped once the new sweep is complete, put
 * back if it fails or is interrupted. */
int sweep_run(const struct sweep *sw, const struct sweep_options *o, const signal_flag *stop, struct diag *d)
{
    struct folder_lock lk;
    char aside[FOLDER_PATH_MAX];
    if (folder_start(o->out, o->force, o->resume, o->quiet, "sweep", &lk, aside, sizeof aside, d)) {
        mpi_go(0);
        return -1;
    }
    int rc = sweep_run_locked(sw, o, stop, d);
    folder_finish(rc, o->out, "sweep", &lk, aside, d);
    return rc;
}
