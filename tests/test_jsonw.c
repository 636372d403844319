/* test_jsonw.c -- harness/util/jsonw: the text equals what cJSON prints
 * for the same document (commas, escapes, numbers), fixed-3 and integer
 * formatting at the edges, and cJSON trees passed through. */
#include "check.h"

#include <float.h>
#include <limits.h>

#include "harness/util/jsonw.h"

/* Prints v with jsonw_cjson and with cJSON; they must agree. */
static void same_as_cjson(const cJSON *v)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_cjson(&w, v);
    char *c = cJSON_PrintUnformatted(v);
    CHECK_STR_EQ(b.ptr, c);
    cJSON_free(c);
    buf_release(&b);
}

static void test_numbers_like_cjson(void)
{
    static const double v[] = { 0, -0.0, 1, -1, 0.1, 0.046511627906976744, 1.0 / 3, 2.5e-7,
                                 123456789012345678.0, 1e300, -1e-300, 2147483647.0,
                                 2147483648.0, -2147483649.0, 4.2e-05, 0.6, DBL_MAX,
                                 DBL_MIN, 6.02214076e23 };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        cJSON *n = cJSON_CreateNumber(v[i]);
        same_as_cjson(n);
        /* jsonw_double on a bare double agrees too. */
        struct buf b = BUF_INIT;
        struct jsonw w;
        jsonw_init(&w, &b);
        jsonw_double(&w, v[i]);
        char *c = cJSON_PrintUnformatted(n);
        CHECK_STR_EQ(b.ptr, c);
        cJSON_free(c);
        buf_release(&b);
        cJSON_Delete(n);
    }
}

static void test_documents_like_cjson(void)
{
    const char *docs[] = {
        "{}", "[]", "[[],{},[{}]]", "{\"a\":null,\"b\":true,\"c\":false,\"d\":[1,2,3]}",
        "{\"esc\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001 \\u001f \\u007f é 日本\"}",
        "{\"k\\n\\\"\":{\"nested\":[{\"x\":0.25},{\"y\":\"\"}]}}",
        "{\"rouge\":{\"rouge1\":0.046511627906976744,\"rougeLsum\":0.5}}",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        cJSON *d = cJSON_Parse(docs[i]);
        CHECK_MSG(d != NULL, "%s", docs[i]);
        same_as_cjson(d);
        cJSON_Delete(d);
    }
    cJSON *raw = cJSON_CreateObject();
    cJSON_AddRawToObject(raw, "r", "1.250");
    same_as_cjson(raw);
    cJSON_Delete(raw);
}

static void test_writer(void)
{
    struct buf b = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &b);
    jsonw_obj(&w);
    jsonw_key(&w, "a");
    jsonw_int(&w, LLONG_MIN);
    jsonw_key(&w, "b");
    jsonw_int(&w, LLONG_MAX);
    jsonw_key(&w, "c");
    jsonw_arr(&w);
    jsonw_fixed3(&w, 0);
    jsonw_fixed3(&w, 1.5);
    jsonw_fixed3(&w, 1.25);
    jsonw_fixed3(&w, -0.0004);     /* rounds to 0, no sign */
    jsonw_fixed3(&w, -12.3456);
    jsonw_fixed3(&w, 0.0999999);   /* rounds up to 0.1 */
    jsonw_fixed3(&w, 1.0 / 0.0);   /* not finite */
    jsonw_arr_end(&w);
    jsonw_key(&w, "d");
    jsonw_str(&w, NULL);
    jsonw_key(&w, "e");
    jsonw_strn(&w, "a\0b", 3);     /* embedded NUL escaped, not cut */
    jsonw_key(&w, "f");
    jsonw_sig(&w, 4.2e-05, 12);
    jsonw_key(&w, "g");
    jsonw_bool(&w, 1);
    jsonw_key(&w, "h");
    jsonw_obj(&w);
    jsonw_obj_end(&w);
    jsonw_obj_end(&w);
    CHECK_STR_EQ(b.ptr, "{\"a\":-9223372036854775808,\"b\":9223372036854775807,"
                        "\"c\":[0,1.5,1.25,0,-12.346,0.1,null],\"d\":null,\"e\":\"a\\u0000b\","
                        "\"f\":4.2e-05,\"g\":true,\"h\":{}}");
    cJSON *parsed = cJSON_Parse(b.ptr);
    CHECK(parsed != NULL);
    cJSON_Delete(parsed);

    /* A long string (past the one-append fast path) and appending after
     * what the buffer held. */
    buf_reset(&b);
    buf_adds(&b, "x");
    jsonw_init(&w, &b);
    char big[600];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[300] = '"';
    jsonw_arr(&w);
    jsonw_str(&w, big);
    jsonw_str(&w, big + 301);
    jsonw_arr_end(&w);
    cJSON *back = cJSON_Parse(b.ptr + 1);
    CHECK(cJSON_IsArray(back) && cJSON_GetArraySize(back) == 2);
    CHECK_STR_EQ(cJSON_GetArrayItem(back, 0)->valuestring, big);
    CHECK_STR_EQ(cJSON_GetArrayItem(back, 1)->valuestring, big + 301);
    cJSON_Delete(back);
    buf_release(&b);
}

int main(void)
{
    test_numbers_like_cjson();
    test_documents_like_cjson();
    test_writer();
    return check_done();
}
