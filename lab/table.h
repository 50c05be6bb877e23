/* table: a results CSV file read whole, with columns found by name. */
#ifndef TURNAROUND_TABLE_H
#define TURNAROUND_TABLE_H

#include <stddef.h>

struct table {
    char *text;          /* the file, split in place into fields */
    size_t rows, cols;
    char **cell;         /* [row * cols + col], row 0 is the header */
};

/* Read path into t. Returns 0, or -1 with a message in err. */
int table_read(struct table *t, const char *path, char *err, size_t len);
void table_free(struct table *t);

/* The index of the column named name, or -1. */
int table_col(const struct table *t, const char *name);

/* Data row r (from 0, after the header), column c: text, or a number (NaN when empty). */
const char *table_text(const struct table *t, size_t r, int c);
double table_num(const struct table *t, size_t r, int c);

#endif
