/* resume: checking what an interrupted sweep left before --resume keeps it. */
#include "sweep_impl.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "folder.h"

/* Whether rest (after a line's prefix) is what sweep_write_line writes after it:
 * OUTCOMES fields, each empty or a number, then the error text, plain or
 * quoted, then the end of the line. */
static int rest_is_outcomes(const char *rest)
{
    for (int k = 0; k < OUTCOMES; k++) {
        const char *comma = strchr(rest, ',');
        if (!comma)
            return 0;
        if (comma > rest) {
            char *end;
            strtod(rest, &end);
            if (end != comma)
                return 0;
        }
        rest = comma + 1;
    }
    if (*rest == '"') {
        for (rest++; *rest; rest++)
            if (*rest == '"' && *++rest != '"')
                break;
        return strcmp(rest, "\n") == 0;
    }
    return strchr(rest, ',') == NULL && strchr(rest, '"') == NULL && strchr(rest, '\n') == rest + strlen(rest) - 1;
}

/* The runs of runs.csv that --resume may keep: the header must be this
 * sweep's, and the i-th line after it run sweep_global_run(o, i) of this sweep, its
 * number, point, replication, strategy, seed and design values as this sweep
 * would write them, and its outcomes well formed. A last line cut short by a
 * kill (no newline) is the one thing repaired: it is cut off, and that run is
 * done again. Anything else (a line changed, duplicated, deleted or from
 * another sweep, CRLF endings, more lines than the sweep has) is refused with
 * its line number. Returns the runs kept, or -1 with d filled. */
long sweep_verify_runs(const struct sweep *sw, const struct sweep_options *o, const char *path, struct diag *d)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "'%s' is missing: the folder holds no sweep to resume; --force starts afresh",
                         path);
    char *line = NULL, header[8192], prefix[PREFIX_MAX];
    size_t cap = 0, total = sweep_local_total(sw, o);
    FILE *h = fmemopen(header, sizeof header, "w");
    if (!h) {
        fclose(f);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    sweep_write_header(sw, h);
    fclose(h);
    long lineno = 0, kept = 0, good_end = 0, rc = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[len - 1] != '\n')
            break;   /* cut short by a kill: repaired below */
        if (memchr(line, '\0', (size_t)len) || strchr(line, '\r')) {
            rc = diag_fail(d, EXIT_INPUT, "%s:%ld: %s; the file was changed since the sweep wrote it, and --resume keeps "
                           "only what it can verify (--force starts afresh)", path, lineno,
                           strchr(line, '\r') ? "a CRLF line ending" : "a NUL byte");
            break;
        }
        if (lineno == 1) {
            if (strcmp(line, header) != 0) {
                rc = diag_fail(d, EXIT_INPUT, "%s:1: expected this sweep's header, found '%.*s'; --force starts afresh",
                               path, len > 80 ? 80 : (int)len - 1, line);
                break;
            }
        } else {
            if ((size_t)kept == total) {
                rc = diag_fail(d, EXIT_INPUT, "%s:%ld: more lines than the sweep's %zu runs; --force starts afresh", path,
                               lineno, total);
                break;
            }
            size_t run = sweep_global_run(o, (size_t)kept);
            sweep_line_prefix(sw, run, prefix);
            size_t n = strlen(prefix);
            if (strncmp(line, prefix, n) != 0 || !rest_is_outcomes(line + n)) {
                rc = diag_fail(d, EXIT_INPUT, "%s:%ld: expected run %zu of this sweep, starting '%.*s', found '%.*s'; the "
                               "file was changed, or mixed with another sweep's or shard's; --force starts afresh",
                               path, lineno, run, (int)(n > 60 ? 60 : n), prefix, len > 60 ? 60 : (int)len - 1, line);
                break;
            }
            kept++;
        }
        good_end = ftell(f);
    }
    int bad_read = ferror(f);
    free(line);
    fclose(f);
    if (rc)
        return -1;
    if (bad_read)
        return diag_fail(d, EXIT_INPUT, "cannot read '%s'", path);
    if (truncate(path, good_end) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot repair '%s': %s", path, strerror(errno));
    if (good_end == 0) {   /* killed before its header was whole: write it again */
        FILE *w = fopen(path, "w");
        int bad = !w || fputs(header, w) < 0;
        if (w && fclose(w) != 0)
            bad = 1;
        if (bad)
            return diag_fail(d, EXIT_INPUT, "cannot repair '%s': %s", path, strerror(errno));
    }
    return kept;
}

/* sweep-info.csv names the runs and the shard a folder holds: resuming it as
 * another shard would mix two shards' runs in one file. */
int sweep_resume_check_shard(const struct sweep *sw, const struct sweep_options *o, const char *dir, struct diag *d)
{
    char path[1200], text[200], want[200];
    snprintf(path, sizeof path, "%s/sweep-info.csv", dir);
    snprintf(want, sizeof want, "runs,shard,shards\n%zu,%d,%d\n", sweep_runs_total(sw), o->shard, o->shards);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    if (strcmp(text, want) == 0)
        return 0;
    int shard, shards;
    size_t runs;
    if (sscanf(text, "runs,shard,shards\n%zu,%d,%d", &runs, &shard, &shards) == 3)
        return diag_fail(d, EXIT_INPUT, "'%s' holds shard %d/%d of a sweep of %zu runs; this is shard %d/%d of %zu: "
                         "resume it with --shard %d/%d", dir, shard, shards, runs, o->shard, o->shards, sweep_runs_total(sw),
                         shard, shards);
    return diag_fail(d, EXIT_INPUT, "'%s' is missing or unreadable: the folder is not a sweep's; --force starts afresh",
                     path);
}
