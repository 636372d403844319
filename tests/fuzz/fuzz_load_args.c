/* fuzz_load_args.c -- the value parsers of `assay load`'s flags (--rate,
 * --concurrency, --slo, durations): any bytes, no crash, a diag on every
 * failure, and what is accepted obeys the documented bounds. The first
 * byte picks the parser; the rest is the flag value. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    char *s = malloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    struct diag d;
    diag_init(&d);
    switch (data[0] % 4) {
    case 0:
    case 1: {
        int integers = data[0] % 4 == 1;
        double *v = NULL;
        size_t n = 0;
        if (load_parse_levels(s, integers, 1e6, &v, &n, &d) < 0) {
            if (!d.set || v || n)
                abort();
        } else {
            if (n == 0)
                abort();
            for (size_t i = 0; i < n; i++)
                if (!(v[i] > 0 && v[i] <= 1e6) || (integers && v[i] != floor(v[i])))
                    abort();
        }
        free(v);
        break;
    }
    case 2: {
        struct slo slo;
        slo_init(&slo);
        if (load_parse_slo(s, &slo, &d) < 0) {
            if (!d.set)
                abort();
        } else {
            double lim[] = { slo.ttft_ms, slo.itl_ms, slo.tpot_ms, slo.e2e_ms };
            for (size_t i = 0; i < 4; i++)
                if (!isnan(lim[i]) && !(lim[i] > 0 && isfinite(lim[i])))
                    abort();
            if (!(slo.max_error_rate >= 0 && slo.max_error_rate <= 1))
                abort();
        }
        break;
    }
    default: {
        double ms = -1;
        if (load_parse_duration(s, 1000, &ms) == 0 && !(ms >= 0 && isfinite(ms)))
            abort();
        break;
    }
    }
    free(s);
    return 0;
}
