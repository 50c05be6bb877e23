/* turnaround-bench: speed and memory of the model core, for `make bench`.
 *
 * One pass of every measure, each printed as a line "name value unit";
 * scripts/bench runs this program and the previous version's, interleaved,
 * and prints the medians, their ratios and issue 13's targets. Times are CPU
 * time of the calling thread, except the two-thread sector's (_2t: wall time,
 * world_alloc_threads with 2). An agent-step is one staff member through one
 * month, timed over world_step alone (allocation timed apart); bytes per
 * staff agent is everything the world allocates divided by its staff.
 *   turnaround-bench [--quick] [--big] [--sectors]
 * --quick: fewer months and no sweep; --big: also the bytes of a 10,000 x
 * 1,000 sector; --sectors: the sectors alone (no capability decision, no
 * sweep). Built in build/bench (BENCH_TIMERS=1) it also prints the CPU
 * time of each phase of world_step per agent-step. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#ifdef TURNAROUND_BENCH_TIMERS
#include "bench_timers.h"
#endif
#include "params.h"
#include "sweep.h"
#include "rng.h"
#include "world.h"

/* The stop flag that the library's calls take: a base built from git before
 * the flags became atomics (0.5.3) takes a volatile sig_atomic_t. */
#ifdef TURNAROUND_SIGNAL_FLAG_H
typedef signal_flag bench_flag;
#else
typedef volatile sig_atomic_t bench_flag;
#endif


static double clock_seconds(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU time of this thread: what the model costs, whatever else the machine runs. */
static double cpu(void)
{
    return clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

/* Wall time, for the sweeps (their work is in child processes). */
static double now(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

static void put(const char *name, double value, const char *unit)
{
    printf("%-28s %12.4g %s\n", name, value, unit);
    fflush(stdout);
}

/* A sector of orgs organisations of staff members each, stepped months
 * months, reps replications: its allocation cost per member, its rate and
 * its bytes per member, printed under the name tag. With the bench timers,
 * also each phase's CPU time per agent-step. Returns 0, or -1 when memory
 * runs out. */
static int sector(const char *tag, int orgs, int staff, int months, int reps, int threads)
{
    struct params p;
    params_default(&p);
    if (orgs > 0) {
        p.sector_orgs = orgs;
        p.org_staff = staff;
    }
    p.run_months = months;
    double steps = 0.0, step_secs = 0.0, init_secs = 0.0, members = 0.0, bytes = 0.0;
#ifdef TURNAROUND_BENCH_TIMERS
    bench_timers_reset();
#endif
    for (int rep = 0; rep < reps; rep++) {
        /* One thread: its CPU time; more: wall time, the threads' work together. */
        double (*clock)(void) = threads > 1 ? now : cpu;
        double t0 = clock();
#ifdef WORLD_MAX_THREADS
        static const bench_flag never;
        world *w = world_alloc_threads(&p, rng_rep_seed((uint64_t)p.run_seed, (uint64_t)rep), &never, threads);
#else   /* a base version without threads (make bench builds this driver against it) */
        if (threads > 1)
            return 0;
        world *w = world_alloc(&p, rng_rep_seed((uint64_t)p.run_seed, (uint64_t)rep));
#endif
        init_secs += clock() - t0;
        if (!w)
            return -1;
        members += (double)world_staff(w);
        bytes = (double)world_bytes(w) / (double)world_staff(w);
        t0 = clock();
        for (int month = 0; month < months; month++)
            world_step(w);
        step_secs += clock() - t0;
        steps += (double)world_staff(w) * months;
        world_free(w);
    }
    char name[100];
    snprintf(name, sizeof name, "init_ns_%s", tag);
    put(name, 1e9 * init_secs / members, "ns/member");
    snprintf(name, sizeof name, "bytes_%s", tag);
    put(name, bytes, "bytes/staff");
    if (months > 0) {
        snprintf(name, sizeof name, "rate_%s", tag);
        put(name, steps / step_secs, "agent-steps/s");
#ifdef TURNAROUND_BENCH_TIMERS
        for (int t = 0; threads == 1 && t < BENCH_FORECAST; t++) {   /* the timers see the calling thread only */
            snprintf(name, sizeof name, "phase_%s_%s", bench_timer_name((enum bench_timer)t), tag);
            put(name, (double)bench_timer_ns((enum bench_timer)t) / steps, "ns/agent-step");
        }
#endif
    }
    return 0;
}

/* The cost of one capability decision: intervention.forecasts forecasts of
 * intervention.forecast_months each, for a default-sized organisation. Timed
 * by running the same sector with the capability test on and off, over reps
 * replications. */
static double capability_decision_seconds(int reps)
{
    struct params p;
    params_default(&p);
    const int forecasts = p.intervention_forecasts;
    p.run_months = 120;
    snprintf(p.focal_name, sizeof p.focal_name, "focal");
    p.focal_code_correct = 0.45;
    p.focal_code_wrong = 0.35;
    p.focal_openness = 0.15;
    p.focal_outward = 0.05;
    snprintf(p.intervention_applies_to, sizeof p.intervention_applies_to, "focal");
    snprintf(p.intervention_schedule, sizeof p.intervention_schedule, "retained_ownership");
    snprintf(p.intervention_exit, sizeof p.intervention_exit, "capability");
    p.intervention_forecast_share = 1.0;   /* every forecast must succeed: checks go on until it is capable */
    p.intervention_max_months = 1200;
    double elapsed[2] = { 0.0, 0.0 };
    int decisions = 0;
    for (int k = 0; k < reps; k++)
        for (int on = 0; on < 2; on++) {
            p.intervention_forecasts = on ? forecasts : 0;
            world *w = world_alloc(&p, rng_rep_seed(7, (uint64_t)k));
            if (!w)
                return 0.0;
            double t0 = cpu();
            for (int month = 0; month < p.run_months; month++)
                world_step(w);
            elapsed[on] += cpu() - t0;
            struct org_intervention iv;
            world_intervention(w, 0, &iv);
            int end = iv.exit_month >= 0 ? iv.exit_month : p.run_months;
            if (on && iv.started && end - iv.start_month >= p.intervention_min_months)
                decisions += 1 + (end - iv.start_month - p.intervention_min_months) / p.intervention_check_every;
            world_free(w);
        }
    return decisions > 0 ? (elapsed[1] - elapsed[0]) / decisions : 0.0;
}

/* Sweep throughput (runs a second of wall time) with jobs worker processes,
 * on a grid of 240 runs of a small sector; 0 when it fails. */
static double sweep_rate(int jobs, size_t *runs)
{
    char dir[] = "/tmp/turnaround-bench-XXXXXX";
    if (!mkdtemp(dir))
        return 0.0;
    char file[200], out[200], cmd[300];
    snprintf(file, sizeof file, "%s/bench.cfg", dir);
    FILE *f = fopen(file, "w");
    if (!f)
        return 0.0;
    fputs("sweep = { scenario = \"configs/default.cfg\"; reps = 10; strategies = [\"none\", \"takeover\"];\n"
          "  vary = ( { param = \"sector.turbulence\"; values = [0.006, 0.012, 0.018]; },\n"
          "           { param = \"peers.decay\"; values = [0.02, 0.04, 0.06, 0.08]; } ); };\n",
          f);
    fclose(f);
    static const char *const sets[] = { "sector.orgs=10", "run.months=60" };
    static bench_flag never;
    struct sweep_options o = { 0 };
    o.jobs = jobs;
    o.quiet = 1;
    o.force = 1;
    o.shard = o.shards = 1;
    o.sets = sets;
    o.n_sets = 2;
    snprintf(out, sizeof out, "%s/out", dir);
    o.out = out;
    static struct sweep sw;
    struct diag d = { 0 };
    double rate = 0.0;
    if (sweep_load(&sw, file, &o, &d)) {
        fprintf(stderr, "bench: %s\n", d.msg);
    } else {
        *runs = sw.n_points * sw.reps * sw.n_strategies;
        double t0 = now();
        int rc = sweep_run(&sw, &o, &never, &d);
        rate = rc ? 0.0 : (double)*runs / (now() - t0);
        sweep_free(&sw);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
    return rate;
}

int main(int argc, char **argv)
{
    int quick = 0, big = 0, sectors = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--big") == 0)
            big = 1;
        else if (strcmp(argv[i], "--sectors") == 0)
            sectors = 1;
        else {
            fprintf(stderr, "usage: turnaround-bench [--quick] [--big] [--sectors]\n");
            return 2;
        }
    }
    printf("# turnaround-bench %s: one pass, CPU time of one thread\n", TURNAROUND_VERSION);
    const int months = quick ? 3 : 12;
    if (sector("default", 0, 0, 120, quick ? 2 : 10, 1)          /* 30 x 60, the default sector */
        || sector("1000x1000", 1000, 1000, months, 1, 1)       /* issue 13's replication */
        || sector("1000x1000_2t", 1000, 1000, months, 1, 2)    /* the same in two threads, wall time */
        || sector("100000x10", 100000, 10, months, 1, 1)       /* the same staff in small organisations */
        || sector("10000x100", 10000, 100, 0, 1, 1)
        || (big && sector("10000x1000", 10000, 1000, 0, 1, 1))) {
        fprintf(stderr, "bench: out of memory\n");
        return 1;
    }
    if (!sectors)
        put("capability_decision", capability_decision_seconds(quick ? 1 : 3), "s/decision");
    if (!quick && !sectors) {
        size_t runs = 0;
        put("sweep_1_job", sweep_rate(1, &runs), "runs/s");
        put("sweep_2_jobs", sweep_rate(2, &runs), "runs/s");
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    put("peak_rss", (double)ru.ru_maxrss / 1024.0, "MiB");
    return 0;
}
