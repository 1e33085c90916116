/*
 * lakeload serve: a local endpoint that speaks AWS Glue's and Athena's JSON
 * 1.1 protocols (X-Amz-Target AWSGlue.<Action> / AmazonAthena.<Action>) over
 * one lake, so the AWS SDKs, dlt and `lakeload --destination athena` work
 * against a lake without AWS.
 *
 * Every request must carry a SigV4 signature made with one of the key pairs
 * the server was given; anything else is answered with AWS's error shape
 * (UnrecognizedClientException, InvalidSignatureException), never data.
 *
 * Glue documents (databases, tables with a VersionId counter) live in
 * tables of the server's own (serve_glue_*) in the lake's catalog file; the
 * catalog's own tables (loaded with --destination local) are presented as
 * Glue tables too, unless a Glue table of the same name shadows them.
 * Athena queries run on the embedded engine on worker threads. DESIGN.md §7
 * describes the whole.
 */
#ifndef LL_SERVE_SERVE_H
#define LL_SERVE_SERVE_H

/**
 * The `lakeload serve` command: parses its options (argv holds what follows
 * "serve"), serves until SIGINT or SIGTERM and returns the exit status
 * (0 stopped cleanly, 1 failed, 2 bad command line).
 */
int ll_serve_main(int argc, char **argv);

#endif
