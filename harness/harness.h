/*
 * harness.h: `secmock run`, the scenario harness (to be written).
 */
#ifndef HX_HARNESS_H
#define HX_HARNESS_H

/* `secmock run [PATHS...] [options]`; returns the process exit code. */
int hx_run_main(int argc, char **argv);

#endif
