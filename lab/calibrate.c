#include "calibrate.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfgtext.h"
#include "checked.h"
#include "csv.h"
#include "executor.h"
#include "folder.h"
#include "memory.h"
#include "outcome.h"
#include "results.h"
#include "rng.h"
#include "schedule.h"
#include "world.h"

const char *const calib_stat_names[STATS] = {
    "mean_months_under_intervention", "share_exit_within_12", "share_exit_within_24", "share_exit_within_36",
    "relapse_share", "mean_months_to_good", "share_failing",
};

const char *const calib_stat_docs[STATS] = {
    "mean months from the start of an intervention to its exit, over the interventions that ended",
    "share of the organisations intervened in, and watched at least 12 months from the start, that left within 12",
    "the same within 24 months",
    "the same within 36 months",
    "share of exits, their window (intervention.after_months) watched to its end, rated inadequate again in it",
    "mean months from the start to the first good rating, over the organisations that got one",
    "share of all organisations rated inadequate at least once",
};

/* ---- what one replication counts -------------------------------------------
 * Sums over the organisations of a replication; a particle's statistics pool
 * them over its replications, numerator over denominator. */
enum count {
    C_ORGS, C_FAILING, C_INTERVENED, C_EXITS, C_MONTHS_UNDER, C_WATCHED_12, C_WITHIN_12, C_WATCHED_24, C_WITHIN_24,
    C_WATCHED_36, C_WITHIN_36, C_RELAPSE_WATCHED, C_RELAPSED, C_GOOD, C_MONTHS_TO_GOOD, COUNTS
};
static const char *const count_names[COUNTS] = {
    "orgs", "failing", "intervened", "exits", "months_under", "watched_12", "within_12", "watched_24", "within_24",
    "watched_36", "within_36", "relapse_watched", "relapsed", "good", "months_to_good",
};

static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : NAN;
}

static double stat_value(enum calib_stat s, const double *c)
{
    switch (s) {
    case STAT_MONTHS_UNDER:
        return ratio(c[C_MONTHS_UNDER], c[C_EXITS]);
    case STAT_EXIT_12:
        return ratio(c[C_WITHIN_12], c[C_WATCHED_12]);
    case STAT_EXIT_24:
        return ratio(c[C_WITHIN_24], c[C_WATCHED_24]);
    case STAT_EXIT_36:
        return ratio(c[C_WITHIN_36], c[C_WATCHED_36]);
    case STAT_RELAPSE:
        return ratio(c[C_RELAPSED], c[C_RELAPSE_WATCHED]);
    case STAT_MONTHS_TO_GOOD:
        return ratio(c[C_MONTHS_TO_GOOD], c[C_GOOD]);
    case STAT_FAILING:
        return ratio(c[C_FAILING], c[C_ORGS]);
    case STATS:
        break;
    }
    return NAN;
}

static void count_replication(const world *w, const struct params *p, double *c)
{
    int control = schedule_is_control(p->intervention_schedule), last = p->run_months;
    static const int horizon[3] = { 12, 24, 36 };
    for (size_t i = 0; i < world_orgs(w); i++) {
        c[C_ORGS]++;
        if (world_history(w, i)->month_failed >= 0)
            c[C_FAILING]++;
        struct org_intervention iv;
        world_intervention(w, i, &iv);
        if (!iv.started)
            continue;
        c[C_INTERVENED]++;
        struct org_outcome oc;
        outcome_of(&iv, control, last, p->intervention_after_months, &oc);
        if (!isnan(oc.months_under)) {
            c[C_EXITS]++;
            c[C_MONTHS_UNDER] += oc.months_under;
        }
        for (int h = 0; h < 3; h++)
            if (iv.start_month + horizon[h] <= last) {
                c[C_WATCHED_12 + 2 * h]++;
                c[C_WITHIN_12 + 2 * h] += !isnan(oc.months_under) && oc.months_under <= horizon[h];
            }
        if (!isnan(oc.relapsed)) {
            c[C_RELAPSE_WATCHED]++;
            c[C_RELAPSED] += oc.relapsed;
        }
        if (!isnan(oc.months_to_good)) {
            c[C_GOOD]++;
            c[C_MONTHS_TO_GOOD] += oc.months_to_good;
        }
    }
}

/* ---- the calibration file --------------------------------------------------- */

static const char *const calib_keys[] = { "scenario", "method", "particles", "generations", "reps", "quantile",
                                          "proposals", "max_proposals", "fit_blocks", "seed", "strategy", "priors",
                                          "targets" };
static const char *const prior_keys[] = { "param", "min", "max" };
static const char *const target_keys[] = { "stat", "value", "sd" };

#define KEYS(k) k, sizeof k / sizeof k[0]

static int check_keys(const config_setting_t *g, const char *const *keys, size_t n, const char *file,
                      const char *what, struct diag *d)
{
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        size_t k = 0;
        while (k < n && (!name || strcmp(keys[k], name) != 0))
            k++;
        if (k == n) {
            char list[400] = "";
            for (size_t j = 0; j < n; j++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "", keys[j]);
            return diag_fail(d, EXIT_INPUT, "%s:%u: %s: unknown key '%s'; expected one of %s", file,
                             config_setting_source_line(s), what, name ? name : "?", list);
        }
    }
    return 0;
}

/* A number (whole or fractional) as a double; 1 when absent, -1 (d filled)
 * when not a number. */
static int number(const config_setting_t *g, const char *name, double *v, const char *file, struct diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s)
        return 1;
    int t = config_setting_type(s);
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        *v = (double)config_setting_get_int64(s);
    else if (t == CONFIG_TYPE_FLOAT)
        *v = config_setting_get_float(s);
    else
        return diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected a number, found %s", file, config_setting_source_line(s),
                         name, t == CONFIG_TYPE_STRING ? "text" : "something else");
    if (!isfinite(*v))
        return diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected a finite number", file, config_setting_source_line(s),
                         name);
    return 0;
}

/* A whole number from lo to hi, or def when absent. */
static int count_key(const config_setting_t *g, const char *name, size_t lo, size_t hi, size_t def, size_t *out,
                     const char *file, struct diag *d)
{
    double v;
    int rc = number(g, name, &v, file, d);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        *out = def;
        return 0;
    }
    if (v != floor(v) || v < (double)lo || v > (double)hi)
        return diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected a whole number from %zu to %zu, found %.17g", file,
                         config_setting_source_line(config_setting_get_member(g, name)), name, lo, hi, v);
    *out = (size_t)v;
    return 0;
}

static const char *nearest_stat(const char *name)
{
    /* The same suggestion rule as for parameters: shared words first. */
    const char *best = NULL;
    size_t best_common = 0;
    for (int s = 0; s < STATS; s++) {
        size_t common = 0;
        while (name[common] && name[common] == calib_stat_names[s][common])
            common++;
        const char *tail = strrchr(name, '_');
        if (tail && strstr(calib_stat_names[s], tail))
            common += strlen(tail);
        if (common > best_common) {
            best_common = common;
            best = calib_stat_names[s];
        }
    }
    return best_common >= 4 ? best : NULL;
}

static int load_prior(struct calibration *c, const config_setting_t *g, const char *file, struct diag *d)
{
    unsigned line = config_setting_source_line(g);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return diag_fail(d, EXIT_INPUT, "%s:%u: priors: expected groups { param = \"...\"; min = ...; max = ...; }",
                         file, line);
    if (check_keys(g, KEYS(prior_keys), file, "a prior", d))
        return -1;
    const char *path;
    if (!config_setting_lookup_string(g, "param", &path))
        return diag_fail(d, EXIT_INPUT, "%s:%u: priors: each needs param = \"path\"", file, line);
    const struct param_def *def = params_find(path);
    if (!def) {
        const char *near = params_nearest(path);
        return diag_fail(d, EXIT_INPUT, "%s:%u: priors: unknown parameter '%s'%s%s%s", file, line, path,
                         near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    if (def->type == PARAM_STRING || def->type == PARAM_CHOICE || def->type == PARAM_INT64)
        return diag_fail(d, EXIT_INPUT, "%s:%u: priors: %s is not a number that can be calibrated", file, line, path);
    size_t k = c->pb.k;
    for (size_t j = 0; j < k; j++)
        if (c->prior[j] == def)
            return diag_fail(d, EXIT_INPUT, "%s:%u: priors: %s has two priors", file, line, path);
    if (k == ABC_PARAMS_MAX)
        return diag_fail(d, EXIT_INPUT, "%s:%u: priors: at most %d parameters", file, line, ABC_PARAMS_MAX);
    double lo, hi;
    if (number(g, "min", &lo, file, d) || number(g, "max", &hi, file, d)) {
        if (!d->msg[0])
            diag_fail(d, EXIT_INPUT, "%s:%u: priors: %s needs min = ... and max = ...", file, line, path);
        return -1;
    }
    if (!(lo < hi))
        return diag_fail(d, EXIT_INPUT, "%s:%u: priors: %s: expected min < max, found %g and %g", file, line, path, lo,
                         hi);
    if (lo < def->min || hi > def->max)
        return diag_fail(d, EXIT_INPUT, "%s:%u: priors: %s: the prior %g to %g reaches outside the parameter's range, "
                         "%g to %g", file, line, path, lo, hi, def->min, def->max);
    c->prior[k] = def;
    c->pb.lo[k] = lo;
    c->pb.hi[k] = hi;
    c->pb.k = k + 1;
    return 0;
}

static int load_target(struct calibration *c, const config_setting_t *g, const char *file, struct diag *d)
{
    unsigned line = config_setting_source_line(g);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return diag_fail(d, EXIT_INPUT, "%s:%u: targets: expected groups { stat = \"...\"; value = ...; sd = ...; }",
                         file, line);
    if (check_keys(g, KEYS(target_keys), file, "a target", d))
        return -1;
    const char *name;
    if (!config_setting_lookup_string(g, "stat", &name))
        return diag_fail(d, EXIT_INPUT, "%s:%u: targets: each needs stat = \"name\"", file, line);
    int s = 0;
    while (s < STATS && strcmp(calib_stat_names[s], name) != 0)
        s++;
    if (s == STATS) {
        char list[600] = "";
        for (int k = 0; k < STATS; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", calib_stat_names[k]);
        const char *near = nearest_stat(name);
        return diag_fail(d, EXIT_INPUT, "%s:%u: targets: unknown statistic '%s'%s%s%s; expected one of %s", file, line,
                         name, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "", list);
    }
    size_t n = c->pb.n_stats;
    for (size_t j = 0; j < n; j++)
        if (c->target[j] == (enum calib_stat)s)
            return diag_fail(d, EXIT_INPUT, "%s:%u: targets: %s has two targets", file, line, name);
    if (n == ABC_STATS_MAX)
        return diag_fail(d, EXIT_INPUT, "%s:%u: targets: at most %d", file, line, ABC_STATS_MAX);
    double value, sd;
    if (number(g, "value", &value, file, d) || number(g, "sd", &sd, file, d)) {
        if (!d->msg[0])
            diag_fail(d, EXIT_INPUT, "%s:%u: targets: %s needs value = ... and sd = ...", file, line, name);
        return -1;
    }
    if (!(sd > 0.0))
        return diag_fail(d, EXIT_INPUT, "%s:%u: targets: %s: sd: expected a number above 0, found %g", file, line,
                         name, sd);
    c->target[n] = (enum calib_stat)s;
    c->pb.observed[n] = value;
    c->pb.sd[n] = sd;
    c->pb.n_stats = n + 1;
    return 0;
}

static int load_scenario(struct calibration *c, const char *name, const struct calibrate_options *o, unsigned line,
                         struct diag *d)
{
    char path[2100];
    const char *slash = strrchr(c->file, '/');
    if (strlen(name) >= sizeof path - 1024)   /* the file's own path is at most 1023 characters */
        return diag_fail(d, EXIT_INPUT, "%s:%u: scenario: the path is %zu characters long; at most %zu are accepted",
                         c->file, line, strlen(name), sizeof path - 1025);
    snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - c->file + 1) : 0, c->file, name);
    if (name[0] == '/' || !results_exists(path))
        snprintf(path, sizeof path, "%s", name);
    if (!results_exists(path))
        return diag_fail(d, EXIT_INPUT,
                         "%s:%u: scenario: cannot find '%s' beside the calibration file or in the working folder",
                         c->file, line, name);
    if (settings_load(&c->base, path, d))
        return -1;
    for (size_t k = 0; k < o->n_sets; k++)
        if (settings_assign(&c->base, o->sets[k], d))
            return -1;
    return settings_check(&c->base, d);
}

/* The strategy a calibration runs, as in sweeps: "SCHEDULE" or "SCHEDULE / EXIT". */
static int load_strategy(struct calibration *c, const config_setting_t *g, const char *file, struct diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, "strategy");
    if (!s)
        return 0;
    const char *text = config_setting_get_string(s);
    unsigned line = config_setting_source_line(s);
    if (!text)
        return diag_fail(d, EXIT_INPUT, "%s:%u: strategy: expected text in double quotes", file, line);
    char sched[PARAMS_STRING_MAX], exit_text[PARAMS_STRING_MAX] = "", why[400];
    if (strlen(text) >= sizeof sched)
        return diag_fail(d, EXIT_INPUT, "%s:%u: strategy: longer than %zu characters", file, line, sizeof sched - 1);
    snprintf(sched, sizeof sched, "%s", text);
    char *cut = strstr(sched, " / ");
    if (cut) {
        snprintf(exit_text, sizeof exit_text, "%s", cut + 3);
        *cut = '\0';
    }
    struct schedule sc;
    struct exit_test ex;
    if (schedule_parse(sched, &sc, why, sizeof why) || (exit_text[0] && exit_parse(exit_text, &ex, why, sizeof why)))
        return diag_fail(d, EXIT_INPUT, "%s:%u: strategy: %s", file, line, why);
    snprintf(c->base.p.intervention_schedule, sizeof c->base.p.intervention_schedule, "%s", sched);
    if (exit_text[0])
        snprintf(c->base.p.intervention_exit, sizeof c->base.p.intervention_exit, "%s", exit_text);
    return 0;
}

static int mul_fits(size_t a, size_t b, size_t limit)
{
    return a == 0 || b <= limit / a;
}

int calibrate_load(struct calibration *c, const char *path, const struct calibrate_options *o, struct diag *d)
{
    memset(c, 0, sizeof *c);
    snprintf(c->file, sizeof c->file, "%s", path);
    if (strlen(path) >= sizeof c->file)
        return diag_fail(d, EXIT_INPUT, "calibration file path longer than %zu characters", sizeof c->file - 1);
    if (settings_init(&c->base))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return diag_fail(d, EXIT_INPUT, "cannot read calibration file '%s': expected a .cfg file, found a folder",
                         path);
    if (!(c->text = cfgtext_read(path, d)) || cfgtext_refuse_includes(path, c->text, d))
        return -1;
    config_t cfg;
    config_init(&cfg);
    int rc = -1;
    if (!config_read_string(&cfg, c->text)) {
        diag_fail(d, EXIT_INPUT, "%s:%d: syntax error: %s", path, config_error_line(&cfg), config_error_text(&cfg));
        goto done;
    }
    const config_setting_t *g = config_lookup(&cfg, "calibrate");
    if (!g || config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_fail(d, EXIT_INPUT, "%s: expected a group calibrate = { ... };", path);
        goto done;
    }
    unsigned gline = config_setting_source_line(g);
    if (check_keys(g, KEYS(calib_keys), path, "calibrate", d))
        goto done;
    const char *text;
    if (!config_setting_lookup_string(g, "scenario", &text)) {
        diag_fail(d, EXIT_INPUT, "%s:%u: calibrate: scenario = \"path\" is missing", path, gline);
        goto done;
    }
    if (load_scenario(c, text, o, gline, d) || load_strategy(c, g, path, d))
        goto done;
    c->pb.method = ABC_SMC;
    if (config_setting_lookup_string(g, "method", &text)) {
        if (strcmp(text, "rejection") == 0)
            c->pb.method = ABC_REJECTION;
        else if (strcmp(text, "abc-smc") != 0) {
            diag_fail(d, EXIT_INPUT, "%s:%u: method: expected abc-smc or rejection, found '%s'", path,
                      config_setting_source_line(config_setting_get_member(g, "method")), text);
            goto done;
        }
    } else if (config_setting_get_member(g, "method")) {
        diag_fail(d, EXIT_INPUT, "%s:%u: method: expected \"abc-smc\" or \"rejection\" in double quotes", path,
                  config_setting_source_line(config_setting_get_member(g, "method")));
        goto done;
    }
    size_t seed;
    double q = 0.5;
    if (count_key(g, "particles", 1, 1000000, 500, &c->pb.particles, path, d)
        || count_key(g, "generations", 1, 100, 6, &c->pb.generations, path, d)
        || count_key(g, "reps", 1, 100000, 20, &c->reps, path, d)
        || count_key(g, "fit_blocks", 2, 100000, 20, &c->fit_blocks, path, d)
        || count_key(g, "seed", 0, (size_t)1 << 52, (size_t)c->base.p.run_seed, &seed, path, d))
        goto done;
    if (count_key(g, "proposals", c->pb.particles, 100000000, 10 * c->pb.particles, &c->pb.proposals, path, d)
        || count_key(g, "max_proposals", c->pb.particles, 100000000, 100 * c->pb.particles, &c->pb.max_proposals, path,
                     d))
        goto done;
    int qr = number(g, "quantile", &q, path, d);
    if (qr < 0)
        goto done;
    if (!(q > 0.0 && q < 1.0)) {
        diag_fail(d, EXIT_INPUT, "%s:%u: quantile: expected a number between 0 and 1 (both excluded), found %g", path,
                  config_setting_source_line(config_setting_get_member(g, "quantile")), q);
        goto done;
    }
    c->pb.quantile = q;
    c->pb.seed = (uint64_t)seed;
    const size_t most = c->pb.method == ABC_REJECTION ? c->pb.proposals : c->pb.max_proposals;
    if (!mul_fits(most, c->reps, (size_t)1 << 40) || !mul_fits(c->fit_blocks, c->reps, (size_t)1 << 40)) {
        diag_fail(d, EXIT_INPUT, "%s: %zu proposals of %zu replications each is more runs than a calibration may "
                  "make (2^40)", path, most, c->reps);
        goto done;
    }
    const config_setting_t *priors = config_setting_get_member(g, "priors");
    for (int i = 0; priors && i < config_setting_length(priors); i++)
        if (load_prior(c, config_setting_get_elem(priors, (unsigned)i), path, d))
            goto done;
    if (c->pb.k == 0) {
        diag_fail(d, EXIT_INPUT, "%s:%u: priors: expected at least one, found none; e.g. priors = ( { param = "
                  "\"culture.code_learning\"; min = 0.1; max = 0.9; } );", path, gline);
        goto done;
    }
    const config_setting_t *targets = config_setting_get_member(g, "targets");
    for (int i = 0; targets && i < config_setting_length(targets); i++)
        if (load_target(c, config_setting_get_elem(targets, (unsigned)i), path, d))
            goto done;
    if (c->pb.n_stats == 0) {
        diag_fail(d, EXIT_INPUT, "%s:%u: targets: expected at least one, found none; e.g. targets = ( { stat = "
                  "\"mean_months_under_intervention\"; value = 22.0; sd = 2.0; } );", path, gline);
        goto done;
    }
    /* A world per job, at its largest: a world grows with every size it has,
     * so with every prior at its top. */
    struct params big = c->base.p;
    for (size_t j = 0; j < c->pb.k; j++)
        params_set_number(&big, c->prior[j], c->prior[j]->type == PARAM_REAL ? c->pb.hi[j] : round(c->pb.hi[j]));
    size_t one = world_estimate_bytes(&big), need;
    size_t jobs = (size_t)(o && o->jobs > 1 ? o->jobs : 1);
    char what[200];
    snprintf(what, sizeof what, "%s: %zu replication%s at once of up to %zu organisations", path, jobs,
             jobs == 1 ? "" : "s", (size_t)big.sector_orgs);
    if (memory_check(one == SIZE_MAX || checked_mul(one, jobs, &need) ? SIZE_MAX : need, what, d))
        goto done;
    rc = 0;
done:
    config_destroy(&cfg);
    return rc;
}

void calibrate_free(struct calibration *c)
{
    settings_free(&c->base);
    free(c->text);
    c->text = NULL;
}

/* ---- one replication ---------------------------------------------------------- */

struct task {
    uint64_t generation, proposal, rep, seed;   /* generation 0: the fit at the calibrated point */
    double theta[ABC_PARAMS_MAX];
};

struct result {
    double c[COUNTS];
    int failed;
    char error[240];
};

static uint64_t rep_seed(const struct calibration *c, uint64_t gen, uint64_t proposal, uint64_t rep)
{
    uint64_t point = rng_mix(c->pb.seed ^ rng_mix((gen << 40) ^ proposal ^ 0x43414c49ULL));
    return rng_rep_seed(point, rep);
}

/* The scenario's parameters at theta: a whole-number parameter takes the
 * nearest whole number. */
static void apply(const struct calibration *c, const double *theta, struct params *p)
{
    *p = c->base.p;
    for (size_t j = 0; j < c->pb.k; j++)
        params_set_number(p, c->prior[j], c->prior[j]->type == PARAM_REAL ? theta[j] : round(theta[j]));
}

static void run_task(const void *ctx, size_t task, const void *payload, void *out)
{
    (void)task;
    const struct calibration *c = ctx;
    const struct task *t = payload;
    struct result *r = out;
    memset(r, 0, sizeof *r);
    struct params p;
    apply(c, t->theta, &p);
    const char *culprit;
    if (params_check(&p, r->error, sizeof r->error, &culprit)) {
        r->failed = 1;
        return;
    }
    world *w = world_alloc(&p, t->seed);
    if (!w) {
        r->failed = 1;
        snprintf(r->error, sizeof r->error, "out of memory");
        return;
    }
    for (int m = 0; m < p.run_months; m++)
        world_step(w);
    count_replication(w, &p, r->c);
    world_free(w);
}

/* ---- the runs files ------------------------------------------------------------
 * One row a replication, written as it finishes, in the order the algorithm
 * makes them. On --resume each row on disk is read back and checked against
 * the replication the algorithm asks for next (its generation, proposal,
 * replication, seed and parameters), and its counts are used instead of
 * running it again; a row cut short by a kill is dropped. */
struct runs_file {
    char path[1200];
    FILE *in;                 /* rows still to read back; NULL once they run out */
    FILE *out;                /* rows appended */
    long line;                /* of the last row read back */
    long good_end;            /* bytes of whole rows read back */
};

static void header(const struct calibration *c, FILE *f)
{
    fputs("generation,proposal,rep,seed", f);
    for (size_t j = 0; j < c->pb.k; j++)
        fprintf(f, ",%s", c->prior[j]->path);
    for (int k = 0; k < COUNTS; k++)
        fprintf(f, ",%s", count_names[k]);
    fputs(",error\n", f);
}

/* The row's fixed part: what identifies the replication. */
static int row_key(const struct calibration *c, const struct task *t, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%llu,%llu,%llu,%llu", (unsigned long long)t->generation,
                     (unsigned long long)t->proposal, (unsigned long long)t->rep, (unsigned long long)t->seed);
    for (size_t j = 0; j < c->pb.k && n > 0 && (size_t)n < len; j++)
        n += snprintf(buf + n, len - (size_t)n, ",%.17g", t->theta[j]);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

static int write_row(const struct calibration *c, struct runs_file *rf, const struct task *t, const struct result *r,
                     struct diag *d)
{
    char key[1024];
    if (row_key(c, t, key, sizeof key))
        return diag_fail(d, EXIT_INPUT, "internal error: a row of %s too long", rf->path);
    fputs(key, rf->out);
    for (int k = 0; k < COUNTS; k++)
        fprintf(rf->out, ",%.17g", r->failed ? 0.0 : r->c[k]);
    fputc(',', rf->out);
    csv_text(rf->out, r->failed ? r->error : "");
    fputc('\n', rf->out);
    if (fflush(rf->out) != 0 || ferror(rf->out))
        return diag_fail(d, EXIT_INPUT, "error writing '%s' (disk full?)", rf->path);
    return 0;
}

/* Read back the next row as the result of t. Returns 1 when read, 0 when the
 * rows on disk have run out (the rest is run), -1 on a mismatch. */
static int read_row(const struct calibration *c, struct runs_file *rf, const struct task *t, struct result *r,
                    struct diag *d)
{
    if (!rf->in)
        return 0;
    static char line[65536];
    if (fgets(line, sizeof line, rf->in) && !strchr(line, '\n') && !feof(rf->in))
        return diag_fail(d, EXIT_INPUT, "%s:%ld: a row longer than %zu characters: not a row of this program",
                         rf->path, rf->line + 1, sizeof line - 1);
    if (feof(rf->in) || !strchr(line, '\n')) {
        /* The end, or a last row cut short by a kill: drop it, and append
         * from the last whole row. */
        fclose(rf->in);
        rf->in = NULL;
        if (truncate(rf->path, rf->good_end) != 0)
            return diag_fail(d, EXIT_INPUT, "cannot repair '%s': %s", rf->path, strerror(errno));
        return 0;
    }
    rf->line++;
    rf->good_end += (long)strlen(line);
    char key[1024];
    if (row_key(c, t, key, sizeof key))
        return diag_fail(d, EXIT_INPUT, "internal error: a row of %s too long", rf->path);
    size_t kl = strlen(key);
    if (strncmp(line, key, kl) != 0 || line[kl] != ',')
        return diag_fail(d, EXIT_INPUT, "%s:%ld: expected the row of generation %llu, proposal %llu, replication %llu "
                         "(%s...), found '%.80s': this folder holds another calibration; --force starts afresh",
                         rf->path, rf->line, (unsigned long long)t->generation, (unsigned long long)t->proposal,
                         (unsigned long long)t->rep, key, line);
    memset(r, 0, sizeof *r);
    const char *at = line + kl + 1;
    for (int k = 0; k < COUNTS; k++) {
        char *end;
        r->c[k] = strtod(at, &end);
        if (end == at || *end != ',' || !isfinite(r->c[k]) || r->c[k] < 0)
            return diag_fail(d, EXIT_INPUT, "%s:%ld: column %s: expected a count, found '%.20s'", rf->path, rf->line,
                             count_names[k], at);
        at = end + 1;
    }
    size_t rest = strlen(at);
    if (rest >= 2 && at[rest - 2] == '\r')
        return diag_fail(d, EXIT_INPUT, "%s:%ld: the row ends in CR LF: the file was changed since it was written",
                         rf->path, rf->line);
    if (rest > 1) {   /* an error text: this replication failed */
        r->failed = 1;
        snprintf(r->error, sizeof r->error, "%.*s", (int)(rest - 1), at);
    }
    return 1;
}

static int runs_open(const struct calibration *c, struct runs_file *rf, const char *dir, const char *name, int resume,
                     struct diag *d)
{
    memset(rf, 0, sizeof *rf);
    snprintf(rf->path, sizeof rf->path, "%s/%s", dir, name);
    char want[8192], have[8192];
    FILE *mem = fmemopen(want, sizeof want, "w");
    if (!mem)
        return diag_fail(d, EXIT_INPUT, "out of memory");
    header(c, mem);
    fclose(mem);
    if (resume && (rf->in = fopen(rf->path, "r")) != NULL) {
        if (!fgets(have, sizeof have, rf->in))
            have[0] = '\0';
        size_t n = strlen(have);
        if ((n == 0 || have[n - 1] != '\n') && strncmp(want, have, n) == 0) {
            /* Its header cut short by a kill or a full disk, and so no row
             * after it: written again, as a file begun afresh. */
            fclose(rf->in);
            rf->in = NULL;
        }
    }
    if (rf->in) {
        if (strcmp(have, want) != 0) {
            fclose(rf->in);
            rf->in = NULL;
            return diag_fail(d, EXIT_INPUT, "%s:1: expected the header '%.60s...', found '%.60s': this folder holds "
                             "another calibration; --force starts afresh", rf->path, want, have);
        }
        rf->line = 1;
        rf->good_end = (long)strlen(have);
    } else {
        FILE *f = fopen(rf->path, "w");
        int bad = !f || fputs(want, f) < 0;
        if (f && fclose(f) != 0)
            bad = 1;
        if (bad)
            return diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", rf->path, strerror(errno));
    }
    rf->out = fopen(rf->path, "a");
    if (!rf->out)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", rf->path, strerror(errno));
    return 0;
}

static int runs_close(struct runs_file *rf, struct diag *d)
{
    int rc = 0;
    if (rf->in) {
        /* Rows beyond what the calibration made: not this calibration's. */
        static char line[256];
        if (fgets(line, sizeof line, rf->in))
            rc = diag_fail(d, EXIT_INPUT, "%s:%ld: a row the calibration does not make ('%.60s'); --force starts "
                           "afresh", rf->path, rf->line + 1, line);
        fclose(rf->in);
        rf->in = NULL;
    }
    if (rf->out) {
        if ((ferror(rf->out) || fsync(fileno(rf->out)) != 0 || fclose(rf->out) != 0) && !rc)
            rc = diag_fail(d, EXIT_INPUT, "error writing '%s' (disk full?)", rf->path);
        rf->out = NULL;
    }
    return rc;
}

/* ---- running a batch of proposals ---------------------------------------------- */

struct progress {
    int quiet, tty;
    double start, last;
    size_t runs;              /* replications run (not read back) so far */
    size_t shown[3];          /* the generation, accepted and proposals last shown */
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

struct state {
    struct calibration *c;
    const struct calibrate_options *o;
    const signal_flag *stop;
    struct runs_file runs;
    struct progress pr;
    /* The batch being run: its tasks, and the counts pooled per proposal. */
    uint64_t gen, first;
    size_t n;
    const double *theta;
    double *pooled;           /* [proposal * COUNTS + count] */
    char *broken;             /* [proposal]: a replication of it failed */
    size_t failed;            /* replications that failed, over the whole calibration */
    char failure[240];        /* the first one's error */
    /* Every generation's population, for posterior.csv. */
    struct abc_population *pops;
    size_t n_pops;
};

static void task_of(const struct state *s, size_t i, struct task *t)
{
    const struct calibration *c = s->c;
    memset(t, 0, sizeof *t);
    t->generation = s->gen;
    t->proposal = s->first + i / c->reps;
    t->rep = i % c->reps;
    t->seed = rep_seed(c, t->generation, t->proposal, t->rep);
    memcpy(t->theta, s->theta + (i / c->reps) * c->pb.k, c->pb.k * sizeof *t->theta);
}

static void batch_payload(void *sink, size_t task, void *payload)
{
    task_of(sink, task, payload);
}

/* A replication that failed (its parameters inconsistent, say) leaves its
 * proposal without statistics, so it is never accepted; the end of the
 * calibration says how many failed. */
static void pool(struct state *s, size_t i, const struct result *r)
{
    if (r->failed) {
        if (!s->failed++)
            snprintf(s->failure, sizeof s->failure, "%s", r->error);
        s->broken[i / s->c->reps] = 1;
        return;
    }
    double *p = s->pooled + (i / s->c->reps) * COUNTS;
    for (int k = 0; k < COUNTS; k++)
        p[k] += r->c[k];
}

static int batch_take(void *sink, size_t task, const void *result, struct diag *d)
{
    struct state *s = sink;
    struct task t;
    task_of(s, task, &t);
    if (write_row(s->c, &s->runs, &t, result, d))
        return -1;
    s->pr.runs++;
    pool(s, task, result);
    return 0;
}

static struct executor_batch batch_of(struct state *s, size_t first, size_t total)
{
    struct executor_batch b = { 0 };
    b.first = first;
    b.total = total;
    b.payload_size = sizeof(struct task);
    b.result_size = sizeof(struct result);
    b.payload = batch_payload;
    b.run = run_task;
    b.take = batch_take;
    b.ctx = s ? s->c : NULL;
    b.sink = s;
    b.jobs = s && s->o ? s->o->jobs : 1;
    return b;
}

/* Run (or read back) every replication of proposals first .. first + n - 1
 * of generation gen, pooling their counts. */
static int run_batch(struct state *s, uint64_t gen, uint64_t first, size_t n, const double *theta, struct diag *d)
{
    const struct calibration *c = s->c;
    s->gen = gen;
    s->first = first;
    s->n = n;
    s->theta = theta;
    free(s->pooled);
    free(s->broken);
    s->pooled = calloc(n * COUNTS, sizeof *s->pooled);
    s->broken = calloc(n, 1);
    if (!s->pooled || !s->broken)
        return diag_fail(d, EXIT_INPUT, "out of memory");
    size_t total = n * c->reps, i = 0;
    for (; i < total; i++) {
        struct task t;
        struct result r;
        task_of(s, i, &t);
        int got = read_row(c, &s->runs, &t, &r, d);
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        pool(s, i, &r);
    }
    struct executor_batch b = batch_of(s, i, total);
    return executor_run(&b, s->stop, d);
}

static void report(struct state *s, size_t gen, size_t accepted, size_t proposals, double tolerance, int final)
{
    struct progress *pr = &s->pr;
    if (pr->quiet)
        return;
    double t = now();
    if (!final && t - pr->last < (pr->tty ? 0.25 : 5.0))
        return;
    if (!pr->tty && pr->shown[0] == gen && pr->shown[1] == accepted && pr->shown[2] == proposals)
        return;   /* said already */
    pr->last = t;
    pr->shown[0] = gen;
    pr->shown[1] = accepted;
    pr->shown[2] = proposals;
    const struct calibration *c = s->c;
    size_t n = c->pb.particles;
    double rate = (double)pr->runs / (t - pr->start > 1e-9 ? t - pr->start : 1e-9);
    /* What is left, if acceptance stays as it is now: an estimate. */
    double acc = proposals ? (double)accepted / (double)proposals : 1.0;
    double left_props = (double)(n - (accepted < n ? accepted : n)) / (acc > 0.01 ? acc : 0.01);
    if (c->pb.method == ABC_SMC)
        left_props += (double)(c->pb.generations - gen) * (double)n / (acc > 0.01 ? acc : 0.01);
    else
        left_props = (double)(c->pb.proposals - proposals);
    double left = rate > 0 ? (left_props * (double)c->reps + (double)(c->fit_blocks * c->reps)) / rate : 0.0;
    char tol[32] = "none";
    if (isfinite(tolerance))
        snprintf(tol, sizeof tol, "%.4g", tolerance);
    fprintf(stderr, "%sgeneration %zu of %zu: %zu of %zu accepted from %zu proposals (%.0f%%), tolerance %s; "
            "%.1f runs/s, about %.0f s left%s",
            pr->tty ? "\r" : "", gen, c->pb.method == ABC_SMC ? c->pb.generations : (size_t)1, accepted, n, proposals,
            100.0 * acc, tol, rate, left, pr->tty && !final ? "   " : "\n");
}

/* ---- the callbacks of abc_run ---------------------------------------------------- */

static int simulate(void *ctx, size_t gen, size_t first, size_t n, const double *theta, double *stats,
                    struct diag *d)
{
    struct state *s = ctx;
    const struct calibration *c = s->c;
    if (run_batch(s, gen, first, n, theta, d))
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < c->pb.n_stats; k++)
            stats[i * c->pb.n_stats + k] = s->broken[i] ? NAN : stat_value(c->target[k], s->pooled + i * COUNTS);
    return 0;
}

static int population_copy(struct abc_population *to, const struct abc_population *from)
{
    *to = *from;
    to->theta = malloc(from->n * from->k * sizeof *to->theta);
    to->weight = malloc(from->n * sizeof *to->weight);
    to->distance = malloc(from->n * sizeof *to->distance);
    to->stats = malloc(from->n * from->n_stats * sizeof *to->stats);
    if (!to->theta || !to->weight || !to->distance || !to->stats) {
        abc_population_free(to);
        return -1;
    }
    memcpy(to->theta, from->theta, from->n * from->k * sizeof *to->theta);
    memcpy(to->weight, from->weight, from->n * sizeof *to->weight);
    memcpy(to->distance, from->distance, from->n * sizeof *to->distance);
    memcpy(to->stats, from->stats, from->n * from->n_stats * sizeof *to->stats);
    return 0;
}

static int generation_done(void *ctx, size_t gen, const struct abc_population *pop, struct diag *d)
{
    struct state *s = ctx;
    struct abc_population *more = realloc(s->pops, (s->n_pops + 1) * sizeof *more);
    if (!more)
        return diag_fail(d, EXIT_INPUT, "out of memory");
    s->pops = more;
    if (population_copy(&s->pops[s->n_pops], pop))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    s->n_pops++;
    report(s, gen, pop->n, pop->proposals, pop->tolerance, 1);
    return 0;
}

static void progress(void *ctx, size_t gen, size_t accepted, size_t proposals, double tolerance)
{
    report(ctx, gen, accepted, proposals, tolerance, 0);
}

/* ---- outputs ---------------------------------------------------------------------- */

/* Write path whole or not at all: into path.part, checked, synced, renamed. */
static int write_atomic(const char *path, int (*fill)(FILE *, const void *), const void *ctx, struct diag *d)
{
    char part[1300];
    snprintf(part, sizeof part, "%s.part", path);
    FILE *f = fopen(part, "w");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", part, strerror(errno));
    int bad = fill(f, ctx) != 0;
    bad |= fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(part, path) != 0) {
        unlink(part);
        return diag_fail(d, EXIT_INPUT, "error writing '%s' (disk full?)", path);
    }
    return 0;
}

static int write_text(FILE *f, const void *text)
{
    return fputs(text, f) < 0 ? -1 : 0;
}

static int fill_posterior(FILE *f, const void *ctx)
{
    const struct state *s = ctx;
    const struct calibration *c = s->c;
    fputs("generation,particle,weight", f);
    for (size_t j = 0; j < c->pb.k; j++)
        fprintf(f, ",%s", c->prior[j]->path);
    fputs(",distance", f);
    for (size_t k = 0; k < c->pb.n_stats; k++)
        fprintf(f, ",%s", calib_stat_names[c->target[k]]);
    fputc('\n', f);
    for (size_t g = 0; g < s->n_pops; g++) {
        const struct abc_population *p = &s->pops[g];
        for (size_t i = 0; i < p->n; i++) {
            fprintf(f, "%zu,%zu,%.17g", g + 1, i, p->weight[i]);
            for (size_t j = 0; j < p->k; j++)
                fprintf(f, ",%.17g", p->theta[i * p->k + j]);
            fprintf(f, ",%.17g", p->distance[i]);
            for (size_t k = 0; k < p->n_stats; k++)
                fprintf(f, ",%.10g", p->stats[i * p->n_stats + k]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

static int fill_priors(FILE *f, const void *ctx)
{
    const struct calibration *c = ctx;
    fputs("param,min,max\n", f);
    for (size_t j = 0; j < c->pb.k; j++)
        fprintf(f, "%s,%.17g,%.17g\n", c->prior[j]->path, c->pb.lo[j], c->pb.hi[j]);
    return ferror(f) ? -1 : 0;
}

/* The calibrated point: each parameter's weighted posterior median. */
static void medians(const struct abc_population *p, double *theta)
{
    double *x = malloc(p->n * sizeof *x);
    for (size_t j = 0; x && j < p->k; j++) {
        for (size_t i = 0; i < p->n; i++)
            x[i] = p->theta[i * p->k + j];
        theta[j] = abc_quantile(x, p->weight, p->n, 0.5);
    }
    free(x);
}

struct fit {
    double theta[ABC_PARAMS_MAX];
    double *block;            /* [block * n_stats + stat] */
    size_t blocks;
};

struct fit_ctx {
    const struct state *s;
    const struct fit *fit;
};

/* Statistic k over the blocks that give it a value: mean, 2.5% and 97.5%
 * quantiles, and how many blocks gave one. */
static int fit_summary(const struct fit *fit, size_t ns, size_t k, double *mean, double *lo, double *hi, size_t *n)
{
    double *v = malloc(fit->blocks * sizeof *v), sum = 0.0;
    if (!v)
        return -1;
    *n = 0;
    for (size_t b = 0; b < fit->blocks; b++)
        if (isfinite(fit->block[b * ns + k])) {
            v[(*n)++] = fit->block[b * ns + k];
            sum += fit->block[b * ns + k];
        }
    *mean = *n ? sum / (double)*n : NAN;
    *lo = *n ? abc_quantile(v, NULL, *n, 0.025) : NAN;
    *hi = *n ? abc_quantile(v, NULL, *n, 0.975) : NAN;
    free(v);
    return 0;
}

static int fill_fit(FILE *f, const void *ctx)
{
    const struct fit_ctx *fc = ctx;
    const struct calibration *c = fc->s->c;
    const struct fit *fit = fc->fit;
    size_t ns = c->pb.n_stats;
    fputs("stat,observed,sd,model_mean,model_lo,model_hi,blocks,blocks_with_value\n", f);
    for (size_t k = 0; k < ns; k++) {
        double mean, lo, hi;
        size_t n;
        if (fit_summary(fit, ns, k, &mean, &lo, &hi, &n))
            return -1;
        fprintf(f, "%s,%.10g,%.10g,", calib_stat_names[c->target[k]], c->pb.observed[k], c->pb.sd[k]);
        if (n > 0)
            fprintf(f, "%.10g,%.10g,%.10g", mean, lo, hi);
        else
            fputs(",,", f);
        fprintf(f, ",%zu,%zu\n", fit->blocks, n);
    }
    return ferror(f) ? -1 : 0;
}

struct calibrated_ctx {
    const struct state *s;
    const struct params *p;
    size_t generations;
};

static int fill_calibrated(FILE *f, const void *ctx)
{
    const struct calibrated_ctx *cc = ctx;
    const struct calibration *c = cc->s->c;
    fprintf(f, "# turnaround %s calibrate: the scenario of %s with each calibrated parameter at its\n"
               "# posterior median (generation %zu, %zu particles; posterior.csv has them all).\n"
               "# turnaround run and turnaround compare read this file as it is.\n#\n",
            TURNAROUND_VERSION, c->file, cc->generations, c->pb.particles);
    for (size_t j = 0; j < c->pb.k; j++)
        fprintf(f, "# %s: prior %g to %g, calibrated %.6g\n", c->prior[j]->path, c->pb.lo[j], c->pb.hi[j],
                params_get_number(cc->p, c->prior[j]));
    fputc('\n', f);
    settings_write(f, cc->p);
    return ferror(f) ? -1 : 0;
}

/* The model at the calibrated point: fit_blocks blocks of reps replications,
 * each block's statistics as one particle would see them. */
static int run_fit(struct state *s, struct fit *fit, struct diag *d)
{
    const struct calibration *c = s->c;
    size_t ns = c->pb.n_stats;
    fit->blocks = c->fit_blocks;
    fit->block = calloc(fit->blocks * ns, sizeof *fit->block);
    double *theta = calloc(fit->blocks * c->pb.k, sizeof *theta);
    if (!fit->block || !theta) {
        free(theta);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    for (size_t b = 0; b < fit->blocks; b++)
        memcpy(theta + b * c->pb.k, fit->theta, c->pb.k * sizeof *theta);
    int rc = run_batch(s, 0, 0, fit->blocks, theta, d);
    for (size_t b = 0; !rc && b < fit->blocks; b++)
        for (size_t k = 0; k < ns; k++)
            fit->block[b * ns + k] = s->broken[b] ? NAN : stat_value(c->target[k], s->pooled + b * COUNTS);
    free(theta);
    return rc;
}

static void print_fit(const struct state *s, const struct fit *fit, const char *dir)
{
    const struct calibration *c = s->c;
    size_t ns = c->pb.n_stats;
    printf("%-32s %10s %10s %22s\n", "target", "observed", "model", "95% of blocks");
    for (size_t k = 0; k < ns; k++) {
        double mean, lo, hi;
        size_t n;
        if (fit_summary(fit, ns, k, &mean, &lo, &hi, &n) == 0 && n)
            printf("%-32s %10.4g %10.4g %10.4g to %-10.4g\n", calib_stat_names[c->target[k]], c->pb.observed[k],
                   mean, lo, hi);
        else
            printf("%-32s %10.4g %10s\n", calib_stat_names[c->target[k]], c->pb.observed[k], "no value");
    }
    printf("calibrated parameters in %s/calibrated.cfg; posterior in %s/posterior.csv\n", dir, dir);
}

/* ---- the folder ----------------------------------------------------------------------- */

static char *resolved_config(const struct calibration *c, const struct calibrate_options *o)
{
    return settings_resolved_text("the calibration in calibrate.cfg", o->sets, o->n_sets, &c->base.p);
}

/* Whether path holds exactly text. */
static int same_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = strlen(text), i = 0;
    int ch, same = 1;
    while ((ch = fgetc(f)) != EOF && same)
        same = i < n && text[i++] == (char)ch;
    fclose(f);
    return same && i == n;
}

static int prepare(const struct calibration *c, const struct calibrate_options *o, const char *config, int *resume,
                   struct diag *d)
{
    const char *dir = o->out;
    char path[FOLDER_PATH_MAX + 32];
    *resume = 0;
    if (results_exists(dir) && o->resume) {
        snprintf(path, sizeof path, "%s/calibrate.cfg", dir);
        int same = same_text(path, c->text);
        snprintf(path, sizeof path, "%s/config.cfg", dir);
        same = same && same_text(path, config);
        if (!same)
            return diag_fail(d, EXIT_INPUT, "'%s' holds a different calibration (or none); --force starts this one "
                             "afresh", dir);
        *resume = 1;
        return 0;
    }
    if (results_exists(dir) && !o->force)
        return diag_fail(d, EXIT_INPUT, "results folder '%s' already exists; --resume continues its calibration, "
                         "--force replaces it", dir);
    /* Forced, the old folder was set aside by calibrate_run: dir is free.
     * The new folder is made whole beside it and renamed into place, so a
     * kill leaves either no folder or one --resume can continue. */
    char made[FOLDER_PATH_MAX];
    folder_remove_stale(dir, "creating");
    if (folder_beside(dir, "creating", made, sizeof made) != 0)
        return diag_fail(d, EXIT_INPUT, "'%s': path too long", dir);
    if (results_make_parents(made) != 0 || mkdir(made, 0777) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot create '%s': %s", dir, strerror(errno));
    int rc = folder_mark(made, "calibrate", d);
    snprintf(path, sizeof path, "%s/.incomplete", made);
    if (!rc)
        rc = write_atomic(path, write_text, "a calibration is running or was interrupted; --resume continues it\n", d);
    snprintf(path, sizeof path, "%s/calibrate.cfg", made);
    if (!rc)
        rc = write_atomic(path, write_text, c->text, d);
    snprintf(path, sizeof path, "%s/config.cfg", made);
    if (!rc)
        rc = write_atomic(path, write_text, config, d);
    if (!rc && (folder_sync(made) != 0 || rename(made, dir) != 0))
        rc = diag_fail(d, EXIT_INPUT, "cannot create '%s': %s", dir, strerror(errno));
    if (rc)   /* a folder that never held a run is no calibration to resume: not left */
        folder_remove_tree(made);
    return rc;
}

static void state_free(struct state *s)
{
    free(s->pooled);
    free(s->broken);
    for (size_t g = 0; g < s->n_pops; g++)
        abc_population_free(&s->pops[g]);
    free(s->pops);
}

static int calibrate_run_locked(struct calibration *c, const struct calibrate_options *o,
                                const signal_flag *stop, struct diag *d)
{
    const char *dir = o->out;
    char path[1200];
    char *config = resolved_config(c, o);
    if (!config)
        return diag_fail(d, EXIT_INPUT, "out of memory");
    int resume;
    int rc = prepare(c, o, config, &resume, d);
    free(config);
    if (rc)
        return -1;
    struct state s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.o = o;
    s.stop = stop;
    s.pr = (struct progress){ o->quiet, isatty(STDERR_FILENO), now(), 0.0, 0, { 0, 0, 0 } };
    c->pb.simulate = simulate;
    c->pb.generation_done = generation_done;
    c->pb.progress = progress;
    c->pb.ctx = &s;
    if (runs_open(c, &s.runs, dir, "runs.csv", resume, d)) {
        runs_close(&s.runs, d);
        return -1;
    }
    struct abc_population post;
    size_t gens = 0;
    char early[400];
    rc = abc_run(&c->pb, &post, &gens, early, sizeof early, d);
    struct diag scratch = { 0 };
    if (runs_close(&s.runs, rc ? &scratch : d) && !rc)
        rc = -1;
    if (rc) {
        state_free(&s);
        return -1;
    }
    if (early[0] && !o->quiet)
        fprintf(stderr, "turnaround: warning: %s\n", early);

    struct fit fit = { { 0 }, NULL, 0 };
    medians(&post, fit.theta);
    struct params calibrated;
    apply(c, fit.theta, &calibrated);
    if (runs_open(c, &s.runs, dir, "fit-runs.csv", resume, d))
        rc = -1;
    if (!rc)
        rc = run_fit(&s, &fit, d);
    if (runs_close(&s.runs, rc ? &scratch : d) && !rc)
        rc = -1;
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    if (!rc)
        rc = write_atomic(path, fill_posterior, &s, d);
    snprintf(path, sizeof path, "%s/priors.csv", dir);
    if (!rc)
        rc = write_atomic(path, fill_priors, c, d);
    struct calibrated_ctx cc = { &s, &calibrated, gens };
    snprintf(path, sizeof path, "%s/calibrated.cfg", dir);
    if (!rc)
        rc = write_atomic(path, fill_calibrated, &cc, d);
    struct fit_ctx fc = { &s, &fit };
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    if (!rc)
        rc = write_atomic(path, fill_fit, &fc, d);
    if (!rc && early[0]) {
        char note[600];
        snprintf(note, sizeof note, "%s\n", early);
        snprintf(path, sizeof path, "%s/stopped-early.txt", dir);
        rc = write_atomic(path, write_text, note, d);
    }
    snprintf(path, sizeof path, "%s/.incomplete", dir);
    if (!rc && unlink(path) != 0 && errno != ENOENT)
        rc = diag_fail(d, EXIT_INPUT, "cannot remove '%s': %s", path, strerror(errno));
    if (!rc && s.failed && !o->quiet)
        fprintf(stderr, "turnaround: warning: %zu replications failed and their particles were rejected; the first: "
                "%s (the error column of runs.csv has each)\n", s.failed, s.failure);
    if (!rc && !o->quiet)
        print_fit(&s, &fit, dir);
    free(fit.block);
    abc_population_free(&post);
    state_free(&s);
    return rc;
}

/* As sweep_run: the folder's lock for the whole calibration, and with
 * --force the old folder set aside until the new one is complete. */
int calibrate_run(struct calibration *c, const struct calibrate_options *o, const signal_flag *stop,
                  struct diag *d)
{
    struct folder_lock lk;
    char aside[FOLDER_PATH_MAX];
    if (folder_start(o->out, o->force, o->resume, o->quiet, "calibration", &lk, aside, sizeof aside, d)) {
        return -1;
    }
    int rc = calibrate_run_locked(c, o, stop, d);
    folder_finish(rc, o->out, "calibration", &lk, aside, d);
    return rc;
}

#ifdef TURNAROUND_MPI
void calibrate_serve(const struct calibration *c)
{
    struct executor_batch b = batch_of(NULL, 0, 0);
    b.ctx = c;
    executor_mpi_serve(&b);
}
#endif
