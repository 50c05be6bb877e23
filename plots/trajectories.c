/* trajectories: true quality by month, a line and 95% band per strategy,
 * perceived quality dashed in the same colour, the rating thresholds, and
 * each strategy's typical start and exit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of column col of summary.csv over strategy i's rows for org, or NaN. */
static double median(const struct results_view *v, size_t i, const char *org, const char *col)
{
    int s = table_col(&v->summary, "strategy"), o = table_col(&v->summary, "org"), c = table_col(&v->summary, col);
    double *x = malloc((v->summary.rows + 1) * sizeof *x);
    size_t n = 0;
    for (size_t r = 0; x && r + 1 < v->summary.rows; r++) {
        double val = table_num(&v->summary, r, c);
        if (!isnan(val) && strcmp(table_text(&v->summary, r, s), v->strategies[i]) == 0
            && strcmp(table_text(&v->summary, r, o), org) == 0)
            x[n++] = val;
    }
    double m = NAN;
    if (n) {
        qsort(x, n, sizeof *x, cmp);
        m = x[n / 2];
    }
    free(x);
    return m;
}

int plot_trajectories(const struct results_view *v, const char *format, char *err, size_t len)
{
    struct chart c;
    if (chart_begin(&c, v->plots, "trajectories", format, err, len))
        return -1;
    static const char *const cols[] = { "quality", "quality_lo", "quality_hi", "perceived_quality" };
    for (size_t i = 0; i < v->n_strategies; i++)
        plot_means_block(v, c.data, i, cols, 4);

    FILE *gp = c.gp;
    plot_heading(gp, v, "true and perceived quality");
    fputs("set xlabel 'month'\nset ylabel 'quality (share of practice matching the standard)'\n"
          "set yrange [0:1]\nset style fill transparent solid 0.18 noborder\n",
          gp);
    const struct { const char *name; double at; } lines[] = {
        { "outstanding", v->outstanding }, { "good", v->good }, { "inadequate below", v->inadequate },
    };
    for (size_t k = 0; k < 3; k++) {
        fprintf(gp, "set arrow from graph 0, first %g to graph 1, first %g nohead dt 3 lc rgb '#777777'\n",
                lines[k].at, lines[k].at);
        fprintf(gp, "set label '%s' at graph 0.01, first %g offset 0,0.6 tc rgb '#555555'\n", lines[k].name,
                lines[k].at);
    }
    const char *org = plot_org(v);
    for (size_t i = 0; strcmp(org, "sector") != 0 && i < v->n_strategies; i++) {
        double start = median(v, i, org, "start_month"), exit = median(v, i, org, "exit_month");
        if (!isnan(start) && i == 0)
            fprintf(gp, "set arrow from first %g, graph 0 to first %g, graph 1 nohead dt 4 lc rgb '#999999'\n"
                        "set label 'intervention starts' at first %g, graph 0.04 offset 0.5,0 tc rgb '#555555'\n",
                    start, start, start);
        if (!isnan(exit))
            fprintf(gp, "set arrow from first %g, graph 0 to first %g, graph 0.12 nohead lw 3 lc rgb '%s'\n"
                        "set label 'exit' at first %g, graph 0.14 center tc rgb '%s'\n",
                    exit, exit, gp_colour(i), exit, gp_colour(i));
    }
    fputs("plot \\\n", gp);
    for (size_t i = 0; i < v->n_strategies; i++) {
        fprintf(gp, "  'trajectories.dat' index %zu using 1:3:4 with filledcurves lc rgb '%s' notitle, \\\n", i,
                gp_colour(i));
        fprintf(gp, "  '' index %zu using 1:2 with lines lw 2 lc rgb '%s' title ", i, gp_colour(i));
        gp_string(gp, v->strategies[i]);
        fprintf(gp, ", \\\n  '' index %zu using 1:5 with lines dt 2 lc rgb '%s' notitle, \\\n", i, gp_colour(i));
    }
    fputs("  NaN with lines dt 2 lc rgb '#777777' title 'dashed: perceived by insiders'\n", gp);
    return chart_end(&c, err, len);
}
