#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "series.h"
#include "sweep.h"

static char *read_part(const char *dir, const char *name, struct diag *d)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_fail(d, EXIT_INPUT, "cannot read '%s': is '%s' a finished sweep shard?", path, dir);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    if (text && fread(text, 1, (size_t)n, f) == (size_t)n)
        text[n] = '\0';
    else {
        free(text);
        text = NULL;
        diag_fail(d, EXIT_INPUT, "cannot read '%s'", path);
    }
    fclose(f);
    return text;
}

static int write_text(struct results *res, const char *name, const char *text, struct diag *d)
{
    FILE *f = results_open(res, name, d);
    if (!f)
        return -1;
    fputs(text, f);
    return results_close(res, f, name, d);
}

/* The same text in every part, or an error naming the first that differs. */
static char *common(const char *const *parts, size_t n, const char *name, struct diag *d)
{
    char *first = read_part(parts[0], name, d);
    for (size_t k = 1; first && k < n; k++) {
        char *other = read_part(parts[k], name, d);
        if (!other || strcmp(first, other) != 0) {
            if (other)
                diag_fail(d, EXIT_INPUT, "'%s/%s' differs from '%s/%s': the parts are not shards of one sweep", parts[k],
                          name, parts[0], name);
            free(other);
            free(first);
            return NULL;
        }
        free(other);
    }
    return first;
}

/* The analysis of the whole sweep, which no shard could make alone: Sobol or
 * Morris indices need every point. */
static int analyse(const char *dir, struct diag *d)
{
    static struct sweep sw;   /* large: kept off the stack */
    int rc = sweep_load_folder(&sw, dir, d) || sweep_write_analysis(&sw, dir, d) ? -1 : 0;
    sweep_free(&sw);
    return rc;
}

/* The shards' series.csv joined in run order into res, when the sweep
 * writes series (part 0 has one): every part must have the same header, and
 * every run's lines must be in exactly one part, together. */
static int merge_series(const char *const *parts, size_t n, size_t total, struct results *res, struct diag *d)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/series.csv", parts[0]);
    if (!results_exists(path))
        return 0;
    static struct sweep sw;   /* large: kept off the stack */
    int rc = -1, loaded = 0;
    char **texts = calloc(n, sizeof *texts), *header = NULL;
    const char **start = calloc(total ? total : 1, sizeof *start);
    size_t *len = calloc(total ? total : 1, sizeof *len);
    if (!texts || !start || !len) {
        diag_fail(d, EXIT_INPUT, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        if (!(texts[k] = read_part(parts[k], "series.csv", d)))
            goto done;
        char *body = strchr(texts[k], '\n');
        if (!body) {
            diag_fail(d, EXIT_INPUT, "'%s/series.csv' has no header", parts[k]);
            goto done;
        }
        *body++ = '\0';
        if (header && strcmp(header, texts[k]) != 0) {
            diag_fail(d, EXIT_INPUT, "'%s/series.csv' has other columns than '%s/series.csv'", parts[k], parts[0]);
            goto done;
        }
        header = texts[k];
        size_t last = (size_t)-1;
        for (char *line = body; *line;) {
            char *end = strchr(line, '\n');
            if (!end) {
                diag_fail(d, EXIT_INPUT, "'%s/series.csv' ends in a line cut short", parts[k]);
                goto done;
            }
            size_t run = strtoul(line, NULL, 10);
            if (run >= total || (run != last && start[run])) {
                diag_fail(d, EXIT_INPUT, "'%s/series.csv': run %zu %s", parts[k], run,
                          run >= total ? "is beyond the sweep" : "appears more than once");
                goto done;
            }
            if (run != last)
                start[run] = line;
            len[run] += (size_t)(end - line) + 1;
            last = run;
            line = end + 1;
        }
    }
    for (size_t r = 0; r < total; r++)
        if (!start[r]) {
            diag_fail(d, EXIT_INPUT, "run %zu has no series in any part: a shard is missing or unfinished", r);
            goto done;
        }
    if (sweep_load_folder(&sw, parts[0], d))
        goto done;
    loaded = 1;
    for (size_t r = 0; r < total; r++)
        if (series_check_run(&sw, r, start[r], len[r])) {
            diag_fail(d, EXIT_INPUT, "series.csv of the parts: run %zu's months are not as the sweep wrote them (months "
                      "0 to %d, in order): a part was changed or cut", r, series_months(&sw, r));
            goto done;
        }
    FILE *f = results_open(res, "series.csv", d);
    if (!f)
        goto done;
    fprintf(f, "%s\n", header);
    for (size_t r = 0; r < total; r++)
        fwrite(start[r], 1, len[r], f);
    rc = results_close(res, f, "series.csv", d);
done:
    for (size_t k = 0; texts && k < n; k++)
        free(texts[k]);
    free(texts);
    free(start);
    free(len);
    if (loaded)
        sweep_free(&sw);
    return rc;
}

int merge_shards(const char *const *parts, size_t n, const char *out, int force, struct diag *d)
{
    for (size_t k = 0; k < n; k++) {
        char marker[1200];
        snprintf(marker, sizeof marker, "%s/.incomplete", parts[k]);
        if (results_exists(marker))
            return diag_fail(d, EXIT_INPUT, "'%s' is not finished; run its sweep again with --resume first", parts[k]);
    }
    if (results_exists(out) && !force)
        return diag_fail(d, EXIT_INPUT, "results folder '%s' already exists; choose another with --out, or replace it with --force",
                         out);
    char *config = common(parts, n, "config.cfg", d), *sweep = config ? common(parts, n, "sweep.cfg", d) : NULL,
         *design = sweep ? common(parts, n, "design.csv", d) : NULL;
    size_t total = 0;
    int *seen = NULL;
    char **lines = NULL, **texts = calloc(n, sizeof *texts);
    int rc = -1;
    if (!design || !texts)
        goto done;
    int shards = 0;
    for (size_t k = 0; k < n; k++) {
        char *info = read_part(parts[k], "sweep-info.csv", d);
        size_t runs;
        int shard, of;
        if (!info)
            goto done;
        int ok = sscanf(info, "runs,shard,shards\n%zu,%d,%d", &runs, &shard, &of) == 3;
        free(info);
        if (!ok || (k > 0 && (runs != total || of != shards))) {
            diag_fail(d, EXIT_INPUT, "'%s/sweep-info.csv' does not match the other parts", parts[k]);
            goto done;
        }
        total = runs;
        shards = of;
    }
    if ((size_t)shards != n) {
        diag_fail(d, EXIT_INPUT, "the sweep was cut into %d shards, but %zu parts were given", shards, n);
        goto done;
    }
    seen = calloc(total ? total : 1, sizeof *seen);
    lines = calloc(total ? total : 1, sizeof *lines);
    if (!seen || !lines)
        goto done;
    char *header = NULL;
    for (size_t k = 0; k < n; k++) {
        if (!(texts[k] = read_part(parts[k], "runs.csv", d)))
            goto done;
        char *body = strchr(texts[k], '\n');
        if (!body) {
            diag_fail(d, EXIT_INPUT, "'%s/runs.csv' has no header", parts[k]);
            goto done;
        }
        *body++ = '\0';
        if (header && strcmp(header, texts[k]) != 0) {
            diag_fail(d, EXIT_INPUT, "'%s/runs.csv' has other columns than '%s/runs.csv'", parts[k], parts[0]);
            goto done;
        }
        header = texts[k];
        for (char *line = body; *line;) {
            char *end = strchr(line, '\n');
            if (!end)
                break;
            *end = '\0';
            size_t run = strtoul(line, NULL, 10);
            if (run >= total || seen[run]++) {
                diag_fail(d, EXIT_INPUT, "'%s/runs.csv': run %zu %s", parts[k], run,
                          run >= total ? "is beyond the sweep" : "appears in more than one part");
                goto done;
            }
            lines[run] = line;
            line = end + 1;
        }
    }
    for (size_t r = 0; r < total; r++)
        if (!seen[r]) {
            diag_fail(d, EXIT_INPUT, "run %zu is in no part: a shard is missing or unfinished", r);
            goto done;
        }
    struct results res = { 0 };
    if (results_begin(&res, out, "merge", force, d))
        goto done;
    FILE *f = results_open(&res, "runs.csv", d);
    if (f) {
        fprintf(f, "%s\n", header);
        for (size_t r = 0; r < total; r++)
            fprintf(f, "%s\n", lines[r]);
    }
    char info[100];
    snprintf(info, sizeof info, "runs,shard,shards\n%zu,1,1\n", total);
    if (!f || results_close(&res, f, "runs.csv", d) || write_text(&res, "config.cfg", config, d)
        || write_text(&res, "sweep.cfg", sweep, d) || write_text(&res, "design.csv", design, d)
        || write_text(&res, "sweep-info.csv", info, d) || merge_series(parts, n, total, &res, d) || analyse(res.tmp, d)
        || results_commit(&res, d)) {
        results_abort(&res);
        goto done;
    }
    rc = 0;
done:
    for (size_t k = 0; texts && k < n; k++)
        free(texts[k]);
    free(texts);
    free(seen);
    free(lines);
    free(config);
    free(sweep);
    free(design);
    return rc;
}
