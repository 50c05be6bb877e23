/* report: one self-contained report of a results folder (from run or
 * compare), for an analyst to attach or paste: the scenario's story and
 * question, the outcome tables with their intervals, the charts, the
 * parameters that differ from the defaults, the command that reproduces the
 * folder, and the versions and dates.
 *
 * HTML is one file with the charts inline as SVG. Markdown is a folder:
 * report.md and one SVG file a chart beside it, referenced relatively. The
 * charts come from the project's own chart functions (plot.h), drawn as SVG
 * into a temporary folder, so the command line and the report share one
 * implementation of each chart. Either output is written whole or not at all,
 * and an existing one is replaced only with force. */
#ifndef TURNAROUND_REPORT_H
#define TURNAROUND_REPORT_H

#include <stddef.h>

#include "diag.h"
#include "signal_flag.h"

struct report_options {
    const char *results;    /* the results folder */
    const char *format;     /* "html" or "md" */
    const char *out;        /* the file (html) or folder (md); NULL: RESULTS-report.html or RESULTS-report */
    const char *scenario;   /* the scenario file whose story to tell; NULL: found by the results' title */
    int force;              /* replace an existing output */
    const signal_flag *stop;   /* set by SIGINT or SIGTERM: stop, writing nothing */
};

/* What was written, for the command's closing line and its warnings. */
struct report_done {
    char path[1100];        /* the file or folder written */
    size_t charts, tables;  /* charts embedded, tables written */
    char warnings[4096];    /* lines ("chart X: ...", "no story ...") the command passes on; "" when none */
};

/* Write the report of o->results as o says. Returns 0, or -1 with d filled
 * (EXIT_INPUT for a missing or damaged folder, a folder of another kind, an
 * output that exists without force or cannot be written; EXIT_INTERRUPTED
 * when o->stop was set); on failure nothing is left at the output path. */
int report_write(const struct report_options *o, struct report_done *done, struct diag *d);

/* The story of a scenario: its file's opening comment, "# " taken off each
 * line (the report's and the page's of turnaround serve). NULL when the
 * file cannot be read; the caller frees. */
char *report_opening_comment(const char *path);

#endif
