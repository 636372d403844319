/* fuzz_jsonv.c -- the located JSON parser every loader uses: any bytes,
 * no crash, no read past the buffer, a diag on every failure. */
#include <stdint.h>
#include <stdlib.h>

#include "harness/util/jsonv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    cJSON *root = json_parse_located((const char *)data, size, "fuzz.json", 1, &d);
    if (!root && !d.set)
        abort();   /* a failure must always say why */
    if (root) {
        static const char *const keys[] = { "name", "type", NULL };
        jv_known_keys(root, keys, "fuzz.json", "", &d);
        const char *s;
        double x;
        jv_string(root, "name", "fuzz.json", "", 0, &s, &d);
        jv_number(root, "type", "fuzz.json", "", 0, 0, 1, &x, &d);
        cJSON_Delete(root);
    }
    return 0;
}
