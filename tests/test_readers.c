/* The tables as analysts read them: every CSV file of a comparison and of a
 * sweep read with pandas' read_csv and R's read.csv at their defaults
 * (tests/reference/read_tables.py), each tool seeing the file's columns and
 * rows, one type per column, and each number as its text says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static void read_with(const char *tmp, const char *dir)
{
    struct cmd_result r;
    /* No exceptions: the seeds too (below 2^49) are exact in R and fit a
     * spreadsheet's 15 digits. */
    support_run(&r, "/usr/bin/python3 tests/reference/read_tables.py '%s/%s'/*.csv", tmp, dir);
    if (r.status != 0)
        fail_msg("read_tables.py on %s (%d):\n%s%s", dir, r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "\nok\n"));
    support_result_free(&r);
}

static void comparison_tables_read_by_pandas_and_r(void **state)
{
    const char *tmp = *state;
    /* An arm whose name holds a comma, so quoting is read too. */
    support_sh("'%s' compare scenarios/doncaster.cfg --reps 3 --no-plot --quiet "
               "--strategies 'none; takeover; blame:6, interim' --out '%s/c'",
               support_bin(), tmp);
    read_with(tmp, "c");
}

static void sweep_tables_read_by_pandas_and_r(void **state)
{
    const char *tmp = *state;
    char path[1200];
    snprintf(path, sizeof path, "%s/s.cfg", tmp);
    char text[2048];
    snprintf(text, sizeof text,
             "sweep = {\n  scenario = \"%s/scenarios/teaching.cfg\";\n  design = \"sobol\";\n  samples = 4;\n  reps = 2;\n"
             "  strategies = [\"takeover\", \"retained_ownership / fixed:18\"];\n"
             "  vary = ( { param = \"peers.decay\"; min = 0.01; max = 0.1; },\n"
             "           { param = \"intervention.knowledge\"; min = 0.6; max = 1.0; } );\n};\n",
             support_src());
    assert_int_equal(support_write_file(path, text), 0);
    support_sh("'%s' sweep '%s' --jobs 2 --quiet --no-plot --out '%s/s'", support_bin(), path, tmp);
    read_with(tmp, "s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(comparison_tables_read_by_pandas_and_r, support_tmpdir_setup,
                                        support_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(sweep_tables_read_by_pandas_and_r, support_tmpdir_setup,
                                        support_tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
