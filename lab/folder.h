/* folder: the rules every results folder lives by, whichever command writes it.
 *
 * - One writer at a time: a command that writes a folder (run, compare,
 *   sweep, its --resume, calibrate, merge, plot) holds a lock on it, through
 *   a lock file beside it (.NAME.lock, an fcntl lock), from before its first write
 *   to its last; a second writer is refused, naming the first's process. The
 *   kernel drops the lock when a process dies, so a kill -9 leaves no stale
 *   lock, only the file, which the next writer reuses.
 * - A folder turnaround made holds a marker (.turnaround), and --force
 *   replaces only such a folder: a folder of anything else is left alone.
 * - --force keeps the old folder aside until the new results are complete. */
#ifndef TURNAROUND_FOLDER_H
#define TURNAROUND_FOLDER_H

#include <stddef.h>

#include "diag.h"

#define FOLDER_PATH_MAX 1200

struct folder_lock {
    int fd;                        /* -1: not held */
    char path[FOLDER_PATH_MAX];
};

/* Take the lock on dest (which need not exist yet; the folders above it are
 * made). Returns 0, or -1 with d filled when another process holds it. */
int folder_lock(const char *dest, struct folder_lock *lk, struct diag *d);
void folder_unlock(struct folder_lock *lk);

/* Write the marker into dir, saying which command made it. */
int folder_mark(const char *dir, const char *command, struct diag *d);

/* Whether dir holds the marker, or is a folder of an earlier version
 * (config.cfg opening with "# turnaround "). */
int folder_is_ours(const char *dir);

/* Refuse, with d filled, to replace dest unless turnaround made it. */
int folder_check_replaceable(const char *dest, struct diag *d);

/* Move dest aside (beside it, hidden) for --force: *aside gets its new path.
 * folder_restore puts it back (the new results failed), folder_drop removes
 * it (they are complete). */
int folder_set_aside(const char *dest, char *aside, size_t len, struct diag *d);
int folder_restore(const char *aside, const char *dest);
void folder_drop(const char *aside);

/* A folder written in place (a sweep, a calibration, resumable): take its
 * lock and, forced and not resuming, set the old folder aside (aside[0] is
 * '\0' when there was none). folder_finish then drops the old folder when rc
 * is 0, or else puts it back and says so in d, and releases the lock. what
 * names the job ("sweep"). */
int folder_start(const char *dest, int force, int resume, int quiet, const char *what, struct folder_lock *lk,
                 char *aside, size_t len, struct diag *d);
void folder_finish(int rc, const char *dest, const char *what, struct folder_lock *lk, const char *aside,
                   struct diag *d);

/* The hidden path beside dest where this process builds or keeps something
 * of kind for it: .NAME.KIND-PID. -1 when too long. */
int folder_beside(const char *dest, const char *kind, char *out, size_t len);

/* Swap two paths at once (renameat2 RENAME_EXCHANGE): no moment where
 * neither is there. -1 with errno (EINVAL where the file system cannot). */
int folder_exchange(const char *a, const char *b);

/* fsync a folder, so the entries in it are on disk. */
int folder_sync(const char *dir);

/* Remove what an earlier process killed while writing dest left beside it
 * (.NAME.KIND-*, KIND "partial" or "replaced"). Only with dest's lock held:
 * then no one else can be writing them. */
void folder_remove_stale(const char *dest, const char *kind);

/* Remove a folder and everything in it (no symbolic link is followed). */
int folder_remove_tree(const char *path);

#endif
