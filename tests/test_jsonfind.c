/* test_jsonfind.c -- locating JSON in model replies, table-driven: the
 * reply, what to look for, how it must be found and the value found (as
 * cJSON prints it unformatted), or the reason it must give. */
#include "check.h"

#include "scorers/jsonfind.h"

struct row {
    const char *reply;
    enum jsonfind_want want;
    enum jsonfind_how how;
    const char *value;      /* cJSON_PrintUnformatted of the value; NULL if none */
    const char *reason;     /* substring of the reason when not found */
};

static const struct row rows[] = {
    /* bare */
    { "{\"a\":1}", JSONFIND_ANY, JSONFIND_BARE, "{\"a\":1}", NULL },
    { "  \n [1, 2]\n", JSONFIND_ANY, JSONFIND_BARE, "[1,2]", NULL },
    { "\xEF\xBB\xBF{\"bom\":true}", JSONFIND_ANY, JSONFIND_BARE, "{\"bom\":true}", NULL },
    { "42", JSONFIND_ANY, JSONFIND_BARE, "42", NULL },
    /* fenced */
    { "Here you go:\n```json\n{\"a\": \"x\"}\n```\nAnything else?", JSONFIND_ANY,
      JSONFIND_FENCED, "{\"a\":\"x\"}", NULL },
    { "```JSON\r\n[true]\r\n```", JSONFIND_ANY, JSONFIND_FENCED, "[true]", NULL },
    { "```\n{\"plain\": 1}\n```", JSONFIND_ANY, JSONFIND_FENCED, "{\"plain\":1}", NULL },
    { "~~~json\n{\"tilde\": 1}\n~~~", JSONFIND_ANY, JSONFIND_FENCED, "{\"tilde\":1}", NULL },
    { "```json {\"inline\": 1}```", JSONFIND_ANY, JSONFIND_FENCED, "{\"inline\":1}", NULL },
    /* a json fence wins over an earlier unlabelled one */
    { "```\nnot json\n```\n```json\n{\"b\": 2}\n```", JSONFIND_ANY, JSONFIND_FENCED,
      "{\"b\":2}", NULL },
    /* a python fence is skipped; the JSON inside is still found in prose mode */
    { "```python\nx = {\"k\": 1}\n```", JSONFIND_ANY, JSONFIND_EMBEDDED, "{\"k\":1}", NULL },
    /* embedded in prose */
    { "Sure. {\"name\": \"Ann\", \"age\": 30} Hope that helps.", JSONFIND_ANY,
      JSONFIND_EMBEDDED, "{\"name\":\"Ann\",\"age\":30}", NULL },
    { "The set {x | x > 0} is open; data: {\"ok\": true}.", JSONFIND_ANY, JSONFIND_EMBEDDED,
      "{\"ok\":true}", NULL },
    /* braces and quotes inside strings do not count */
    { "Result: {\"s\": \"a } b \\\" { c\", \"n\": [1]} end", JSONFIND_ANY, JSONFIND_EMBEDDED,
      "{\"s\":\"a } b \\\" { c\",\"n\":[1]}", NULL },
    /* the first balanced span that parses: an array before an object */
    { "see [1] and {\"a\": 2}", JSONFIND_ANY, JSONFIND_EMBEDDED, "[1]", NULL },
    { "see [1] and {\"a\": 2}", JSONFIND_OBJECT, JSONFIND_EMBEDDED, "{\"a\":2}", NULL },
    { "see {\"a\": 2} and [1]", JSONFIND_ARRAY, JSONFIND_EMBEDDED, "[1]", NULL },
    /* a broken outer object still yields a good inner one */
    { "x {\"a\": {\"b\": 1}, } y", JSONFIND_OBJECT, JSONFIND_EMBEDDED, "{\"b\":1}", NULL },
    /* not found, with the reason */
    { "", JSONFIND_ANY, JSONFIND_NONE, NULL, "the reply is empty" },
    { "  \n\t ", JSONFIND_ANY, JSONFIND_NONE, NULL, "the reply is empty" },
    { "I cannot help with that.", JSONFIND_ANY, JSONFIND_NONE, NULL,
      "no JSON object or array in the reply" },
    { "{\"a\": 1,}", JSONFIND_ANY, JSONFIND_NONE, NULL,
      "looks like JSON but does not parse: line 1, column 9: unexpected closing bracket" },
    { "{'a': 1}", JSONFIND_ANY, JSONFIND_NONE, NULL, "does not parse: line 1, column" },
    { "```json\n{\"a\": [1, 2", JSONFIND_ANY, JSONFIND_NONE, NULL,
      "never closed: reply cut off?" },
    { "Answer: {\"a\": [1, 2", JSONFIND_ANY, JSONFIND_NONE, NULL,
      "the '{' at byte 8 is never closed" },
    { "Answer: {\"a\": 1]", JSONFIND_ANY, JSONFIND_NONE, NULL,
      "the '{' at byte 8 is closed by a ']' at byte 15" },
    { "[1, 2]", JSONFIND_OBJECT, JSONFIND_BARE, "[1,2]", NULL },   /* bare is taken as is */
    { "see [1, 2]", JSONFIND_OBJECT, JSONFIND_NONE, NULL, "no JSON object in the reply" },
};

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct jsonfind f;
        int rc = jsonfind(r->reply, strlen(r->reply), r->want, &f);
        CHECK_MSG(f.how == r->how, "row %zu: found %s, expected %s (reason: %s)", i,
                  jsonfind_how_name(f.how), jsonfind_how_name(r->how), f.reason);
        if (r->value) {
            CHECK_INT_EQ(rc, 0);
            char *got = f.value ? cJSON_PrintUnformatted(f.value) : NULL;
            CHECK_MSG(got && strcmp(got, r->value) == 0, "row %zu: value %s, expected %s", i,
                      got ? got : "(none)", r->value);
            CHECK(f.start < f.end && f.end <= strlen(r->reply));
            CHECK_STR_EQ(f.reason, "");
            free(got);
            cJSON_Delete(f.value);
        } else {
            CHECK_INT_EQ(rc, -1);
            CHECK(f.value == NULL);
            CHECK_MSG(f.reason[0] != '\0', "row %zu: no reason", i);
            CHECK_MSG(strstr(f.reason, r->reason) != NULL, "row %zu: reason \"%s\" lacks \"%s\"",
                      i, f.reason, r->reason);
        }
    }
}

static void test_span(void)
{
    const char *reply = "abc {\"k\": 1} def";
    struct jsonfind f;
    CHECK_INT_EQ(jsonfind(reply, strlen(reply), JSONFIND_ANY, &f), 0);
    CHECK_INT_EQ(f.start, 4);
    CHECK_INT_EQ(f.end, 12);
    cJSON_Delete(f.value);
    /* length is respected: the JSON after n bytes is not seen */
    CHECK_INT_EQ(jsonfind(reply, 6, JSONFIND_ANY, &f), -1);
}

static void test_hostile_input_is_bounded(void)
{
    size_t n = 200000;
    char *s = malloc(n + 1);
    memset(s, '[', n);
    s[n] = '\0';
    struct jsonfind f;
    CHECK_INT_EQ(jsonfind(s, n, JSONFIND_ANY, &f), -1);
    CHECK(f.reason[0] != '\0');
    free(s);
}

int main(void)
{
    test_rows();
    test_span();
    test_hostile_input_is_bounded();
    return check_done();
}
