/* fuzz_judge.c -- judge-score parsing and template rendering on any
 * bytes: no crash, no over-read, and every outcome either a score inside
 * the scale or a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorers/judge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    static const struct judge_scale scales[] = { { 1, 10 }, { 0, 5 }, { 0, 1 } };
    for (size_t i = 0; i < 3; i++) {
        struct judge_parse p;
        judge_parse_score(buf, size, scales[i], &p);
        if (p.ok && !(p.score >= 0 && p.score <= 1 && p.raw >= scales[i].min
                      && p.raw <= scales[i].max))
            abort();
        if (!p.ok && !p.reason[0])
            abort();
    }
    /* the input as a template (NUL-terminated view) */
    struct diag d;
    diag_init(&d);
    if (judge_check_template(buf, "fuzz", "template", &d) == 0) {
        struct judge_vars v = { "in", "out", "ref", "crit" };
        struct buf b;
        buf_init(&b, 0);
        diag_init(&d);
        judge_render(buf, &v, scales[0], &b, &d);
        buf_release(&b);
    }
    free(buf);
    return 0;
}
