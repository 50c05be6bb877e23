/* report: the command line of 'turnaround report' (plots/report.h writes it). */
#ifndef TURNAROUND_CLI_REPORT_H
#define TURNAROUND_CLI_REPORT_H

/* Run 'turnaround report' on its arguments (those after the word "report");
 * returns the exit status: 0, EXIT_INPUT, EXIT_USAGE or EXIT_INTERRUPTED. */
int cmd_report(int argc, char **argv);

#endif
