/* series: with series = true in a sweep file, each run's sector month by
 * month, in series.csv beside runs.csv: run, month, then the measures of
 * sector.csv. A run's lines are written before its line of runs.csv, so
 * series.csv always holds at least the runs runs.csv does; --resume keeps
 * exactly those and merge joins them in run order. */
#ifndef TURNAROUND_SERIES_H
#define TURNAROUND_SERIES_H

#include <stdio.h>

#include "diag.h"
#include "world.h"

struct sweep;
struct sweep_options;

enum { S_QUALITY, S_PERCEIVED, S_INSULARITY, S_VOICE, S_TURNOVER, S_INADEQUATE, S_CODE, S_MARCH, SERIES_MEASURES };

/* The sector's measures now: the mean over organisations, but for the count
 * rated inadequate. */
void series_month(const world *w, float *m);

/* The months (run.months, which a sweep may vary) of run r. */
int series_months(const struct sweep *sw, size_t r);

/* The floats a run's series may need (months 0 to the longest run.months,
 * SERIES_MEASURES each), 0 when the sweep writes no series. */
size_t series_floats(const struct sweep *sw);

void series_write_header(FILE *f);

/* Run r's lines, months 0 to series_months(sw, r); a failed run's measures
 * are empty. -1 when a write failed. */
int series_write_run(const struct sweep *sw, FILE *f, size_t r, int failed, const float *v);

/* Whether text (len bytes, whole lines) is run r's lines as
 * series_write_run writes them, every month in order: 0, or -1. */
int series_check_run(const struct sweep *sw, size_t r, const char *text, size_t len);

/* For --resume: check that path holds, after its header, the lines of the
 * first kept runs of this shard, each run's months in order and well
 * formed, and cut off whatever follows (a run whose line of runs.csv was
 * never written). 0, or -1 with d filled when it holds fewer or other lines. */
int series_verify(const struct sweep *sw, const struct sweep_options *o, const char *path, long kept, struct diag *d);

#endif
