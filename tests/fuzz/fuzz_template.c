/* fuzz_template.c -- templates: the first line of the input is the
 * template, the rest a JSON object to render it with. Any bytes, no crash;
 * compile and render either succeed or say why; check and render agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/template.h"
#include "harness/util/buf.h"
#include "harness/util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t tlen = nl ? (size_t)(nl - (const char *)data) : size;
    char *src = xstrndup((const char *)data, tlen);
    cJSON *obj = nl ? cJSON_ParseWithLength(nl + 1, size - tlen - 1) : NULL;

    struct diag d;
    diag_init(&d);
    struct template *t = template_compile(src, "fuzz.json", "prompt.user", &d);
    if (!t) {
        if (!d.set)
            abort();
    } else {
        for (size_t i = 0; i < template_nfields(t); i++) {
            const char *why;
            if (field_path_valid(template_field(t, i), &why) < 0)
                abort();   /* compile admits only valid paths */
        }
        struct buf out;
        buf_init(&out, 0);
        struct diag d2;
        diag_init(&d2);
        int rendered = template_render(t, obj, "item \"f\"", &out, &d);
        int checked = template_check(t, obj, "item \"f\"", &d2);
        if (rendered != checked || (rendered < 0 && !d.set))
            abort();
        buf_release(&out);
        template_free(t);
    }
    free(src);
    cJSON_Delete(obj);
    return 0;
}
