/* settings: parameters from configuration files (libconfig) and --set, with
 * the place each value came from, and the resolved configuration written
 * beside results. */
#ifndef TURNAROUND_SETTINGS_H
#define TURNAROUND_SETTINGS_H

#include <stdio.h>

#include "diag.h"
#include "params.h"

struct origin {
    char where[512];   /* "file:line", "--set" or "" for the built-in default */
};

struct settings {
    struct params p;
    struct origin *origin; /* one per entry of params_table */
};

/* Start from the built-in defaults. Returns -1 when memory runs out. */
int settings_init(struct settings *s);
void settings_free(struct settings *s);

/* Apply a configuration file: first the file its `base` names (relative to
 * the file's own folder), then its own settings. On error fills d (naming
 * file, line and key) and returns -1. */
int settings_load(struct settings *s, const char *path, struct diag *d);

/* Apply one "path=value" assignment from the command line. */
int settings_assign(struct settings *s, const char *assignment, struct diag *d);

/* The same, reporting errors under label (e.g. "--seed -1") instead of the
 * assignment, for options that are shorthands for a parameter. */
int settings_assign_as(struct settings *s, const char *assignment, const char *label, struct diag *d);

/* Checks across parameters, reported at the place the culprit was set. */
int settings_check(const struct settings *s, struct diag *d);

/* Write every parameter, grouped and commented, in libconfig syntax that
 * settings_load reads back to the same values. */
void settings_write(FILE *f, const struct params *p);

/* The --set assignments as config.cfg records them for the charts, one
 * "# set: PATH = VALUE" comment line each, the last value of a path only,
 * control characters as spaces. */
void settings_write_sets(FILE *f, const char *const *sets, size_t n);

/* config.cfg of a sweep or calibration, as text: a header naming what it is
 * for ("the sweep in sweep.cfg"), the --set lines, then every parameter of
 * p. NULL when memory runs out; the caller frees. */
char *settings_resolved_text(const char *what, const char *const *sets, size_t n_sets, const struct params *p);

#endif
