/* What the fuzz harnesses share: the input written to a file of its own (the
 * loaders read files, as the program does). */
#ifndef TURNAROUND_FUZZ_COMMON_H
#define TURNAROUND_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A folder of this process's own, made once; path is set to dir/name. */
static const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    static char dir[64], path[160];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/turnaround-fuzz-%ld", (long)getpid());
        char cmd[100];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
        if (system(cmd) != 0)
            abort();
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    return path;
}

#endif
