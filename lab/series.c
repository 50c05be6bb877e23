#include "series.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep_impl.h"

static const char *const series_names[SERIES_MEASURES] = {
    "quality", "perceived_quality", "insularity", "voice", "turnover", "orgs_inadequate", "code_knowledge",
    "march_knowledge",
};

void series_month(const world *w, float *m)
{
    double sum[SERIES_MEASURES] = { 0 };
    size_t n = world_orgs(w);
    for (size_t i = 0; i < n; i++) {
        const struct org_obs *ob = world_obs(w, i);
        sum[S_QUALITY] += ob->quality;
        sum[S_PERCEIVED] += ob->perceived;
        sum[S_INSULARITY] += ob->insularity;
        sum[S_VOICE] += ob->voice;
        sum[S_TURNOVER] += ob->turnover;
        sum[S_INADEQUATE] += ob->rating == RATING_INADEQUATE;
        sum[S_CODE] += ob->code_knowledge;
        sum[S_MARCH] += ob->march_knowledge;
    }
    for (int k = 0; k < SERIES_MEASURES; k++)
        m[k] = (float)(k == S_INADEQUATE ? sum[k] : sum[k] / (double)n);
}

/* run.months at design point p, set as sweep_run_one sets it. */
static int point_months(const struct sweep *sw, size_t p)
{
    for (size_t k = 0; k < sw->n_vary; k++)
        if (strcmp(sw->vary[k].def->path, "run.months") == 0) {
            struct params prm = sw->base.p;
            params_set_number(&prm, sw->vary[k].def, sw->points[p * sw->n_vary + k]);
            return prm.run_months;
        }
    return sw->base.p.run_months;
}

int series_months(const struct sweep *sw, size_t r)
{
    size_t p, rep, s;
    sweep_decode(sw, r, &p, &rep, &s);
    return point_months(sw, p);
}

size_t series_floats(const struct sweep *sw)
{
    if (!sw->series)
        return 0;
    int most = sw->base.p.run_months;
    for (size_t p = 0; p < sw->n_points; p++)
        if (point_months(sw, p) > most)
            most = point_months(sw, p);
    return ((size_t)most + 1) * SERIES_MEASURES;
}

void series_write_header(FILE *f)
{
    fputs("run,month", f);
    for (int k = 0; k < SERIES_MEASURES; k++)
        fprintf(f, ",%s", series_names[k]);
    fputc('\n', f);
}

int series_write_run(const struct sweep *sw, FILE *f, size_t r, int failed, const float *v)
{
    int months = series_months(sw, r), bad = 0;
    for (int m = 0; m <= months; m++) {
        bad |= fprintf(f, "%zu,%d", r, m) < 0;
        for (int k = 0; k < SERIES_MEASURES; k++)
            bad |= (failed ? fputc(',', f) == EOF : fprintf(f, ",%.6g", v[(size_t)m * SERIES_MEASURES + (size_t)k]) < 0);
        bad |= fputc('\n', f) == EOF;
    }
    bad |= fflush(f) != 0 || ferror(f);
    return bad ? -1 : 0;
}

/* Whether line is run r's month m as series_write_run writes it. */
static int line_ok(const char *line, size_t r, int m)
{
    char want[64];
    int n = snprintf(want, sizeof want, "%zu,%d", r, m);
    if (strncmp(line, want, (size_t)n) != 0)
        return 0;
    const char *c = line + n;
    for (int k = 0; k < SERIES_MEASURES; k++) {
        if (*c != ',')
            return 0;
        c++;
        if (*c != ',' && *c != '\n') {
            char *end;
            strtod(c, &end);
            if (end == c)
                return 0;
            c = end;
        }
    }
    return strcmp(c, "\n") == 0;
}

int series_check_run(const struct sweep *sw, size_t r, const char *text, size_t len)
{
    int months = series_months(sw, r), m = 0;
    char line[512];
    for (const char *c = text, *end = text + len; c < end; m++) {
        const char *nl = memchr(c, '\n', (size_t)(end - c));
        if (!nl || (size_t)(nl - c) + 2 > sizeof line || m > months)
            return -1;
        memcpy(line, c, (size_t)(nl - c) + 1);
        line[nl - c + 1] = '\0';
        if (!line_ok(line, r, m))
            return -1;
        c = nl + 1;
    }
    return m == months + 1 ? 0 : -1;
}

int series_verify(const struct sweep *sw, const struct sweep_options *o, const char *path, long kept, struct diag *d)
{
    FILE *f = fopen(path, "r+");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "'%s' is missing, but the sweep writes series: --force starts afresh", path);
    char *line = NULL, header[512];
    size_t cap = 0;
    FILE *h = fmemopen(header, sizeof header, "w");
    if (!h) {
        fclose(f);
        return diag_fail(d, EXIT_INPUT, "out of memory");
    }
    series_write_header(h);
    fclose(h);
    long lineno = 1;
    int rc = 0;
    ssize_t len = getline(&line, &cap, f);
    if (len <= 0 || strcmp(line, header) != 0)
        rc = diag_fail(d, EXIT_INPUT, "%s:1: expected the header '%.*s'; --force starts afresh", path,
                       (int)strlen(header) - 1, header);
    for (long i = 0; i < kept && !rc; i++) {
        size_t r = sweep_global_run(o, (size_t)i);
        int months = series_months(sw, r);
        for (int m = 0; m <= months && !rc; m++) {
            len = getline(&line, &cap, f);
            lineno++;
            if (len <= 0 || line[len - 1] != '\n')
                rc = diag_fail(d, EXIT_INPUT, "%s:%ld: the file ends before run %zu's month %d, which runs.csv holds; "
                               "the files were changed since the sweep wrote them (--force starts afresh)",
                               path, lineno, r, m);
            else if (!line_ok(line, r, m))
                rc = diag_fail(d, EXIT_INPUT, "%s:%ld: expected run %zu's month %d, found '%.*s'; the file was changed "
                               "since the sweep wrote it, and --resume keeps only what it can verify (--force starts "
                               "afresh)", path, lineno, r, m, len > 80 ? 80 : (int)len - 1, line);
        }
    }
    free(line);
    long end = rc ? 0 : ftell(f);
    if (!rc && (end < 0 || fflush(f) != 0 || ftruncate(fileno(f), end) != 0))
        rc = diag_fail(d, EXIT_INPUT, "cannot repair '%s': %s", path, strerror(errno));
    if (fclose(f) != 0 && !rc)
        rc = diag_fail(d, EXIT_INPUT, "cannot repair '%s': %s", path, strerror(errno));
    return rc;
}
