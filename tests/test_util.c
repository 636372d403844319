/* test_util.c -- harness/util: buf caps and invariants, diag shapes,
 * located JSON errors, the typed getters and the seeded generator. */
#include "check.h"

#include "harness/util/buf.h"
#include "harness/util/diag.h"
#include "harness/util/jsonv.h"
#include "harness/util/rng.h"
#include "harness/util/sha256.h"
#include "harness/util/tokens.h"
#include "harness/util/strmap.h"

#include <limits.h>
#include <stdint.h>

static void test_buf(void)
{
    struct buf b;
    buf_init(&b, 8);
    CHECK(b.ptr && b.ptr[0] == '\0');
    CHECK_INT_EQ(buf_adds(&b, "abcd"), 0);
    CHECK_INT_EQ(buf_addf(&b, "%d", 123), 0);
    CHECK_STR_EQ(b.ptr, "abcd123");
    CHECK_INT_EQ(buf_adds(&b, "xy"), -1);          /* past max: unchanged */
    CHECK_STR_EQ(b.ptr, "abcd123");
    CHECK_INT_EQ(buf_addc(&b, 'z'), 0);
    CHECK_INT_EQ(b.len, 8);
    buf_drop_front(&b, 3);
    CHECK_STR_EQ(b.ptr, "d123z");
    size_t len;
    char *taken = buf_take(&b, &len);
    CHECK_STR_EQ(taken, "d123z");
    CHECK_INT_EQ(len, 5);
    CHECK_INT_EQ(b.len, 0);
    free(taken);
    buf_release(&b);

    /* buf_addf prints into the room there is, grows when it does not fit,
     * and past max leaves the bytes (and the NUL after them) unchanged. */
    buf_init(&b, 100);
    CHECK_INT_EQ(buf_adds(&b, "ab"), 0);
    CHECK_INT_EQ(buf_addf(&b, "%s", "cd"), 0);                /* fits the first 64 */
    CHECK_INT_EQ(buf_addf(&b, "%070d", 7), 0);                /* grows */
    CHECK_INT_EQ(b.len, 74);
    CHECK(b.ptr[73] == '7' && b.ptr[74] == '\0');
    CHECK_INT_EQ(buf_addf(&b, "%030d", 1), -1);               /* 104 > 100 */
    CHECK_INT_EQ(b.len, 74);
    CHECK(b.ptr[74] == '\0');
    CHECK_INT_EQ(buf_addf(&b, "%s", ""), 0);
    CHECK_INT_EQ(b.len, 74);
    buf_release(&b);

    /* A length no buffer can hold (read from damaged data) fails at once
     * instead of doubling the capacity forever (found by fuzz_cache). */
    buf_init(&b, 0);
    buf_adds(&b, "abc");
    CHECK_INT_EQ(buf_add(&b, "x", SIZE_MAX - 2), -1);
    CHECK_INT_EQ(buf_add(&b, "x", SIZE_MAX), -1);
    CHECK_STR_EQ(b.ptr, "abc");
    buf_release(&b);
}

static void test_json_long_or(void)
{
    static const struct { const char *json; long want; } cases[] = {
        { "42", 42 }, { "-7", -7 }, { "3.9", 3 }, { "-3.9", -3 }, { "1e300", -99 },
        { "-1e300", -99 }, { "9223372036854775808", -99 }, { "-9223372036854775808", LONG_MIN },
        { "\"5\"", -99 }, { "null", -99 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *v = cJSON_Parse(cases[i].json);
        CHECK_MSG(json_long_or(v, -99) == cases[i].want, "%s", cases[i].json);
        cJSON_Delete(v);
    }
    CHECK_INT_EQ(json_long_or(NULL, 5), 5);
}

static void test_diag(void)
{
    struct diag d;
    diag_init(&d);
    diag_at(&d, "demo.json", 0, "backends[2].pricing.input");
    CHECK_INT_EQ(diag_fail(&d, "expected a number, got \"0.5\""), -1);
    diag_fail(&d, "second error must not overwrite");
    char out[512];
    diag_format(&d, out, sizeof(out));
    CHECK_STR_EQ(out, "demo.json: backends[2].pricing.input: expected a number, got \"0.5\"");
    CHECK_INT_EQ(d.count, 2);
}

static void test_json(void)
{
    struct diag d;
    char out[512];

    diag_init(&d);
    const char *bad = "{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}";
    CHECK(json_parse_located(bad, strlen(bad), "x.json", 1, &d) == NULL);
    diag_format(&d, out, sizeof(out));
    CHECK_STR_EQ(out, "x.json:3: column 14: unexpected closing bracket (trailing comma?)");

    diag_init(&d);
    const char *trail = "{\"a\":1} x";
    CHECK(json_parse_located(trail, strlen(trail), "t.json", 5, &d) == NULL);
    diag_format(&d, out, sizeof(out));
    CHECK_STR_EQ(out, "t.json:5: column 9: unexpected text after the JSON value");

    const char *good = "{\"name\":\"x\",\"n\":3,\"f\":0.5,\"ok\":true,\"nmae\":1,\"name\":\"y\"}";
    diag_init(&d);
    cJSON *o = json_parse_located(good, strlen(good), "g.json", 1, &d);
    CHECK(o != NULL);
    const char *s = NULL;
    long n = 0;
    double f = 0;
    CHECK_INT_EQ(jv_string(o, "name", "g.json", "backends[0]", 1, &s, &d), 0);
    CHECK_STR_EQ(s, "x");
    CHECK_INT_EQ(jv_int(o, "n", "g.json", "backends[0]", 1, 1, 10, &n, &d), 0);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(jv_int(o, "f", "g.json", "backends[0]", 1, 1, 10, &n, &d), -1);
    diag_format(&d, out, sizeof(out));
    CHECK_STR_EQ(out, "g.json: backends[0].f: expected an integer from 1 to 10, got 0.5");
    CHECK_INT_EQ(jv_number(o, "missing", "g.json", "", 0, 0, 1, &f, &d), 0);   /* optional */

    diag_init(&d);
    CHECK_INT_EQ(jv_number(o, "missing", "g.json", "run", 1, 0, 1, &f, &d), -1);
    diag_format(&d, out, sizeof(out));
    CHECK_STR_EQ(out, "g.json: run.missing: missing, required");

    diag_init(&d);
    static const char *const keys[] = { "name", "n", "f", "ok", NULL };
    CHECK_INT_EQ(jv_known_keys(o, keys, "g.json", "backends[0]", &d), -1);
    CHECK_INT_EQ(d.count, 2);   /* the typo and the duplicate */
    diag_format(&d, out, sizeof(out));
    CHECK_STR_EQ(out, "g.json: backends[0].nmae: unknown key (did you mean \"name\"?)");
    cJSON_Delete(o);
    /* an array has no keys: nothing to report, nothing read (fuzz_jsonv) */
    o = cJSON_Parse("[1, {\"x\": 2}]");
    diag_init(&d);
    CHECK_INT_EQ(jv_known_keys(o, keys, "g.json", "", &d), 0);
    CHECK(!d.set);
    cJSON_Delete(o);
}

static void test_rng(void)
{
    struct rng a, b;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    for (int i = 0; i < 100; i++)
        CHECK(rng_next(&a) == rng_next(&b));
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double x = rng_exponential(&a, 2.0);
        sum += x;
        sum2 += x * x;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK_NEAR(mean, 0.5, 0.01);     /* 1/rate */
    CHECK_NEAR(var, 0.25, 0.01);     /* 1/rate^2 */
    for (int i = 0; i < 1000; i++)
        CHECK(rng_below(&a, 7) < 7);
    CHECK(hash64("abc", 3, 0) == hash64("abc", 3, 0));
    CHECK(hash64("abc", 3, 0) != hash64("abd", 3, 0));
}

static void test_sha256(void)
{
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex("abc", 3, hex);
    CHECK_STR_EQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_tokens(void)
{
    CHECK_INT_EQ(token_estimate("", 0), 0);
    CHECK_INT_EQ(token_estimate("  \n ", 4), 0);
    CHECK_INT_EQ(token_estimate("a", 1), 1);
    CHECK_INT_EQ(token_estimate("hello world", 11), 4);        /* 2 + 2 */
    const char *zh = "\xe4\xbd\xa0\xe5\xa5\xbd";              /* two CJK characters */
    CHECK_INT_EQ(token_estimate(zh, 6), 2);                     /* ceil(6/4) */
}

static void test_strmap(void)
{
    struct strmap m;
    strmap_init(&m);
    CHECK(strmap_get(&m, "a", 1) == NULL);
    static int vals[1000];
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(key, sizeof(key), "k%d", i);
        CHECK(strmap_put(&m, key, (size_t)n, &vals[i]) == NULL);
    }
    CHECK_INT_EQ(m.len, 1000);
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(key, sizeof(key), "k%d", i);
        CHECK(strmap_get(&m, key, (size_t)n) == &vals[i]);
    }
    CHECK(strmap_put(&m, "k5", 2, &vals[0]) == &vals[5]);   /* replace returns old */
    CHECK_INT_EQ(m.len, 1000);
    const char nulkey[] = { 'a', 0, 'b' };
    strmap_put(&m, nulkey, 3, &vals[1]);
    CHECK(strmap_get(&m, nulkey, 3) == &vals[1]);
    CHECK(strmap_get(&m, "a", 1) == NULL);
    strmap_release(&m);
}

int main(void)
{
    test_json_long_or();
    test_strmap();
    test_tokens();
    test_buf();
    test_diag();
    test_json();
    test_rng();
    test_sha256();
    return check_done();
}
