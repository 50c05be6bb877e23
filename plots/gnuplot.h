/* gnuplot: charts drawn by piping a script to gnuplot.
 *
 * A chart writes its data to NAME.dat and its script to NAME.gp in the plots
 * folder, then pipes the same script to gnuplot run in that folder, so an
 * analyst can restyle NAME.gp and rerun `gnuplot NAME.gp`. Text from input
 * files (titles, strategy names) only ever reaches gnuplot through
 * gp_string, never spliced into a command. */
#ifndef TURNAROUND_GNUPLOT_H
#define TURNAROUND_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>
#include "signal_flag.h"

struct chart {
    char dir[1024];
    char name[64];
    char format[8];
    char *script;
    size_t script_len;
    FILE *gp;      /* the script being written (a memory stream) */
    FILE *data;    /* NAME.dat */
    char title[1024];   /* the chart's title, one line; an SVG's <title> */
};

/* Start chart name in dir for format (png, svg or pdf): open NAME.dat and
 * write the script's preamble (terminal, output file, style). The preamble
 * defines the fonts every chart uses, in proportion to the terminal's, so a
 * format has one font and one set of sizes in all its charts: font_small
 * (tick labels, keys, notes) and font_panel (a panel's title).
 * Returns 0, or -1 with a message in err. */
int chart_begin(struct chart *c, const char *dir, const char *name, const char *format, char *err, size_t len);

/* Record the chart's title (lines joined by " - "): an SVG chart carries it
 * as its <title>, where gnuplot would write its own name. */
void chart_title(struct chart *c, const char *title);

/* Write text as a gnuplot string expression that keeps its line breaks:
 * single-quoted lines (as gp_string) joined by "\n". */
void gp_lines(FILE *f, const char *text);

/* Write NAME.gp and run it through a pipe to gnuplot, within the time limit
 * of chart_limits; then check that the image is whole. On failure the
 * message names the chart and quotes gnuplot's own words, and no image is
 * left. Frees what chart_begin took. */
int chart_end(struct chart *c, char *err, size_t len);

/* The longest a chart may take (plot.timeout), and the flag that, once set,
 * stops the chart being drawn (the program's SIGINT and SIGTERM). */
void chart_limits(double seconds, const signal_flag *stop);

/* Whether that flag is set. */
int chart_stopped(void);

/* Release a chart abandoned before chart_end. */
void chart_abort(struct chart *c);

/* Write text as a gnuplot single-quoted string: no backquote, macro or
 * backslash processing happens inside one; quotes are doubled and line
 * breaks become spaces, so the text is drawn and never run. */
void gp_string(FILE *f, const char *text);

/* The Okabe-Ito colour (colour-blind safe) for series i, as "#rrggbb". */
const char *gp_colour(size_t i);

#endif
