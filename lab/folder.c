#define _GNU_SOURCE   /* renameat2 */
#include "folder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results.h"

#define MARKER ".turnaround"

/* path with its trailing slashes dropped, split into the folder above
 * (with its slash, or "") and the last name. */
static int split(const char *dest, char *above, char *name, size_t len)
{
    char d[FOLDER_PATH_MAX];
    if (strlen(dest) >= sizeof d)
        return -1;
    snprintf(d, sizeof d, "%s", dest);
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        d[--n] = '\0';
    const char *slash = strrchr(d, '/');
    snprintf(above, len, "%.*s", slash ? (int)(slash - d + 1) : 0, d);
    snprintf(name, len, "%s", slash ? slash + 1 : d);
    return name[0] ? 0 : -1;
}

int folder_lock(const char *dest, struct folder_lock *lk, struct diag *d)
{
    char above[FOLDER_PATH_MAX], name[FOLDER_PATH_MAX];
    lk->fd = -1;
    if (split(dest, above, name, sizeof above) != 0)
        return diag_fail(d, EXIT_INPUT, "'%s': not a folder name turnaround can write", dest);
    if (snprintf(lk->path, sizeof lk->path, "%s.%s.lock", above, name) >= (int)sizeof lk->path)
        return diag_fail(d, EXIT_INPUT, "'%s': path too long", dest);
    if (results_make_parents(lk->path) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot create the folders above '%s': %s", dest, strerror(errno));
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(lk->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
            return diag_fail(d, EXIT_INPUT, "cannot create the lock '%s' for '%s': %s", lk->path, dest, strerror(errno));
        /* A POSIX record lock: unlike flock, not inherited by the worker
         * processes a sweep forks, so a worker outliving a killed manager
         * cannot hold the folder. */
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            int e = errno;
            struct flock who = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
            long pid = fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK ? (long)who.l_pid : 0;
            close(fd);
            if (e == EACCES || e == EAGAIN) {
                char said[32] = "unknown";
                if (pid > 0)
                    snprintf(said, sizeof said, "%ld", pid);
                return diag_fail(d, EXIT_INPUT, "'%s' is being written by another turnaround (process %s); wait for it to "
                                 "finish, or choose another --out", dest, said);
            }
            return diag_fail(d, EXIT_INPUT, "cannot lock '%s': %s", lk->path, strerror(e));
        }
        /* The file may have been removed by its last holder between our open
         * and our lock: a lock on a file no longer at the path locks nothing. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(lk->path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n) {
                int e = errno;
                unlink(lk->path);   /* ours, and held: no one else has it */
                close(fd);
                errno = e;
                return diag_fail(d, EXIT_INPUT, "cannot write the lock '%s': %s", lk->path, strerror(errno));
            }
            lk->fd = fd;
            return 0;
        }
        close(fd);
    }
    return diag_fail(d, EXIT_INPUT, "cannot lock '%s': it keeps changing", lk->path);
}

void folder_unlock(struct folder_lock *lk)
{
    if (lk->fd < 0)
        return;
    unlink(lk->path);   /* while still held, so no one locks the file we remove */
    close(lk->fd);
    lk->fd = -1;
}

int folder_mark(const char *dir, const char *command, struct diag *d)
{
    char path[FOLDER_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/" MARKER, dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s': %s", path, strerror(errno));
    int bad = fprintf(f, "turnaround results (%s): made by turnaround %s, and --force may replace it\n", command,
                      TURNAROUND_VERSION) < 0;
    if (fclose(f) != 0 || bad)
        return diag_fail(d, EXIT_INPUT, "cannot write '%s' (disk full?)", path);
    return 0;
}

int folder_is_ours(const char *dir)
{
    char path[FOLDER_PATH_MAX + 16], line[16] = "";
    snprintf(path, sizeof path, "%s/" MARKER, dir);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
        return 1;
    snprintf(path, sizeof path, "%s/config.cfg", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ours = fgets(line, sizeof line, f) && strncmp(line, "# turnaround ", 13) == 0;
    fclose(f);
    return ours;
}

int folder_check_replaceable(const char *dest, struct diag *d)
{
    struct stat st;
    if (lstat(dest, &st) != 0)
        return 0;   /* nothing to replace */
    if (!S_ISDIR(st.st_mode))
        return diag_fail(d, EXIT_INPUT, "'%s' is not a folder; --force replaces only a results folder turnaround made, "
                         "so it is left alone: remove it yourself, or choose another --out", dest);
    if (!folder_is_ours(dest))
        return diag_fail(d, EXIT_INPUT, "'%s' was not made by turnaround (it has no " MARKER " marker), so --force "
                         "leaves it alone: remove it yourself, or choose another --out", dest);
    return 0;
}

int folder_set_aside(const char *dest, char *aside, size_t len, struct diag *d)
{
    char above[FOLDER_PATH_MAX], name[FOLDER_PATH_MAX];
    if (folder_check_replaceable(dest, d))
        return -1;
    if (split(dest, above, name, sizeof above) != 0
        || snprintf(aside, len, "%s.%s.replaced-%ld", above, name, (long)getpid()) >= (int)len)
        return diag_fail(d, EXIT_INPUT, "'%s': path too long", dest);
    if (rename(dest, aside) != 0)
        return diag_fail(d, EXIT_INPUT, "cannot move aside '%s': %s", dest, strerror(errno));
    return 0;
}

int folder_restore(const char *aside, const char *dest)
{
    folder_remove_tree(dest);
    return rename(aside, dest);
}

void folder_drop(const char *aside)
{
    folder_remove_tree(aside);
}

int folder_start(const char *dest, int force, int resume, int quiet, const char *what, struct folder_lock *lk,
                 char *aside, size_t len, struct diag *d)
{
    aside[0] = '\0';
    if (folder_lock(dest, lk, d))
        return -1;
    struct stat st;
    if (!resume && force && lstat(dest, &st) == 0) {
        if (folder_set_aside(dest, aside, len, d)) {
            aside[0] = '\0';
            folder_unlock(lk);
            return -1;
        }
        if (!quiet)
            fprintf(stderr, "turnaround: the earlier results in %s are kept aside in %s until this %s is complete\n",
                    dest, aside, what);
    }
    return 0;
}

void folder_finish(int rc, const char *dest, const char *what, struct folder_lock *lk, const char *aside,
                   struct diag *d)
{
    if (aside[0]) {
        size_t n = strlen(d->msg);
        if (rc == 0)
            folder_drop(aside);
        else if (folder_restore(aside, dest) != 0)
            snprintf(d->msg + n, sizeof d->msg - n, "; the earlier results could not be put back, and are in %s", aside);
        else if (d->code == EXIT_INTERRUPTED)
            diag_fail(d, EXIT_INTERRUPTED, "interrupted; the earlier results in %s are as they were (--force runs this %s "
                      "again)", dest, what);
        else
            snprintf(d->msg + n, sizeof d->msg - n, "; the earlier results in %s are as they were", dest);
    }
    folder_unlock(lk);
}

int folder_beside(const char *dest, const char *kind, char *out, size_t len)
{
    char above[FOLDER_PATH_MAX], name[FOLDER_PATH_MAX];
    if (split(dest, above, name, sizeof above) != 0)
        return -1;
    return snprintf(out, len, "%s.%s.%s-%ld", above, name, kind, (long)getpid()) >= (int)len ? -1 : 0;
}

int folder_exchange(const char *a, const char *b)
{
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

int folder_sync(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

void folder_remove_stale(const char *dest, const char *kind)
{
    char above[FOLDER_PATH_MAX], name[FOLDER_PATH_MAX], prefix[FOLDER_PATH_MAX + 32];
    if (split(dest, above, name, sizeof above) != 0)
        return;
    snprintf(prefix, sizeof prefix, ".%s.%s-", name, kind);
    DIR *dir = opendir(above[0] ? above : ".");
    if (!dir)
        return;
    const struct dirent *e;
    char path[2 * FOLDER_PATH_MAX + 64];
    while ((e = readdir(dir)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            snprintf(path, sizeof path, "%s%s", above, e->d_name);
            folder_remove_tree(path);
        }
    closedir(dir);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int folder_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
