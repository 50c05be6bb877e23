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
