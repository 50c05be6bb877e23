/* culture: insularity, voice and turnover by month, stacked on one time axis,
 * a line per strategy. */
#include <string.h>

#include "gnuplot.h"
#include "plot.h"

int plot_culture(const struct results_view *v, const char *format, char *err, size_t len)
{
    struct chart c;
    if (chart_begin(&c, v->plots, "culture", format, err, len))
        return -1;
    static const char *const cols[] = { "insularity", "voice", "turnover" };
    for (size_t i = 0; i < v->n_strategies; i++)
        plot_means_block(v, c.data, i, cols, 3);

    FILE *gp = c.gp;
    static const char *const label[] = { "insularity", "voice", "turnover" };
    static const char *const meaning[] = {
        "1 - mean strength of peer ties", "mean chance a member speaks up in a month", "share of staff leaving in a month",
    };
    fputs("set multiplot layout 3,1 title sprintf(\"%s\\n%s\", ", gp);
    gp_string(gp, v->title[0] ? v->title : "turnaround");
    fputs(", 'culture: insularity, voice and turnover by month')", gp);
    fputs("\nset key top right horizontal noenhanced font ',16'\nset lmargin 12\nset xtics nomirror\n", gp);
    for (int panel = 0; panel < 3; panel++) {
        fprintf(gp, "set ylabel '%s'\nset label 1 '%s' at graph 0.01, graph 0.9 left font ',16' tc rgb '#555555'\n",
                label[panel], meaning[panel]);
        fputs(panel == 2 ? "set xlabel 'month'\nset format x '%g'\n" : "unset xlabel\nset format x ''\n", gp);
        fputs(panel == 2 ? "set yrange [0:*]\n" : "set yrange [0:1]\n", gp);
        if (panel > 0)
            fputs("unset key\n", gp);
        fputs("plot ", gp);
        for (size_t i = 0; i < v->n_strategies; i++) {
            fprintf(gp, "'culture.dat' index %zu using 1:%d with lines lw 2 lc rgb '%s' title ", i, panel + 2,
                    gp_colour(i));
            gp_string(gp, v->strategies[i]);
            fputs(i + 1 < v->n_strategies ? ", " : "\n", gp);
        }
    }
    fputs("unset multiplot\n", gp);
    return chart_end(&c, err, len);
}
