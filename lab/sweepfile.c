/* sweepfile: reading a sweep file and the scenario it names. */
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

#include "cfgtext.h"
#include "checked.h"
#include "folder.h"
#include "results.h"
#include "schedule.h"
#include "memory.h"
#include "world.h"

/* ---- the sweep file ------------------------------------------------------- */

/* A strategy in a sweep is a schedule, optionally followed by " / EXIT" to
 * give it its own exit test ("retained_ownership / capability"): exit tests
 * can then be compared as levers like strategies. Splits text into its parts
 * (exit is "" when not given). */
void sweep_split_strategy(const char *text, char *schedule, char *exit, size_t len)
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


static const char *const sweep_keys[] = { "scenario", "design", "samples", "reps", "strategies", "vary", "series" };
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
    const config_setting_t *series = config_setting_get_member(g, "series");
    if (series) {
        if (config_setting_type(series) != CONFIG_TYPE_BOOL) {
            diag_fail(d, EXIT_INPUT, "%s:%u: series: expected true or false, found %s", path,
                      config_setting_source_line(series),
                      config_setting_type(series) == CONFIG_TYPE_STRING ? "a text (write true or false, no quotes)"
                                                                         : "a number or a list");
            goto done;
        }
        sw->series = config_setting_get_bool(series);
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
            sweep_split_strategy(s, sched_text, exit_text, sizeof sched_text);
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
