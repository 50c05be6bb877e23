#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

int diag_fail(struct diag *d, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    d->code = code;
    return -1;
}

int diag_print(const char *who, const struct diag *d)
{
    fprintf(stderr, "turnaround: %s", who);
    for (const unsigned char *c = (const unsigned char *)d->msg; *c; c++)
        if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
            fprintf(stderr, "\\x%02x", *c);
        else
            fputc(*c, stderr);
    fputc('\n', stderr);
    return d->code ? d->code : EXIT_INPUT;
}
