/* support: helpers shared by the tests (running the binary, temporary folders,
 * reading files). The tests themselves use cmocka. */
#ifndef TURNAROUND_TEST_SUPPORT_H
#define TURNAROUND_TEST_SUPPORT_H

#include <math.h>
#include <stddef.h>

/* assert_close(a, b, eps): doubles within eps, saying both values when not
 * (cmocka 1.1 compares only floats). Include cmocka.h first. */
#define assert_close(a, b, eps)                                                                    \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (eps)))                                                             \
            fail_msg("%s = %.17g, expected %.17g within %g", #a, a_, b_, (double)(eps));          \
    } while (0)

struct cmd_result {
    int status;   /* exit status, or -1 when the command did not exit normally */
    char *out;    /* everything it wrote to stdout */
    char *err;    /* everything it wrote to stderr */
};

/* Run a shell command (printf-style), capturing status, stdout and stderr.
 * The command runs in the source tree's root. */
void support_run(struct cmd_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* support_run that fails the test, showing the command and its stderr,
 * unless the command exits 0. */
void support_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void support_result_free(struct cmd_result *r);

/* The binary under test and the source tree, from TURNAROUND_BIN and
 * TURNAROUND_SRC (set by make). */
const char *support_bin(void);
const char *support_src(void);

/* A new empty folder under /tmp; support_rmtree removes it. The caller frees. */
char *support_tmpdir(void);
void support_rmtree(const char *path);

/* cmocka setup and teardown giving each test a fresh temporary folder in
 * *state, removed afterwards. */
int support_tmpdir_setup(void **state);
int support_tmpdir_teardown(void **state);

/* The whole file, NUL-terminated; NULL when unreadable. The caller frees. */
char *support_read_file(const char *path, size_t *len);

/* 1 when both files exist and have identical bytes. */
int support_files_equal(const char *a, const char *b);

/* Write text to path; returns 0 on success. */
int support_write_file(const char *path, const char *text);

#endif
