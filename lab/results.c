#define _XOPEN_SOURCE 700
#include "results.h"

#include "folder.h"

#include <errno.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


int results_make_parents(const char *path)
{
    char buf[1100];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *c = buf + 1; *c; c++) {
        if (*c != '/')
            continue;
        *c = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *c = '/';
    }
    return 0;
}

int results_exists(const char *dest)
{
    struct stat st;
    return stat(dest, &st) == 0;
}

int results_begin(struct results *r, const char *dest, const char *command, int force, struct diag *d)
{
    r->lock.fd = -1;
    r->tmp[0] = '\0';
    if (strlen(dest) > 1000)   /* dest and the partial folder beside it must fit their buffers whole */
        return diag_fail(d, EXIT_INPUT, "results folder path is %zu characters long; at most 1000 are accepted",
                         strlen(dest));
    snprintf(r->dest, sizeof r->dest, "%s", dest);
    size_t len = strlen(r->dest);
    while (len > 1 && r->dest[len - 1] == '/')
        r->dest[--len] = '\0';
    r->force = force;
    if (results_exists(r->dest) && !force)
        return diag_fail(d, EXIT_INPUT, "results folder '%s' already exists; choose another with --out, or replace it with --force",
                         r->dest);
    if (folder_check_replaceable(r->dest, d) || folder_lock(r->dest, &r->lock, d))
        return -1;
    folder_remove_stale(r->dest, "partial");   /* a killed writer's, now that none can be running */
    const char *slash = strrchr(r->dest, '/');
    if (slash)
        snprintf(r->tmp, sizeof r->tmp, "%.*s.%s.partial-%ld", (int)(slash - r->dest + 1), r->dest, slash + 1,
                 (long)getpid());
    else
        snprintf(r->tmp, sizeof r->tmp, ".%s.partial-%ld", r->dest, (long)getpid());
    if (results_make_parents(r->tmp) != 0 || mkdir(r->tmp, 0777) != 0) {
        diag_fail(d, EXIT_INPUT, "cannot create results folder beside '%s': %s", r->dest, strerror(errno));
        r->tmp[0] = '\0';
        folder_unlock(&r->lock);
        return -1;
    }
    if (folder_mark(r->tmp, command, d)) {
        results_abort(r);
        return -1;
    }
    return 0;
}

FILE *results_open(struct results *r, const char *name, struct diag *d)
{
    char path[1300];
    snprintf(path, sizeof path, "%s/%s", r->tmp, name);
    FILE *f = fopen(path, "w");
    if (!f)
        diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
    return f;
}

int results_close(struct results *r, FILE *f, const char *name, struct diag *d)
{
    /* On disk, not only in the kernel's cache, before the folder is renamed
     * into place: a crash after the rename must not leave empty files. */
    int bad = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad)
        return diag_fail(d, EXIT_INPUT, "error writing '%s/%s' (disk full?)", r->tmp, name);
    return 0;
}

int results_commit(struct results *r, struct diag *d)
{
    /* The folder's entries on disk before it takes dest's place. */
    if (folder_sync(r->tmp) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s' (disk full?): %s", r->tmp, strerror(errno));
    if (results_exists(r->dest)) {
        /* Swapped in one step, so a kill at any moment leaves dest whole,
         * old or new; then the old results, now at tmp, are removed. */
        if (folder_exchange(r->tmp, r->dest) == 0) {
            folder_remove_tree(r->tmp);
            r->tmp[0] = '\0';
            folder_unlock(&r->lock);
            return 0;
        }
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
            return diag_fail(d, EXIT_INPUT, "cannot move results into '%s': %s", r->dest, strerror(errno));
    }
    /* No dest, or a file system that cannot swap: two renames. */
    char old[1300] = "";
    if (results_exists(r->dest)) {
        snprintf(old, sizeof old, "%s.old-%ld", r->tmp, (long)getpid());
        if (rename(r->dest, old) != 0)
            return diag_fail(d, EXIT_INPUT, "cannot move aside '%s': %s", r->dest, strerror(errno));
    }
    if (rename(r->tmp, r->dest) != 0) {
        int e = errno;
        if (old[0])
            rename(old, r->dest);
        return diag_fail(d, EXIT_INPUT, "cannot move results into '%s': %s", r->dest, strerror(e));
    }
    r->tmp[0] = '\0';
    if (old[0])
        folder_remove_tree(old);
    folder_unlock(&r->lock);
    return 0;
}

void results_abort(struct results *r)
{
    if (r->tmp[0])
        folder_remove_tree(r->tmp);
    r->tmp[0] = '\0';
    folder_unlock(&r->lock);
}
