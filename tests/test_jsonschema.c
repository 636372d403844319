/* test_jsonschema.c -- the schema subset: checking schemas (every
 * unsupported or malformed keyword named with its path), and validation
 * messages with instance paths, table-driven (schema, instance, expected
 * "path: message" lines). */
#include "check.h"

#include "scorers/jsonschema.h"

static const char *invoice_schema =
    "{\"type\": \"object\", \"required\": [\"vendor\", \"total\", \"date\", \"items\"],"
    " \"additionalProperties\": false,"
    " \"properties\": {"
    "   \"vendor\": {\"type\": \"object\", \"required\": [\"name\"],"
    "                \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 1},"
    "                               \"vat\": {\"type\": [\"string\", \"null\"]}}},"
    "   \"total\": {\"type\": \"number\", \"minimum\": 0},"
    "   \"currency\": {\"enum\": [\"EUR\", \"USD\", \"GBP\"]},"
    "   \"date\": {\"type\": \"string\", \"format\": \"date\"},"
    "   \"items\": {\"type\": \"array\", \"minItems\": 1,"
    "               \"items\": {\"type\": \"object\", \"required\": [\"qty\"],"
    "                          \"properties\": {\"qty\": {\"type\": \"integer\", \"minimum\": 1}}}}"
    " }}";

struct row {
    const char *instance;
    const char *expected;   /* violations as "path: msg" joined by '\n'; "" = valid */
};

static const struct row rows[] = {
    { "{\"vendor\": {\"name\": \"ACME\", \"vat\": null}, \"total\": 10.5, \"date\": \"2024-02-29\","
      " \"items\": [{\"qty\": 2}], \"currency\": \"EUR\"}", "" },
    { "{\"vendor\": {\"name\": \"\"}, \"total\": -1, \"date\": \"2023-02-29\", \"items\": []}",
      "vendor.name: expected at least 1 character, got 0\n"
      "total: -1 is below the minimum 0\n"
      "date: expected a date YYYY-MM-DD, got \"2023-02-29\"\n"
      "items: expected at least 1 item, got 0" },
    { "{\"vendor\": {\"vat\": 12}, \"total\": \"10\", \"items\": [{\"qty\": 1.5}, {}],"
      " \"currency\": \"eur\", \"note\": \"x\"}",
      "date: missing required property\n"
      "vendor.name: missing required property\n"
      "vendor.vat: expected a string or null, got 12\n"
      "total: expected a number, got \"10\"\n"
      "items[0].qty: expected an integer, got 1.5\n"
      "items[1].qty: missing required property\n"
      "currency: expected one of \"EUR\", \"USD\", \"GBP\", got \"eur\"\n"
      "note: unexpected property (the schema allows no others)" },
    { "[1, 2]", ": expected an object, got an array" },
    { "null", ": expected an object, got null" },
};

static char *violations(const char *schema_text, const char *instance_text)
{
    cJSON *schema = cJSON_Parse(schema_text);
    cJSON *inst = cJSON_Parse(instance_text);
    struct jsonschema_result r;
    jsonschema_result_init(&r);
    size_t n = jsonschema_validate(schema, inst, &r);
    static char out[4096];
    out[0] = '\0';
    for (size_t i = 0; i < r.n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, sizeof(out) - used, "%s%s: %s", i ? "\n" : "", r.v[i].path,
                 r.v[i].msg);
    }
    CHECK_INT_EQ(n, r.n);
    jsonschema_result_release(&r);
    cJSON_Delete(schema);
    cJSON_Delete(inst);
    return out;
}

static void test_validation(void)
{
    struct diag d;
    diag_init(&d);
    cJSON *schema = cJSON_Parse(invoice_schema);
    CHECK_INT_EQ(jsonschema_check(schema, "suites/x.json", "schema", &d), 0);
    cJSON_Delete(schema);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        CHECK_STR_EQ(violations(invoice_schema, rows[i].instance), rows[i].expected);

    /* anyOf, const, exclusive bounds, maxItems, maxLength, date-time, booleans */
    CHECK_STR_EQ(violations("{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"null\"}]}", "null"), "");
    CHECK_STR_EQ(violations("{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"null\"}]}", "3"),
                 ": matches none of the anyOf alternatives (first: expected a string, got 3)");
    CHECK_STR_EQ(violations("{\"const\": \"x\"}", "\"y\""), ": expected \"x\", got \"y\"");
    CHECK_STR_EQ(violations("{\"exclusiveMinimum\": 0, \"exclusiveMaximum\": 1}", "1"),
                 ": 1 is not below the exclusive maximum 1");
    CHECK_STR_EQ(violations("{\"maxItems\": 1, \"items\": {\"maxLength\": 2}}",
                            "[\"ab\", \"\xc3\xa9\xc3\xa9\xc3\xa9\"]"),
                 ": expected at most 1 item, got 2\n[1]: expected at most 2 characters, got 3");
    CHECK_STR_EQ(violations("{\"format\": \"date-time\"}", "\"2024-05-01T12:30:00.5+02:00\""), "");
    CHECK_STR_EQ(violations("{\"format\": \"date-time\"}", "\"2024-05-01 12:30\""),
                 ": expected an RFC 3339 date-time, got \"2024-05-01 12:30\"");
    CHECK_STR_EQ(violations("{\"minimum\": 5}", "\"not a number\""), "");   /* type-specific */
    CHECK_STR_EQ(violations("{\"type\": \"integer\"}", "3.0"), "");
    CHECK_STR_EQ(violations("false", "1"), ": no value is allowed here");
    CHECK_STR_EQ(violations("{\"properties\": {\"a\": false}}", "{\"a\": 1, \"b\": 2}"),
                 "a: no value is allowed here");
    CHECK_STR_EQ(violations("{\"additionalProperties\": {\"type\": \"number\"}}", "{\"z\": \"1\"}"),
                 "z: expected a number, got \"1\"");
    CHECK_STR_EQ(violations("{\"enum\": [[1, 2], {\"a\": null}]}", "{\"a\": null}"), "");
}

static void test_dates(void)
{
    CHECK(jsonschema_is_date("2024-02-29"));
    CHECK(jsonschema_is_date("2000-02-29"));
    CHECK(!jsonschema_is_date("1900-02-29"));
    CHECK(!jsonschema_is_date("2024-04-31"));
    CHECK(!jsonschema_is_date("2024-4-01"));
    CHECK(!jsonschema_is_date("2024-04-01T00:00:00Z"));
    CHECK(!jsonschema_is_date(""));
}

static void test_schema_check(void)
{
    struct diag d;
    diag_init(&d);
    d.echo = NULL;
    cJSON *s = cJSON_Parse("{\"type\": \"obj\", \"properties\": {\"a\": {\"pattern\": \"x\"},"
                           " \"b\": {\"type\": [\"string\", 3]}}, \"minItems\": -1,"
                           " \"format\": \"email\", \"items\": [{}], \"required\": \"a\","
                           " \"description\": \"ignored\", \"enum\": []}");
    CHECK_INT_EQ(jsonschema_check(s, "suites/x.json", "response_format.schema", &d), -1);
    CHECK_INT_EQ(d.count, 8);
    char msg[1024];
    diag_format(&d, msg, sizeof(msg));
    CHECK_STR_EQ(msg, "suites/x.json: response_format.schema.type: unknown type \"obj\" "
                      "(expected object, array, string, number, integer, boolean or null)");
    cJSON_Delete(s);

    diag_init(&d);
    s = cJSON_Parse("{\"properties\": {\"a\": {\"$ref\": \"#/x\"}}}");
    CHECK_INT_EQ(jsonschema_check(s, "f.json", "schema", &d), -1);
    CHECK_STR_EQ(d.path, "schema.properties.a.$ref");
    CHECK_CONTAINS(d.msg, "keyword not supported");
    cJSON_Delete(s);

    diag_init(&d);
    s = cJSON_Parse("[]");
    CHECK_INT_EQ(jsonschema_check(s, "f.json", "schema", &d), -1);
    CHECK_CONTAINS(d.msg, "expected a schema (an object), got an array");
    cJSON_Delete(s);
}

static void test_validate_diag(void)
{
    struct diag d;
    diag_init(&d);
    cJSON *schema = cJSON_Parse(invoice_schema);
    cJSON *gold = cJSON_Parse("{\"vendor\": {\"name\": \"A\"}, \"total\": 1, \"date\": \"x\","
                              " \"items\": [{\"qty\": 0}]}");
    CHECK_INT_EQ(jsonschema_validate_diag(schema, gold, "datasets/ext.jsonl", "gold", &d), -1);
    CHECK_INT_EQ(d.count, 2);
    CHECK_STR_EQ(d.path, "gold.date");
    CHECK_STR_EQ(d.file, "datasets/ext.jsonl");
    cJSON_Delete(gold);
    cJSON_Delete(schema);
}

int main(void)
{
    test_validation();
    test_dates();
    test_schema_check();
    test_validate_diag();
    return check_done();
}
