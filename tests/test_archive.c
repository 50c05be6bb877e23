/* test_archive: a results folder as a ustar archive (lab/archive.c), read
 * back by GNU tar and by Python's tarfile: the same files, bytes and names,
 * in name order, hidden files and links left out; the same folder gives the
 * same archive; a name too long, a missing folder and a full disk are
 * errors, never a silently wrong archive. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "archive.h"
#include "support.h"

/* A folder like a run's: files of several sizes (empty, one block exactly,
 * more than one), a plots/ folder, a hidden marker and a link. */
static void make_folder(const char *dir)
{
    char path[1200];
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/plots", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/config.cfg", dir);
    assert_int_equal(support_write_file(path, "run = { reps = 2; };\n"), 0);
    snprintf(path, sizeof path, "%s/empty.csv", dir);
    assert_int_equal(support_write_file(path, ""), 0);
    char block[513];
    memset(block, 'b', 512);
    block[512] = '\0';
    snprintf(path, sizeof path, "%s/block.txt", dir);
    assert_int_equal(support_write_file(path, block), 0);
    char *big = malloc(70001);
    assert_non_null(big);
    for (size_t i = 0; i < 70000; i++)
        big[i] = (char)('a' + i % 26);
    big[70000] = '\0';
    snprintf(path, sizeof path, "%s/plots/means.svg", dir);
    assert_int_equal(support_write_file(path, big), 0);
    free(big);
    snprintf(path, sizeof path, "%s/.turnaround", dir);
    assert_int_equal(support_write_file(path, "compare\n"), 0);
    snprintf(path, sizeof path, "%s/link.csv", dir);
    assert_int_equal(symlink("/etc/passwd", path), 0);
}

static void archive_to(const char *dir, const char *name, const char *file)
{
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    struct diag d = { 0 };
    if (archive_folder(f, dir, name, &d))
        fail_msg("archive_folder: %s", d.msg);
    assert_int_equal(fclose(f), 0);
}

static void tar_reads_it_back(void **state)
{
    const char *tmp = *state;
    char dir[600], tar[600], out[600];
    snprintf(dir, sizeof dir, "%s/run", tmp);
    snprintf(tar, sizeof tar, "%s/run.tar", tmp);
    snprintf(out, sizeof out, "%s/out", tmp);
    make_folder(dir);
    archive_to(dir, "teaching-run1", tar);
    struct cmd_result r;
    support_run(&r, "tar -tf '%s'", tar);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "teaching-run1/\nteaching-run1/block.txt\nteaching-run1/config.cfg\n"
                               "teaching-run1/empty.csv\nteaching-run1/plots/\nteaching-run1/plots/means.svg\n");
    support_result_free(&r);
    support_sh("mkdir '%s' && tar -C '%s' -xf '%s'", out, out, tar);
    static const char *const files[] = { "block.txt", "config.cfg", "empty.csv", "plots/means.svg" };
    for (size_t i = 0; i < 4; i++) {
        char a[1200], b[1200];
        snprintf(a, sizeof a, "%s/%s", dir, files[i]);
        snprintf(b, sizeof b, "%s/teaching-run1/%s", out, files[i]);
        if (!support_files_equal(a, b))
            fail_msg("%s differs after tar -x", files[i]);
    }
    /* Python's tarfile, strict about the format, agrees */
    support_run(&r, "/usr/bin/python3 -c \"import tarfile,sys; t=tarfile.open(sys.argv[1]); "
                    "print(' '.join(m.name+':'+str(m.size) for m in t.getmembers() if m.isfile()))\" '%s'", tar);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "teaching-run1/block.txt:512 teaching-run1/config.cfg:21 teaching-run1/empty.csv:0 "
                               "teaching-run1/plots/means.svg:70000\n");
    support_result_free(&r);
    /* the same folder, the same archive */
    char again[600];
    snprintf(again, sizeof again, "%s/again.tar", tmp);
    archive_to(dir, "teaching-run1", again);
    assert_true(support_files_equal(tar, again));
}

static void errors_are_reported(void **state)
{
    const char *tmp = *state;
    char dir[600], name[200];
    snprintf(dir, sizeof dir, "%s/run", tmp);
    make_folder(dir);
    struct diag d = { 0 };
    FILE *f = fopen("/dev/null", "wb");
    assert_non_null(f);
    memset(name, 'n', 120);
    name[120] = '\0';
    assert_int_equal(archive_folder(f, dir, name, &d), -1);
    assert_non_null(strstr(d.msg, "too long"));
    char missing[700];
    snprintf(missing, sizeof missing, "%s/no-such-folder", tmp);
    assert_int_equal(archive_folder(f, missing, "x", &d), -1);
    assert_non_null(strstr(d.msg, "no-such-folder"));
    fclose(f);
    /* a full disk */
    f = fopen("/dev/full", "wb");
    if (f) {
        setvbuf(f, NULL, _IONBF, 0);
        assert_int_equal(archive_folder(f, dir, "x", &d), -1);
        assert_non_null(strstr(d.msg, "cannot write the archive"));
        fclose(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(tar_reads_it_back, support_tmpdir_setup, support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(errors_are_reported, support_tmpdir_setup, support_tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
