/* animate: the trajectories chart as an animated GIF, a frame a month, for
 * slides. */
#include <stdio.h>
#include <string.h>

#include "gnuplot.h"
#include "live.h"
#include "plot.h"

/* The animation, drawn in the results' plots folder, copied where asked. */
static int copy_file(const char *plots, const char *to, char *err, size_t len)
{
    char from[1300];
    snprintf(from, sizeof from, "%s/animation.gif", plots);
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int bad = !in || !out;
    while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0)
        bad = fwrite(buf, 1, n, out) != n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        bad = 1;
    if (bad)
        snprintf(err, len, "animation: cannot write '%s'", to);
    return bad ? -1 : 0;
}

int plot_animate(const char *dir, const char *gif, char *err, size_t len)
{
    static struct results_view v;
    char why[1024];
    if (plot_view_load(&v, dir, why, sizeof why) || plot_trajectories_animation(&v, why, sizeof why)) {
        plot_view_free(&v);
        snprintf(err, len, "animation: %s", why);
        return -1;
    }
    plot_view_free(&v);
    return copy_file(v.plots, gif, err, len);
}
