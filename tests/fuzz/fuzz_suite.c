/* fuzz_suite.c -- the suite JSON parser: any bytes as a suite file, with
 * and without the scorer registry (whose configure() then sees fuzzed
 * options), datasets not loaded. No crash, no leak, a diag on every
 * failure, and a suite that loads has what every caller relies on. */
#include <stdint.h>
#include <stdlib.h>

#include "harness/suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (unsigned pass = 0; pass < 2; pass++) {
        unsigned flags = SUITE_NO_DATASET | (pass ? 0 : SUITE_NO_SCORER_CHECK);
        struct suite s;
        struct diag d;
        diag_init(&d);
        if (suite_load_text((const char *)data, size, "fuzz.json", flags, &s, &d) < 0) {
            if (!d.set)
                abort();
            continue;
        }
        if (!s.name || !s.task || !s.prompt.user || !s.dspec.path)
            abort();
        if (s.nscorers && (!s.primary_scorer || !suite_scorer(&s, s.primary_scorer)))
            abort();
        suite_release(&s);
    }
    return 0;
}
