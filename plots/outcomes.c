/* outcomes: the comparison table as a chart: months to good, relapse rate
 * and commissioner-months per strategy, each a bar with its 95% interval.
 * Drawn from comparison.csv, so only for `turnaround compare` results. */
#include <math.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"

int plot_outcomes(const struct results_view *v, const char *format, char *err, size_t len)
{
    if (v->comparison.rows < 2) {
        snprintf(err, len, "chart outcomes: no comparison.csv (it comes from 'turnaround compare')");
        return -1;
    }
    struct chart c;
    if (chart_begin(&c, v->plots, "outcomes", format, err, len))
        return -1;
    static const char *const outcomes[] = { "months_to_good", "relapsed", "commissioner_months" };
    static const char *const label[] = { "months to good", "relapse rate", "commissioner-months" };
    const struct table *t = &v->comparison;
    int s = table_col(t, "strategy"), o = table_col(t, "outcome"), mean = table_col(t, "mean"), lo = table_col(t, "lo"),
        hi = table_col(t, "hi");
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < v->n_strategies; i++)
            for (size_t r = 0; r + 1 < t->rows; r++)
                if (strcmp(table_text(t, r, s), v->strategies[i]) == 0 && strcmp(table_text(t, r, o), outcomes[k]) == 0) {
                    double m = table_num(t, r, mean), l = table_num(t, r, lo), h = table_num(t, r, hi);
                    fprintf(c.data, "%zu %g %g %g\n", i, isnan(m) ? 0.0 : m, isnan(l) ? (isnan(m) ? 0.0 : m) : l,
                            isnan(h) ? (isnan(m) ? 0.0 : m) : h);
                }
        fputs("\n\n", c.data);
    }

    FILE *gp = c.gp;
    fputs("set multiplot layout 1,3 title sprintf(\"%s\\n%s\", ", gp);
    gp_string(gp, v->title[0] ? v->title : "turnaround");
    fputs(", 'outcomes by strategy: means with 95% intervals')", gp);
    fprintf(gp, " margins 0.07,0.98,0.32,0.82 spacing 0.07,0\n"
                "set style fill solid 0.8 noborder\nset boxwidth 0.7\nset xtics rotate by 40 right noenhanced font ',16'\n"
                "set xrange [-0.6:%g]\nset yrange [0:*]\nunset key\nset ytics nomirror\nset xtics nomirror\n",
            (double)v->n_strategies - 0.4);
    fputs("set xtics (", gp);
    for (size_t i = 0; i < v->n_strategies; i++) {
        gp_string(gp, v->strategies[i]);
        fprintf(gp, " %zu%s", i, i + 1 < v->n_strategies ? ", " : ")\n");
    }
    fputs("colour(i) = ", gp);
    for (size_t i = 0; i < v->n_strategies; i++)
        fprintf(gp, "i == %zu ? 0x%s : ", i, gp_colour(i) + 1);
    fputs("0\n", gp);
    for (size_t k = 0; k < 3; k++) {
        fprintf(gp, "set title '%s' font ',18'\n", label[k]);
        fprintf(gp, "plot 'outcomes.dat' index %zu using 1:2:(colour($1)) with boxes lc rgb variable, "
                    "'' index %zu using 1:2:3:4 with yerrorbars lc rgb '#333333' pt 0\n",
                k, k);
    }
    fputs("unset multiplot\n", gp);
    return chart_end(&c, err, len);
}
