/*
 * run.c: `secmock run` (placeholder until the harness lands).
 */
#include "harness/harness.h"

#include <stdio.h>

int hx_run_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("secmock run: not built yet\n", stderr);
    return 2;
}
