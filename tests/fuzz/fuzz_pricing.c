/* fuzz_pricing.c -- a pricing file from any bytes (pricing_file_load:
 * every entry validated up front), then every backend's entry read back
 * and priced for small, huge and unknown token counts. No crash, no
 * leak, no UB, a diag on every failure; an entry that loaded reads back
 * without error, and its costs are never negative. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "reports/cost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/assay-fuzz-pricing-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    struct diag d;
    diag_init(&d);
    struct pricing_file *f = pricing_file_load(path, &d);
    if (!f) {
        if (!d.set)
            abort();   /* a failure must say why */
    } else {
        (void)pricing_file_as_of(f);
        /* The loaded tree is what pricing_file_get reads: every name in
         * "prices", plus one that is absent. */
        cJSON *root = cJSON_ParseWithLength((const char *)data, size);
        const cJSON *prices = cJSON_GetObjectItemCaseSensitive(root, "prices");
        const cJSON *it;
        static const long counts[][3] = { { 1000, 200, 50 }, { -1, -1, -1 },
                                          { 2000000000L, 3000000000L, 1 } };
        cJSON_ArrayForEach(it, prices) {
            struct pricing p;
            diag_init(&d);
            if (pricing_file_get(f, it->string, &p, &d) < 0)
                abort();   /* validated when the file loaded */
            for (size_t k = 0; k < 3; k++) {
                struct cost c = cost_of_request(&p, counts[k][0], counts[k][1], counts[k][2]);
                if (c.usd < 0 || !c.basis)
                    abort();
            }
            double h = cost_hourly_per_request(p.per_hour, 0.5, 0.5);
            if (h < 0)
                abort();
        }
        struct pricing p;
        diag_init(&d);
        if (pricing_file_get(f, "\x01 no such backend", &p, &d) < 0 || p.set)
            abort();
        cJSON_Delete(root);
        pricing_file_free(f);
    }
    unlink(path);
    return 0;
}
