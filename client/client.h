/*
 * client.h: `secmock client`, the reference client (to be written).
 */
#ifndef RC_CLIENT_H
#define RC_CLIENT_H

/* `secmock client <integration> <command> [options]`; returns the process exit code. */
int rc_client_main(int argc, char **argv);

#endif
