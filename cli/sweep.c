#include "sweep.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "cfgtext.h"
#include "checked.h"
#include "csv.h"
#include "memory.h"
#include "executor.h"
#include "folder.h"
#include "outcome.h"
#include "rng.h"
#include "schedule.h"
#include "sensitivity.h"
#include "table.h"
#include "world.h"

/* ---- the sweep file ------------------------------------------------------- */

/* A strategy in a sweep is a schedule, optionally followed by " / EXIT" to
 * give it its own exit test ("retained_ownership / capability"): exit tests
 * can then be compared as levers like strategies. Splits text into its parts
 * (exit is "" when not given). */
static void split_strategy(const char *text, char *schedule, char *exit, size_t len)
{
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    snprintf(schedule, len, "%.*s", (int)n, text);
    snprintf(exit, len, "%s", slash ? slash + 1 : "");
    for (char *s = schedule + strlen(schedule); s > schedule && s[-1] == ' ';)
        *--s = '\0';
    char *e = exit;
    while (*e == ' ')
        e++;
    memmove(exit, e, strlen(e) + 1);
}


static const char *const sweep_keys[] = { "scenario", "design", "samples", "reps", "strategies", "vary" };
static const char *const factor_keys[] = { "param", "values", "from", "to", "step", "min", "max", "levels" };

static int known(const char *name, const char *const *keys, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(name, keys[k]) == 0)
            return 1;
    return 0;
}

static int check_keys(const config_setting_t *g, const char *const *keys, size_t n, const char *file, const char *what,
                      struct diag *d)
{
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        if (name && !known(name, keys, n)) {
            char list[200] = "";
            for (size_t k = 0; k < n; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", keys[k]);
            return diag_fail(d, EXIT_INPUT, "%s:%u: unknown key '%s' in %s; expected one of %s", file,
                             config_setting_source_line(s), name, what, list);
        }
    }
    return 0;
}

static int number_of(const config_setting_t *s, double *v)
{
    int t = config_setting_type(s);
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        *v = (double)config_setting_get_int64(s);
    else if (t == CONFIG_TYPE_FLOAT)
        *v = config_setting_get_float(s);
    else
        return -1;
    return 0;
}

/* A number member of g, or -1 with d filled when present and not a number;
 * 1 when absent. */
static int member_number(const config_setting_t *g, const char *name, double *v, const char *file, struct diag *d)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s)
        return 1;
    if (number_of(s, v))
        return diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected a number, found something else", file,
                         config_setting_source_line(s), name);
    return 0;
}

static int check_value(const struct factor *f, double v, const char *file, unsigned line, struct diag *d)
{
    if (!params_in_range(f->def, v))
        return diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected values from %g to %g%s, found %g", file, line,
                         f->def->path, f->def->min, f->def->max, f->def->type == PARAM_REAL ? "" : " (whole numbers)",
                         v);
    return 0;
}

static int load_factor(struct factor *f, const config_setting_t *g, const char *file, struct diag *d)
{
    unsigned line = config_setting_source_line(g);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return diag_fail(d, EXIT_INPUT, "%s:%u: vary: expected groups { param = \"...\"; ... }", file, line);
    if (check_keys(g, factor_keys, sizeof factor_keys / sizeof factor_keys[0], file, "a vary entry", d))
        return -1;
    const char *path;
    if (!config_setting_lookup_string(g, "param", &path))
        return diag_fail(d, EXIT_INPUT, "%s:%u: vary: each entry needs param = \"path\"", file, line);
    f->def = params_find(path);
    if (!f->def) {
        const char *near = params_nearest(path);
        return diag_fail(d, EXIT_INPUT, "%s:%u: vary: unknown parameter '%s'%s%s%s", file, line, path,
                         near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    if (f->def->type == PARAM_STRING)
        return diag_fail(d, EXIT_INPUT, "%s:%u: vary: %s is text; vary numbers only (strategies have their own list)",
                         file, line, path);
    if (f->def->type == PARAM_CHOICE)
        return diag_fail(d, EXIT_INPUT,
                         "%s:%u: vary: %s is a choice of rules, not a number; run one sweep per choice, each with "
                         "--set %s=NAME",
                         file, line, path, path);
    const config_setting_t *values = config_setting_get_member(g, "values");
    double from, to, step, v;
    if (values) {
        if (!config_setting_is_aggregate(values) || config_setting_length(values) < 1)
            return diag_fail(d, EXIT_INPUT, "%s:%u: %s: values: expected a list of numbers [a, b, ...]", file, line, path);
        for (int i = 0; i < config_setting_length(values); i++) {
            if (f->n_values == FACTOR_VALUES_MAX || number_of(config_setting_get_elem(values, (unsigned)i), &v))
                return diag_fail(d, EXIT_INPUT, "%s:%u: %s: values: expected up to %d numbers", file, line, path,
                                 FACTOR_VALUES_MAX);
            if (check_value(f, v, file, line, d))
                return -1;
            f->values[f->n_values++] = v;
        }
        return 0;
    }
    int has_from = member_number(g, "from", &from, file, d), has_to = member_number(g, "to", &to, file, d),
        has_step = member_number(g, "step", &step, file, d);
    if (has_from < 0 || has_to < 0 || has_step < 0)
        return -1;
    if (has_from == 0 || has_to == 0 || has_step == 0) {
        if (has_from || has_to || has_step)
            return diag_fail(d, EXIT_INPUT, "%s:%u: %s: from, to and step go together", file, line, path);
        if (!(step > 0.0) || to < from)
            return diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected from <= to and step > 0, found from %g, to %g, step %g",
                             file, line, path, from, to, step);
        for (double x = from; x <= to + 1e-9 * step; x += step) {
            if (f->n_values == FACTOR_VALUES_MAX)
                return diag_fail(d, EXIT_INPUT, "%s:%u: %s: more than %d values", file, line, path, FACTOR_VALUES_MAX);
            if (check_value(f, x, file, line, d))
                return -1;
            f->values[f->n_values++] = x;
        }
        return 0;
    }
    int has_min = member_number(g, "min", &f->min, file, d), has_max = member_number(g, "max", &f->max, file, d);
    if (has_min < 0 || has_max < 0)
        return -1;
    if (has_min || has_max)
        return diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected values = [...], from/to/step, or min/max", file, line, path);
    if (f->max < f->min || check_value(f, f->min, file, line, d) || check_value(f, f->max, file, line, d))
        return d->msg[0] ? -1
                         : diag_fail(d, EXIT_INPUT, "%s:%u: %s: expected min <= max, found %g > %g", file, line, path,
                                     f->min, f->max);
    double levels = 0;
    int has_levels = member_number(g, "levels", &levels, file, d);
    if (has_levels < 0)
        return -1;
    if (has_levels == 0 && (levels < 2 || levels > 1000 || levels != floor(levels)))
        return diag_fail(d, EXIT_INPUT, "%s:%u: %s: levels: expected a whole number from 2 to 1000, found %g", file, line,
                         path, levels);
    f->levels = (int)levels;
    return 0;
}

static int load_scenario(struct sweep *sw, const char *name, const struct sweep_options *o, unsigned line,
                         struct diag *d)
{
    if (o->scenario_file)   /* a finished sweep's folder: its resolved scenario, --set included */
        return settings_load(&sw->base, o->scenario_file, d) || settings_check(&sw->base, d) ? -1 : 0;
    char path[2100];
    const char *slash = strrchr(sw->file, '/');
    if (strlen(name) >= sizeof path - 1024)   /* the file's own path is at most 1023 characters */
        return diag_fail(d, EXIT_INPUT, "%s:%u: scenario: the path is %zu characters long; at most %zu are accepted",
                         sw->file, line, strlen(name), sizeof path - 1025);
    snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - sw->file + 1) : 0, sw->file, name);
    if (name[0] == '/' || !results_exists(path))
        snprintf(path, sizeof path, "%s", name);   /* not beside the sweep file: from the working folder */
    if (!results_exists(path))
        return diag_fail(d, EXIT_INPUT, "%s:%u: scenario: cannot find '%s' beside the sweep file or in the working folder",
                         sw->file, line, name);
    if (settings_load(&sw->base, path, d))
        return -1;
    for (size_t k = 0; k < o->n_sets; k++)
        if (settings_assign(&sw->base, o->sets[k], d))
            return -1;
    return settings_check(&sw->base, d);
}

int sweep_load(struct sweep *sw, const char *path, const struct sweep_options *o, struct diag *d)
{
    memset(sw, 0, sizeof *sw);
    if (strlen(path) >= sizeof sw->file)
        return diag_fail(d, EXIT_INPUT, "sweep file path is %zu characters long; at most %zu are accepted", strlen(path),
                         sizeof sw->file - 1);
    snprintf(sw->file, sizeof sw->file, "%s", path);
    if (settings_init(&sw->base))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    char *whole = cfgtext_read(path, d);
    if (!whole)
        return -1;
    size_t n = strlen(whole);
    if (n >= sizeof sw->text) {
        free(whole);
        return diag_fail(d, EXIT_INPUT, "%s: a sweep file may be at most %zu bytes; this one is %zu", path,
                         sizeof sw->text - 1, n);
    }
    memcpy(sw->text, whole, n + 1);
    free(whole);
    if (cfgtext_refuse_includes(path, sw->text, d))
        return -1;
    config_t cfg;
    config_init(&cfg);
    if (!config_read_string(&cfg, sw->text)) {
        diag_fail(d, EXIT_INPUT, "%s:%d: syntax error: %s", path, config_error_line(&cfg), config_error_text(&cfg));
        config_destroy(&cfg);
        return -1;
    }
    int rc = -1;
    const config_setting_t *g = config_lookup(&cfg, "sweep");
    const char *text;
    double v;
    if (!g || config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_fail(d, EXIT_INPUT, "%s: expected a group sweep = { ... };", path);
        goto done;
    }
    if (check_keys(g, sweep_keys, sizeof sweep_keys / sizeof sweep_keys[0], path, "sweep", d))
        goto done;
    if (!config_setting_lookup_string(g, "scenario", &text)) {
        diag_fail(d, EXIT_INPUT, "%s:%u: sweep: scenario = \"path\" is missing", path, config_setting_source_line(g));
        goto done;
    }
    if (load_scenario(sw, text, o, config_setting_source_line(g), d))
        goto done;
    sw->design = DESIGN_GRID;
    if (config_setting_lookup_string(g, "design", &text)) {
        if (strcmp(text, "lhs") == 0)
            sw->design = DESIGN_LHS;
        else if (strcmp(text, "sobol") == 0)
            sw->design = DESIGN_SOBOL;
        else if (strcmp(text, "morris") == 0)
            sw->design = DESIGN_MORRIS;
        else if (strcmp(text, "grid") != 0) {
            diag_fail(d, EXIT_INPUT, "%s:%u: design: expected grid, lhs, sobol or morris, found '%s'",
                      path, config_setting_source_line(config_setting_get_member(g, "design")), text);
            goto done;
        }
    }
    /* Counts are read as doubles: beyond 2^53 they are not whole numbers
     * exactly, and a cast of a larger one to size_t is undefined. */
    sw->reps = (size_t)sw->base.p.run_reps;
    int has = member_number(g, "reps", &v, path, d);
    if (has < 0)
        goto done;
    if (has == 0)
        sw->reps = v >= 1 && v <= SWEEP_RUNS_MAX && v == floor(v) ? (size_t)v : 0;
    if (sw->reps == 0) {
        diag_fail(d, EXIT_INPUT, "%s:%u: reps: expected a whole number from 1 to 2^53, found %.17g", path,
                  config_setting_source_line(config_setting_get_member(g, "reps")), v);
        goto done;
    }
    has = member_number(g, "samples", &v, path, d);
    if (has < 0)
        goto done;
    if (has == 0 && !(v >= 1 && v <= SWEEP_RUNS_MAX && v == floor(v))) {
        diag_fail(d, EXIT_INPUT, "%s:%u: samples: expected a whole number from 1 to 2^53, found %.17g", path,
                  config_setting_source_line(config_setting_get_member(g, "samples")), v);
        goto done;
    }
    if (has == 0)
        sw->samples = (size_t)v;
    if (sw->design != DESIGN_GRID && sw->samples == 0) {
        diag_fail(d, EXIT_INPUT, "%s: samples: a %s design needs samples = N (a whole number of at least 1)", path,
                  sw->design == DESIGN_LHS ? "Latin hypercube" : sw->design == DESIGN_SOBOL ? "Sobol" : "Morris");
        goto done;
    }
    const config_setting_t *st = config_setting_get_member(g, "strategies");
    if (st && !config_setting_is_list(st) && !config_setting_is_array(st)) {
        diag_fail(d, EXIT_INPUT, "%s:%u: strategies: expected a list, strategies = [\"...\", ...], found %s", path,
                  config_setting_source_line(st),
                  config_setting_type(st) == CONFIG_TYPE_STRING ? "one text (put it in brackets)" : "a single value");
        goto done;
    }
    if (st && config_setting_length(st) == 0) {
        diag_fail(d, EXIT_INPUT, "%s:%u: strategies: the list is empty: name at least one strategy, or leave strategies "
                  "out to run the scenario's own", path, config_setting_source_line(st));
        goto done;
    }
    if (!st) {
        snprintf(sw->strategies[0], PARAMS_STRING_MAX, "%s", sw->base.p.intervention_schedule);
        sw->n_strategies = 1;
    }
    for (int i = 0; st && i < config_setting_length(st); i++) {
        const char *s = config_setting_get_string_elem(st, (unsigned)i);
        char why[400], sched_text[PARAMS_STRING_MAX], exit_text[PARAMS_STRING_MAX];
        struct schedule sched;
        struct exit_test ex;
        if (s && strlen(s) >= PARAMS_STRING_MAX) {
            diag_fail(d, EXIT_INPUT, "%s:%u: strategies: entry %d is %zu characters long; at most %d are accepted", path,
                      config_setting_source_line(st), i + 1, strlen(s), PARAMS_STRING_MAX - 1);
            goto done;
        }
        if (s)
            split_strategy(s, sched_text, exit_text, sizeof sched_text);
        if (!s || sw->n_strategies == SWEEP_STRATEGIES_MAX || schedule_parse(sched_text, &sched, why, sizeof why)
            || (exit_text[0] && exit_parse(exit_text, &ex, why, sizeof why))) {
            diag_fail(d, EXIT_INPUT, "%s:%u: strategies: entry %d: %s", path, config_setting_source_line(st), i + 1,
                      s ? (sw->n_strategies == SWEEP_STRATEGIES_MAX ? "too many strategies" : why)
                        : "expected text in double quotes");
            goto done;
        }
        snprintf(sw->strategies[sw->n_strategies++], PARAMS_STRING_MAX, "%s", s);
    }
    const config_setting_t *vary = config_setting_get_member(g, "vary");
    for (int i = 0; vary && i < config_setting_length(vary); i++) {
        if (sw->n_vary == SWEEP_FACTORS_MAX) {
            diag_fail(d, EXIT_INPUT, "%s: vary: at most %d parameters", path, SWEEP_FACTORS_MAX);
            goto done;
        }
        struct factor *fa = &sw->vary[sw->n_vary++];
        if (load_factor(fa, config_setting_get_elem(vary, (unsigned)i), path, d))
            goto done;
        if (sw->design == DESIGN_MORRIS && fa->n_values) {
            diag_fail(d, EXIT_INPUT, "%s:%u: %s: a Morris design needs a range, min = ... and max = ...", path,
                      config_setting_source_line(config_setting_get_elem(vary, (unsigned)i)), fa->def->path);
            goto done;
        }
        if (sw->design == DESIGN_GRID && !fa->n_values && fa->levels == 0)
            fa->levels = 5;   /* a range in a grid: five evenly spaced levels unless told */
        if (sw->design == DESIGN_GRID && !fa->n_values && fa->levels < 2) {
            diag_fail(d, EXIT_INPUT, "%s:%u: %s: a grid needs values, from/to/step, or min/max with levels = N (N >= 2)",
                      path, config_setting_source_line(config_setting_get_elem(vary, (unsigned)i)), fa->def->path);
            goto done;
        }
    }
    if (sw->design >= DESIGN_SOBOL && (sw->n_vary == 0 || sw->n_vary > 20)) {
        diag_fail(d, EXIT_INPUT, "%s: vary: a %s design needs 1 to 20 varied parameters, found %zu", path,
                  sw->design == DESIGN_SOBOL ? "Sobol" : "Morris", sw->n_vary);
        goto done;
    }
    size_t n_points, n_runs;
    if (design_size(sw->design, sw->vary, sw->n_vary, sw->samples, &n_points)) {
        diag_fail(d, EXIT_INPUT, "%s: the design is too large to count: %s", path,
                  sw->design == DESIGN_GRID ? "the product of the factors' levels overflows"
                                            : "samples times the points per sample overflows");
        goto done;
    }
    if (checked_mul3(n_points, sw->reps, sw->n_strategies, &n_runs) || n_runs > SWEEP_RUNS_MAX) {
        diag_fail(d, EXIT_INPUT, "%s: %zu design points x %zu replications x %zu strategies is more than 2^53 runs, "
                  "the most whose run numbers R and pandas read exactly", path, n_points, sw->reps, sw->n_strategies);
        goto done;
    }
    /* Held at once: the design's points, the per-point outcomes of the
     * sensitivity analysis (as many again, at most), and a world per job. */
    size_t need, design_bytes, one = world_estimate_bytes(&sw->base.p);
    int too_big = one == SIZE_MAX || checked_mul3(n_points, sw->n_vary ? sw->n_vary : 1, 2 * sizeof(double), &design_bytes)
              || checked_mul(one, (size_t)(o->jobs > 1 ? o->jobs : 1), &need)
              || checked_add(need, design_bytes, &need);
    char what[200];
    snprintf(what, sizeof what, "%s: a design of %zu points, with %d run%s at once", path, n_points,
             o->jobs > 1 ? o->jobs : 1, o->jobs > 1 ? "s" : "");
    if (memory_check(too_big ? SIZE_MAX : need, what, d))
        goto done;
    sw->points = design_points(sw->design, sw->vary, sw->n_vary, sw->samples, (uint64_t)sw->base.p.run_seed,
                               &sw->n_points);
    if (!sw->points) {
        diag_fail(d, EXIT_INPUT, "out of memory for the design");
        goto done;
    }
    rc = 0;
done:
    config_destroy(&cfg);
    return rc;
}

void sweep_free(struct sweep *sw)
{
    settings_free(&sw->base);
    free(sw->points);
    sw->points = NULL;
}

int sweep_load_folder(struct sweep *sw, const char *dir, struct diag *d)
{
    char path[FOLDER_PATH_MAX + 16], scenario[FOLDER_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/sweep.cfg", dir);
    snprintf(scenario, sizeof scenario, "%s/config.cfg", dir);
    struct sweep_options o = { 0 };
    o.jobs = 1;
    o.shard = o.shards = 1;
    o.scenario_file = scenario;
    return sweep_load(sw, path, &o, d);
}

/* ---- one run -------------------------------------------------------------- */

enum { R_FAILED, R_INTERVENED, R_MONTHS_TO_GOOD, R_RELAPSED, R_MONTHS_UNDER, R_COMMISSIONER, R_INTERIM, R_PEER_DAYS,
       R_FINAL_QUALITY, R_FINAL_CODE, R_FINAL_MARCH, OUTCOMES };
static const char *const outcome_names[OUTCOMES] = {
    "orgs_failed", "intervened", "months_to_good", "relapsed", "months_under_intervention",
    "commissioner_months", "interim_months", "peer_review_days", "final_quality", "final_code_knowledge",
    "final_march_knowledge",
};

struct outcome {
    size_t run;
    int failed;
    double v[OUTCOMES];
    char error[256];
};

static size_t runs_total(const struct sweep *sw)
{
    return sw->n_points * sw->reps * sw->n_strategies;
}

/* Run r is design point p, replication rep and strategy s, in that nesting;
 * every strategy of a point and replication has the same seed. */
static void decode(const struct sweep *sw, size_t r, size_t *p, size_t *rep, size_t *s)
{
    *s = r % sw->n_strategies;
    *rep = (r / sw->n_strategies) % sw->reps;
    *p = r / sw->n_strategies / sw->reps;
}

static uint64_t run_seed(const struct sweep *sw, size_t p, size_t rep)
{
    return rng_rep_seed(rng_mix((uint64_t)sw->base.p.run_seed ^ rng_mix(p + 0x50544eULL)), rep);
}

static void run_one(const struct sweep *sw, size_t r, struct outcome *out)
{
    memset(out, 0, sizeof *out);
    out->run = r;
    size_t p, rep, s;
    decode(sw, r, &p, &rep, &s);
    struct params prm = sw->base.p;
    for (size_t k = 0; k < sw->n_vary; k++)
        params_set_number(&prm, sw->vary[k].def, sw->points[p * sw->n_vary + k]);
    char exit_text[PARAMS_STRING_MAX];
    split_strategy(sw->strategies[s], prm.intervention_schedule, exit_text, sizeof prm.intervention_schedule);
    if (exit_text[0])
        snprintf(prm.intervention_exit, sizeof prm.intervention_exit, "%s", exit_text);
    const char *culprit;
    if (params_check(&prm, out->error, sizeof out->error, &culprit)) {
        out->failed = 1;
        return;
    }
    world *w = world_alloc(&prm, run_seed(sw, p, rep));
    if (!w) {
        out->failed = 1;
        snprintf(out->error, sizeof out->error, "out of memory");
        return;
    }
    for (int m = 0; m < prm.run_months; m++)
        world_step(w);
    double good = 0, relapsed = 0, watched = 0, exits = 0, under = 0, quality = 0, code = 0, march = 0;
    double n_good = 0;
    int control = schedule_is_control(prm.intervention_schedule);
    for (size_t i = 0; i < world_orgs(w); i++) {
        const struct org_obs *ob = world_obs(w, i);
        quality += ob->quality / (double)world_orgs(w);
        code += ob->code_knowledge / (double)world_orgs(w);
        march += ob->march_knowledge / (double)world_orgs(w);
        if (world_history(w, i)->month_failed >= 0)
            out->v[R_FAILED]++;
        struct org_intervention iv;
        world_intervention(w, i, &iv);
        if (!iv.started)
            continue;
        out->v[R_INTERVENED]++;
        struct org_outcome oc;
        outcome_of(&iv, control, prm.run_months, prm.intervention_after_months, &oc);
        if (!isnan(oc.months_to_good)) {
            good += oc.months_to_good;
            n_good++;
        }
        if (!isnan(oc.months_under)) {
            exits++;
            under += oc.months_under;
        }
        if (!isnan(oc.relapsed)) {
            watched++;
            relapsed += oc.relapsed;
        }
        out->v[R_COMMISSIONER] += oc.commissioner_months;
        out->v[R_INTERIM] += oc.interim_months;
        out->v[R_PEER_DAYS] += oc.peer_review_days;
    }
    out->v[R_MONTHS_TO_GOOD] = n_good > 0 ? good / n_good : NAN;
    out->v[R_RELAPSED] = watched > 0 ? relapsed / watched : NAN;
    out->v[R_MONTHS_UNDER] = exits > 0 ? under / exits : NAN;
    out->v[R_FINAL_QUALITY] = quality;
    out->v[R_FINAL_CODE] = code;
    out->v[R_FINAL_MARCH] = march;
    world_free(w);
}

/* ---- output --------------------------------------------------------------- */

/* The runs of this shard: the i-th is run shard - 1 + i * shards. */
static size_t local_total(const struct sweep *sw, const struct sweep_options *o)
{
    size_t total = runs_total(sw), first = (size_t)o->shard - 1, n = (size_t)o->shards;
    return total > first ? (total - first + n - 1) / n : 0;
}

static size_t global_run(const struct sweep_options *o, size_t i)
{
    return (size_t)o->shard - 1 + i * (size_t)o->shards;
}

static void write_header(const struct sweep *sw, FILE *f)
{
    fputs("run,point,rep,strategy,seed", f);
    for (size_t k = 0; k < sw->n_vary; k++)
        fprintf(f, ",%s", sw->vary[k].def->path);
    for (int k = 0; k < OUTCOMES; k++)
        fprintf(f, ",%s", outcome_names[k]);
    fputs(",error\n", f);
}

/* What run r's line of runs.csv starts with, wholly fixed by the sweep: its
 * number, point, replication, strategy, seed and design values, and the comma
 * after them. --resume checks every kept line against it. */
#define PREFIX_MAX 4096
static void line_prefix(const struct sweep *sw, size_t r, char *buf)
{
    size_t p, rep, s;
    decode(sw, r, &p, &rep, &s);
    int n = snprintf(buf, PREFIX_MAX, "%zu,%zu,%zu,", r, p, rep);
    const char *name = sw->strategies[s];
    if (strpbrk(name, ",\"\n\r")) {   /* as csv_text writes it; a strategy is at most 255 characters */
        buf[n++] = '"';
        for (; *name; name++) {
            if (*name == '"')
                buf[n++] = '"';
            buf[n++] = *name;
        }
        buf[n++] = '"';
        buf[n] = '\0';
    } else {
        n += snprintf(buf + n, PREFIX_MAX - (size_t)n, "%s", name);
    }
    n += snprintf(buf + n, PREFIX_MAX - (size_t)n, ",%llu", (unsigned long long)run_seed(sw, p, rep));
    for (size_t k = 0; k < sw->n_vary; k++)   /* at most 20 factors of at most 17 characters */
        n += snprintf(buf + n, PREFIX_MAX - (size_t)n, ",%.10g", sw->points[p * sw->n_vary + k]);
    snprintf(buf + n, PREFIX_MAX - (size_t)n, ",");
}

/* One run's line, flushed; -1 when the write failed (a full disk). The error
 * text is kept to one line, so every run is one line of the file. */
static int write_line(const struct sweep *sw, FILE *f, const struct outcome *o)
{
    char prefix[PREFIX_MAX], error[sizeof o->error];
    line_prefix(sw, o->run, prefix);
    int bad = fputs(prefix, f) < 0;
    for (int k = 0; k < OUTCOMES; k++) {
        if (k > 0)
            bad |= fputc(',', f) == EOF;
        if (!o->failed && !isnan(o->v[k]))
            bad |= fprintf(f, "%.6g", o->v[k]) < 0;
    }
    bad |= fputc(',', f) == EOF;
    snprintf(error, sizeof error, "%s", o->failed ? o->error : "");
    for (char *c = error; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    csv_text(f, error);
    bad |= fputc('\n', f) == EOF;
    bad |= fflush(f) != 0 || ferror(f);
    return bad ? -1 : 0;
}

/* fclose that also reports an error of an earlier write (a flush that
 * failed on a full disk), which fclose alone may not. 0, or -1. */
static int close_checked(FILE *f)
{
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;   /* on disk before any rename */
    return fclose(f) != 0 || bad ? -1 : 0;
}

static int write_file(const char *dir, const char *name, const char *text, struct diag *d)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f)
        fputs(text, f);
    if (!f || close_checked(f) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
    return 0;
}

static int write_design(const struct sweep *sw, const char *dir, struct diag *d)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/design.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s'", path);
    fputs("point", f);
    for (size_t k = 0; k < sw->n_vary; k++)
        fprintf(f, ",%s", sw->vary[k].def->path);
    fputc('\n', f);
    for (size_t p = 0; p < sw->n_points; p++) {
        fprintf(f, "%zu", p);
        for (size_t k = 0; k < sw->n_vary; k++)
            fprintf(f, ",%.10g", sw->points[p * sw->n_vary + k]);
        fputc('\n', f);
    }
    return close_checked(f) == 0 ? 0 : diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
}

/* sensitivity.csv for a Sobol design: per strategy, outcome and varied
 * parameter, the first-order and total indices of the outcome's mean over
 * replications, with 95% bootstrap intervals. An outcome not defined at
 * every point (say, months to good where some never got there) is left out. */
int sweep_write_analysis(const struct sweep *sw, const char *dir, struct diag *d)
{
    if (sw->design != DESIGN_SOBOL && sw->design != DESIGN_MORRIS)
        return 0;
    char path[1200], err[300];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    struct table t;
    if (table_read(&t, path, err, sizeof err))
        return diag_fail(d, EXIT_INPUT, "%s", err);
    size_t n = sw->samples, k = sw->n_vary;
    double *y = calloc(sw->n_points, sizeof *y);
    struct sobol_index *ix = calloc(k, sizeof *ix);
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    FILE *f = y && ix ? fopen(path, "w") : NULL;
    if (!f) {
        free(y);
        free(ix);
        table_free(&t);
        return diag_fail(d, EXIT_INPUT, "cannot write '%s'", path);
    }
    int morris = sw->design == DESIGN_MORRIS;
    double lo[SWEEP_FACTORS_MAX], hi[SWEEP_FACTORS_MAX];
    for (size_t i = 0; i < k; i++) {
        lo[i] = sw->vary[i].min;
        hi[i] = sw->vary[i].max;
    }
    struct morris_index mx[SWEEP_FACTORS_MAX];
    fputs(morris ? "strategy,outcome,param,mu_star,mu_star_lo,mu_star_hi,sigma\n"
                 : "strategy,outcome,param,first,first_lo,first_hi,total,total_lo,total_hi\n",
          f);
    int cp = table_col(&t, "point"), cs = table_col(&t, "strategy");
    for (size_t s = 0; s < sw->n_strategies; s++)
        for (int m = 0; m < OUTCOMES; m++) {
            int col = table_col(&t, outcome_names[m]), defined = 1;
            for (size_t p = 0; p < sw->n_points; p++)
                y[p] = 0.0;
            for (size_t r = 0; r + 1 < t.rows; r++) {
                if (strcmp(table_text(&t, r, cs), sw->strategies[s]) != 0)
                    continue;
                double v = table_num(&t, r, col);
                size_t p = (size_t)table_num(&t, r, cp);
                if (isnan(v))
                    defined = 0;
                else if (p < sw->n_points)
                    y[p] += v / (double)sw->reps;
            }
            uint64_t seed = (uint64_t)sw->base.p.run_seed;
            if (!defined || (morris ? sensitivity_morris(y, sw->points, n, k, lo, hi, 200, seed, mx)
                                    : sensitivity_sobol(y, n, k, 200, seed, ix)))
                continue;   /* undefined somewhere, or no variation: no indices */
            for (size_t i = 0; i < k; i++) {
                csv_text(f, sw->strategies[s]);
                if (morris)
                    fprintf(f, ",%s,%s,%.6g,%.6g,%.6g,%.6g\n", outcome_names[m], sw->vary[i].def->path, mx[i].mu_star,
                            mx[i].mu_star_lo, mx[i].mu_star_hi, mx[i].sigma);
                else
                    fprintf(f, ",%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", outcome_names[m], sw->vary[i].def->path,
                            ix[i].first, ix[i].first_lo, ix[i].first_hi, ix[i].total, ix[i].total_lo, ix[i].total_hi);
            }
        }
    free(y);
    free(ix);
    table_free(&t);
    return close_checked(f) == 0 ? 0 : diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
}

static char *resolved_config(const struct sweep *sw)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "# turnaround %s: the scenario's resolved parameters for the sweep in sweep.cfg.\n\n",
            TURNAROUND_VERSION);
    settings_write(f, &sw->base.p);
    fclose(f);
    return text;
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
    struct progress *pr;
    size_t total;
};

static void job_payload(void *sink, size_t task, void *payload)
{
    const struct sweep_job *j = sink;
    size_t run = global_run(j->o, task);
    memcpy(payload, &run, sizeof run);
}

static void job_run(const void *ctx, size_t task, const void *payload, void *result)
{
    (void)task;
    size_t run;
    memcpy(&run, payload, sizeof run);
    run_one(ctx, run, result);
}

static int job_take(void *sink, size_t task, const void *result, struct diag *d)
{
    (void)task;
    const struct sweep_job *j = sink;
    const struct outcome *out = result;
    if (write_line(j->sw, j->runs, out))
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
    b.result_size = sizeof(struct outcome);
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
    struct sweep_job j = { sw, NULL, NULL, NULL, 0 };
    struct executor_batch b = sweep_batch(&j, 0);
    executor_mpi_serve(&b);
}
#else
static void mpi_go(int go)
{
    (void)go;
}
#endif

/* Whether rest (after a line's prefix) is what write_line writes after it:
 * OUTCOMES fields, each empty or a number, then the error text, plain or
 * quoted, then the end of the line. */
static int rest_is_outcomes(const char *rest)
{
    for (int k = 0; k < OUTCOMES; k++) {
        const char *comma = strchr(rest, ',');
        if (!comma)
            return 0;
        if (comma > rest) {
            char *end;
            strtod(rest, &end);
            if (end != comma)
                return 0;
        }
        rest = comma + 1;
    }
    if (*rest == '"') {
        for (rest++; *rest; rest++)
            if (*rest == '"' && *++rest != '"')
                break;
        return strcmp(rest, "\n") == 0;
    }
    return strchr(rest, ',') == NULL && strchr(rest, '"') == NULL && strchr(rest, '\n') == rest + strlen(rest) - 1;
}

/* The runs of runs.csv that --resume may keep: the header must be this
 * sweep's, and the i-th line after it run global_run(o, i) of this sweep, its
 * number, point, replication, strategy, seed and design values as this sweep
 * would write them, and its outcomes well formed. A last line cut short by a
 * kill (no newline) is the one thing repaired: it is cut off, and that run is
 * done again. Anything else (a line changed, duplicated, deleted or from
 * another sweep, CRLF endings, more lines than the sweep has) is refused with
 * its line number. Returns the runs kept, or -1 with d filled. */
long sweep_verify_runs(const struct sweep *sw, const struct sweep_options *o, const char *path, struct diag *d)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "'%s' is missing: the folder holds no sweep to resume; --force starts afresh",
                         path);
    char *line = NULL, header[8192], prefix[PREFIX_MAX];
    size_t cap = 0, total = local_total(sw, o);
    FILE *h = fmemopen(header, sizeof header, "w");
    if (!h) {
        fclose(f);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    write_header(sw, h);
    fclose(h);
    long lineno = 0, kept = 0, good_end = 0, rc = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[len - 1] != '\n')
            break;   /* cut short by a kill: repaired below */
        if (memchr(line, '\0', (size_t)len) || strchr(line, '\r')) {
            rc = diag_fail(d, EXIT_INPUT, "%s:%ld: %s; the file was changed since the sweep wrote it, and --resume keeps "
                           "only what it can verify (--force starts afresh)", path, lineno,
                           strchr(line, '\r') ? "a CRLF line ending" : "a NUL byte");
            break;
        }
        if (lineno == 1) {
            if (strcmp(line, header) != 0) {
                rc = diag_fail(d, EXIT_INPUT, "%s:1: expected this sweep's header, found '%.*s'; --force starts afresh",
                               path, len > 80 ? 80 : (int)len - 1, line);
                break;
            }
        } else {
            if ((size_t)kept == total) {
                rc = diag_fail(d, EXIT_INPUT, "%s:%ld: more lines than the sweep's %zu runs; --force starts afresh", path,
                               lineno, total);
                break;
            }
            size_t run = global_run(o, (size_t)kept);
            line_prefix(sw, run, prefix);
            size_t n = strlen(prefix);
            if (strncmp(line, prefix, n) != 0 || !rest_is_outcomes(line + n)) {
                rc = diag_fail(d, EXIT_INPUT, "%s:%ld: expected run %zu of this sweep, starting '%.*s', found '%.*s'; the "
                               "file was changed, or mixed with another sweep's or shard's; --force starts afresh",
                               path, lineno, run, (int)(n > 60 ? 60 : n), prefix, len > 60 ? 60 : (int)len - 1, line);
                break;
            }
            kept++;
        }
        good_end = ftell(f);
    }
    int bad_read = ferror(f);
    free(line);
    fclose(f);
    if (rc)
        return -1;
    if (bad_read)
        return diag_fail(d, EXIT_INPUT, "cannot read '%s'", path);
    if (truncate(path, good_end) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot repair '%s': %s", path, strerror(errno));
    if (good_end == 0) {   /* killed before its header was whole: write it again */
        FILE *w = fopen(path, "w");
        int bad = !w || fputs(header, w) < 0;
        if (w && fclose(w) != 0)
            bad = 1;
        if (bad)
            return diag_fail(d, EXIT_INPUT, "cannot repair '%s': %s", path, strerror(errno));
    }
    return kept;
}

/* sweep-info.csv names the runs and the shard a folder holds: resuming it as
 * another shard would mix two shards' runs in one file. */
static int resume_check_shard(const struct sweep *sw, const struct sweep_options *o, const char *dir, struct diag *d)
{
    char path[1200], text[200], want[200];
    snprintf(path, sizeof path, "%s/sweep-info.csv", dir);
    snprintf(want, sizeof want, "runs,shard,shards\n%zu,%d,%d\n", runs_total(sw), o->shard, o->shards);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    if (strcmp(text, want) == 0)
        return 0;
    int shard, shards;
    size_t runs;
    if (sscanf(text, "runs,shard,shards\n%zu,%d,%d", &runs, &shard, &shards) == 3)
        return diag_fail(d, EXIT_INPUT, "'%s' holds shard %d/%d of a sweep of %zu runs; this is shard %d/%d of %zu: "
                         "resume it with --shard %d/%d", dir, shard, shards, runs, o->shard, o->shards, runs_total(sw),
                         shard, shards);
    return diag_fail(d, EXIT_INPUT, "'%s' is missing or unreadable: the folder is not a sweep's; --force starts afresh",
                     path);
}

static int sweep_run_locked(const struct sweep *sw, const struct sweep_options *o, const volatile sig_atomic_t *stop,
                            struct diag *d)
{
    const char *dir = o->out;
    char marker[1200], runs_path[1200], path[1200];
    snprintf(marker, sizeof marker, "%s/.incomplete", dir);
    snprintf(runs_path, sizeof runs_path, "%s/runs.csv", dir);
    char *config = resolved_config(sw);
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
            rc = resume_check_shard(sw, o, dir, d);
        if (!rc && (done = sweep_verify_runs(sw, o, runs_path, d)) < 0)
            rc = -1;
        if (!rc && !results_exists(marker) && (size_t)done == local_total(sw, o)) {
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
            rc = write_file(made, ".incomplete", "a sweep is running or was interrupted; --resume continues it\n", d);
        if (!rc)
            rc = write_file(made, "config.cfg", config, d);
        if (!rc)
            rc = write_file(made, "sweep.cfg", sw->text, d);
        if (!rc) {
            char info[200];
            snprintf(info, sizeof info, "runs,shard,shards\n%zu,%d,%d\n", runs_total(sw), o->shard, o->shards);
            rc = write_file(made, "sweep-info.csv", info, d);
        }
        snprintf(made_runs, sizeof made_runs, "%s/runs.csv", made);
        if (!rc) {
            FILE *f = fopen(made_runs, "w");
            if (f)
                write_header(sw, f);
            if (!f || close_checked(f) != 0)
                rc = diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", runs_path, strerror(errno));
        }
        if (!rc && (folder_sync(made) != 0 || rename(made, dir) != 0))
            rc = diag_fail(d, EXIT_INPUT, "cannot create '%s': %s", dir, strerror(errno));
        /* A folder that never held a run is no sweep to resume: not left. */
        if (rc && created)
            folder_remove_tree(made);
    }
    free(config);
    FILE *runs = rc ? NULL : fopen(runs_path, "a");
    mpi_go(runs != NULL);
    if (rc)
        return -1;
    if (!runs)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s'", runs_path);
    struct progress pr = { o->quiet, isatty(STDERR_FILENO), now(), 0.0, next };
    struct sweep_job job = { sw, o, runs, &pr, local_total(sw, o) };
    struct executor_batch batch = sweep_batch(&job, next);
    rc = executor_run(&batch, stop, d);
#ifdef TURNAROUND_MPI
    if (executor_mpi_ranks() > 1)
        executor_mpi_finish();
#endif
    if (fclose(runs) != 0 && !rc)
        rc = diag_fail(d, EXIT_INPUT, "error writing '%s' (disk full?)", runs_path);
    if (rc)
        return -1;
    report(&pr, local_total(sw, o), local_total(sw, o), 1);
    if (write_design(sw, dir, d))
        return -1;
    if (o->shards == 1 && sweep_write_analysis(sw, dir, d))
        return -1;
    remove(marker);
    return 0;
}

/* The folder's lock for the whole sweep; and with --force the old folder set
 * aside (never deleted first): dropped once the new sweep is complete, put
 * back if it fails or is interrupted. */
int sweep_run(const struct sweep *sw, const struct sweep_options *o, const volatile sig_atomic_t *stop, struct diag *d)
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
