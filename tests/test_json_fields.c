/* test_json_fields.c -- the json_fields scorer: each normalisation rule
 * (numbers US/EU/auto, money, dates, case, whitespace, equivalence
 * classes, tolerance, lists as sets, ignore), the counting of TP/FP/FN with
 * nulls, extra keys and nested lists, per-field accuracy, schema validity
 * from the options or the item, unparseable replies, and option errors. */
#include "check.h"

#include "scorers/json_fields.h"
#include "scorers/scorer.h"

/* ---- normalisers ------------------------------------------------------------- */

static void test_numbers(void)
{
    static const struct { const char *s; enum jf_number_style st; int ok; double v; } rows[] = {
        { "1,234.50", JF_NUM_AUTO, 1, 1234.5 },  { "1.234,50", JF_NUM_AUTO, 1, 1234.5 },
        { "1.234,50", JF_NUM_EU, 1, 1234.5 },    { "1,234.50", JF_NUM_EU, 0, 0 },
        { "1,234.50", JF_NUM_US, 1, 1234.5 },    { "1.234,50", JF_NUM_US, 0, 0 },
        { "1 234,5", JF_NUM_EU, 1, 1234.5 },     { "1\xc2\xa0" "234,5", JF_NUM_EU, 1, 1234.5 },
        { "1\xe2\x80\xaf" "234,5", JF_NUM_AUTO, 1, 1234.5 },
        { "1'234.5", JF_NUM_AUTO, 1, 1234.5 },   { "12,5", JF_NUM_AUTO, 1, 12.5 },
        { "1,234", JF_NUM_AUTO, 1, 1234 },       { "1.234", JF_NUM_AUTO, 1, 1.234 },
        { "1,2345", JF_NUM_AUTO, 1, 1.2345 },    { "1,000,000", JF_NUM_AUTO, 1, 1e6 },
        { "1.000.000", JF_NUM_AUTO, 1, 1e6 },    { "1.000.000,25", JF_NUM_AUTO, 1, 1000000.25 },
        { " -3 ", JF_NUM_AUTO, 1, -3 },          { "+3", JF_NUM_AUTO, 1, 3 },
        { ".5", JF_NUM_AUTO, 1, 0.5 },           { "0042", JF_NUM_AUTO, 1, 42 },
        { "12,34,567", JF_NUM_AUTO, 0, 0 },      { "1.2.3", JF_NUM_AUTO, 0, 0 },
        { "1,234.5.6", JF_NUM_AUTO, 0, 0 },      { "1,23.5", JF_NUM_AUTO, 0, 0 },
        { "12%", JF_NUM_AUTO, 0, 0 },            { "1e5", JF_NUM_AUTO, 0, 0 },
        { "abc", JF_NUM_AUTO, 0, 0 },            { "", JF_NUM_AUTO, 0, 0 },
        { "-", JF_NUM_AUTO, 0, 0 },              { ".", JF_NUM_AUTO, 0, 0 },
        { "1,,000", JF_NUM_AUTO, 0, 0 },         { "1 234.5", JF_NUM_US, 0, 0 },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        double v = -999;
        int rc = jf_parse_number(rows[i].s, rows[i].st, &v);
        CHECK_MSG((rc == 0) == rows[i].ok, "number \"%s\" (style %d): rc %d", rows[i].s,
                  rows[i].st, rc);
        if (rows[i].ok)
            CHECK_MSG(v == rows[i].v, "number \"%s\" = %.17g, want %.17g", rows[i].s, v, rows[i].v);
    }
}

static void test_money(void)
{
    static const struct { const char *s; int ok; double v; const char *code; } rows[] = {
        { "$1,234.50", 1, 1234.5, "USD" },    { "USD 1234.5", 1, 1234.5, "USD" },
        { "1.234,50 \xe2\x82\xac", 1, 1234.5, "EUR" }, { "EUR12", 1, 12, "EUR" },
        { "-$12", 1, -12, "USD" },            { "$-12", 1, -12, "USD" },
        { "\xc2\xa3" "20", 1, 20, "GBP" },    { "12 chf", 1, 12, "CHF" },
        { "US$ 5", 1, 5, "USD" },             { "12", 1, 12, "" },
        { "12 apples", 0, 0, "" },            { "12 PCS", 0, 0, "" },
        { "$", 0, 0, "" },                    { "--$12", 0, 0, "" },
        { "\xc2\xa3" "20-25", 0, 0, "" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        double v = -999;
        char code[4] = "?";
        int rc = jf_parse_money(rows[i].s, JF_NUM_AUTO, &v, code);
        CHECK_MSG((rc == 0) == rows[i].ok, "money \"%s\": rc %d", rows[i].s, rc);
        if (rows[i].ok) {
            CHECK_MSG(v == rows[i].v, "money \"%s\" = %g, want %g", rows[i].s, v, rows[i].v);
            CHECK_STR_EQ(code, rows[i].code);
        }
    }
}

static void test_dates(void)
{
    static const struct { const char *s; enum jf_date_order o; const char *iso; } rows[] = {
        { "2024-03-05", JF_DATE_AUTO, "2024-03-05" },
        { "2024-03-05T23:59:00Z", JF_DATE_AUTO, "2024-03-05" },
        { "2024-03-05 10:00", JF_DATE_AUTO, "2024-03-05" },
        { "2024/3/5", JF_DATE_AUTO, "2024-03-05" },
        { "05.03.2024", JF_DATE_AUTO, "2024-03-05" },
        { "5.3.24", JF_DATE_AUTO, "2024-03-05" },
        { "25/12/2023", JF_DATE_AUTO, "2023-12-25" },
        { "12/25/2023", JF_DATE_AUTO, "2023-12-25" },
        { "03/05/2024", JF_DATE_AUTO, NULL },             /* ambiguous without an order */
        { "03/05/2024", JF_DATE_DMY, "2024-05-03" },
        { "03/05/2024", JF_DATE_MDY, "2024-03-05" },
        { "05/05/2024", JF_DATE_AUTO, "2024-05-05" },
        { "March 5, 2024", JF_DATE_AUTO, "2024-03-05" },
        { "Mar. 5th 2024", JF_DATE_AUTO, "2024-03-05" },
        { "5 March 2024", JF_DATE_AUTO, "2024-03-05" },
        { "5th of March, 2024", JF_DATE_AUTO, "2024-03-05" },
        { "Tuesday, March 5, 2024", JF_DATE_AUTO, "2024-03-05" },
        { "2024 March 5", JF_DATE_AUTO, "2024-03-05" },
        { "5. M\xc3\xa4rz 2024", JF_DATE_AUTO, "2024-03-05" },
        { "5 f\xc3\xa9vrier 2024", JF_DATE_AUTO, "2024-02-05" },
        { "5 de marzo de 2024", JF_DATE_AUTO, "2024-03-05" },
        { "30 February 2024", JF_DATE_AUTO, NULL },
        { "2023-02-29", JF_DATE_AUTO, NULL },
        { "5 Smarch 2024", JF_DATE_AUTO, NULL },
        { "March 2024", JF_DATE_AUTO, NULL },
        { "2024-03/05", JF_DATE_AUTO, NULL },
        { "yesterday", JF_DATE_AUTO, NULL },
        { "", JF_DATE_AUTO, NULL },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[11] = "";
        int rc = jf_parse_date(rows[i].s, rows[i].o, out);
        if (rows[i].iso) {
            CHECK_MSG(rc == 0, "date \"%s\" did not parse", rows[i].s);
            CHECK_STR_EQ(out, rows[i].iso);
        } else {
            CHECK_MSG(rc == -1, "date \"%s\" parsed as %s", rows[i].s, out);
        }
    }
}

/* ---- the scorer ------------------------------------------------------------------ */

struct run {
    cJSON *out;
    double f1, p, r, acc;
    long tp, fp, fn;
};

static int score(const char *options, const char *gold, const char *reply, const char *item,
                 struct run *res)
{
    const struct scorer_ops *ops = scorer_find("json_fields");
    struct diag d;
    diag_init(&d);
    cJSON *o = options ? cJSON_Parse(options) : NULL;
    void *st = ops->configure(o, "suites/x.json", "scorers[0].options", &d);
    cJSON_Delete(o);
    CHECK_MSG(st != NULL, "configure: %s: %s", d.path, d.msg);
    if (!st)
        return -1;
    cJSON *g = cJSON_Parse(gold);
    cJSON *it = item ? cJSON_Parse(item) : NULL;
    struct score_item si = { reply, NULL, 0, g, it };
    res->out = cJSON_CreateObject();
    int rc = ops->score(st, &si, res->out, &d);
    CHECK_MSG(rc == 0, "score: %s", d.msg);
    res->f1 = cJSON_GetObjectItem(res->out, "f1")->valuedouble;
    res->p = cJSON_GetObjectItem(res->out, "precision")->valuedouble;
    res->r = cJSON_GetObjectItem(res->out, "recall")->valuedouble;
    res->acc = cJSON_GetObjectItem(res->out, "field_accuracy")->valuedouble;
    res->tp = (long)cJSON_GetObjectItem(res->out, "tp")->valuedouble;
    res->fp = (long)cJSON_GetObjectItem(res->out, "fp")->valuedouble;
    res->fn = (long)cJSON_GetObjectItem(res->out, "fn")->valuedouble;
    cJSON_Delete(g);
    cJSON_Delete(it);
    ops->release(st);
    return rc;
}

static double field(const struct run *r, const char *path)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(r->out, "fields"), path);
    return f ? f->valuedouble : -1;
}

static const char *invoice_gold =
    "{\"vendor\": {\"name\": \"ACME GmbH\", \"vat\": null}, \"total\": 1234.5,"
    " \"currency\": \"EUR\", \"date\": \"2024-03-05\","
    " \"items\": [{\"sku\": \"A1\", \"qty\": 2}, {\"sku\": \"B2\", \"qty\": 1}],"
    " \"tags\": [\"urgent\", \"paid\"]}";

static const char *invoice_rules =
    "{\"fields\": {\"total\": {\"number\": \"eu\", \"currency\": true},"
    "  \"date\": {\"date\": \"dmy\"}, \"vendor.name\": {\"case\": \"insensitive\"},"
    "  \"tags\": {\"list\": \"set\"}, \"items\": {\"list\": \"set\"}}}";

static void test_counting(void)
{
    struct run r;
    /* every rule at work: see the comments for each count */
    score(invoice_rules, invoice_gold,
          "Here:\n```json\n{\"vendor\": {\"name\": \"acme  gmbh\", \"vat\": \"DE123\"},"
          " \"total\": \"1.234,50 \xe2\x82\xac\", \"currency\": \"EUR\", \"date\": \"05.03.2024\","
          " \"items\": [{\"sku\": \"B2\", \"qty\": 1}, {\"sku\": \"A1\", \"qty\": 3}],"
          " \"tags\": [\"paid\", \"urgent\", \"late\"], \"notes\": \"x\"}\n```", NULL, &r);
    /* TP: name, total, currency, date, A1.sku, B2.sku, B2.qty, urgent, paid = 9
     * FP: vat (gold null), A1.qty 3 (wrong), "late", "notes" = 4;  FN: A1.qty = 1 */
    CHECK_INT_EQ(r.tp, 9);
    CHECK_INT_EQ(r.fp, 4);
    CHECK_INT_EQ(r.fn, 1);
    CHECK_NEAR(r.p, 9.0 / 13, 1e-12);
    CHECK_NEAR(r.r, 9.0 / 10, 1e-12);
    CHECK_NEAR(r.f1, 2 * (9.0 / 13) * 0.9 / (9.0 / 13 + 0.9), 1e-12);
    CHECK_NEAR(r.acc, 0.7, 1e-12);
    CHECK(field(&r, "vendor.name") == 1);
    CHECK(field(&r, "vendor.vat") == 0);
    CHECK(field(&r, "items[0].qty") == 0);
    CHECK(field(&r, "items[1].qty") == 1);
    CHECK(field(&r, "tags") == 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(r.out, "found")->valuestring, "fenced");
    CHECK(cJSON_GetObjectItem(r.out, "schema_valid") == NULL);   /* no schema given */
    cJSON_Delete(r.out);

    /* the same reply without rules: strict comparison, ordered lists */
    score(NULL, invoice_gold,
          "{\"vendor\": {\"name\": \"ACME GmbH\"}, \"total\": 1234.50, \"currency\": \"EUR\","
          " \"date\": \"2024-03-05\", \"items\": [{\"sku\": \"B2\", \"qty\": 1},"
          " {\"sku\": \"A1\", \"qty\": 2}], \"tags\": [\"urgent\", \"paid\"]}", NULL, &r);
    /* items swapped: 4 wrong leaves -> 4 FP + 4 FN; the rest right (vat absent = null) */
    CHECK_INT_EQ(r.tp, 6);
    CHECK_INT_EQ(r.fp, 4);
    CHECK_INT_EQ(r.fn, 4);
    CHECK(field(&r, "vendor.vat") == 1);
    CHECK(field(&r, "tags[1]") == 1);
    CHECK_NEAR(r.acc, 7.0 / 11, 1e-12);
    cJSON_Delete(r.out);

    /* perfect answer embedded in prose */
    score(invoice_rules, invoice_gold,
          "The invoice data is {\"vendor\": {\"name\": \"ACME GmbH\", \"vat\": null},"
          " \"total\": 1234.5, \"currency\": \"EUR\", \"date\": \"2024-03-05\","
          " \"items\": [{\"sku\": \"A1\", \"qty\": 2}, {\"sku\": \"B2\", \"qty\": \"1\"}],"
          " \"tags\": [\"urgent\", \"paid\"]}. Let me know!", NULL, &r);
    CHECK(r.f1 == 1 && r.acc == 1 && r.fp == 0 && r.fn == 0);   /* "1" vs 1: plain number */
    CHECK_STR_EQ(cJSON_GetObjectItem(r.out, "found")->valuestring, "embedded");
    cJSON_Delete(r.out);

    /* unparseable: 0 everywhere, the reason kept */
    score(invoice_rules, invoice_gold, "Sorry, I cannot read this invoice.", NULL, &r);
    CHECK(r.f1 == 0 && r.p == 0 && r.r == 0 && r.acc == 0 && r.tp == 0 && r.fp == 0);
    CHECK_INT_EQ(r.fn, 10);
    CHECK_STR_EQ(cJSON_GetObjectItem(r.out, "found")->valuestring, "none");
    CHECK_CONTAINS(cJSON_GetObjectItem(r.out, "reason")->valuestring, "no JSON object");
    CHECK(field(&r, "total") == 0);
    cJSON_Delete(r.out);

    /* JSON encoded twice is unwrapped */
    score(NULL, "{\"a\": \"x\"}", "\"{\\\"a\\\": \\\"x\\\"}\"", NULL, &r);
    CHECK(r.f1 == 1);
    CHECK_STR_EQ(cJSON_GetObjectItem(r.out, "found")->valuestring, "bare, double-encoded");
    cJSON_Delete(r.out);

    /* a list where an object belongs, and an object where a scalar belongs */
    score(NULL, "{\"a\": {\"x\": 1}, \"b\": 2}", "{\"a\": [1], \"b\": {\"y\": 2}}", NULL, &r);
    CHECK_INT_EQ(r.tp, 0);
    CHECK_INT_EQ(r.fp, 2);
    CHECK_INT_EQ(r.fn, 2);
    cJSON_Delete(r.out);
}

static void test_nulls_and_empties(void)
{
    struct run r;
    /* all-null gold, nothing predicted: perfect */
    score(NULL, "{\"a\": null, \"b\": []}", "{\"a\": null}", NULL, &r);
    CHECK(r.f1 == 1 && r.p == 1 && r.r == 1 && r.acc == 1);
    cJSON_Delete(r.out);
    /* a value where gold is null, an item in an empty list: false positives */
    score(NULL, "{\"a\": null, \"b\": []}", "{\"a\": \"x\", \"b\": [\"y\"]}", NULL, &r);
    CHECK_INT_EQ(r.fp, 2);
    CHECK(r.f1 == 0 && r.acc == 0);
    cJSON_Delete(r.out);
    /* gold value, null predicted: a miss */
    score(NULL, "{\"a\": \"x\"}", "{\"a\": null}", NULL, &r);
    CHECK_INT_EQ(r.fn, 1);
    CHECK_INT_EQ(r.fp, 0);
    cJSON_Delete(r.out);
    /* NER layout: lists as sets, empty lists right when empty */
    score("{\"defaults\": {\"list\": \"set\"}}",
          "{\"PER\": [], \"ORG\": [\"ACME\"], \"LOC\": [\"Hanoi\", \"Vietnam\"]}",
          "{\"PER\": [], \"ORG\": [], \"LOC\": [\"Vietnam\", \"Hanoi\"]}", NULL, &r);
    CHECK_INT_EQ(r.tp, 2);
    CHECK_INT_EQ(r.fn, 1);
    CHECK_INT_EQ(r.fp, 0);
    CHECK(field(&r, "PER") == 1 && field(&r, "ORG") == 0 && field(&r, "LOC") == 1);
    cJSON_Delete(r.out);
}

static void test_rules(void)
{
    struct run r;
    /* E2E: equivalence classes, case-insensitive */
    const char *e2e = "{\"defaults\": {\"case\": \"insensitive\"}, \"fields\": {\"price_range\":"
                      " {\"equivalent\": [[\"cheap\", \"less than \xc2\xa3" "20\"],"
                      " [\"high\", \"more than \xc2\xa3" "30\"]]}}}";
    score(e2e, "{\"name\": \"The Punter\", \"price_range\": \"more than \xc2\xa3" "30\"}",
          "{\"name\": \"the punter\", \"price_range\": \"High\"}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    score(e2e, "{\"price_range\": \"cheap\"}", "{\"price_range\": \"high\"}", NULL, &r);
    CHECK(r.f1 == 0);
    cJSON_Delete(r.out);

    /* whitespace collapsing is on by default and can be turned off */
    score(NULL, "{\"a\": \"New York\"}", "{\"a\": \" New\\u00a0 York \"}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    score("{\"defaults\": {\"whitespace\": false}}", "{\"a\": \"New York\"}",
          "{\"a\": \"New  York\"}", NULL, &r);
    CHECK(r.f1 == 0);
    cJSON_Delete(r.out);
    /* NFC always: a precomposed and a decomposed e-acute are the same */
    score(NULL, "{\"a\": \"caf\xc3\xa9\"}", "{\"a\": \"cafe\xcc\x81\"}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    /* case folding is utf8proc's full fold: STRASSE = straße */
    score("{\"defaults\": {\"case\": \"insensitive\"}}", "{\"a\": \"Stra\xc3\x9f" "e\"}",
          "{\"a\": \"STRASSE\"}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    /* ids stay strings: "00123" is not "123" unless number parsing is on */
    score(NULL, "{\"id\": \"00123\"}", "{\"id\": \"123\"}", NULL, &r);
    CHECK(r.f1 == 0);
    cJSON_Delete(r.out);
    score("{\"fields\": {\"id\": {\"number\": true}}}", "{\"id\": \"00123\"}",
          "{\"id\": \"123\"}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    /* tolerance, currencies that disagree, an amount without a currency */
    score("{\"fields\": {\"t\": {\"tolerance\": 0.01}}}", "{\"t\": 10.004}", "{\"t\": 10}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    score("{\"fields\": {\"t\": {\"currency\": true}}}", "{\"t\": \"EUR 12.00\"}",
          "{\"t\": \"$12\"}", NULL, &r);
    CHECK(r.f1 == 0);
    cJSON_Delete(r.out);
    score("{\"fields\": {\"t\": {\"currency\": true}}}", "{\"t\": \"EUR 12.00\"}",
          "{\"t\": 12}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    /* dates: unambiguous forms need no order */
    score("{\"fields\": {\"d\": {\"date\": true}}}", "{\"d\": \"2024-12-25\"}",
          "{\"d\": \"December 25th, 2024\"}", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
    /* ignored fields count nowhere; rules for list elements use [] or [*] */
    score("{\"fields\": {\"notes\": {\"ignore\": true}, \"items[*].name\": {\"case\": \"insensitive\"}}}",
          "{\"notes\": \"a\", \"items\": [{\"name\": \"Bolt\"}]}",
          "{\"notes\": \"b\", \"items\": [{\"name\": \"BOLT\"}]}", NULL, &r);
    CHECK(r.f1 == 1 && r.tp == 1 && r.acc == 1);
    cJSON_Delete(r.out);
    /* a gold list of scalars, ordered by default: extra elements are FPs */
    score(NULL, "{\"a\": [1, 2]}", "{\"a\": [1, 2, 3]}", NULL, &r);
    CHECK_INT_EQ(r.tp, 2);
    CHECK_INT_EQ(r.fp, 1);
    cJSON_Delete(r.out);
    /* top-level array gold */
    score("{\"defaults\": {\"list\": \"set\"}}", "[\"a\", \"b\"]", "Sure: [\"b\", \"a\"]", NULL, &r);
    CHECK(r.f1 == 1);
    cJSON_Delete(r.out);
}

static void test_schema(void)
{
    struct run r;
    const char *opts = "{\"schema\": {\"type\": \"object\", \"required\": [\"total\"],"
                       " \"properties\": {\"total\": {\"type\": \"number\"}}}}";
    score(opts, "{\"total\": 5}", "{\"total\": \"5\"}", NULL, &r);
    CHECK(cJSON_GetObjectItem(r.out, "schema_valid")->valuedouble == 0);
    CHECK(r.f1 == 1);                            /* validity is reported apart */
    CHECK_CONTAINS(cJSON_GetObjectItem(r.out, "reason")->valuestring,
                   "1 schema violation; first: total: expected a number, got \"5\"");
    CHECK_STR_EQ(cJSON_GetArrayItem(cJSON_GetObjectItem(r.out, "schema_errors"), 0)->valuestring,
                 "total: expected a number, got \"5\"");
    cJSON_Delete(r.out);
    score(opts, "{\"total\": 5}", "{\"total\": 5}", NULL, &r);
    CHECK(cJSON_GetObjectItem(r.out, "schema_valid")->valuedouble == 1);
    CHECK(cJSON_GetObjectItem(r.out, "reason") == NULL);
    cJSON_Delete(r.out);
    score(opts, "{\"total\": 5}", "nothing", NULL, &r);
    CHECK(cJSON_GetObjectItem(r.out, "schema_valid")->valuedouble == 0);
    cJSON_Delete(r.out);
    /* the item's own schema when the suite gives none; a text schema is ignored */
    score(NULL, "{\"n\": 1}", "{\"n\": 1, \"x\": 2}",
          "{\"schema\": {\"type\": \"object\", \"additionalProperties\": false,"
          " \"properties\": {\"n\": {\"type\": \"integer\"}}}}", &r);
    CHECK(cJSON_GetObjectItem(r.out, "schema_valid")->valuedouble == 0);
    cJSON_Delete(r.out);
    score(NULL, "{\"n\": 1}", "{\"n\": 1}", "{\"schema\": \"Extract n.\"}", &r);
    CHECK(cJSON_GetObjectItem(r.out, "schema_valid") == NULL);
    cJSON_Delete(r.out);
}

static void test_options_and_errors(void)
{
    const struct scorer_ops *ops = scorer_find("json_fields");
    static const struct { const char *opts, *path, *msg; } bad[] = {
        { "{\"fields\": {\"total\": {\"number\": \"de\"}}}", "scorers[0].options.fields.total.number",
          "expected true, false, \"auto\", \"us\" or \"eu\"" },
        { "{\"fields\": {\"items[0].qty\": {}}}", "scorers[0].options.fields.items[0].qty",
          "with []" },
        { "{\"defaults\": {\"cas\": \"insensitive\"}}", "scorers[0].options.defaults.cas",
          "did you mean \"case\"" },
        { "{\"schema\": {\"type\": \"object\", \"oneOf\": []}}", "scorers[0].options.schema.oneOf",
          "keyword not supported" },
        { "{\"fields\": {\"a\": {\"equivalent\": [\"x\"]}}}", "scorers[0].options.fields.a.equivalent",
          "an array of classes" },
        { "{\"fields\": {\"a\": {\"list\": \"bag\"}}}", "scorers[0].options.fields.a.list",
          "\"ordered\" or \"set\"" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct diag d;
        diag_init(&d);
        cJSON *o = cJSON_Parse(bad[i].opts);
        CHECK(ops->configure(o, "suites/x.json", "scorers[0].options", &d) == NULL);
        CHECK_STR_EQ(d.path, bad[i].path);
        CHECK_CONTAINS(d.msg, bad[i].msg);
        CHECK_STR_EQ(d.file, "suites/x.json");
        cJSON_Delete(o);
    }
    /* no gold: a data problem, reported as an error */
    struct diag d;
    diag_init(&d);
    void *st = ops->configure(NULL, "s.json", "p", &d);
    struct score_item si = { "{}", NULL, 0, NULL, NULL };
    cJSON *out = cJSON_CreateObject();
    CHECK_INT_EQ(ops->score(st, &si, out, &d), -1);
    CHECK_CONTAINS(d.msg, "gold");
    cJSON_Delete(out);
    ops->release(st);
}

int main(void)
{
    test_numbers();
    test_money();
    test_dates();
    test_counting();
    test_nulls_and_empties();
    test_rules();
    test_schema();
    test_options_and_errors();
    return check_done();
}
