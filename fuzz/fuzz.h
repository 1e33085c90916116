/*
 * The entry point every fuzz target defines. libFuzzer calls it with each
 * input it tries; tests/fuzz/replay.c calls it with each corpus file so the
 * corpora run under ctest in every build. A target must return 0 and must
 * not crash, leak or hit undefined behaviour on any input.
 */
#ifndef LL_FUZZ_H
#define LL_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
