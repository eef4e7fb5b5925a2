/*
 * harness.h: `secmock run`, the scenario harness.
 *
 * Reads scenario files (docs/scenario-format.md), starts one `secmock serve`
 * per scenario, drives it through the admin API, runs the client under test
 * as a child process and checks expectations; reports on the terminal, in
 * JUnit XML and in JSON. The parts, in reading order: scenario.h (format and
 * validation), vars.h, mockproc.h, exec.h, expect.h, select.h, report.h; this
 * is the command line on top (run.c).
 */
#ifndef HX_HARNESS_H
#define HX_HARNESS_H

/* `secmock run [PATHS...] [options]`; returns the process exit code (0 all
 * passed, 1 some failed, 2 usage or scenario file errors). argv is borrowed. */
int hx_run_main(int argc, char **argv);

/* secmock's own main, for the launcher (launcher.h) to call in the `client` and
 * `serve` children it starts without exec. Unset (as in tests), every child is
 * exec'd. */
void hx_run_set_self_main(int (*main_fn)(int argc, char **argv));

#endif
