/* runscsv: the lines of runs.csv and the small files of a sweep folder. */
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

#include "csv.h"

/* ---- output --------------------------------------------------------------- */

/* The runs of this shard: the i-th is run shard - 1 + i * shards. */
size_t sweep_local_total(const struct sweep *sw, const struct sweep_options *o)
{
    size_t total = sweep_runs_total(sw), first = (size_t)o->shard - 1, n = (size_t)o->shards;
    return total > first ? (total - first + n - 1) / n : 0;
}

size_t sweep_global_run(const struct sweep_options *o, size_t i)
{
    return (size_t)o->shard - 1 + i * (size_t)o->shards;
}

void sweep_write_header(const struct sweep *sw, FILE *f)
{
    fputs("run,point,rep,strategy,seed", f);
    for (size_t k = 0; k < sw->n_vary; k++)
        fprintf(f, ",%s", sw->vary[k].def->path);
    for (int k = 0; k < OUTCOMES; k++)
        fprintf(f, ",%s", sweep_outcome_names[k]);
    fputs(",error\n", f);
}

/* What run r's line of runs.csv starts with, wholly fixed by the sweep: its
 * number, point, replication, strategy, seed and design values, and the comma
 * after them. --resume checks every kept line against it. */
void sweep_line_prefix(const struct sweep *sw, size_t r, char *buf)
{
    size_t p, rep, s;
    sweep_decode(sw, r, &p, &rep, &s);
    int n = snprintf(buf, PREFIX_MAX, "%zu,%zu,%zu,", r, p, rep);
    const char *name = sw->strategies[s];
    if (strpbrk(name, ",\"\n\r")) {   /* as csv_text writes it; a strategy is at most 255 characters */
        buf[n++] = '"';
        for (; *name; name++) {
            if (*name == '"')
                buf[n++] = '"';
            buf[n++] = *name;
        }
        buf[n++] = '"';
        buf[n] = '\0';
    } else {
        n += snprintf(buf + n, PREFIX_MAX - (size_t)n, "%s", name);
    }
    n += snprintf(buf + n, PREFIX_MAX - (size_t)n, ",%llu", (unsigned long long)sweep_run_seed(sw, p, rep));
    for (size_t k = 0; k < sw->n_vary; k++)   /* at most 20 factors of at most 17 characters */
        n += snprintf(buf + n, PREFIX_MAX - (size_t)n, ",%.10g", sw->points[p * sw->n_vary + k]);
    snprintf(buf + n, PREFIX_MAX - (size_t)n, ",");
}

/* One run's line, flushed; -1 when the write failed (a full disk). The error
 * text is kept to one line, so every run is one line of the file. */
int sweep_write_line(const struct sweep *sw, FILE *f, const struct outcome *o)
{
    char prefix[PREFIX_MAX], error[sizeof o->error];
    sweep_line_prefix(sw, o->run, prefix);
    int bad = fputs(prefix, f) < 0;
    for (int k = 0; k < OUTCOMES; k++) {
        if (k > 0)
            bad |= fputc(',', f) == EOF;
        if (!o->failed && !isnan(o->v[k]))
            bad |= fprintf(f, "%.6g", o->v[k]) < 0;
    }
    bad |= fputc(',', f) == EOF;
    snprintf(error, sizeof error, "%s", o->failed ? o->error : "");
    for (char *c = error; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    csv_text(f, error);
    bad |= fputc('\n', f) == EOF;
    bad |= fflush(f) != 0 || ferror(f);
    return bad ? -1 : 0;
}

/* fclose that also reports an error of an earlier write (a flush that
 * failed on a full disk), which fclose alone may not. 0, or -1. */
int sweep_close_checked(FILE *f)
{
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;   /* on disk before any rename */
    return fclose(f) != 0 || bad ? -1 : 0;
}

int sweep_write_file(const char *dir, const char *name, const char *text, struct diag *d)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f)
        fputs(text, f);
    if (!f || sweep_close_checked(f) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
    return 0;
}
