#include "takeaway.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "schedule.h"
#include "stats.h"

const char *const outcome_names[OUTCOMES] = {
    "months_to_good", "relapsed", "months_to_relapse", "months_under_intervention", "commissioner_months",
    "interim_months", "peer_review_days", "quality_after_exit", "late_quality",
};
const double outcome_min[OUTCOMES] = { 0, 0, 0, 0, 0, 0, 0, 0, 0 };
const double outcome_max[OUTCOMES] = { INFINITY, 1, INFINITY, INFINITY, INFINITY, INFINITY, INFINITY, 1, 1 };
const int outcome_share[OUTCOMES] = { 0, 1, 0, 0, 0, 0, 0, 0, 0 };

static int by_arm_rep_org(const void *x, const void *y)
{
    const struct result *a = x, *b = y;
    if (a->arm != b->arm)
        return a->arm < b->arm ? -1 : 1;
    if (a->rep != b->rep)
        return a->rep < b->rep ? -1 : 1;
    return (a->org > b->org) - (a->org < b->org);
}

/* The results sorted by arm, replication and organisation, and where each
 * arm's begin (start[arm] .. start[arm + 1]). */
struct sorted {
    struct result *r;
    size_t *start;
};

static int sort_results(const struct takeaway *t, struct sorted *s)
{
    s->r = malloc((t->n_results ? t->n_results : 1) * sizeof *s->r);
    s->start = calloc((size_t)t->n_arms + 1, sizeof *s->start);
    if (!s->r || !s->start) {
        free(s->r);
        free(s->start);
        return -1;
    }
    if (t->n_results)
        memcpy(s->r, t->results, t->n_results * sizeof *s->r);
    qsort(s->r, t->n_results, sizeof *s->r, by_arm_rep_org);
    size_t i = 0;
    for (int a = 0; a <= t->n_arms; a++) {
        while (i < t->n_results && s->r[i].arm < a)
            i++;
        s->start[a] = i;
    }
    return 0;
}

static void sorted_free(struct sorted *s)
{
    free(s->r);
    free(s->start);
}

/* Outcome k of arm a: its values, or (reach, with k ignored) whether each
 * organisation reached good. */
static struct running level(const struct sorted *s, int a, int k, int reach)
{
    struct running r = { 0 };
    for (size_t i = s->start[a]; i < s->start[a + 1]; i++) {
        double v = s->r[i].v[reach ? O_MONTHS_TO_GOOD : k];
        if (reach)
            stats_add(&r, isnan(v) ? 0.0 : 1.0);
        else if (!isnan(v))
            stats_add(&r, v);
    }
    return r;
}

/* The paired differences a - b of outcome k over the organisations both arms
 * intervened in, in the same replication, where both have it. */
static struct running paired(const struct sorted *s, int a, int b, int k)
{
    struct running d = { 0 };
    const struct result *lo = s->r + s->start[b];
    size_t n = s->start[b + 1] - s->start[b];
    for (size_t i = s->start[a]; i < s->start[a + 1]; i++) {
        struct result key = s->r[i];
        key.arm = b;
        const struct result *twin = n ? bsearch(&key, lo, n, sizeof *lo, by_arm_rep_org) : NULL;
        if (twin && !isnan(s->r[i].v[k]) && !isnan(twin->v[k]))
            stats_add(&d, s->r[i].v[k] - twin->v[k]);
    }
    return d;
}

/* A number to three significant digits, as a reader would write it. */
static void num(char *buf, size_t len, double v)
{
    if (v == 0.0)
        v = 0.0;
    if (fabs(v) >= 1000.0)
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, "%.3g", v);
}

/* "mean [lo, hi]", or for a share "15% [5, 36]"; "-" when there is none. */
static void cell(char *buf, size_t len, const struct running *r, double min, double max, int share)
{
    if (r->n < 1.0) {
        snprintf(buf, len, "-");
        return;
    }
    double lo, hi, scale = share ? 100.0 : 1.0;
    char m[24], l[24], h[24];
    num(m, sizeof m, r->mean * scale);
    if (stats_interval(r, min, max, share, &lo, &hi)) {
        snprintf(buf, len, "%s%s", m, share ? "%" : "");
        return;
    }
    num(l, sizeof l, lo * scale);
    num(h, sizeof h, hi * scale);
    if (strcmp(l, m) == 0 && strcmp(h, m) == 0)   /* no spread: every case the same */
        snprintf(buf, len, "%s%s", m, share ? "%" : "");
    else
        snprintf(buf, len, "%s%s [%s, %s]", m, share ? "%" : "", l, h);
}

/* An arm's name for a sentence: "no intervention", or the schedule with
 * spaces for underscores ("retained ownership + peer challenge"). */
static void arm_name(char *buf, size_t len, const char *schedule)
{
    if (schedule_is_control(schedule)) {
        snprintf(buf, len, "no intervention");
        return;
    }
    size_t n = 0;
    for (const char *c = schedule; *c && n + 4 < len; c++) {
        if (*c == '_')
            buf[n++] = ' ';
        else if (*c == '+') {
            buf[n++] = ' ';
            buf[n++] = '+';
            buf[n++] = ' ';
        } else
            buf[n++] = *c;
    }
    buf[n] = '\0';
}

struct column {
    const char *title;
    int k;      /* the outcome, or -1 for the share reaching good */
    int cost;   /* shown only where some arm spends it */
};
static const struct column columns[] = {
    { "reach good", -1, 0 },
    { "months to good", O_MONTHS_TO_GOOD, 0 },
    { "relapse", O_RELAPSED, 0 },
    { "months under", O_MONTHS_UNDER, 0 },
    { "commissioner-months", O_COMMISSIONER, 1 },
    { "interim-months", O_INTERIM, 1 },
    { "peer-review days", O_PEER_DAYS, 1 },
};
#define COLUMNS (sizeof columns / sizeof columns[0])
#define CELL 80

static void write_table(FILE *f, const struct takeaway *t, const struct sorted *s)
{
    int shown[COLUMNS];
    size_t width[COLUMNS], name_width = strlen("arm");
    for (int a = 0; a < t->n_arms; a++) {
        size_t n = strlen(t->arms[a].p.intervention_schedule);
        if (n > name_width)
            name_width = n;
    }
    char (*cells)[COLUMNS][CELL] = calloc((size_t)t->n_arms, sizeof *cells);
    if (!cells)
        return;
    for (size_t c = 0; c < COLUMNS; c++) {
        shown[c] = !columns[c].cost;
        width[c] = strlen(columns[c].title);
        for (int a = 0; a < t->n_arms; a++) {
            int k = columns[c].k, reach = k < 0;
            struct running r = level(s, a, reach ? 0 : k, reach);
            if (columns[c].cost && r.n >= 1.0 && r.mean > 0.0)
                shown[c] = 1;
            cell(cells[a][c], CELL, &r, reach ? 0.0 : outcome_min[k], reach ? 1.0 : outcome_max[k],
                 reach || outcome_share[k]);
            if (strlen(cells[a][c]) > width[c])
                width[c] = strlen(cells[a][c]);
        }
    }
    fprintf(f, "Outcomes per intervened organisation, mean [95%% interval], over %d replication%s:\n", t->reps,
            t->reps == 1 ? "" : "s");
    size_t last = 0;
    for (size_t c = 0; c < COLUMNS; c++)
        if (shown[c])
            last = c;
    fprintf(f, "  %-*s %6s", (int)name_width, "arm", "cases");
    for (size_t c = 0; c < COLUMNS; c++)
        if (shown[c])
            fprintf(f, "  %-*s", c == last ? 0 : (int)width[c], columns[c].title);
    fputc('\n', f);
    for (int a = 0; a < t->n_arms; a++) {
        fprintf(f, "  %-*s %6zu", (int)name_width, t->arms[a].p.intervention_schedule, s->start[a + 1] - s->start[a]);
        for (size_t c = 0; c < COLUMNS; c++)
            if (shown[c])
                fprintf(f, "  %-*s", c == last ? 0 : (int)width[c], cells[a][c]);
        fputc('\n', f);
    }
    free(cells);
}

/* One clause of a sentence, when the difference is clear (its interval
 * leaves out 0): "reaches good 36 months sooner [33, 39]". */
static int clause(char *buf, size_t len, char *ivbuf, size_t ivlen, const struct running *d, int k)
{
    double lo, hi;
    double range = outcome_max[k] - outcome_min[k];
    if (d->n < 2.0 || stats_interval(d, -range, range, 0, &lo, &hi) || (lo <= 0.0 && hi >= 0.0))
        return 0;
    int up = d->mean > 0.0;
    double scale = k == O_RELAPSED ? 100.0 : 1.0, m = fabs(d->mean) * scale;
    double a = (up ? lo : -hi) * scale, b = (up ? hi : -lo) * scale;
    char ms[32], as[32], bs[32];
    num(ms, sizeof ms, m);
    num(as, sizeof as, a);
    num(bs, sizeof bs, b);
    if (strcmp(as, bs) == 0)   /* no spread: every pair differs by the same */
        snprintf(ivbuf, ivlen, "in every case");
    else
        snprintf(ivbuf, ivlen, "[%s, %s]", as, bs);
    const char *unit;
    switch (k) {
    case O_MONTHS_TO_GOOD:
        snprintf(buf, len, "reaches good %s month%s %s", ms, strcmp(ms, "1") ? "s" : "", up ? "later" : "sooner");
        return 1;
    case O_RELAPSED:
        snprintf(buf, len, "relapses %s point%s %s often", ms, strcmp(ms, "1") ? "s" : "", up ? "more" : "less");
        return 1;
    case O_COMMISSIONER:
        unit = "commissioner-months";
        break;
    case O_INTERIM:
        unit = "interim-months";
        break;
    default:
        unit = "peer-review days";
        break;
    }
    snprintf(buf, len, "costs %s %s %s", ms, up ? "more" : "fewer", unit);
    return 1;
}

/* The sentences, each on a line after indent. */
static int write_sentences(FILE *f, const struct takeaway *t, const struct sorted *s, const char *indent)
{
    static const int ks[] = { O_MONTHS_TO_GOOD, O_RELAPSED, O_COMMISSIONER, O_INTERIM, O_PEER_DAYS };
    int said = 0;
    for (int a = 0; a < t->n_arms; a++)
        for (int b = a + 1; b < t->n_arms; b++) {
            /* The arm that is not the control leads the sentence. */
            int x = a, y = b;
            if (schedule_is_control(t->arms[a].p.intervention_schedule))
                x = b, y = a;
            char parts[5][160], ivs[5][80];
            int n = 0;
            for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
                struct running d = paired(s, x, y, ks[i]);
                n += clause(parts[n], sizeof parts[n], ivs[n], sizeof ivs[n], &d, ks[i]);
            }
            if (!n)
                continue;
            char na[3 * PARAMS_STRING_MAX], nb[3 * PARAMS_STRING_MAX];   /* each "+" becomes " + " */
            arm_name(na, sizeof na, t->arms[x].p.intervention_schedule);
            arm_name(nb, sizeof nb, t->arms[y].p.intervention_schedule);
            /* "A reaches good 36 months sooner [33, 39] than B", or "A costs 72 more
             * commissioner-months than B in every case" */
            if (ivs[0][0] == '[')
                fprintf(f, "%s%s %s %s than %s", indent, na, parts[0], ivs[0], nb);
            else
                fprintf(f, "%s%s %s than %s %s", indent, na, parts[0], nb, ivs[0]);
            for (int i = 1; i < n; i++) {
                /* "costs 91 more commissioner-months [75, 107] and 152 more peer-review days" */
                int more_cost = strncmp(parts[i], "costs ", 6) == 0 && strncmp(parts[i - 1], "costs ", 6) == 0;
                fprintf(f, "%s%s %s", more_cost ? " and " : i == n - 1 ? ", and " : ", ", parts[i] + (more_cost ? 6 : 0),
                        ivs[i]);
            }
            fputs(".\n", f);
            said++;
        }
    if (!said)
        fprintf(f, "%sNo pair of arms differs clearly in months to good, relapse or cost: every 95%% interval "
                   "includes 0.\n",
                indent);
    return 0;
}

int takeaway_write(FILE *f, const struct takeaway *t)
{
    struct sorted s;
    if (sort_results(t, &s))
        return -1;
    write_table(f, t, &s);
    if (t->n_arms > 1) {
        fputs("\nPaired differences, the same replications and organisations in each arm:\n", f);
        write_sentences(f, t, &s, "  ");
    }
    sorted_free(&s);
    return 0;
}

int takeaway_sentences(FILE *f, const struct takeaway *t)
{
    struct sorted s;
    if (sort_results(t, &s))
        return -1;
    write_sentences(f, t, &s, "");
    sorted_free(&s);
    return 0;
}

int takeaway_pairs(FILE *f, const struct takeaway *t)
{
    struct sorted s;
    if (sort_results(t, &s))
        return -1;
    fputs("strategy,versus,outcome,pairs,diff,lo,hi\n", f);
    for (int a = 0; a < t->n_arms; a++)
        for (int b = a + 1; b < t->n_arms; b++)
            for (int k = 0; k < OUTCOMES; k++) {
                struct running d = paired(&s, a, b, k);
                double range = outcome_max[k] - outcome_min[k];
                csv_text(f, t->arms[a].p.intervention_schedule);
                fputc(',', f);
                csv_text(f, t->arms[b].p.intervention_schedule);
                fprintf(f, ",%s,%.0f,", outcome_names[k], d.n);
                stats_write_bounded(f, &d, -range, range, 0);
                fputc('\n', f);
            }
    sorted_free(&s);
    return 0;
}
