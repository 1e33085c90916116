/*
 * Crash points for testing exactly-once loading.
 *
 * ll_failpoint(name) kills the process with SIGKILL, as `kill -9` would, when
 * the environment variable LAKELOAD_FAILPOINT equals name. The load protocol
 * marks its risky steps with these so tests can crash a run at each one
 * deterministically and check that the next run finishes the load once.
 *
 * With LAKELOAD_PAUSEPOINT set to "name:DIR", the process instead pauses
 * there: it creates DIR/reached and waits (at most two minutes) for DIR/go
 * to exist, so a test can make another process commit at exactly that step.
 * "name#K:DIR" pauses only the K-th time the process reaches the step (a
 * step a load passes once per table, say).
 */
#ifndef LL_UTIL_FAILPOINT_H
#define LL_UTIL_FAILPOINT_H

void ll_failpoint(const char *name);

#endif
