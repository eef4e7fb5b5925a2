/*
 * main.c: `secmock client` (placeholder until the client lands).
 */
#include "client/client.h"

#include <stdio.h>

int rc_client_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("secmock client: not built yet\n", stderr);
    return 2;
}
