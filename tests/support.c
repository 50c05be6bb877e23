#define _XOPEN_SOURCE 700
#include "support.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

const char *support_bin(void)
{
    const char *b = getenv("TURNAROUND_BIN");
    return b ? b : "bin/turnaround";
}

const char *support_src(void)
{
    const char *s = getenv("TURNAROUND_SRC");
    return s ? s : ".";
}

char *support_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int support_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

int support_files_equal(const char *a, const char *b)
{
    size_t la, lb;
    char *x = support_read_file(a, &la), *y = support_read_file(b, &lb);
    int same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

char *support_tmpdir(void)
{
    char *t = strdup("/tmp/turnaround-test-XXXXXX");
    if (t && !mkdtemp(t)) {
        free(t);
        return NULL;
    }
    return t;
}

int support_tmpdir_setup(void **state)
{
    *state = support_tmpdir();
    return *state ? 0 : -1;
}

int support_tmpdir_teardown(void **state)
{
    support_rmtree(*state);
    free(*state);
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void support_rmtree(const char *path)
{
    if (path)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void support_run(struct cmd_result *r, const char *fmt, ...)
{
    char cmd[8192], full[9000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *dir = support_tmpdir();
    snprintf(full, sizeof full, "cd '%s' && ( %s ) >'%s/out' 2>'%s/err' </dev/null", support_src(), cmd, dir, dir);
    int st = system(full);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    char path[600];
    snprintf(path, sizeof path, "%s/out", dir);
    r->out = support_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/err", dir);
    r->err = support_read_file(path, NULL);
    support_rmtree(dir);
    free(dir);
}

void support_sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    struct cmd_result r;
    support_run(&r, "%s", cmd);
    if (r.status != 0)
        fail_msg("%s: status %d: %s", cmd, r.status, r.err);
    support_result_free(&r);
}

void support_result_free(struct cmd_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
