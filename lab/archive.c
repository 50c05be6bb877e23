#include "archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 512
#define NAME_MAX_USTAR 99           /* the name field, without the prefix field (kept empty) */
#define SIZE_MAX_USTAR 077777777777ULL   /* 11 octal digits: 8 GiB - 1 */

/* v in octal, width - 1 digits and a NUL, into a header's field. */
static void octal(unsigned char *field, size_t width, unsigned long long v)
{
    field[width - 1] = '\0';
    for (size_t i = width - 1; i-- > 0; v >>= 3)
        field[i] = (unsigned char)('0' + (v & 7));
}

static int put(FILE *out, const void *data, size_t n, struct diag *d)
{
    if (n && fwrite(data, 1, n, out) != n)
        return diag_fail(d, EXIT_INPUT, "cannot write the archive: %s", errno ? strerror(errno) : "write error");
    return 0;
}

/* One header: type '0' a file of size bytes, '5' a folder. */
static int header(FILE *out, const char *name, char type, unsigned long long size, time_t mtime, struct diag *d)
{
    unsigned char h[BLOCK];
    memset(h, 0, sizeof h);
    size_t n = strlen(name);
    if (n > NAME_MAX_USTAR)
        return diag_fail(d, EXIT_INPUT, "'%s': a name of %zu characters; the archive holds at most %d", name, n,
                         NAME_MAX_USTAR);
    if (size > SIZE_MAX_USTAR)
        return diag_fail(d, EXIT_INPUT, "'%s': %llu bytes, more than the archive's 8 GiB a file", name, size);
    memcpy(h, name, n);
    octal(h + 100, 8, type == '5' ? 0755u : 0644u);   /* mode */
    octal(h + 108, 8, 0);                              /* uid */
    octal(h + 116, 8, 0);                              /* gid */
    octal(h + 124, 12, size);
    octal(h + 136, 12, mtime > 0 && (unsigned long long)mtime <= SIZE_MAX_USTAR ? (unsigned long long)mtime : 0);
    memset(h + 148, ' ', 8);                           /* the checksum counts itself as spaces */
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 265, "turnaround", 10);                 /* uname */
    memcpy(h + 297, "turnaround", 10);                 /* gname */
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof h; i++)
        sum += h[i];
    octal(h + 148, 7, sum);
    h[155] = ' ';
    return put(out, h, sizeof h, d);
}

/* The file at path as one entry: header, data, padding to a block. */
static int file_entry(FILE *out, const char *path, const char *name, struct diag *d)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return diag_fail(d, EXIT_INPUT, "cannot read '%s': %s", path, strerror(e));
    }
    int rc = header(out, name, '0', (unsigned long long)st.st_size, st.st_mtime, d);
    unsigned long long left = (unsigned long long)st.st_size;
    char buf[65536];
    while (rc == 0 && left > 0) {
        ssize_t k = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {   /* shorter than its size said: the archive would be wrong */
            rc = diag_fail(d, EXIT_INPUT, "cannot read '%s': %s", path, k < 0 ? strerror(errno) : "it shrank while read");
            break;
        }
        rc = put(out, buf, (size_t)k, d);
        left -= (unsigned long long)k;
    }
    close(fd);
    static const char zeros[BLOCK];
    size_t pad = (size_t)((BLOCK - (unsigned long long)st.st_size % BLOCK) % BLOCK);
    return rc ? rc : put(out, zeros, pad, d);
}

static int visible(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int folder_entries(FILE *out, const char *dir, const char *name, int depth, struct diag *d)
{
    struct stat st;
    char entry[NAME_MAX_USTAR + 2];
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return diag_fail(d, EXIT_INPUT, "cannot read the folder '%s': %s", dir, errno ? strerror(errno) : "not a folder");
    if ((size_t)snprintf(entry, sizeof entry, "%s/", name) >= sizeof entry)
        return diag_fail(d, EXIT_INPUT, "'%s/': a name too long for the archive", name);
    if (header(out, entry, '5', 0, st.st_mtime, d))
        return -1;
    struct dirent **names;
    int n = scandir(dir, &names, visible, alphasort);
    if (n < 0)
        return diag_fail(d, EXIT_INPUT, "cannot read the folder '%s': %s", dir, strerror(errno));
    int rc = 0;
    for (int i = 0; i < n; i++) {
        size_t need = strlen(dir) + strlen(names[i]->d_name) + 2, need_name = strlen(name) + strlen(names[i]->d_name) + 2;
        char *path = malloc(need), *sub = malloc(need_name);
        if (!path || !sub)
            rc = rc ? rc : diag_fail(d, EXIT_INPUT, "out of memory");
        if (rc == 0) {
            snprintf(path, need, "%s/%s", dir, names[i]->d_name);
            snprintf(sub, need_name, "%s/%s", name, names[i]->d_name);
            if (lstat(path, &st) != 0)
                rc = diag_fail(d, EXIT_INPUT, "cannot read '%s': %s", path, strerror(errno));
            else if (S_ISDIR(st.st_mode) && depth > 0)
                rc = folder_entries(out, path, sub, depth - 1, d);
            else if (S_ISREG(st.st_mode))
                rc = file_entry(out, path, sub, d);
        }
        free(path);
        free(sub);
        free(names[i]);
    }
    free(names);
    return rc;
}

int archive_folder(FILE *out, const char *dir, const char *name, struct diag *d)
{
    static const char end[2 * BLOCK];   /* two empty blocks end an archive */
    errno = 0;
    if (folder_entries(out, dir, name, 1, d) || put(out, end, sizeof end, d))
        return -1;
    if (fflush(out) != 0 || ferror(out))
        return diag_fail(d, EXIT_INPUT, "cannot write the archive: %s", errno ? strerror(errno) : "write error");
    return 0;
}
