/* fuzz_args.c -- the small parsers of command-line and environment
 * values, on any bytes: shard specs ("i/N", --shard and
 * JOB_COMPLETION_INDEX-style values), compare's --max-drop METRIC=X, and
 * Go-style durations (x-ratelimit-reset-* headers). One value a line;
 * the line's first byte picks the parser. No crash, no over-read, no UB;
 * a rejected value always says why, an accepted one is in range. (The
 * decision flags have their own target, fuzz_decide.) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/backends/backend.h"
#include "harness/shard.h"
#include "harness/util/xalloc.h"
#include "reports/compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    struct compare_options co;
    compare_options_init(&co);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        const char *arg = line + 1;
        struct diag d;
        diag_init(&d);
        switch ((unsigned char)line[0] % 3) {
        case 0: {
            struct shard s;
            if (shard_parse(arg, &s, &d) == 0) {
                if (s.count < 1 || s.index >= s.count)
                    abort();
            } else if (!d.set) {
                abort();
            }
            break;
        }
        case 1: {
            size_t before = co.nth;
            if (compare_add_threshold(&co, arg, &d) == 0) {
                if (co.nth < before || !(co.th[co.nth - 1].max_drop >= 0))
                    abort();
            } else if (!d.set) {
                abort();
            }
            break;
        }
        case 2: {
            double ms = parse_go_duration_ms(arg);
            if (!(ms >= 0) && ms != -1)
                abort();
            break;
        }
        }
    }
    compare_options_release(&co);
    free(text);
    return 0;
}
