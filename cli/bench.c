/* turnaround-bench: speed and memory of the model core, for `make bench`.
 *
 * Agent-steps per second counts one staff member through one month, timed over
 * world_step alone (allocation excluded), the median of several repeats. Bytes
 * per staff agent is everything the world allocates divided by its staff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "params.h"
#include "sweep.h"
#include "rng.h"
#include "world.h"

#define REPEATS 5

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct measure {
    double rate;          /* agent-steps per second, median */
    double bytes_per;     /* bytes the world allocates per staff member */
    size_t staff;
};

static int bench(const struct params *p, int reps, struct measure *m)
{
    double rates[REPEATS];
    for (int k = 0; k < REPEATS; k++) {
        double steps = 0.0, secs = 0.0;
        for (int rep = 0; rep < reps; rep++) {
            world *w = world_alloc(p, rng_rep_seed((uint64_t)p->run_seed, (uint64_t)rep));
            if (!w)
                return -1;
            double t0 = now();
            for (int month = 0; month < p->run_months; month++)
                world_step(w);
            secs += now() - t0;
            steps += (double)world_staff(w) * p->run_months;
            m->bytes_per = (double)world_bytes(w) / (double)world_staff(w);
            m->staff = world_staff(w);
            world_free(w);
        }
        rates[k] = steps / secs;
    }
    qsort(rates, REPEATS, sizeof rates[0], cmp_double);
    m->rate = rates[REPEATS / 2];
    return 0;
}

static void report(const char *name, const struct measure *m)
{
    printf("%-34s %10zu staff  %12.3g agent-steps/s  %6.1f bytes/staff agent\n", name, m->staff, m->rate,
           m->bytes_per);
}

/* The cost of one capability decision: intervention.forecasts forecasts of
 * intervention.forecast_months each, for a default-sized organisation. Timed
 * by running the same sector with the capability test on and off. */
static double capability_decision_seconds(void)
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
    p.intervention_forecast_share = 2.0;   /* never passes: every check runs in full */
    p.intervention_max_months = 1200;
    double secs[REPEATS];
    for (int k = 0; k < REPEATS; k++) {
        double elapsed[2];
        int decisions = 0;
        for (int on = 0; on < 2; on++) {
            p.intervention_forecasts = on ? forecasts : 0;
            world *w = world_alloc(&p, rng_rep_seed(7, (uint64_t)k));
            double t0 = now();
            for (int month = 0; month < p.run_months; month++)
                world_step(w);
            elapsed[on] = now() - t0;
            struct org_intervention iv;
            world_intervention(w, 0, &iv);
            if (on && iv.started)
                decisions = 1 + (p.run_months - iv.start_month - p.intervention_min_months) / p.intervention_check_every;
            world_free(w);
        }
        secs[k] = decisions > 0 ? (elapsed[1] - elapsed[0]) / decisions : 0.0;
    }
    qsort(secs, REPEATS, sizeof secs[0], cmp_double);
    return secs[REPEATS / 2];
}

/* Sweep throughput (runs a second) with jobs worker processes, median of
 * REPEATS, on a grid of 240 runs of a small sector. */
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
    double rates[REPEATS];
    static volatile sig_atomic_t never;
    for (int k = 0; k < REPEATS; k++) {
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
        if (sweep_load(&sw, file, &o, &d)) {
            fprintf(stderr, "bench: %s\n", d.msg);
            return 0.0;
        }
        *runs = sw.n_points * sw.reps * sw.n_strategies;
        double t0 = now();
        int rc = sweep_run(&sw, &o, &never, &d);
        rates[k] = rc ? 0.0 : (double)*runs / (now() - t0);
        sweep_free(&sw);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
    qsort(rates, REPEATS, sizeof rates[0], cmp_double);
    return rates[REPEATS / 2];
}

int main(void)
{
    struct params p;
    struct measure m;
    params_default(&p);
    printf("turnaround-bench %s: median of %d repeats, one core\n", TURNAROUND_VERSION, REPEATS);

    if (bench(&p, 10, &m))
        return 1;
    report("default sector (10 reps x 120 mo)", &m);

    p.sector_orgs = 10000;
    p.org_staff = 100;
    p.run_months = 12;
    if (bench(&p, 1, &m))
        return 1;
    report("large sector (1 rep x 12 mo)", &m);

    struct params d;
    params_default(&d);
    printf("capability decision (%d forecasts x %d months, %d staff)  %10.3g s per decision\n",
           d.intervention_forecasts, d.intervention_forecast_months, d.org_staff, capability_decision_seconds());

    size_t runs = 0;
    double one = sweep_rate(1, &runs), two = sweep_rate(2, &runs);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("sweep, %zu runs (10 organisations x 60 months)   %10.3g runs/s with 1 job, %.3g with 2: efficiency %.0f%%\n",
           runs, one, two, one > 0 ? 100.0 * two / (2.0 * one) : 0.0);
    for (int jobs = 4; jobs <= 16 && jobs <= cores; jobs *= 2) {
        double many = sweep_rate(jobs, &runs);
        printf("sweep with %2d jobs                                %10.3g runs/s: efficiency %.0f%%\n", jobs, many,
               one > 0 ? 100.0 * many / ((double)jobs * one) : 0.0);
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident memory %.1f MiB (%.1f bytes per large-sector staff agent)\n", (double)ru.ru_maxrss / 1024.0,
           (double)ru.ru_maxrss * 1024.0 / (double)m.staff);
    return 0;
}
