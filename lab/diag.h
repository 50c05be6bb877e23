/* diag: the fixed vocabulary of failure. Functions below main report an error
 * by filling a struct diag and returning -1; only main prints and exits, with
 * EXIT_INPUT for bad input files, values or results folders and EXIT_USAGE for
 * command-line mistakes. */
#ifndef TURNAROUND_DIAG_H
#define TURNAROUND_DIAG_H

#define EXIT_INPUT 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

struct diag {
    int code;        /* the exit status the error calls for */
    char msg[2048];
};

/* Record an error of kind code; always returns -1 so callers can
 * `return diag_fail(d, EXIT_INPUT, ...)`. */
int diag_fail(struct diag *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print d's message to stderr after "turnaround: " and who (may be ""),
 * its control characters (a terminal's escape codes among them) shown as
 * \xNN, never sent to the terminal; returns the exit status it calls for. */
int diag_print(const char *who, const struct diag *d);

#endif
