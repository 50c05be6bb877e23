/* sweepcharts: the charts of a sweep: each outcome against each varied
 * parameter with 95% intervals, a line per strategy (effects); one outcome
 * (plot --outcome, final quality unless told) over the first two varied
 * parameters (heatmap) and against the first, a line per value of the second
 * (interaction, when exactly two vary); the sensitivity indices as bars
 * (sensitivity, for Sobol and Morris designs). */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"
#include "style.h"

#define PARAMS_SHOWN 4
#define BINS_MAX 12

struct sweep_view {
    char dir[1024], plots[1100];
    struct table runs;
    int param_col[PARAMS_SHOWN];
    size_t n_params;
    char strategies[16][256];
    size_t n_strategies;
    const char *outcome;   /* of the heatmap and interaction charts */
    int outcome_col;
    char changed[1024];    /* what --set changed under the sweep, or "" */
};

/* A chart's title for gnuplot: what it shows, then what --set changed. */
static void gp_title(FILE *gp, const struct sweep_view *v, const char *what)
{
    if (!v->changed[0]) {
        gp_string(gp, what);
        return;
    }
    fputs("sprintf(\"%s\\n%s\", ", gp);
    gp_string(gp, what);
    fputs(", ", gp);
    gp_string(gp, v->changed);
    fputs(")", gp);
}

/* The same for the image's own title (chart_title). */
static void full_title(const struct sweep_view *v, const char *what, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s", what, v->changed[0] ? "\n" : "", v->changed);
}

/* The bin of value v of a parameter: its distinct values when few, else
 * equal-width bins over its range. */
struct bins {
    double lo, hi;
    double value[BINS_MAX];
    size_t n;
    int discrete;
};

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void make_bins(const struct sweep_view *v, int col, struct bins *b)
{
    memset(b, 0, sizeof *b);
    b->discrete = 1;
    b->lo = INFINITY;
    b->hi = -INFINITY;
    for (size_t r = 0; r + 1 < v->runs.rows; r++) {
        double x = table_num(&v->runs, r, col);
        if (x < b->lo)
            b->lo = x;
        if (x > b->hi)
            b->hi = x;
        size_t k = 0;
        while (k < b->n && b->value[k] != x)
            k++;
        if (k == b->n) {
            if (b->n == BINS_MAX)
                b->discrete = 0;
            else
                b->value[b->n++] = x;
        }
    }
    if (b->discrete)   /* in order, so that the line joins neighbours, not the design's order */
        qsort(b->value, b->n, sizeof b->value[0], by_value);
    if (!b->discrete) {
        b->n = 6;
        for (size_t k = 0; k < b->n; k++)
            b->value[k] = b->lo + (b->hi - b->lo) * ((double)k + 0.5) / (double)b->n;
    }
}

static size_t bin_of(const struct bins *b, double x)
{
    if (b->discrete) {
        for (size_t k = 0; k < b->n; k++)
            if (b->value[k] == x)
                return k;
        return 0;
    }
    size_t k = b->hi > b->lo ? (size_t)((x - b->lo) / (b->hi - b->lo) * (double)b->n) : 0;
    return k < b->n ? k : b->n - 1;
}

static const char *header(const struct sweep_view *v, int col)
{
    return v->runs.cell[col];
}

static int load(struct sweep_view *v, const char *dir, const char *outcome, char *err, size_t len)
{
    memset(v, 0, sizeof *v);
    v->outcome = outcome ? outcome : "final_quality";
    snprintf(v->dir, sizeof v->dir, "%s", dir);
    snprintf(v->plots, sizeof v->plots, "%s/plots", dir);
    char path[1200];
    snprintf(path, sizeof path, "%s/config.cfg", dir);
    plot_changed(path, v->changed, sizeof v->changed);
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    if (table_read(&v->runs, path, err, len))
        return -1;
    int seed = table_col(&v->runs, "seed"), first = table_col(&v->runs, "orgs_failed"),
        s = table_col(&v->runs, "strategy");
    for (int c = seed + 1; seed >= 0 && c < first && v->n_params < PARAMS_SHOWN; c++)
        v->param_col[v->n_params++] = c;
    v->outcome_col = table_col(&v->runs, v->outcome);
    int error = table_col(&v->runs, "error");
    if (v->outcome_col < first || first < 0 || v->outcome_col >= error) {
        int used = snprintf(err, len, "plot: --outcome: '%s' is not an outcome of this sweep; expected one of",
                            v->outcome);
        for (int c = first; first >= 0 && c < error && used >= 0 && (size_t)used < len; c++)
            used += snprintf(err + used, len - (size_t)used, "%s %s", c == first ? "" : ",", header(v, c));
        return -1;
    }
    for (size_t r = 0; r + 1 < v->runs.rows; r++) {
        const char *name = table_text(&v->runs, r, s);
        size_t k = 0;
        while (k < v->n_strategies && strcmp(v->strategies[k], name) != 0)
            k++;
        if (k == v->n_strategies && k < 16)
            snprintf(v->strategies[v->n_strategies++], sizeof v->strategies[0], "%s", name);
    }
    return 0;
}

/* Mean and 95% t-interval half-width of n values with sum and sum of squares. */
static void mean_interval(double sum, double sq, double n, double *mean, double *half)
{
    *mean = sum / n;
    *half = 0.0;
    if (n > 1) {
        double var = (sq - n * *mean * *mean) / (n - 1.0);
        *half = gsl_cdf_tdist_Pinv(0.975, n - 1.0) * sqrt(var > 0 ? var / n : 0.0);
    }
}

static int effects(const struct sweep_view *v, const char *format, char *err, size_t len)
{
    static const char *const outcomes[] = { "final_quality", "orgs_failed", "months_to_good" };
    static const char *const labels[] = { "final quality (sector)", "organisations failed", "months to good" };
    if (v->n_params == 0) {
        snprintf(err, len, "chart effects: the sweep varies no parameter");
        return -1;
    }
    struct chart c;
    if (chart_begin(&c, v->plots, "effects", format, err, len))
        return -1;
    int s = table_col(&v->runs, "strategy");
    /* block (outcome, param, strategy): bin value, mean, lo, hi */
    size_t points[3][PARAMS_SHOWN] = { { 0 } };
    double range[PARAMS_SHOWN][2], ylo[3][PARAMS_SHOWN], yhi[3][PARAMS_SHOWN];
    static struct bins bins[PARAMS_SHOWN];
    for (size_t o = 0; o < 3; o++)
        for (size_t p = 0; p < v->n_params; p++) {
            struct bins b;
            make_bins(v, v->param_col[p], &b);
            bins[p] = b;
            ylo[o][p] = INFINITY;
            yhi[o][p] = -INFINITY;
            range[p][0] = b.lo;
            range[p][1] = b.hi > b.lo ? b.hi : b.lo + 1.0;
            int oc = table_col(&v->runs, outcomes[o]);
            for (size_t k = 0; k < v->n_strategies; k++) {
                double sum[BINS_MAX] = { 0 }, sq[BINS_MAX] = { 0 }, n[BINS_MAX] = { 0 };
                for (size_t r = 0; r + 1 < v->runs.rows; r++) {
                    double y = table_num(&v->runs, r, oc);
                    if (isnan(y) || strcmp(table_text(&v->runs, r, s), v->strategies[k]) != 0)
                        continue;
                    size_t i = bin_of(&b, table_num(&v->runs, r, v->param_col[p]));
                    sum[i] += y;
                    sq[i] += y * y;
                    n[i]++;
                }
                for (size_t i = 0; i < b.n; i++) {
                    if (n[i] < 1)
                        continue;
                    double mean, half;
                    mean_interval(sum[i], sq[i], n[i], &mean, &half);
                    /* within the outcome's range: counts and months from 0, quality to 1 */
                    double lo = fmax(mean - half, 0.0), hi = o == 0 ? fmin(mean + half, 1.0) : mean + half;
                    fprintf(c.data, "%g %g %g %g\n", b.value[i], mean, lo, hi);
                    ylo[o][p] = fmin(ylo[o][p], lo);
                    yhi[o][p] = fmax(yhi[o][p], hi);
                    points[o][p]++;
                }
                fputs("\n\n", c.data);
            }
        }
    FILE *gp = c.gp;
    const char *what = "Sweep: outcomes against each varied parameter (means, 95% intervals)";
    char title[1200];
    full_title(v, what, title, sizeof title);
    chart_title(&c, title);
    /* The key in a column of its own on the right, clear of the lines. */
    fprintf(gp, "set multiplot layout 3,%zu title ", v->n_params);
    gp_title(gp, v, what);
    fprintf(gp, " margins 0.11,0.76,0.12,0.9 spacing 0.06,0.15\n"
                "set key at screen 0.78, screen 0.9 left top vertical Left reverse noenhanced font font_small\n"
                "set xtics nomirror font font_small\nset ytics nomirror font font_small\n");
    size_t block = 0;
    for (size_t o = 0; o < 3; o++)
        for (size_t p = 0; p < v->n_params; p++) {
            fputs("set xlabel ", gp);
            gp_string(gp, header(v, v->param_col[p]));
            fprintf(gp, " font font_small\nset ylabel '%s' font font_small\n%s", p == 0 ? labels[o] : "",
                    o == 0 && p == 0 ? "" : "unset key\n");
            double pad = 0.05 * (range[p][1] - range[p][0]);
            fprintf(gp, "set xrange [%g:%g]\n", range[p][0] - pad, range[p][1] + pad);
            if (bins[p].discrete && bins[p].n <= 5) {   /* tics at the design's values */
                fputs("set xtics (", gp);
                for (size_t i = 0; i < bins[p].n; i++)
                    fprintf(gp, "%s%.10g", i ? ", " : "", bins[p].value[i]);
                fputs(")\n", gp);
            } else {
                fprintf(gp, "set xtics %.10g\n", plot_tic_step(range[p][1] - range[p][0]));
            }
            if (points[o][p] > 0) {   /* about four tics, the intervals inside */
                double span = yhi[o][p] - ylo[o][p], ypad = span > 0 ? 0.08 * span : 0.5;
                fprintf(gp, "set yrange [%.10g:%.10g]\nset ytics %.10g\n", ylo[o][p] - ypad, yhi[o][p] + ypad,
                        plot_tic_step(span + 2 * ypad));
            }
            if (points[o][p] == 0) {   /* say so rather than fail: e.g. no organisation ever recovered */
                fputs("set yrange [0:1]\nset ytics 0.5\nset label 9 'no data' at graph 0.5, graph 0.5 center\n"
                      "plot NaN notitle\nunset label 9\n",
                      gp);
                block += v->n_strategies;
                continue;
            }
            fputs("plot ", gp);
            for (size_t k = 0; k < v->n_strategies; k++, block++) {
                fprintf(gp, "'effects.dat' index %zu using 1:2:3:4 with yerrorlines lw 2 pt 7", block);
                style_line(gp, v->strategies[k]);
                fputs(" title ", gp);
                gp_string(gp, v->strategies[k]);
                fputs(k + 1 < v->n_strategies ? ", " : "\n", gp);
            }
        }
    fputs("unset multiplot\n", gp);
    return chart_end(&c, err, len);
}

/* The chosen outcome of the first strategy's runs, summed over the bins of
 * the first two varied parameters. */
struct cell_grid {
    struct bins bx, by;
    double sum[BINS_MAX][BINS_MAX], sq[BINS_MAX][BINS_MAX], n[BINS_MAX][BINS_MAX];
};

static void grid_of(const struct sweep_view *v, struct cell_grid *g)
{
    memset(g, 0, sizeof *g);
    make_bins(v, v->param_col[0], &g->bx);
    make_bins(v, v->param_col[1], &g->by);
    int s = table_col(&v->runs, "strategy");
    for (size_t r = 0; r + 1 < v->runs.rows; r++) {
        double y = table_num(&v->runs, r, v->outcome_col);
        if (isnan(y) || strcmp(table_text(&v->runs, r, s), v->strategies[0]) != 0)
            continue;
        size_t i = bin_of(&g->bx, table_num(&v->runs, r, v->param_col[0]));
        size_t j = bin_of(&g->by, table_num(&v->runs, r, v->param_col[1]));
        g->sum[i][j] += y;
        g->sq[i][j] += y * y;
        g->n[i][j]++;
    }
}

static int heatmap(const struct sweep_view *v, const char *format, char *err, size_t len)
{
    if (v->n_params < 2) {
        snprintf(err, len, "chart heatmap: it needs two varied parameters");
        return -1;
    }
    struct chart c;
    if (chart_begin(&c, v->plots, "heatmap", format, err, len))
        return -1;
    static struct cell_grid g;
    grid_of(v, &g);
    const struct bins bx = g.bx, by = g.by;
    for (size_t i = 0; i < bx.n; i++)
        for (size_t j = 0; j < by.n; j++)
            if (g.n[i][j] > 0)
                fprintf(c.data, "%zu %zu %g\n", i, j, g.sum[i][j] / g.n[i][j]);
    FILE *gp = c.gp;
    char what[600];
    snprintf(what, sizeof what, "Sweep: mean %s (%s)", v->outcome, v->strategies[0]);
    char title[1700];
    full_title(v, what, title, sizeof title);
    chart_title(&c, title);
    fputs("set title ", gp);
    gp_title(gp, v, what);
    fputs(" noenhanced\nset palette defined (0 '#D55E00', 0.5 '#F0E442', 1 '#009E73')\nunset key\nset cblabel ", gp);
    gp_string(gp, v->outcome);
    fputs(" noenhanced\nset xlabel ", gp);
    gp_string(gp, header(v, v->param_col[0]));
    fputs("\nset ylabel ", gp);
    gp_string(gp, header(v, v->param_col[1]));
    fprintf(gp, "\nset xrange [-0.5:%g]\nset yrange [-0.5:%g]\nset xtics (", (double)bx.n - 0.5, (double)by.n - 0.5);
    for (size_t i = 0; i < bx.n; i++)
        fprintf(gp, "'%.3g' %zu%s", bx.value[i], i, i + 1 < bx.n ? ", " : ")\nset ytics (");
    for (size_t j = 0; j < by.n; j++)
        fprintf(gp, "'%.3g' %zu%s", by.value[j], j, j + 1 < by.n ? ", " : ")\n");
    fputs("plot 'heatmap.dat' using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc palette\n", gp);
    return chart_end(&c, err, len);
}

/* The outcome against the first varied parameter, a line per value of the
 * second (an interaction plot, like March's figure 1), for the first strategy. */
static int interaction_applies(const struct sweep_view *v)
{
    struct bins by;
    if (v->n_params != 2)
        return 0;
    make_bins(v, v->param_col[1], &by);
    return by.discrete;
}

static int interaction(const struct sweep_view *v, const char *format, char *err, size_t len)
{
    if (!interaction_applies(v)) {
        snprintf(err, len, "chart interaction: it needs a sweep that varies exactly two parameters, the second on at "
                 "most %d values", BINS_MAX);
        return -1;
    }
    struct chart c;
    if (chart_begin(&c, v->plots, "interaction", format, err, len))
        return -1;
    static struct cell_grid g;
    grid_of(v, &g);
    const struct bins bx = g.bx, by = g.by;
    for (size_t j = 0; j < by.n; j++) {
        for (size_t i = 0; i < bx.n; i++)
            if (g.n[i][j] > 0) {
                double mean, half;
                mean_interval(g.sum[i][j], g.sq[i][j], g.n[i][j], &mean, &half);
                fprintf(c.data, "%g %g %g %g\n", bx.value[i], mean, mean - half, mean + half);
            }
        fputs("\n\n", c.data);
    }
    FILE *gp = c.gp;
    char what[600], how[400];
    snprintf(what, sizeof what, "%s against %s", v->outcome, header(v, v->param_col[0]));
    snprintf(how, sizeof how, "a line per %s (%s; means, 95%% intervals)", header(v, v->param_col[1]),
             v->strategies[0]);
    char both[1100];
    snprintf(both, sizeof both, "%s\n%s", what, how);
    char title[2200];
    full_title(v, both, title, sizeof title);
    chart_title(&c, title);
    fputs(v->changed[0] ? "set title sprintf(\"%s\\n%s\\n%s\", " : "set title sprintf(\"%s\\n%s%s\", ", gp);
    gp_string(gp, what);
    fputs(", ", gp);
    gp_string(gp, how);
    fputs(", ", gp);
    gp_string(gp, v->changed);
    fputs(") noenhanced\nset key bottom left noenhanced\nset xtics nomirror\nset ytics nomirror\nset xlabel ", gp);
    gp_string(gp, header(v, v->param_col[0]));
    fputs(" noenhanced\nset ylabel ", gp);
    gp_string(gp, v->outcome);
    double pad = 0.05 * (bx.hi > bx.lo ? bx.hi - bx.lo : 1.0);
    fprintf(gp, " noenhanced\nset xrange [%g:%g]\nplot ", bx.lo - pad, bx.hi + pad);
    for (size_t j = 0; j < by.n; j++) {
        char key[300];
        snprintf(key, sizeof key, "%s = %g", header(v, v->param_col[1]), by.value[j]);
        fprintf(gp, "'interaction.dat' index %zu using 1:2:3:4 with yerrorlines lw 2 dt %zu pt %zu lc rgb '%s' title ",
                j, j + 1, 5 + 2 * j, gp_colour(j + 1));
        gp_string(gp, key);
        fputs(j + 1 < by.n ? ", " : "\n", gp);
    }
    return chart_end(&c, err, len);
}

static int sensitivity(const struct sweep_view *v, const char *format, char *err, size_t len)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/sensitivity.csv", v->dir);
    struct table t;
    if (table_read(&t, path, err, len)) {
        snprintf(err, len, "chart sensitivity: no sensitivity.csv (it comes from a sobol or morris design)");
        return -1;
    }
    int morris = table_col(&t, "mu_star") >= 0;
    const char *mid = morris ? "mu_star" : "total", *lo = morris ? "mu_star_lo" : "total_lo",
               *hi = morris ? "mu_star_hi" : "total_hi";
    int cs = table_col(&t, "strategy"), co = table_col(&t, "outcome"), cp = table_col(&t, "param"),
        cm = table_col(&t, mid), cl = table_col(&t, lo), ch = table_col(&t, hi), cst = table_col(&t, "status"),
        cn = table_col(&t, morris ? "noise_mu_star" : "noise_total");
    /* Only indices there are: an outcome marked constant, failed or undefined
     * has none, and a chart of nothing would be gnuplot's puzzle. */
    size_t usable = 0;
    const char *why = "no rows";
    for (size_t r = 0; r + 1 < t.rows; r++)
        if (strcmp(table_text(&t, r, co), "final_quality") == 0) {
            if (cst < 0 || strcmp(table_text(&t, r, cst), "ok") == 0)
                usable++;
            else
                why = table_text(&t, r, cst);
        }
    if (usable == 0) {
        snprintf(err, len, "chart sensitivity: final_quality has no indices in sensitivity.csv (status: %s)", why);
        table_free(&t);
        return -1;
    }
    struct chart c;
    if (chart_begin(&c, v->plots, "sensitivity", format, err, len)) {
        table_free(&t);
        return -1;
    }
    char params[16][128];
    size_t n_params = 0;
    double ymax = 0.0, ymin = 0.0;   /* the axis covers every bar, interval and floor */
    for (size_t k = 0; k < v->n_strategies; k++) {
        for (size_t r = 0; r + 1 < t.rows; r++) {
            if (strcmp(table_text(&t, r, cs), v->strategies[k]) != 0
                || strcmp(table_text(&t, r, co), "final_quality") != 0
                || (cst >= 0 && strcmp(table_text(&t, r, cst), "ok") != 0))
                continue;
            size_t p = 0;
            while (p < n_params && strcmp(params[p], table_text(&t, r, cp)) != 0)
                p++;
            if (p == n_params && n_params < 16)
                snprintf(params[n_params++], sizeof params[0], "%s", table_text(&t, r, cp));
            double width = 0.8 / (double)v->n_strategies;
            double noise = cn >= 0 ? table_num(&t, r, cn) : NAN;
            double top = fmax(table_num(&t, r, ch), fmax(table_num(&t, r, cm), isnan(noise) ? 0.0 : noise));
            double bottom = fmin(table_num(&t, r, cl), 0.0);
            ymax = isnan(top) ? ymax : fmax(ymax, top);
            ymin = isnan(bottom) ? ymin : fmin(ymin, bottom);
            fprintf(c.data, "%g %g %g %g ", (double)p - 0.4 + width * ((double)k + 0.5), table_num(&t, r, cm),
                    table_num(&t, r, cl), table_num(&t, r, ch));
            if (isnan(noise))
                fputs("NaN\n", c.data);
            else
                fprintf(c.data, "%g\n", noise);
        }
        fputs("\n\n", c.data);
    }
    table_free(&t);
    FILE *gp = c.gp;
    char what[200];
    snprintf(what, sizeof what, "Sweep: sensitivity of the final quality (%s, 95%% bootstrap intervals)",
             morris ? "Morris mu*" : "Sobol total index");
    char title[1300];
    full_title(v, what, title, sizeof title);
    chart_title(&c, title);
    fputs("set title ", gp);
    gp_title(gp, v, what);
    fprintf(gp, "\nset style fill solid 0.8 noborder\nset boxwidth %g\nset key below horizontal noenhanced\nset ylabel '%s'\n"
                "set xrange [-0.6:%g]\nset yrange [%g:%g]\nset xzeroaxis lt -1\nset xtics (",
            0.8 / (double)(v->n_strategies ? v->n_strategies : 1),
            morris ? "mu* (per whole range)" : "total-order index", (double)n_params - 0.4,
            ymin < 0.0 ? ymin * 1.08 : 0.0, ymax > 0.0 ? ymax * 1.08 : 1.0);
    for (size_t p = 0; p < n_params; p++) {
        gp_string(gp, params[p]);
        fprintf(gp, " %zu%s", p, p + 1 < n_params ? ", " : ")\n");
    }
    if (n_params == 0)
        fputs("0)\n", gp);
    fputs("plot ", gp);
    for (size_t k = 0; k < v->n_strategies; k++) {
        struct style st = style_of(v->strategies[k]);
        if (st.pattern)
            fprintf(gp, "'sensitivity.dat' index %zu using 1:2 with boxes fs pattern %d border lc rgb '%s' lc rgb '%s' title ",
                    k, st.pattern, st.colour, st.colour);
        else
            fprintf(gp, "'sensitivity.dat' index %zu using 1:2 with boxes lc rgb '%s' title ", k, st.colour);
        gp_string(gp, v->strategies[k]);
        fprintf(gp, ", '' index %zu using 1:2:3:4 with yerrorbars lc rgb '#333333' pt 0 notitle", k);
        /* the replication noise floor: what a parameter with no effect gets */
        double w = 0.8 / (double)(v->n_strategies ? v->n_strategies : 1);
        fprintf(gp, ", '' index %zu using ($1-%g):5:(%g):(0) with vectors nohead dt 2 lw 3 lc rgb '#000000' %s%s", k,
                w / 2.0, w, k == 0 ? "title 'noise floor: replications alone'" : "notitle",
                k + 1 < v->n_strategies ? ", " : "\n");
    }
    return chart_end(&c, err, len);
}

const char *const sweep_chart_names[] = { "effects", "heatmap", "interaction", "sensitivity" };
const size_t sweep_chart_count = sizeof sweep_chart_names / sizeof sweep_chart_names[0];

int plot_sweep(const char *dir, const struct plot_options *o, char *err, size_t len)
{
    static struct sweep_view v;
    const char *format = o->format, *only = o->only;
    if (load(&v, dir, o->outcome, err, len)) {
        table_free(&v.runs);
        return -1;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    FILE *has_sensitivity = fopen(path, "r");
    if (has_sensitivity)
        fclose(has_sensitivity);
    int (*const draw[])(const struct sweep_view *, const char *, char *, size_t) = { effects, heatmap, interaction,
                                                                                       sensitivity };
    int failed = 0;
    size_t used = 0;
    err[0] = '\0';
    for (size_t i = 0; i < sweep_chart_count; i++) {
        if (only && strcmp(only, sweep_chart_names[i]) != 0)
            continue;
        if (!only && ((draw[i] == heatmap && v.n_params < 2) || (draw[i] == interaction && !interaction_applies(&v))
                      || (draw[i] == sensitivity && !has_sensitivity)))
            continue;   /* charts that do not apply to this design */
        char why[800];
        if (draw[i](&v, format, why, sizeof why)) {
            failed++;
            used += (size_t)snprintf(err + used, used < len ? len - used : 0, "%s%s", used ? "\n" : "", why);
        }
    }
    table_free(&v.runs);
    return failed;
}
