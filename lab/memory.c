#include "memory.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t set_limit;   /* 0: not set */

static size_t available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
            fclose(f);
            return kb > SIZE_MAX / 1024 ? SIZE_MAX : (size_t)kb * 1024;
        }
    if (f)
        fclose(f);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0 && (unsigned long)pages <= SIZE_MAX / (unsigned long)page)
        return (size_t)pages * (size_t)page;
    return SIZE_MAX;
}

size_t memory_limit(void)
{
    return set_limit ? set_limit : available();
}

int memory_set_limit(const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno || !(v > 0) || !isfinite(v))
        return -1;
    double scale = 1;
    if (*end) {
        const char *units = "KMGT", *u = strchr(units, end[0] & ~0x20);
        if (!u || !end[0])
            return -1;
        scale = pow(1024.0, (double)(u - units + 1));
        end++;
        if ((*end & ~0x20) == 'B' || (*end == 'i' && (end[1] & ~0x20) == 'B'))
            end += *end == 'i' ? 2 : 1;
        if (*end)
            return -1;
    }
    double bytes = v * scale;
    if (bytes < 1 || bytes >= 18446744073709551616.0)
        return -1;
    set_limit = (size_t)bytes;
    return 0;
}

const char *memory_text(size_t bytes, char *buf, size_t len)
{
    static const char *const units[] = { "bytes", "KB", "MB", "GB", "TB", "PB", "EB" };
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024.0 && u < 6) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%zu bytes", bytes);
    else
        snprintf(buf, len, "%.3g %s", v, units[u]);
    return buf;
}

int memory_check(size_t need, const char *what, struct diag *d)
{
    size_t limit = memory_limit();
    if (need != SIZE_MAX && need <= limit)
        return 0;
    char a[32], b[32];
    if (need == SIZE_MAX)
        return diag_fail(d, EXIT_INPUT, "%s would need more memory than can be counted (the size overflows)", what);
    return diag_fail(d, EXIT_INPUT, "%s would need about %s of memory; %s %s (--max-memory SIZE raises the limit)",
                     what, memory_text(need, a, sizeof a), memory_text(limit, b, sizeof b),
                     set_limit ? "is the limit set by --max-memory" : "is available");
}
