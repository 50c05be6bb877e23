/* cfgtext: a configuration file's text with its @include lines expanded,
 * and for every line of the result the file and line it came from.
 *
 * libconfig 1.5 handles @include itself, but badly for us: an absolute path
 * never works (it is put after the include folder), a folder as an include
 * makes its scanner print "input in flex scanner failed" and exit the
 * program, and a FIFO blocks for ever. So includes are expanded here, before
 * libconfig sees the text: a path is relative to the folder of the file that
 * includes it, or absolute; it must be a regular file of at most
 * CFGTEXT_FILE_MAX bytes, with no NUL byte; includes nest at most
 * CFGTEXT_DEPTH_MAX deep and never in a loop. Every refusal names the file
 * and line of the @include. */
#ifndef TURNAROUND_CFGTEXT_H
#define TURNAROUND_CFGTEXT_H

#include <stddef.h>

#include "diag.h"

#define CFGTEXT_FILE_MAX (1024 * 1024)
#define CFGTEXT_DEPTH_MAX 10

struct cfgtext {
    char *text;            /* the expanded text, NUL-terminated */
    size_t n_lines;
    unsigned *line;        /* [expanded line - 1]: the line in its own file */
    unsigned *file;        /* [expanded line - 1]: index into files */
    char **files;          /* the paths read, the top file first */
    size_t n_files;
};

/* Read path and expand its includes. Returns 0, or -1 with d filled. */
int cfgtext_load(struct cfgtext *t, const char *path, struct diag *d);

/* The same for text already read from path (sweep and calibration files,
 * whose text is kept with their results). */
int cfgtext_from(struct cfgtext *t, const char *path, const char *text, struct diag *d);

/* A regular file's whole text (never a folder, FIFO or device; at most
 * CFGTEXT_FILE_MAX bytes; no NUL byte), allocated; NULL with d filled,
 * the message starting "cannot read 'path'" or naming the file. */
char *cfgtext_read(const char *path, struct diag *d);

/* -1 with d filled when text (read from path) has an @include line: sweep
 * and calibration files are kept whole with their results, so they take
 * none (their scenario can). */
int cfgtext_refuse_includes(const char *path, const char *text, struct diag *d);

/* Where expanded line n (from 1) came from: "file:line". */
const char *cfgtext_where(const struct cfgtext *t, unsigned n, char *buf, size_t len);

void cfgtext_free(struct cfgtext *t);

#endif
