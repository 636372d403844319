/* fuzz_json_fields.c -- structured extraction scoring with everything
 * from outside: the model's reply, the dataset's gold value and the
 * suite's JSON Schema. The input is reply "\x01" gold JSON, optionally
 * "\x01" schema JSON; byte 0 picks the normalisation rules. The schema is
 * checked (jsonschema_check, as a suite loader does), the gold validated
 * against it, and json_fields scores the reply with the schema given
 * both as an option and as the item's own "schema" member. No crash, no
 * over-read, no leak, no UB; a bad schema is refused with a diag (the
 * scorer checks an item's schema itself); scores stay in 0..1. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scorers/jsonschema.h"
#include "scorers/scorer.h"

static const char *const rules[] = {
    "{}",
    "{\"defaults\": {\"case\": \"insensitive\", \"number\": true, \"date\": true,"
    " \"currency\": true, \"list\": \"set\"}}",
    "{\"defaults\": {\"number\": \"eu\", \"date\": \"dmy\", \"whitespace\": false,"
    " \"tolerance\": 0.01}, \"per_field\": false, \"fields\": {\"line_items[].qty\":"
    " {\"number\": \"us\"}, \"tags\": {\"list\": \"set\"}, \"notes\": {\"ignore\": true},"
    " \"price_range\": {\"equivalent\": [[\"cheap\", \"less than \\u00a320\"], [\"high\","
    " \"more than \\u00a330\"]]}, \"date\": {\"date\": \"mdy\"}}}",
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *buf = malloc(size);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';   /* the reply is a C string: stop at a NUL */
    char *gold_text = strchr(buf, '\x01');
    char *schema_text = NULL;
    if (gold_text) {
        *gold_text++ = '\0';
        schema_text = strchr(gold_text, '\x01');
        if (schema_text)
            *schema_text++ = '\0';
    }
    cJSON *gold = gold_text ? cJSON_Parse(gold_text) : NULL;
    cJSON *schema = schema_text ? cJSON_Parse(schema_text) : NULL;
    struct diag d;
    diag_init(&d);
    int schema_ok = 0;
    if (schema) {
        schema_ok = jsonschema_check(schema, "fuzz.json", "schema", &d) == 0;
        if (!schema_ok && !d.set)
            abort();   /* a refused schema says why */
        if (schema_ok && gold) {
            struct jsonschema_result r;
            jsonschema_result_init(&r);
            size_t n = jsonschema_validate(schema, gold, &r);
            if (n != r.n)
                abort();
            jsonschema_result_release(&r);
            diag_init(&d);
            if (jsonschema_validate_diag(schema, gold, "fuzz.jsonl", "gold", &d) < 0 && !d.set)
                abort();
        }
    }

    const struct scorer_ops *ops = scorer_find("json_fields");
    cJSON *options = cJSON_Parse(rules[data[0] % NRULES]);
    if (schema && (data[0] & 4))
        cJSON_AddItemToObject(options, "schema", cJSON_Duplicate(schema, 1));
    cJSON *item = cJSON_CreateObject();
    if (schema)
        cJSON_AddItemToObject(item, "schema", cJSON_Duplicate(schema, 1));
    diag_init(&d);
    void *st = ops->configure(options, "fuzz.json", "scorers[0].options", &d);
    if (!st) {
        if (!d.set)
            abort();
    } else if (gold) {
        struct score_item it = { buf, NULL, 0, gold, item };
        cJSON *out = cJSON_CreateObject();
        diag_init(&d);
        if (ops->score(st, &it, out, &d) < 0) {
            if (!d.set)
                abort();
        } else {
            static const char *const unit[] = { "f1", "precision", "recall", "field_accuracy" };
            for (size_t i = 0; i < 4; i++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(out, unit[i]);
                if (v && !(v->valuedouble >= 0 && v->valuedouble <= 1))
                    abort();
            }
            char *text = cJSON_PrintUnformatted(out);
            free(text);
        }
        cJSON_Delete(out);
    }
    if (st)
        ops->release(st);
    cJSON_Delete(options);
    cJSON_Delete(item);
    cJSON_Delete(schema);
    cJSON_Delete(gold);
    free(buf);
    return 0;
}
