#include "run.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rng.h"
#include "settings.h"
#include "stats.h"
#include "world.h"

/* The measures kept per organisation and month, in column order. */
enum measure { M_QUALITY, M_PERCEIVED, M_INSULARITY, M_VOICE, M_TURNOVER, M_INADEQUATE, M_CODE, MEASURES };
static const char *const measure_names[MEASURES] = {
    "quality", "perceived_quality", "insularity", "voice", "turnover", "inadequate", "code_knowledge",
};

/* Failure-aligned means run from this many months before a failure to after it. */
#define BEFORE_FAILURE 60
#define AFTER_FAILURE 36

struct record {
    float m[MEASURES];
    float measured;   /* NaN when not inspected that month */
    uint8_t rating;
};

struct run {
    const struct params *p;
    size_t orgs, months;       /* months counts month 0 */
    struct record *rec;        /* [org * months + month], one replication */
    struct record *sector;     /* [month] */
    size_t series;             /* 1, or 2 with a focal organisation */
    struct running *mean;      /* [(series * months + month) * MEASURES + k] */
    struct running *aligned;   /* [(offset) * MEASURES + k] */
    FILE *traj, *summary, *reps;
};

static void csv_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void org_label(FILE *f, const struct params *p, size_t org)
{
    if (org == 0 && p->focal_name[0])
        csv_text(f, p->focal_name);
    else
        fprintf(f, "org%zu", org);
}

static void record_month(struct run *r, const world *w, size_t month)
{
    struct record *sec = &r->sector[month];
    memset(sec, 0, sizeof *sec);
    for (size_t i = 0; i < r->orgs; i++) {
        const struct org_obs *ob = world_obs(w, i);
        struct record *rc = &r->rec[i * r->months + month];
        rc->m[M_QUALITY] = (float)ob->quality;
        rc->m[M_PERCEIVED] = (float)ob->perceived;
        rc->m[M_INSULARITY] = (float)ob->insularity;
        rc->m[M_VOICE] = (float)ob->voice;
        rc->m[M_TURNOVER] = (float)ob->turnover;
        rc->m[M_INADEQUATE] = ob->rating == RATING_INADEQUATE;
        rc->m[M_CODE] = (float)ob->code_knowledge;
        rc->measured = (float)ob->measured;
        rc->rating = (uint8_t)ob->rating;
        for (int k = 0; k < MEASURES; k++)
            sec->m[k] += rc->m[k];
    }
    for (int k = 0; k < MEASURES; k++)
        if (k != M_INADEQUATE)   /* a count: how many are failing at once */
            sec->m[k] /= (float)r->orgs;
}

static void write_row(struct run *r, int rep, size_t month, size_t org, const struct record *rc, int is_sector)
{
    FILE *f = r->traj;
    fprintf(f, "%d,%zu,", rep, month);
    if (is_sector)
        fputs("sector", f);
    else
        org_label(f, r->p, org);
    for (int k = 0; k < M_INADEQUATE; k++)
        fprintf(f, ",%.6f", rc->m[k]);
    fprintf(f, ",%s,", is_sector ? "" : rating_name(rc->rating));
    if (!is_sector && !isnan(rc->measured))
        fprintf(f, "%.6f", rc->measured);
    fprintf(f, ",%d,%.6f\n", (int)rc->m[M_INADEQUATE], rc->m[M_CODE]);
}

static int reported(const struct params *p, const world *w, size_t org)
{
    return (org == 0 && p->focal_name[0]) || world_history(w, org)->month_failed >= 0;
}

static void write_replication(struct run *r, int rep, uint64_t seed, const world *w)
{
    for (size_t m = 0; m < r->months; m++) {
        write_row(r, rep, m, 0, &r->sector[m], 1);
        for (size_t i = 0; i < r->orgs; i++)
            if (reported(r->p, w, i))
                write_row(r, rep, m, i, &r->rec[i * r->months + m], 0);
    }

    int failed = 0, worst = 0;
    for (size_t m = 0; m < r->months; m++)
        if ((int)r->sector[m].m[M_INADEQUATE] > worst)
            worst = (int)r->sector[m].m[M_INADEQUATE];
    for (size_t i = 0; i < r->orgs; i++) {
        const struct org_history *h = world_history(w, i);
        if (h->month_failed < 0)
            continue;
        failed++;
        const struct record *at = &r->rec[i * r->months + (size_t)h->month_failed];
        fprintf(r->summary, "%d,", rep);
        org_label(r->summary, r->p, i);
        fprintf(r->summary, ",%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", h->month_failed, h->months_inadequate,
                h->min_quality, h->gap_at_failure, at->m[M_QUALITY], at->m[M_PERCEIVED], at->m[M_INSULARITY],
                at->m[M_VOICE]);
        for (long off = -BEFORE_FAILURE; off <= AFTER_FAILURE; off++) {
            long m = h->month_failed + off;
            if (m < 0 || m >= (long)r->months)
                continue;
            const struct record *rc = &r->rec[i * r->months + (size_t)m];
            for (int k = 0; k < MEASURES; k++)
                stats_add(&r->aligned[(size_t)(off + BEFORE_FAILURE) * MEASURES + (size_t)k], rc->m[k]);
        }
    }
    fprintf(r->reps, "%d,%llu,%d,%d,%.6f\n", rep, (unsigned long long)seed, failed, worst,
            r->sector[r->months - 1].m[M_QUALITY]);

    for (size_t m = 0; m < r->months; m++)
        for (int k = 0; k < MEASURES; k++) {
            double sec = r->sector[m].m[k];
            if (k == M_INADEQUATE)
                sec /= (double)r->orgs;
            stats_add(&r->mean[m * MEASURES + (size_t)k], sec);
            if (r->series > 1)
                stats_add(&r->mean[(r->months + m) * MEASURES + (size_t)k], r->rec[m].m[k]);
        }
}

static void write_means(FILE *f, const struct run *r)
{
    fputs("month,org,n", f);
    for (int k = 0; k < MEASURES; k++)
        fprintf(f, ",%s,%s_lo,%s_hi", measure_names[k], measure_names[k], measure_names[k]);
    fputc('\n', f);
    for (size_t s = 0; s < r->series; s++)
        for (size_t m = 0; m < r->months; m++) {
            const struct running *row = &r->mean[(s * r->months + m) * MEASURES];
            fprintf(f, "%zu,", m);
            if (s == 0)
                fputs("sector", f);
            else
                org_label(f, r->p, 0);
            fprintf(f, ",%.0f", row[0].n);
            for (int k = 0; k < MEASURES; k++) {
                fputc(',', f);
                stats_write(f, &row[k]);
            }
            fputc('\n', f);
        }
}

static void write_aligned(FILE *f, const struct run *r)
{
    fputs("months_from_failure,n", f);
    for (int k = 0; k < MEASURES; k++)
        fprintf(f, ",%s,%s_lo,%s_hi", measure_names[k], measure_names[k], measure_names[k]);
    fputc('\n', f);
    for (long off = -BEFORE_FAILURE; off <= AFTER_FAILURE; off++) {
        const struct running *row = &r->aligned[(size_t)(off + BEFORE_FAILURE) * MEASURES];
        if (row[0].n < 1.0)
            continue;
        fprintf(f, "%ld,%.0f", off, row[0].n);
        for (int k = 0; k < MEASURES; k++) {
            fputc(',', f);
            stats_write(f, &row[k]);
        }
        fputc('\n', f);
    }
}

static int write_config(const struct params *p, struct results *res, struct diag *d)
{
    FILE *f = results_open(res, "config.cfg", d);
    if (!f)
        return -1;
    fprintf(f, "# turnaround %s: the resolved parameters of this run.\n"
               "# 'turnaround run THIS_FILE' reproduces its results to the byte.\n\n",
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
}

static int close_all(struct run *r, struct results *res, struct diag *d)
{
    int rc = 0;
    if (r->traj && results_close(res, r->traj, "trajectories.csv", d))
        rc = -1;
    if (r->summary && results_close(res, r->summary, "summary.csv", d))
        rc = -1;
    if (r->reps && results_close(res, r->reps, "replications.csv", d))
        rc = -1;
    r->traj = r->summary = r->reps = NULL;
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

int run_replications(const struct params *p, struct results *res, int quiet, const volatile sig_atomic_t *stop,
                     struct diag *d)
{
    struct run r = { 0 };
    r.p = p;
    r.orgs = (size_t)p->sector_orgs;
    r.months = (size_t)p->run_months + 1;
    r.series = p->focal_name[0] ? 2 : 1;
    r.rec = malloc(r.orgs * r.months * sizeof *r.rec);
    r.sector = malloc(r.months * sizeof *r.sector);
    r.mean = calloc(r.series * r.months * MEASURES, sizeof *r.mean);
    r.aligned = calloc((BEFORE_FAILURE + AFTER_FAILURE + 1) * MEASURES, sizeof *r.aligned);
    if (!r.rec || !r.sector || !r.mean || !r.aligned) {
        run_free(&r);
        return diag_fail(d, EXIT_INPUT, "out of memory for %zu organisations over %zu months", r.orgs, r.months);
    }
    if (write_config(p, res, d)) {
        run_free(&r);
        return -1;
    }
    r.traj = results_open(res, "trajectories.csv", d);
    r.summary = r.traj ? results_open(res, "summary.csv", d) : NULL;
    r.reps = r.summary ? results_open(res, "replications.csv", d) : NULL;
    if (!r.reps) {
        close_all(&r, res, d);
        run_free(&r);
        return -1;
    }
    fputs("rep,month,org,quality,perceived_quality,insularity,voice,turnover,rating,measured_quality,inadequate,"
          "code_knowledge\n",
          r.traj);
    fputs("rep,org,month_failed,months_inadequate,min_quality,perception_gap_at_failure,quality_at_failure,"
          "perceived_quality_at_failure,insularity_at_failure,voice_at_failure\n",
          r.summary);
    fputs("rep,seed,orgs_failed,most_inadequate_at_once,final_sector_quality\n", r.reps);

    int rc = 0;
    for (int rep = 0; rep < p->run_reps && !rc; rep++) {
        progress(quiet, rep, p->run_reps);
        uint64_t seed = rng_rep_seed((uint64_t)p->run_seed, (uint64_t)rep);
        world *w = world_alloc(p, seed);
        if (!w) {
            rc = diag_fail(d, EXIT_INPUT, "out of memory for a sector of %d organisations", p->sector_orgs);
            break;
        }
        record_month(&r, w, 0);
        for (size_t m = 1; m < r.months; m++) {
            if (*stop) {
                rc = diag_fail(d, EXIT_INTERRUPTED, "interrupted; no results written");
                break;
            }
            world_step(w);
            record_month(&r, w, m);
        }
        if (!rc)
            write_replication(&r, rep, seed, w);
        world_free(w);
    }
    if (!quiet && isatty(STDERR_FILENO))
        fputc('\n', stderr);
    if (close_all(&r, res, d))
        rc = -1;
    if (!rc)
        rc = write_table(res, "means.csv", write_means, &r, d);
    if (!rc)
        rc = write_table(res, "failures.csv", write_aligned, &r, d);
    run_free(&r);
    return rc;
}
