/* fuzz_jsonfind.c -- the JSON locator on any bytes: no crash, no read past
 * the buffer, bounded work, and every outcome either a value with a sane
 * span or a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorers/jsonfind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Copy into an exact-size heap buffer so ASan catches any over-read. */
    char *buf = malloc(size ? size : 1);
    if (size)
        memcpy(buf, data, size);
    for (int want = JSONFIND_ANY; want <= JSONFIND_ARRAY; want++) {
        struct jsonfind f;
        int rc = jsonfind(buf, size, (enum jsonfind_want)want, &f);
        if (rc == 0) {
            if (!f.value || f.how == JSONFIND_NONE || f.start >= f.end || f.end > size)
                abort();
            cJSON_Delete(f.value);
        } else if (f.value || !f.reason[0]) {
            abort();   /* a failure must always say why */
        }
    }
    free(buf);
    return 0;
}
