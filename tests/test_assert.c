/* test_assert.c -- the assertions contains, not_contains, icontains,
 * starts_with, regex and is_json: pass/fail and the exact reason, table-
 * driven (scorer type, options, reply, expected pass, expected reason),
 * plus configuration errors (a bad regex names the suite path and the
 * PCRE2 offset) and needles taken from the item. */
#include "check.h"

#include "scorers/scorer.h"

struct row {
    const char *type, *options, *reply;
    int pass;
    const char *reason;
};

static const struct row rows[] = {
    { "contains", "{\"value\": \"Paris\"}", "The capital is Paris.", 1, "contains \"Paris\"" },
    { "contains", "{\"value\": \"paris\"}", "The capital is Paris.", 0, "missing \"paris\"" },
    { "contains", "{\"values\": [\"a\", \"b\", \"c\"]}", "a c", 0, "missing \"b\"" },
    { "contains", "{\"values\": [\"a\", \"b\"]}", "b a", 1, "contains 2 of 2" },
    { "contains", "{\"values\": [\"x\", \"b\"], \"mode\": \"any\"}", "b", 1, "contains 1 of 2" },
    { "contains", "{\"values\": [\"x\", \"y\"], \"mode\": \"any\"}", "b", 0,
      "contains none of \"x\", \"y\"" },
    /* NFC on both sides: decomposed reply, precomposed needle */
    { "contains", "{\"value\": \"caf\\u00e9\"}", "un cafe\xcc\x81 noir", 1, "contains \"caf\xc3\xa9\"" },
    { "icontains", "{\"value\": \"PARIS\"}", "the capital is paris", 1,
      "contains \"paris\" (ignoring case)" },
    { "icontains", "{\"value\": \"Stra\\u00dfe\"}", "HAUPTSTRASSE 5", 1,
      "contains \"strasse\" (ignoring case)" },
    { "icontains", "{\"value\": \"berlin\"}", "Paris", 0, "missing \"berlin\" (ignoring case)" },
    { "not_contains", "{\"value\": \"As an AI\"}", "Sure, here it is.", 1,
      "does not contain \"As an AI\"" },
    { "not_contains", "{\"values\": [\"sorry\", \"cannot\"]}", "Sorry, I cannot.", 0,
      "contains forbidden \"cannot\"" },
    { "not_contains", "{\"values\": [\"x\", \"y\"]}", "z", 1, "contains none of the 2 forbidden strings" },
    { "starts_with", "{\"value\": \"Yes\"}", "  \n Yes, it is.", 1, "starts with \"Yes\"" },
    { "starts_with", "{\"value\": \"Yes\", \"trim\": false}", " Yes", 0,
      "starts with \" Yes\", not \"Yes\"" },
    { "starts_with", "{\"values\": [\"yes\", \"no\"], \"ignore_case\": true}", "NO.", 1,
      "starts with \"no\"" },
    { "starts_with", "{\"values\": [\"yes\", \"no\"]}", "Maybe", 0,
      "starts with \"Maybe\", none of \"yes\", \"no\"" },
    /* regex: UTF + UCP, flags, full match, negation */
    { "regex", "{\"pattern\": \"\\\\d{4}-\\\\d{2}-\\\\d{2}\"}", "Due on 2024-03-05.", 1,
      "matches \"\\d{4}-\\d{2}-\\d{2}\" at character 7: \"2024-03-05\"" },
    { "regex", "{\"pattern\": \"^\\\\w+$\"}", "Gr\xc3\xb6\xc3\x9f" "e", 1,
      "matches \"^\\w+$\" at character 0: \"Gr\xc3\xb6\xc3\x9f" "e\"" },
    { "regex", "{\"pattern\": \"\\\\bk\\u00f6ln\\\\b\", \"flags\": \"i\"}", "In K\xc3\x96LN heute", 1,
      "matches \"\\bk\xc3\xb6ln\\b\" at character 3: \"K\xc3\x96LN\"" },
    { "regex", "{\"pattern\": \"yes|no\", \"match\": \"full\"}", "yes!", 0, "does not match \"yes|no\"" },
    { "regex", "{\"pattern\": \"yes|no\", \"match\": \"full\"}", "no", 1,
      "matches \"yes|no\" at character 0: \"no\"" },
    { "regex", "{\"pattern\": \"(?i)error\", \"negate\": true}", "All fine.", 1,
      "does not match \"(?i)error\"" },
    { "regex", "{\"pattern\": \"^b\", \"flags\": \"m\"}", "a\nb", 1,
      "matches \"^b\" at character 2: \"b\"" },
    { "regex", "{\"pattern\": \"a\"}", "\xff" "a", 0, "the reply is not valid UTF-8 at byte 0" },
    /* is_json */
    { "is_json", NULL, "{\"a\": 1}", 1, "bare JSON (an object)" },
    { "is_json", NULL, "```json\n{\"a\": 1}\n```", 0,
      "JSON (an object) found inside a code fence, but accept is \"bare\"" },
    { "is_json", "{\"accept\": \"fenced\"}", "```json\n{\"a\": 1}\n```", 1, "fenced JSON (an object)" },
    { "is_json", "{\"accept\": \"fenced\"}", "Here: {\"a\": 1}", 0,
      "JSON (an object) found embedded in prose, but accept is \"fenced\"" },
    { "is_json", "{\"accept\": \"embedded\", \"type\": \"array\"}", "Here: [1] {\"a\": 1}", 1,
      "embedded JSON (an array)" },
    { "is_json", "{\"type\": \"object\"}", "[1, 2]", 0, "the JSON is an array, expected an object" },
    { "is_json", NULL, "no json", 0, "no JSON: no JSON object or array in the reply" },
    { "is_json", NULL, "{\"a\": 1,}", 0, "no JSON: the reply looks like JSON but does not parse" },
};

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        const struct scorer_ops *ops = scorer_find(r->type);
        CHECK_MSG(ops != NULL, "no scorer %s", r->type);
        if (!ops)
            continue;
        struct diag d;
        diag_init(&d);
        cJSON *o = r->options ? cJSON_Parse(r->options) : NULL;
        CHECK_MSG(!r->options || o, "row %zu: options do not parse", i);
        void *st = ops->configure(o, "suites/s.json", "scorers[0].options", &d);
        cJSON_Delete(o);
        CHECK_MSG(st != NULL, "row %zu: configure: %s", i, d.msg);
        if (!st)
            continue;
        struct score_item it = { r->reply, NULL, 0, NULL, NULL };
        cJSON *out = cJSON_CreateObject();
        CHECK_INT_EQ(ops->score(st, &it, out, &d), 0);
        const cJSON *pass = cJSON_GetObjectItem(out, "pass");
        const cJSON *reason = cJSON_GetObjectItem(out, "reason");
        CHECK_MSG(cJSON_IsBool(pass) && cJSON_IsTrue(pass) == r->pass, "row %zu (%s): pass is %d",
                  i, r->type, cJSON_IsTrue(pass));
        CHECK_MSG(cJSON_IsString(reason) && strstr(reason->valuestring, r->reason),
                  "row %zu (%s): reason \"%s\" lacks \"%s\"", i, r->type,
                  cJSON_IsString(reason) ? reason->valuestring : "(none)", r->reason);
        cJSON_Delete(out);
        ops->release(st);
    }
}

static void test_item_field(void)
{
    const struct scorer_ops *ops = scorer_find("icontains");
    struct diag d;
    diag_init(&d);
    cJSON *o = cJSON_Parse("{\"item_field\": \"answer\"}");
    void *st = ops->configure(o, "s.json", "scorers[1].options", &d);
    cJSON_Delete(o);
    cJSON *item = cJSON_Parse("{\"answer\": [\"Lyon\", \"LYS\"]}");
    struct score_item it = { "It lands at lys.", NULL, 0, NULL, item };
    cJSON *out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), 0);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(out, "pass")));        /* mode all: Lyon missing */
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "missing \"lyon\" (ignoring case)");
    cJSON_Delete(out);
    cJSON_Delete(item);
    item = cJSON_Parse("{\"other\": 1}");
    it.item = item;
    out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &it, out, &d), -1);                /* a data problem */
    CHECK_CONTAINS(d.msg, "item field \"answer\"");
    cJSON_Delete(out);
    cJSON_Delete(item);
    ops->release(st);
}

static void test_config_errors(void)
{
    static const struct { const char *type, *opts, *path, *msg; } bad[] = {
        { "regex", "{\"pattern\": \"(unclosed\"}", "scorers[0].options.pattern",
          "invalid regular expression at offset 9: missing closing parenthesis" },
        { "regex", "{\"pattern\": \"a\", \"flags\": \"iq\"}", "scorers[0].options.flags",
          "unknown flag 'q'" },
        { "regex", "{}", "scorers[0].options.pattern", "missing, required" },
        { "regex", "{\"pattern\": \"a\", \"match\": \"prefix\"}", "scorers[0].options.match",
          "expected \"search\" or \"full\"" },
        { "contains", "{}", "scorers[0].options", "exactly one of" },
        { "contains", "{\"value\": \"a\", \"values\": [\"b\"]}", "scorers[0].options", "exactly one of" },
        { "contains", "{\"value\": \"\"}", "scorers[0].options.value", "matches everything" },
        { "contains", "{\"values\": [\"a\", 3]}", "scorers[0].options.values[1]", "non-empty string" },
        { "contains", "{\"value\": \"a\", \"ignore_case\": true}", "scorers[0].options",
          "use icontains" },
        { "not_contains", "{\"value\": \"a\", \"mode\": \"any\"}", "scorers[0].options.mode",
          "only contains and icontains" },
        { "is_json", "{\"accept\": \"loose\"}", "scorers[0].options.accept", "\"bare\", \"fenced\"" },
        { "starts_with", NULL, "scorers[0].options", "options are required" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const struct scorer_ops *ops = scorer_find(bad[i].type);
        struct diag d;
        diag_init(&d);
        cJSON *o = bad[i].opts ? cJSON_Parse(bad[i].opts) : NULL;
        void *st = ops->configure(o, "suites/s.json", "scorers[0].options", &d);
        CHECK_MSG(st == NULL, "row %zu: configure accepted bad options", i);
        CHECK_STR_EQ(d.file, "suites/s.json");
        CHECK_STR_EQ(d.path, bad[i].path);
        CHECK_MSG(strstr(d.msg, bad[i].msg) != NULL, "row %zu: \"%s\" lacks \"%s\"", i, d.msg,
                  bad[i].msg);
        cJSON_Delete(o);
        if (st)
            ops->release(st);
    }
}

int main(void)
{
    test_rows();
    test_item_field();
    test_config_errors();
    return check_done();
}
