/*
 * main.c: the `secmock` command. It only dispatches: `serve` to the mock
 * runtime (mock/serve.c), `run` to the harness (harness/run.c), `client` to the
 * reference client (client/main.c).
 */
#include <stdio.h>
#include <string.h>

#include "client/client.h"
#include "harness/harness.h"
#include "mock/kit/runtime.h"

static void usage(FILE *out)
{
    fputs("usage: secmock <command> [options]\n"
          "\n"
          "commands:\n"
          "  serve    run the mock services and their admin API\n"
          "  run      run scenario files against fresh mocks and report\n"
          "  client   the reference client: the vendors' integrations, end to end\n"
          "\n"
          "`secmock <command> --help` describes each; `secmock --version` prints the version.\n",
          out);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "serve") == 0)
        return mk_serve_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "run") == 0)
        return hx_run_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "client") == 0)
        return rc_client_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("secmock %s\n", SECMOCK_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "secmock: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    hx_run_set_self_main(dispatch);
    return dispatch(argc, argv);
}
