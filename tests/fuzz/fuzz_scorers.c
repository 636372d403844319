/* fuzz_scorers.c -- every item scorer on any reply bytes: the input is
 * split at its first NUL-free "\x01" into reply and reference (both may
 * hold invalid UTF-8), then each registered scorer except judge scores it
 * with representative options. No crash, no over-read, no leak, and a
 * pass/fail scorer always says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorers/scorer.h"

static const struct { const char *type, *options; } setups[] = {
    { "rouge", "{\"types\": [\"rouge1\", \"rouge2\", \"rougeL\", \"rougeLsum\"], \"use_stemmer\": true}" },
    { "rouge", "{\"tokenizer\": \"unicode\"}" },
    { "squad", NULL },
    { "squad", "{\"version\": \"2.0\"}" },
    { "json_fields", "{\"defaults\": {\"case\": \"insensitive\", \"number\": true, \"date\": true,"
                     " \"currency\": true, \"list\": \"set\"}}" },
    { "contains", "{\"value\": \"a\"}" },
    { "not_contains", "{\"values\": [\"\\u00e9\", \"b\"]}" },
    { "icontains", "{\"value\": \"STRASSE\"}" },
    { "starts_with", "{\"value\": \"Yes\", \"ignore_case\": true}" },
    { "regex", "{\"pattern\": \"\\\\b\\\\w+\\\\d\\\\b\", \"flags\": \"im\"}" },
    { "is_json", "{\"accept\": \"embedded\"}" },
    { "length", "{\"min_words\": 1, \"max_chars\": 100, \"max_sentences\": 3}" },
    { "language", "{\"language\": \"de\"}" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';                 /* scorers take C strings: stop at a NUL */
    char *ref = strchr(buf, '\x01');
    if (ref)
        *ref++ = '\0';
    else
        ref = buf;
    const char *refs[] = { ref };
    cJSON *gold = cJSON_Parse("{\"a\": \"x\", \"n\": 1.5, \"d\": \"2024-01-02\", "
                              "\"l\": [\"p\", {\"q\": null}], \"o\": {}}");
    struct score_item it = { buf, refs, 1, gold, NULL };
    for (size_t i = 0; i < sizeof(setups) / sizeof(setups[0]); i++) {
        const struct scorer_ops *ops = scorer_find(setups[i].type);
        struct diag d;
        diag_init(&d);
        cJSON *o = setups[i].options ? cJSON_Parse(setups[i].options) : NULL;
        void *st = ops->configure(o, "fuzz", "options", &d);
        cJSON_Delete(o);
        if (!st)
            abort();                  /* the options above are valid */
        cJSON *out = cJSON_CreateObject();
        if (ops->score(st, &it, out, &d) < 0)
            abort();
        const cJSON *pass = cJSON_GetObjectItem(out, "pass");
        if (pass && !cJSON_IsString(cJSON_GetObjectItem(out, "reason")))
            abort();
        char *text = cJSON_PrintUnformatted(out);   /* the record must serialise */
        free(text);
        cJSON_Delete(out);
        ops->release(st);
    }
    cJSON_Delete(gold);
    free(buf);
    return 0;
}
