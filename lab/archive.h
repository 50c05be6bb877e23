/* archive: a results folder as one ustar archive (POSIX.1-1988 tar, which
 * every tar reads), for taking a run home from turnaround serve. */
#ifndef TURNAROUND_ARCHIVE_H
#define TURNAROUND_ARCHIVE_H

#include <stdio.h>

#include "diag.h"

/* Write the folder dir to out as a tar archive whose entries lie under
 * name/: its files and those of its folders one level down (plots/), by
 * name, so the same folder always gives the same archive. Hidden files (the
 * folder's marker and lock) and anything not a plain file or folder are
 * left out; no symbolic link is followed. Returns 0, or -1 with d filled
 * (a file that cannot be read, a name too long for the format, a write to
 * out that failed). */
int archive_folder(FILE *out, const char *dir, const char *name, struct diag *d);

#endif
