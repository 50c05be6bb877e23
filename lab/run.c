#include "run.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checked.h"
#include "csv.h"
#include "memory.h"
#include "outcome.h"
#include "rng.h"
#include "schedule.h"
#include "settings.h"
#include "stats.h"
#include "takeaway.h"
#include "world.h"

/* The measures kept per organisation and month, in column order. */
enum measure { M_QUALITY, M_PERCEIVED, M_INSULARITY, M_VOICE, M_TURNOVER, M_INADEQUATE, M_CODE, M_MARCH, MEASURES };
static const char *const measure_names[MEASURES] = {
    "quality", "perceived_quality", "insularity", "voice", "turnover", "inadequate", "code_knowledge",
    "march_knowledge",
};

/* Failure-aligned means run from this many months before a failure to after it. */
#define BEFORE_FAILURE 60
#define AFTER_FAILURE 36
#define ALIGNED (BEFORE_FAILURE + AFTER_FAILURE + 1)

struct record {
    float m[MEASURES];
    float measured;   /* NaN when not inspected that month */
    uint8_t rating;
};


struct run {
    const struct arm *arms;
    int n_arms;
    const struct params *p;    /* the arm being run */
    const char *strategy;      /* its name, the schedule's text */
    size_t orgs, months;       /* months counts month 0 */
    struct record *rec;        /* [org * months + month], one replication */
    struct record *sector;     /* [month] */
    size_t series;             /* 1, or 2 with a focal organisation */
    struct running *mean;      /* [((arm * series + s) * months + month) * MEASURES + k] */
    struct running *aligned;   /* [(arm * ALIGNED + offset) * MEASURES + k] */
    struct result *results;
    size_t n_results, cap_results;
    FILE *traj, *sector_f, *summary, *reps, *net_orgs, *net_ties;
};

/* A number, or nothing where it does not apply (NaN). */
static void csv_number(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.6g", v);
}

static void org_label(FILE *f, const struct params *p, size_t org)
{
    if (org == 0 && p->focal_name[0])
        csv_text(f, p->focal_name);
    else
        fprintf(f, "org%zu", org);
}

static void record_month(struct record *rec, struct record *sector, size_t orgs, size_t months, const world *w,
                         size_t month)
{
    struct record *sec = &sector[month];
    memset(sec, 0, sizeof *sec);
    for (size_t i = 0; i < orgs; i++) {
        const struct org_obs *ob = world_obs(w, i);
        struct record *rc = &rec[i * months + month];
        rc->m[M_QUALITY] = (float)ob->quality;
        rc->m[M_PERCEIVED] = (float)ob->perceived;
        rc->m[M_INSULARITY] = (float)ob->insularity;
        rc->m[M_VOICE] = (float)ob->voice;
        rc->m[M_TURNOVER] = (float)ob->turnover;
        rc->m[M_INADEQUATE] = ob->rating == RATING_INADEQUATE;
        rc->m[M_CODE] = (float)ob->code_knowledge;
        rc->m[M_MARCH] = (float)ob->march_knowledge;
        rc->measured = (float)ob->measured;
        rc->rating = (uint8_t)ob->rating;
        for (int k = 0; k < MEASURES; k++)
            sec->m[k] += rc->m[k];
    }
    for (int k = 0; k < MEASURES; k++)
        if (k != M_INADEQUATE)   /* a count: how many are failing at once */
            sec->m[k] /= (float)orgs;
}

/* An organisation's month: one row of trajectories.csv. */
static void write_row(struct run *r, int rep, size_t month, size_t org, const struct record *rc)
{
    FILE *f = r->traj;
    csv_text(f, r->strategy);
    fprintf(f, ",%d,%zu,", rep, month);
    org_label(f, r->p, org);
    for (int k = 0; k < M_INADEQUATE; k++)
        fprintf(f, ",%.6f", rc->m[k]);
    fprintf(f, ",%s,", rating_name(rc->rating));
    if (!isnan(rc->measured))
        fprintf(f, "%.6f", rc->measured);
    fprintf(f, ",%d,%.6f,%.6f\n", (int)rc->m[M_INADEQUATE], rc->m[M_CODE], rc->m[M_MARCH]);
}

/* The sector's month: one row of sector.csv, means over the organisations
 * but for the count of those rated inadequate. */
static void write_sector_row(struct run *r, int rep, size_t month, const struct record *rc)
{
    FILE *f = r->sector_f;
    csv_text(f, r->strategy);
    fprintf(f, ",%d,%zu", rep, month);
    for (int k = 0; k < M_INADEQUATE; k++)
        fprintf(f, ",%.6f", rc->m[k]);
    fprintf(f, ",%d,%.6f,%.6f\n", (int)rc->m[M_INADEQUATE], rc->m[M_CODE], rc->m[M_MARCH]);
}

static int reported(const struct params *p, const world *w, size_t org)
{
    return (org == 0 && p->focal_name[0]) || world_history(w, org)->month_failed >= 0;
}

/* Mean true quality of org over months [from, from + n), or NaN when the run
 * does not cover them all. */
static double mean_quality(const struct run *r, size_t org, long from, long n)
{
    if (from < 0 || from + n > (long)r->months)
        return NAN;
    double s = 0.0;
    for (long m = from; m < from + n; m++)
        s += r->rec[org * r->months + (size_t)m].m[M_QUALITY];
    return s / (double)n;
}

static int add_result(struct run *r, const struct result *res)
{
    if (r->n_results == r->cap_results) {
        size_t cap = r->cap_results ? 2 * r->cap_results : 256;
        struct result *bigger = realloc(r->results, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        r->results = bigger;
        r->cap_results = cap;
    }
    r->results[r->n_results++] = *res;
    return 0;
}

/* The outcomes of org's intervention (lab/outcome.c), in summary.csv's order;
 * NaN where they do not apply. */
static void outcomes(const struct org_intervention *iv, int control, int last, int window, double *v)
{
    struct org_outcome oc;
    outcome_of(iv, control, last, window, &oc);
    for (int k = 0; k < OUTCOMES; k++)
        v[k] = NAN;
    v[O_MONTHS_TO_GOOD] = oc.months_to_good;
    v[O_RELAPSED] = oc.relapsed;
    v[O_MONTHS_TO_RELAPSE] = oc.months_to_relapse;
    v[O_MONTHS_UNDER] = oc.months_under;
    v[O_COMMISSIONER] = oc.commissioner_months;
    v[O_INTERIM] = oc.interim_months;
    v[O_PEER_DAYS] = oc.peer_review_days;
}

/* The sector of replication 0: every organisation's rating and insularity
 * month by month, and the peer ties as they stand at the end. */
static void write_network(struct run *r, const world *w)
{
    for (size_t m = 0; m < r->months; m++)
        for (size_t i = 0; i < r->orgs; i++) {
            const struct record *rc = &r->rec[i * r->months + m];
            csv_text(r->net_orgs, r->strategy);
            fprintf(r->net_orgs, ",%zu,", m);
            org_label(r->net_orgs, r->p, i);
            fprintf(r->net_orgs, ",%zu,%s,%.6f\n", i, rating_name(rc->rating), rc->m[M_INSULARITY]);
        }
    for (size_t i = 0; i < r->orgs; i++) {
        const uint32_t *peer;
        const double *strength;
        size_t n = world_ties(w, i, &peer, &strength);
        for (size_t t = 0; t < n; t++) {
            csv_text(r->net_ties, r->strategy);
            fprintf(r->net_ties, ",%zu,%u,%.6f\n", i, peer[t], strength[t]);
        }
    }
}

static int write_replication(struct run *r, int arm, int rep, uint64_t seed, const world *w)
{
    const struct params *p = r->p;
    int control = schedule_is_control(p->intervention_schedule);
    for (size_t m = 0; m < r->months; m++) {
        write_sector_row(r, rep, m, &r->sector[m]);
        for (size_t i = 0; i < r->orgs; i++)
            if (reported(p, w, i))
                write_row(r, rep, m, i, &r->rec[i * r->months + m]);
    }

    int failed = 0, worst = 0;
    for (size_t m = 0; m < r->months; m++)
        if ((int)r->sector[m].m[M_INADEQUATE] > worst)
            worst = (int)r->sector[m].m[M_INADEQUATE];
    long after = p->intervention_after_months;
    for (size_t i = 0; i < r->orgs; i++) {
        const struct org_history *h = world_history(w, i);
        if (h->month_failed < 0)
            continue;
        failed++;
        struct org_intervention iv;
        world_intervention(w, i, &iv);
        struct result res = { arm, rep, i, { 0 } };
        outcomes(&iv, control, (int)r->months - 1, p->intervention_after_months, res.v);
        if (!control && iv.exit_month >= 0)
            res.v[O_QUALITY_AFTER_EXIT] = mean_quality(r, i, iv.exit_month, after);
        res.v[O_LATE_QUALITY] = mean_quality(r, i, (long)r->months - after, after);
        if (iv.started && add_result(r, &res))
            return -1;
        if (!iv.started)   /* failed, but never intervened in: only the late quality applies */
            for (int k = 0; k < OUTCOMES; k++)
                if (k != O_LATE_QUALITY)
                    res.v[k] = NAN;

        const struct record *at = &r->rec[i * r->months + (size_t)h->month_failed];
        FILE *f = r->summary;
        csv_text(f, r->strategy);
        fprintf(f, ",%d,", rep);
        org_label(f, p, i);
        fprintf(f, ",%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%d,", h->month_failed, h->months_inadequate,
                h->min_quality, h->gap_at_failure, at->m[M_QUALITY], at->m[M_PERCEIVED], at->m[M_INSULARITY],
                at->m[M_VOICE], iv.started);
        csv_number(f, iv.started ? (double)iv.start_month : NAN);
        for (int k = 0; k < OUTCOMES; k++) {
            fputc(',', f);
            csv_number(f, res.v[k]);
        }
        fputc(',', f);
        csv_number(f, iv.exit_month >= 0 ? (double)iv.exit_month : NAN);
        fputc('\n', f);

        for (long off = -BEFORE_FAILURE; off <= AFTER_FAILURE; off++) {
            long m = h->month_failed + off;
            if (m < 0 || m >= (long)r->months)
                continue;
            const struct record *rc = &r->rec[i * r->months + (size_t)m];
            for (int k = 0; k < MEASURES; k++)
                stats_add(&r->aligned[((size_t)arm * ALIGNED + (size_t)(off + BEFORE_FAILURE)) * MEASURES + (size_t)k],
                          rc->m[k]);
        }
    }
    if (rep == 0)
        write_network(r, w);
    csv_text(r->reps, r->strategy);
    fprintf(r->reps, ",%d,%llu,%d,%d,%.6f\n", rep, (unsigned long long)seed, failed, worst,
            r->sector[r->months - 1].m[M_QUALITY]);

    for (size_t m = 0; m < r->months; m++)
        for (int k = 0; k < MEASURES; k++) {
            double sec = r->sector[m].m[k];
            if (k == M_INADEQUATE)
                sec /= (double)r->orgs;
            size_t base = (size_t)arm * r->series;
            stats_add(&r->mean[((base * r->months) + m) * MEASURES + (size_t)k], sec);
            if (r->series > 1)
                stats_add(&r->mean[(((base + 1) * r->months) + m) * MEASURES + (size_t)k], r->rec[m].m[k]);
        }
    return 0;
}

static void write_measure_header(FILE *f)
{
    for (int k = 0; k < MEASURES; k++)
        fprintf(f, ",%s,%s_lo,%s_hi", measure_names[k], measure_names[k], measure_names[k]);
    fputc('\n', f);
}

static void write_means(FILE *f, const struct run *r)
{
    fputs("strategy,month,org,n", f);
    write_measure_header(f);
    for (int a = 0; a < r->n_arms; a++)
        for (size_t s = 0; s < r->series; s++)
            for (size_t m = 0; m < r->months; m++) {
                const struct running *row = &r->mean[((((size_t)a * r->series) + s) * r->months + m) * MEASURES];
                csv_text(f, r->arms[a].p.intervention_schedule);
                fprintf(f, ",%zu,", m);
                if (s == 0)
                    fputs("sector", f);
                else
                    org_label(f, &r->arms[a].p, 0);
                fprintf(f, ",%.0f", row[0].n);
                for (int k = 0; k < MEASURES; k++) {
                    fputc(',', f);
                    stats_write(f, &row[k], k == M_MARCH ? -1.0 : 0.0, 1.0);
                }
                fputc('\n', f);
            }
}

static void write_aligned(FILE *f, const struct run *r)
{
    fputs("strategy,months_from_failure,n", f);
    write_measure_header(f);
    for (int a = 0; a < r->n_arms; a++)
        for (long off = -BEFORE_FAILURE; off <= AFTER_FAILURE; off++) {
            const struct running *row = &r->aligned[((size_t)a * ALIGNED + (size_t)(off + BEFORE_FAILURE)) * MEASURES];
            if (row[0].n < 1.0)
                continue;
            csv_text(f, r->arms[a].p.intervention_schedule);
            fprintf(f, ",%ld,%.0f", off, row[0].n);
            for (int k = 0; k < MEASURES; k++) {
                fputc(',', f);
                stats_write(f, &row[k], k == M_MARCH ? -1.0 : 0.0, 1.0);
            }
            fputc('\n', f);
        }
}

static int by_rep_org(const void *x, const void *y)
{
    const struct result *a = x, *b = y;
    if (a->rep != b->rep)
        return a->rep < b->rep ? -1 : 1;
    return (a->org > b->org) - (a->org < b->org);
}

/* Per arm and outcome: the mean with its 95% interval, and the mean paired
 * difference against the control arm ("none") over the replications and
 * organisations both arms intervened in, with its 95% interval; intervals
 * within the outcome's range (Wilson's for shares), four digits. */
static void write_comparison(FILE *f, const struct run *r)
{
    int control = -1;
    for (int a = 0; a < r->n_arms; a++)
        if (schedule_is_control(r->arms[a].p.intervention_schedule))
            control = a;
    size_t n_ctl = 0;
    struct result *ctl = malloc((r->n_results ? r->n_results : 1) * sizeof *ctl);
    for (size_t i = 0; ctl && i < r->n_results; i++)
        if (r->results[i].arm == control)
            ctl[n_ctl++] = r->results[i];
    if (ctl)
        qsort(ctl, n_ctl, sizeof *ctl, by_rep_org);

    fputs("strategy,outcome,n,mean,lo,hi,pairs,diff_vs_none,diff_lo,diff_hi\n", f);
    for (int a = 0; a < r->n_arms; a++)
        for (int k = 0; k < OUTCOMES; k++) {
            struct running level = { 0 }, diff = { 0 };
            for (size_t i = 0; i < r->n_results; i++) {
                const struct result *res = &r->results[i];
                if (res->arm != a || isnan(res->v[k]))
                    continue;
                stats_add(&level, res->v[k]);
                const struct result *twin = ctl ? bsearch(res, ctl, n_ctl, sizeof *ctl, by_rep_org) : NULL;
                if (twin && !isnan(twin->v[k]))
                    stats_add(&diff, res->v[k] - twin->v[k]);
            }
            double range = outcome_max[k] - outcome_min[k];
            csv_text(f, r->arms[a].p.intervention_schedule);
            fprintf(f, ",%s,%.0f,", outcome_names[k], level.n);
            stats_write_bounded(f, &level, outcome_min[k], outcome_max[k], outcome_share[k]);
            fprintf(f, ",%.0f,", diff.n);
            stats_write_bounded(f, &diff, -range, range, 0);
            fputc('\n', f);
        }
    free(ctl);
}

static void write_pairs(FILE *f, const struct run *r)
{
    struct takeaway t = { r->arms, r->n_arms, r->arms[0].p.run_reps, r->results, r->n_results };
    takeaway_pairs(f, &t);
}

static void write_takeaways(FILE *f, const struct run *r)
{
    struct takeaway t = { r->arms, r->n_arms, r->arms[0].p.run_reps, r->results, r->n_results };
    takeaway_sentences(f, &t);
}

static void write_outcomes(FILE *f, const struct run *r)
{
    struct takeaway t = { r->arms, r->n_arms, r->arms[0].p.run_reps, r->results, r->n_results };
    takeaway_write(f, &t);
}

static int write_config(const struct params *p, struct results *res, struct diag *d)
{
    FILE *f = results_open(res, "config.cfg", d);
    if (!f)
        return -1;
    fprintf(f, "# turnaround %s: the resolved parameters of this run.\n"
               "# 'turnaround run THIS_FILE' reproduces its results to the byte\n"
               "# ('turnaround compare THIS_FILE' for a comparison).\n\n",
            TURNAROUND_VERSION);
    settings_write(f, p);
    return results_close(res, f, "config.cfg", d);
}

static void progress(int quiet, int rep, int reps)
{
    if (!quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "\rreplication %d of %d", rep + 1, reps);
}

static void run_free(struct run *r)
{
    free(r->rec);
    free(r->sector);
    free(r->mean);
    free(r->aligned);
    free(r->results);
}

static int close_all(struct run *r, struct results *res, struct diag *d)
{
    int rc = 0;
    if (r->traj && results_close(res, r->traj, "trajectories.csv", d))
        rc = -1;
    if (r->sector_f && results_close(res, r->sector_f, "sector.csv", d))
        rc = -1;
    if (r->summary && results_close(res, r->summary, "summary.csv", d))
        rc = -1;
    if (r->reps && results_close(res, r->reps, "replications.csv", d))
        rc = -1;
    if (r->net_orgs && results_close(res, r->net_orgs, "network_orgs.csv", d))
        rc = -1;
    if (r->net_ties && results_close(res, r->net_ties, "network_ties.csv", d))
        rc = -1;
    r->traj = r->sector_f = r->summary = r->reps = r->net_orgs = r->net_ties = NULL;
    return rc;
}

static int write_table(struct results *res, const char *name, void (*fn)(FILE *, const struct run *),
                       const struct run *r, struct diag *d)
{
    FILE *f = results_open(res, name, d);
    if (!f)
        return -1;
    fn(f, r);
    return results_close(res, f, name, d);
}

static int open_all(struct run *r, struct results *res, struct diag *d)
{
    r->traj = results_open(res, "trajectories.csv", d);
    r->sector_f = r->traj ? results_open(res, "sector.csv", d) : NULL;
    r->summary = r->sector_f ? results_open(res, "summary.csv", d) : NULL;
    r->reps = r->summary ? results_open(res, "replications.csv", d) : NULL;
    r->net_orgs = r->reps ? results_open(res, "network_orgs.csv", d) : NULL;
    r->net_ties = r->net_orgs ? results_open(res, "network_ties.csv", d) : NULL;
    if (!r->net_ties)
        return -1;
    fputs("strategy,month,org,index,rating,insularity\n", r->net_orgs);
    fputs("strategy,index,peer,strength\n", r->net_ties);
    fputs("strategy,rep,month,org,quality,perceived_quality,insularity,voice,turnover,rating,measured_quality,"
          "inadequate,code_knowledge,march_knowledge\n",
          r->traj);
    fputs("strategy,rep,month,quality,perceived_quality,insularity,voice,turnover,orgs_inadequate,code_knowledge,"
          "march_knowledge\n",
          r->sector_f);
    fputs("strategy,rep,org,month_failed,months_inadequate,min_quality,perception_gap_at_failure,quality_at_failure,"
          "perceived_quality_at_failure,insularity_at_failure,voice_at_failure,intervened,start_month",
          r->summary);
    for (int k = 0; k < OUTCOMES; k++)
        fprintf(r->summary, ",%s", outcome_names[k]);
    fputs(",exit_month\n", r->summary);
    fputs("strategy,rep,seed,orgs_failed,most_inadequate_at_once,final_sector_quality\n", r->reps);
    return 0;
}

/* One replication of one arm: simulated by a worker thread (or in place),
 * then written by the caller, replication after replication, so the output
 * is the same whatever the number of threads. */
struct unit {
    const struct params *p;
    uint64_t seed;
    size_t orgs, months, series, arm;
    struct record *rec, *sector;   /* the unit's own buffers */
    world *w;                      /* kept for the writing, then freed */
    const struct run_watch *watch; /* only in place, for the first replication */
    const signal_flag *stop;
    int failed;                    /* 1: out of memory, 2: interrupted */
    int threads;                   /* the world's own, stepping its organisations */
    pthread_t thread;
};

static void *unit_run(void *arg)
{
    struct unit *u = arg;
    u->failed = 0;
    u->w = world_alloc_threads(u->p, u->seed, u->stop, u->threads);
    if (!u->w) {
        u->failed = *u->stop ? 2 : 1;
        return NULL;
    }
    for (size_t m = 0; m < u->months; m++) {
        if (m > 0) {
            if (*u->stop) {
                u->failed = 2;
                return NULL;
            }
            world_step(u->w);
        }
        record_month(u->rec, u->sector, u->orgs, u->months, u->w, m);
        if (u->watch) {   /* the live view: the focal organisation, else the sector */
            const struct record *rc = u->series > 1 ? &u->rec[m] : &u->sector[m];
            u->watch->month(u->watch->ctx, u->arm, (int)m, rc->m[M_QUALITY], rc->m[M_PERCEIVED]);
        }
    }
    return NULL;
}

/* What run_arms will hold at once: slots replications in flight, each a
 * world and its month-by-month record, and the means of every arm. */
static int run_memory_check(const struct arm *arms, int n_arms, size_t slots, struct diag *d)
{
    const struct params *p = &arms[0].p;
    size_t need = 0, one = 0, rec, mean, orgs = (size_t)p->sector_orgs, months = (size_t)p->run_months + 1;
    for (int a = 0; a < n_arms; a++) {
        size_t w = world_estimate_bytes(&arms[a].p);
        one = w > one ? w : one;
    }
    int bad = one == SIZE_MAX || checked_mul3(orgs, months, sizeof(struct record), &rec)
              || checked_add(rec, months * sizeof(struct record), &rec) || checked_add(rec, one, &rec)
              || checked_mul(rec, slots, &need)
              || checked_mul3((size_t)n_arms * 2, months, MEASURES * sizeof(double), &mean)
              || checked_add(need, mean, &need);
    char what[200];
    size_t staff = (size_t)p->org_staff * (orgs - (p->focal_name[0] ? 1 : 0)) + (p->focal_name[0] ? (size_t)p->focal_staff : 0);
    snprintf(what, sizeof what, "%zu replication%s at once of %zu organisations and %zu staff over %zu months",
             slots, slots == 1 ? "" : "s", orgs, staff, months - 1);
    return memory_check(bad ? SIZE_MAX : need, what, d);
}

int run_arms(const struct arm *arms, int n_arms, struct results *res, int quiet, int jobs, int threads,
             const signal_flag *stop, const struct run_watch *watch, struct diag *d)
{
    const struct params *p0 = &arms[0].p;
    struct run r = { 0 };
    r.arms = arms;
    r.n_arms = n_arms;
    r.orgs = (size_t)p0->sector_orgs;
    r.months = (size_t)p0->run_months + 1;
    r.series = p0->focal_name[0] ? 2 : 1;
    const size_t slots = jobs > 1 ? (size_t)jobs : 1;
    if (run_memory_check(arms, n_arms, slots, d))
        return -1;
    r.mean = calloc((size_t)n_arms * r.series * r.months * MEASURES, sizeof *r.mean);
    r.aligned = calloc((size_t)n_arms * ALIGNED * MEASURES, sizeof *r.aligned);
    if (!r.mean || !r.aligned) {
        run_free(&r);
        return diag_fail(d, EXIT_INPUT, "out of memory for %zu organisations over %zu months", r.orgs, r.months);
    }
    if (write_config(p0, res, d) || open_all(&r, res, d)) {
        close_all(&r, res, d);
        run_free(&r);
        return -1;
    }

    int rc = 0;
    const size_t units = (size_t)p0->run_reps * (size_t)n_arms;
    struct unit *slot = calloc(slots, sizeof *slot);
    for (size_t k = 0; slot && k < slots; k++) {
        slot[k].rec = malloc(r.orgs * r.months * sizeof *slot[k].rec);
        slot[k].sector = malloc(r.months * sizeof *slot[k].sector);
        if (!slot[k].rec || !slot[k].sector)
            rc = diag_fail(d, EXIT_INPUT, "out of memory for %zu organisations over %zu months", r.orgs, r.months);
    }
    if (!slot)
        rc = diag_fail(d, EXIT_INPUT, "out of memory");
    size_t dispatched = 0;
    for (size_t u = 0; u < units && !rc; u++) {
        /* Keep every slot busy with the next units, in order. */
        for (; dispatched < units && dispatched < u + slots; dispatched++) {
            struct unit *t = &slot[dispatched % slots];
            size_t rep = dispatched / (size_t)n_arms, a = dispatched % (size_t)n_arms;
            t->p = &arms[a].p;
            t->seed = rng_rep_seed((uint64_t)p0->run_seed, rep);   /* every arm the same: common random numbers */
            t->orgs = r.orgs;
            t->months = r.months;
            t->series = r.series;
            t->arm = a;
            t->stop = stop;
            t->threads = threads;
            t->watch = rep == 0 && slots == 1 ? watch : NULL;
            if (slots > 1 && pthread_create(&t->thread, NULL, unit_run, t) != 0) {
                t->failed = 1;
                t->w = NULL;
            }
        }
        struct unit *t = &slot[u % slots];
        size_t rep = u / (size_t)n_arms, a = u % (size_t)n_arms;
        if (slots > 1)
            pthread_join(t->thread, NULL);
        else
            unit_run(t);
        if (a == 0)
            progress(quiet, (int)rep, p0->run_reps);
        if (t->failed == 1)
            rc = diag_fail(d, EXIT_INPUT, "out of memory for a sector of %d organisations", t->p->sector_orgs);
        else if (t->failed == 2)
            rc = diag_fail(d, EXIT_INTERRUPTED, "interrupted; no results written");
        else {
            r.p = t->p;
            r.strategy = t->p->intervention_schedule;
            r.rec = t->rec;
            r.sector = t->sector;
            if (write_replication(&r, (int)a, (int)rep, t->seed, t->w))
                rc = diag_fail(d, EXIT_INPUT, "out of memory for the outcomes");
        }
        world_free(t->w);
        t->w = NULL;
        if (rc)   /* let the units still running finish, and free them */
            for (size_t v = u + 1; v < dispatched; v++) {
                if (slots > 1)
                    pthread_join(slot[v % slots].thread, NULL);
                world_free(slot[v % slots].w);
                slot[v % slots].w = NULL;
            }
    }
    r.rec = r.sector = NULL;
    for (size_t k = 0; slot && k < slots; k++) {
        free(slot[k].rec);
        free(slot[k].sector);
    }
    free(slot);
    if (!quiet && isatty(STDERR_FILENO))
        fputc('\n', stderr);
    if (close_all(&r, res, d))
        rc = -1;
    if (!rc)
        rc = write_table(res, "means.csv", write_means, &r, d);
    if (!rc)
        rc = write_table(res, "failures.csv", write_aligned, &r, d);
    if (!rc && n_arms > 1)
        rc = write_table(res, "comparison.csv", write_comparison, &r, d);
    if (!rc && n_arms > 1)
        rc = write_table(res, "pairs.csv", write_pairs, &r, d);
    if (!rc && n_arms > 1)
        rc = write_table(res, "takeaways.txt", write_takeaways, &r, d);
    if (!rc)
        rc = write_table(res, "outcomes.txt", write_outcomes, &r, d);
    if (!rc && !quiet) {
        write_outcomes(stdout, &r);
        fputc('\n', stdout);
    }
    run_free(&r);
    return rc;
}

int run_parse_arms(const struct params *base, const char *list, struct arm *arms, int max, struct diag *d)
{
    char text[4096];
    if (strcmp(list, "all") == 0) {
        size_t n = (size_t)snprintf(text, sizeof text, "none");
        for (int s = 0; s < STRATEGIES; s++)
            n += (size_t)snprintf(text + n, sizeof text - n, "; %s", strategy_name((enum strategy)s));
    } else {
        snprintf(text, sizeof text, "%s", list);
    }
    int n = 0;
    for (char *save = NULL, *arm = strtok_r(text, ";", &save); arm; arm = strtok_r(NULL, ";", &save)) {
        while (*arm == ' ')
            arm++;
        size_t len = strlen(arm);
        while (len > 0 && arm[len - 1] == ' ')
            arm[--len] = '\0';
        if (n == max)
            return diag_fail(d, EXIT_INPUT, "at most %d strategies in one comparison", max);
        struct schedule s;
        char why[400];
        if (schedule_parse(arm, &s, why, sizeof why))
            return diag_fail(d, EXIT_INPUT, "strategy %d ('%s'): %s", n + 1, arm, why);
        if (strlen(arm) >= PARAMS_STRING_MAX)
            return diag_fail(d, EXIT_INPUT, "strategy %d is longer than %d characters", n + 1, PARAMS_STRING_MAX - 1);
        arms[n].p = *base;
        snprintf(arms[n].p.intervention_schedule, PARAMS_STRING_MAX, "%s", arm);
        n++;
    }
    if (n == 0)
        return diag_fail(d, EXIT_INPUT, "expected at least one strategy, found none");
    return n;
}
