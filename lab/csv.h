/* csv: text fields of the results files. */
#ifndef TURNAROUND_CSV_H
#define TURNAROUND_CSV_H

#include <stdio.h>

/* Write s as one CSV field: as it is, or in double quotes (quotes doubled)
 * when it holds a comma, a quote or a line break. */
void csv_text(FILE *f, const char *s);

#endif
