/* style: how a strategy looks in every chart. A strategy keeps one colour
 * (Okabe-Ito, colour-blind safe) and one dash type whatever the scenario,
 * the order of the arms or the chart, keyed by its name: each strategy of
 * model/schedule.c has its own colour, drawn solid; a schedule of several
 * (a combination or phases) takes a colour none of its parts has, a dash
 * type and a fill pattern from a hash of its name, so it looks the same
 * wherever it appears and is never drawn like a strategy alone (two
 * combinations may share a colour; then their dash or pattern tells them
 * apart, most often). */
#ifndef TURNAROUND_STYLE_H
#define TURNAROUND_STYLE_H

#include <stdio.h>

struct style {
    const char *colour;   /* "#rrggbb" */
    const char *dash;     /* gnuplot dash type: "1" solid; never "3" (dots: perceived quality) */
    int pattern;          /* gnuplot fill pattern for bars: 0 solid */
};

/* The style of the strategy (a schedule as written in the results). */
struct style style_of(const char *strategy);

/* Write " lc rgb '#rrggbb' dt D" for strategy, for a line. */
void style_line(FILE *gp, const char *strategy);

#endif
