/* fuzz_profile.c -- the mock's profile loader: any bytes, no crash, and a
 * diag on every failure; a profile that loads has sane models. */
#include <stdint.h>
#include <stdlib.h>

#include "harness/mock/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mock_profile p;
    struct diag d;
    profile_init(&p);
    diag_init(&d);
    int rc = profile_load_text(&p, (const char *)data, size, "fuzz.json", &d);
    if (rc < 0 && !d.set)
        abort();   /* a failure must say why */
    if (rc == 0) {
        if (!p.n || !profile_default_model(&p))
            abort();
        for (size_t i = 0; i < p.n; i++)
            if (profile_find(&p, p.models[i].name) == NULL || p.models[i].capacity < 0)
                abort();
    }
    profile_release(&p);
    return 0;
}
