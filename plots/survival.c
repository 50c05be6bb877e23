/* survival: the share of intervened organisations not yet rated good, by
 * months since the intervention started, a step curve per strategy
 * (Kaplan-Meier: an organisation still not good when the run ends leaves the
 * count there, without counting as recovered). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"
#include "style.h"

struct spell {
    double months;
    int recovered;
};

static int by_months(const void *a, const void *b)
{
    const struct spell *x = a, *y = b;
    if (x->months != y->months)
        return x->months < y->months ? -1 : 1;
    return y->recovered - x->recovered;   /* recoveries before losses at the same month */
}

int plot_survival(const struct results_view *v, const char *format, char *err, size_t len)
{
    struct chart c;
    if (chart_begin(&c, v->plots, "survival", format, err, len))
        return -1;
    const struct table *t = &v->summary;
    int s = table_col(t, "strategy"), in = table_col(t, "intervened"), start = table_col(t, "start_month"),
        good = table_col(t, "months_to_good");
    int month = table_col(&v->means, "month");
    double last = v->means.rows > 1 ? table_num(&v->means, v->means.rows - 2, month) : 0.0;
    struct spell *sp = malloc((t->rows + 1) * sizeof *sp);
    if (!sp) {
        chart_abort(&c);
        snprintf(err, len, "chart survival: out of memory");
        return -1;
    }
    for (size_t i = 0; i < v->n_strategies; i++) {
        size_t n = 0;
        for (size_t r = 0; r + 1 < t->rows; r++) {
            if (strcmp(table_text(t, r, s), v->strategies[i]) != 0 || table_num(t, r, in) != 1.0)
                continue;
            double g = table_num(t, r, good);
            sp[n].recovered = !isnan(g);
            sp[n].months = isnan(g) ? last - table_num(t, r, start) : g;
            n++;
        }
        qsort(sp, n, sizeof *sp, by_months);
        double share = 1.0;
        size_t at_risk = n;
        fprintf(c.data, "0 1\n");
        for (size_t k = 0; k < n; k++) {
            if (sp[k].recovered && at_risk > 0)
                share *= 1.0 - 1.0 / (double)at_risk;
            at_risk--;
            fprintf(c.data, "%g %g\n", sp[k].months, share);
        }
        fputs("\n\n", c.data);
    }
    free(sp);

    FILE *gp = c.gp;
    plot_heading(&c, v, "time to recovery");
    fputs("set xlabel 'months since the intervention started'\n"
          "set ylabel 'share not yet rated good'\nset yrange [0:1.02]\nset xrange [0:*]\nplot ",
          gp);
    for (size_t i = 0; i < v->n_strategies; i++) {
        fprintf(gp, "'survival.dat' index %zu using 1:2 with steps lw 2.5", i);
        style_line(gp, v->strategies[i]);
        fputs(" title ", gp);
        gp_string(gp, v->strategies[i]);
        fputs(i + 1 < v->n_strategies ? ", " : "\n", gp);
    }
    return chart_end(&c, err, len);
}
