#define _XOPEN_SOURCE 700
#include "cfgtext.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct out {
    char *text;
    size_t len, cap;
    size_t n_lines, cap_lines;
    unsigned *line, *file;
};

static int grow_text(struct out *o, size_t more)
{
    if (o->len + more + 1 <= o->cap)
        return 0;
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->len + more + 1)
        cap *= 2;
    char *t = realloc(o->text, cap);
    if (!t)
        return -1;
    o->text = t;
    o->cap = cap;
    return 0;
}

static int add_line(struct out *o, const char *s, size_t n, unsigned file, unsigned line)
{
    if (grow_text(o, n + 1))
        return -1;
    memcpy(o->text + o->len, s, n);
    o->len += n;
    o->text[o->len++] = '\n';
    o->text[o->len] = '\0';
    if (o->n_lines == o->cap_lines) {
        size_t cap = o->cap_lines ? 2 * o->cap_lines : 256;
        unsigned *a = realloc(o->line, cap * sizeof *a), *b = a ? realloc(o->file, cap * sizeof *b) : NULL;
        if (a)
            o->line = a;
        if (!a || !b)
            return -1;
        o->file = b;
        o->cap_lines = cap;
    }
    o->line[o->n_lines] = line;
    o->file[o->n_lines] = file;
    o->n_lines++;
    return 0;
}

static int add_file(struct cfgtext *t, const char *path)
{
    char **f = realloc(t->files, (t->n_files + 1) * sizeof *f);
    if (!f)
        return -1;
    t->files = f;
    if (!(f[t->n_files] = strdup(path)))
        return -1;
    t->n_files++;
    return 0;
}

/* Read a regular file of at most CFGTEXT_FILE_MAX bytes, without blocking
 * on a FIFO or a device. */
static char *read_regular(const char *path, const char *who, struct diag *d)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return diag_fail(d, EXIT_INPUT, "%scannot read '%s': %s", who, path, strerror(errno)), NULL;
    if (S_ISDIR(st.st_mode))
        return diag_fail(d, EXIT_INPUT, "%scannot read '%s': expected a .cfg file, found a folder", who, path), NULL;
    if (!S_ISREG(st.st_mode))
        return diag_fail(d, EXIT_INPUT, "%scannot read '%s': expected a .cfg file, found a %s", who, path,
                         S_ISFIFO(st.st_mode) ? "pipe (FIFO)" : S_ISSOCK(st.st_mode) ? "socket" : "device"), NULL;
    if (st.st_size > CFGTEXT_FILE_MAX)
        return diag_fail(d, EXIT_INPUT, "%s'%s' is %.1f MB; a configuration file may be at most %d MB", who, path,
                         (double)st.st_size / 1048576.0, CFGTEXT_FILE_MAX / 1048576), NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return diag_fail(d, EXIT_INPUT, "%scannot read '%s': %s", who, path, strerror(errno)), NULL;
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = 0;
    ssize_t r = 1;
    while (buf && n <= (size_t)st.st_size && (r = read(fd, buf + n, (size_t)st.st_size + 1 - n)) > 0)
        n += (size_t)r;
    close(fd);
    if (!buf || r < 0 || n > (size_t)st.st_size) {
        free(buf);
        return diag_fail(d, EXIT_INPUT, "%scannot read '%s': %s", who, path,
                         !buf ? "out of memory" : r < 0 ? strerror(errno) : "it grew while being read"), NULL;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        free(buf);
        return diag_fail(d, EXIT_INPUT, "%s'%s' holds a NUL byte: a configuration file is text", who, path), NULL;
    }
    return buf;
}

/* If line (without its newline) is an @include directive, its path in name. */
static int include_of(const char *s, size_t n, char *name, size_t len, int *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (n - i < 8 || strncmp(s + i, "@include", 8) != 0)
        return 0;
    i += 8;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= n || s[i] != '"') {
        *bad = 1;
        return 1;
    }
    size_t j = ++i;
    while (j < n && s[j] != '"')
        j++;
    if (j >= n || j - i >= len || j == i) {
        *bad = 1;
        return 1;
    }
    memcpy(name, s + i, j - i);
    name[j - i] = '\0';
    for (size_t k = j + 1; k < n; k++)   /* only a comment may follow */
        if (s[k] == '#' || (s[k] == '/' && k + 1 < n && (s[k + 1] == '/' || s[k + 1] == '*')))
            break;
        else if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
            *bad = 1;
    return 1;
}

static int expand(struct cfgtext *t, struct out *o, const char *path, const char *text, int depth, unsigned *stack,
                  struct diag *d)
{
    unsigned me = (unsigned)t->n_files;
    if (add_file(t, path))
        return diag_fail(d, EXIT_INPUT, "out of memory");
    stack[depth] = me;
    unsigned line = 0;
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        line++;
        char name[4096];
        int bad;
        if (!include_of(s, n, name, sizeof name, &bad)) {
            if (add_line(o, s, n, me, line))
                return diag_fail(d, EXIT_INPUT, "out of memory");
        } else {
            if (bad)
                return diag_fail(d, EXIT_INPUT, "%s:%u: @include: expected @include \"file.cfg\" alone on its line",
                                 path, line);
            if (depth + 1 >= CFGTEXT_DEPTH_MAX)
                return diag_fail(d, EXIT_INPUT, "%s:%u: @include: includes nest more than %d deep (a loop?)", path,
                                 line, CFGTEXT_DEPTH_MAX);
            char full[8192];
            const char *slash = strrchr(path, '/');
            if (name[0] == '/')
                snprintf(full, sizeof full, "%s", name);
            else
                snprintf(full, sizeof full, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, name);
            char where[4200];
            snprintf(where, sizeof where, "%s:%u: @include: ", path, line);
            char *sub = read_regular(full, where, d);
            if (!sub)
                return -1;
            /* A loop: the same file open further up. */
            char *real = realpath(full, NULL);
            for (int k = 0; real && k <= depth; k++) {
                char *up = realpath(t->files[stack[k]], NULL);
                int same = up && strcmp(up, real) == 0;
                free(up);
                if (same) {
                    free(real);
                    free(sub);
                    return diag_fail(d, EXIT_INPUT, "%s:%u: @include: '%s' includes itself (a loop)", path, line, full);
                }
            }
            free(real);
            int rc = expand(t, o, full, sub, depth + 1, stack, d);
            free(sub);
            if (rc)
                return -1;
        }
        s = nl ? nl + 1 : s + n;
    }
    return 0;
}

int cfgtext_from(struct cfgtext *t, const char *path, const char *text, struct diag *d)
{
    memset(t, 0, sizeof *t);
    struct out o = { 0 };
    unsigned stack[CFGTEXT_DEPTH_MAX];
    if (expand(t, &o, path, text, 0, stack, d) || grow_text(&o, 0)) {
        if (!d->msg[0])
            diag_fail(d, EXIT_INPUT, "out of memory");
        free(o.text);
        free(o.line);
        free(o.file);
        cfgtext_free(t);
        return -1;
    }
    if (o.len == 0)
        o.text[0] = '\0';
    t->text = o.text;
    t->n_lines = o.n_lines;
    t->line = o.line;
    t->file = o.file;
    return 0;
}

int cfgtext_load(struct cfgtext *t, const char *path, struct diag *d)
{
    memset(t, 0, sizeof *t);
    char *text = read_regular(path, "", d);
    if (!text) {
        /* read_regular's message for the top file, worded as before. */
        if (strncmp(d->msg, "cannot read '", 13) == 0) {
            char msg[sizeof d->msg];
            snprintf(msg, sizeof msg, "cannot read configuration '%s", d->msg + 13);
            snprintf(d->msg, sizeof d->msg, "%s", msg);
        }
        return -1;
    }
    int rc = cfgtext_from(t, path, text, d);
    free(text);
    return rc;
}

char *cfgtext_read(const char *path, struct diag *d)
{
    return read_regular(path, "", d);
}

int cfgtext_refuse_includes(const char *path, const char *text, struct diag *d)
{
    unsigned line = 0;
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        char name[8];
        int bad;
        line++;
        if (include_of(s, n, name, sizeof name, &bad))
            return diag_fail(d, EXIT_INPUT, "%s:%u: @include is not taken here: the file is kept whole with its "
                             "results; include shared settings in the scenario instead", path, line);
        s = nl ? nl + 1 : s + n;
    }
    return 0;
}

const char *cfgtext_where(const struct cfgtext *t, unsigned n, char *buf, size_t len)
{
    if (n >= 1 && n <= t->n_lines)
        snprintf(buf, len, "%s:%u", t->files[t->file[n - 1]], t->line[n - 1]);
    else
        snprintf(buf, len, "%s:%u", t->n_files ? t->files[0] : "?", n);
    return buf;
}

void cfgtext_free(struct cfgtext *t)
{
    free(t->text);
    free(t->line);
    free(t->file);
    for (size_t i = 0; i < t->n_files; i++)
        free(t->files[i]);
    free(t->files);
    memset(t, 0, sizeof *t);
}
