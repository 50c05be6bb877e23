#include "table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split one CSV field starting at *c (quotes doubled inside quoted fields),
 * unquoting in place; advances past its comma or newline, and sets *eol when
 * the line (or the text) ended with it. */
static char *field(char **c, int *eol)
{
    char *start = *c, *out = *c, *in = *c;
    if (*in == '"') {
        in++;
        for (; *in; in++) {
            if (*in == '"' && in[1] == '"')
                *out++ = *in++;
            else if (*in == '"')
                break;
            else
                *out++ = *in;
        }
        if (*in == '"')
            in++;
    } else {
        while (*in && *in != ',' && *in != '\n')
            *out++ = *in++;
    }
    char end = *in;
    *out = '\0';
    *eol = end != ',';
    *c = end ? in + 1 : in;
    return start;
}

int table_read(struct table *t, const char *path, char *err, size_t len)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, len, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    t->text = malloc((size_t)size + 1);
    if (!t->text || fread(t->text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        snprintf(err, len, "cannot read '%s'", path);
        table_free(t);
        return -1;
    }
    fclose(f);
    t->text[size] = '\0';
    size_t lines = 0;
    for (char *c = t->text; *c; c++)
        lines += *c == '\n';
    t->cols = 1;
    for (char *c = t->text; *c && *c != '\n'; c++)
        t->cols += *c == ',';
    t->cell = calloc((lines + 1) * t->cols, sizeof *t->cell);
    if (!t->cell) {
        snprintf(err, len, "out of memory reading '%s'", path);
        table_free(t);
        return -1;
    }
    char *c = t->text, *empty = t->text + size;   /* the final NUL: an empty field */
    while (*c) {
        int eol = 0;
        for (size_t k = 0; k < t->cols; k++)
            t->cell[t->rows * t->cols + k] = eol ? empty : field(&c, &eol);
        while (!eol) {   /* a line with more fields than the header: skip the rest */
            field(&c, &eol);
        }
        t->rows++;
    }
    return 0;
}

void table_free(struct table *t)
{
    free(t->text);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

int table_col(const struct table *t, const char *name)
{
    for (size_t k = 0; t->rows > 0 && k < t->cols; k++)
        if (strcmp(t->cell[k], name) == 0)
            return (int)k;
    return -1;
}

const char *table_text(const struct table *t, size_t r, int c)
{
    return c < 0 ? "" : t->cell[(r + 1) * t->cols + (size_t)c];
}

double table_num(const struct table *t, size_t r, int c)
{
    const char *s = table_text(t, r, c);
    char *end;
    double v = strtod(s, &end);
    return end == s ? NAN : v;
}
