/* network: the sector's peer network in replication 0, organisations on a
 * ring in their network order, ties drawn darker the stronger they are, each
 * organisation coloured by its rating at the chosen month: the picture of
 * insularity. Drawn for the first strategy of the results. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot.h"

#define TAU 6.283185307179586   /* a full turn, in radians */

static const struct {
    const char *rating, *label, *colour;
} ratings[] = {
    { "outstanding", "outstanding", "#0072B2" },
    { "good", "good", "#009E73" },
    { "requires_improvement", "requires improvement", "#E69F00" },
    { "inadequate", "inadequate", "#D55E00" },
};

int plot_network(const struct results_view *v, const char *format, char *err, size_t len)
{
    struct table orgs, ties;
    char path[1200];
    snprintf(path, sizeof path, "%s/network_orgs.csv", v->dir);
    if (table_read(&orgs, path, err, len))
        return -1;
    snprintf(path, sizeof path, "%s/network_ties.csv", v->dir);
    if (table_read(&ties, path, err, len)) {
        table_free(&orgs);
        return -1;
    }
    int s = table_col(&orgs, "strategy"), m = table_col(&orgs, "month"), ix = table_col(&orgs, "index"),
        ra = table_col(&orgs, "rating"), name = table_col(&orgs, "org");
    const char *arm = v->n_strategies ? v->strategies[0] : "";
    double month = v->network_month, n = 0.0;
    for (size_t r = 0; r + 1 < orgs.rows; r++)
        if (strcmp(table_text(&orgs, r, s), arm) == 0) {
            if (v->network_month < 0 && table_num(&orgs, r, m) > month)
                month = table_num(&orgs, r, m);
            if (table_num(&orgs, r, ix) + 1 > n)
                n = table_num(&orgs, r, ix) + 1;
        }

    struct chart c;
    if (n < 1.0 || chart_begin(&c, v->plots, "network", format, err, len)) {
        if (n < 1.0)
            snprintf(err, len, "chart network: no organisations in '%s/network_orgs.csv'", v->dir);
        table_free(&orgs);
        table_free(&ties);
        return -1;
    }
    /* Block 0: ties as vectors (x y dx dy colour); blocks 1..4: organisations by rating. */
    int ts = table_col(&ties, "strategy"), ti = table_col(&ties, "index"), tp = table_col(&ties, "peer"),
        tw = table_col(&ties, "strength");
    for (size_t r = 0; r + 1 < ties.rows; r++) {
        if (strcmp(table_text(&ties, r, ts), arm) != 0)
            continue;
        double a = TAU * table_num(&ties, r, ti) / n, b = TAU * table_num(&ties, r, tp) / n;
        /* grey from light (weak) to black (strong) */
        unsigned grey = (unsigned)(220.0 * (1.0 - table_num(&ties, r, tw)) + 0.5);
        fprintf(c.data, "%g %g %g %g %u\n", cos(a), sin(a), 0.5 * (cos(b) - cos(a)), 0.5 * (sin(b) - sin(a)),
                grey << 16 | grey << 8 | grey);
    }
    fputs("\n\n", c.data);
    for (size_t k = 0; k < 4; k++) {
        int any = 0;
        for (size_t r = 0; r + 1 < orgs.rows; r++)
            if (strcmp(table_text(&orgs, r, s), arm) == 0 && table_num(&orgs, r, m) == month
                && strcmp(table_text(&orgs, r, ra), ratings[k].rating) == 0) {
                double a = TAU * table_num(&orgs, r, ix) / n;
                fprintf(c.data, "%g %g\n", cos(a), sin(a));
                any = 1;
            }
        if (!any)
            fputs("NaN NaN\n", c.data);
        fputs("\n\n", c.data);
    }

    FILE *gp = c.gp;
    char what[400], title[2048];
    snprintf(what, sizeof what, "peer network and ratings at month %g (%s, replication 0)", month, arm);
    plot_title(v, what, title, sizeof title);
    chart_title(&c, title);
    fputs("set title ", gp);
    gp_lines(gp, title);
    fputs(" noenhanced\nset size ratio -1\nunset border\nunset tics\nunset grid\n"
          "set xrange [-1.45:1.45]\nset yrange [-1.2:1.2]\n"
          "set key outside below center horizontal maxrows 3 noenhanced font font_small\n",
          gp);
    if (v->focal[0])
        for (size_t r = 0; r + 1 < orgs.rows; r++)
            if (strcmp(table_text(&orgs, r, s), arm) == 0 && table_num(&orgs, r, m) == month
                && strcmp(table_text(&orgs, r, name), v->focal) == 0) {
                double a = TAU * table_num(&orgs, r, ix) / n;
                /* named outside the ring, beyond its own point, and ringed */
                fprintf(gp, "set label 1 at %g, %g %s front ", 1.1 * cos(a), 1.1 * sin(a), cos(a) >= 0 ? "left" : "right");
                gp_string(gp, v->focal);
                fprintf(gp, "\nset object 1 circle at %g, %g size 0.07 fs empty border lc rgb '#333333' lw 2 front\n",
                        cos(a), sin(a));
            }
    fputs("plot 'network.dat' index 0 using 1:2:3:4:5 with vectors nohead lw 3 lc rgb variable "
          "title 'tie: darker is stronger (each half: one side''s effort)'",
          gp);
    for (size_t k = 0; k < 4; k++)
        fprintf(gp, ", \\\n  '' index %zu using 1:2 with points pt 7 ps 2.5 lc rgb '%s' title '%s'", k + 1,
                ratings[k].colour, ratings[k].label);
    fputc('\n', gp);
    table_free(&orgs);
    table_free(&ties);
    return chart_end(&c, err, len);
}
