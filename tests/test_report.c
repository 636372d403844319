/* test_report.c -- `assay report` on crafted runs whose figures are known
 * by hand (latency percentiles, costs incl. per-hour amortisation and a
 * pricing file, pairwise verdicts, McNemar, Holm, sample sizes, the
 * latency breakdown by connection phase), on the realistic fixture
 * (report_fixture.h), and through the command line (files written, JSON
 * keys, escaping, bad input exits 2).
 *
 * Run with `--fixture DIR` it only writes the realistic run folder into
 * DIR, for looking at a report by hand. */
#include "check.h"
#include "report_fixture.h"
#include "support/proc.h"

#include "reports/html.h"

/* === a run with known answers ============================================== */

static const char *KNOWN_RUN_JSON =
    "{\"schema\":1,\"run_id\":\"known\",\"plan\":{\"requests\":26},"
    "\"suites\":{\"s\":{\"primary_metric\":\"m.f\",\"higher_is_better\":true},"
    "\"p\":{\"primary_metric\":\"j.pass\",\"higher_is_better\":true}},"
    "\"backends\":[{\"name\":\"A\",\"model\":\"model-a\",\"pricing\":{\"input_per_mtok\":10,"
    "\"as_of\":\"2026-01-01\"}},{\"name\":\"B\",\"pricing\":{\"per_hour\":3.6}},{\"name\":\"C\"}]}\n";

static void rec(struct buf *b, const char *suite, const char *item, const char *backend,
                const char *status, double start, double e2e, const char *scores, const char *cost,
                int cached)
{
    buf_addf(b, "{\"schema\":1,\"suite\":\"%s\",\"item\":\"%s\",\"backend\":\"%s\",\"repeat\":0,"
                "\"step\":null,\"status\":\"%s\",\"http_status\":200,\"attempts\":[{\"status\":\"%s\","
                "\"http_status\":200}],\"cached\":%s,\"timing\":{\"start_ms\":%g,\"e2e_ms\":%g,"
                "\"ttft_ms\":%g},\"usage\":{\"input\":100,\"output\":10,\"source\":\"reported\"},"
                "\"cost\":%s,\"scores\":%s}\n",
             suite, item, backend, status, status, cached ? "true" : "false", start, e2e, e2e / 4,
             cost, scores);
}

static char *known_run(void)
{
    char *dir = test_tmpdir("report-known");
    fx_write(dir, "run.json", KNOWN_RUN_JSON, strlen(KNOWN_RUN_JSON));
    struct buf b;
    buf_init(&b, 0);
    static const double fa[] = { 0.9, 0.8, 0.7, 0.6 }, fb[] = { 0.5, 0.4, 0.3, 0.2 },
                        fc[] = { 0.8, 0.9, 0.6, 0.7 };
    /* A's first item fails first and is re-run: last record wins */
    rec(&b, "s", "i0", "A", "http_error", 0, 0, "{}", "{\"usd\":0}", 0);
    for (int i = 0; i < 4; i++) {
        char item[8], sc[64];
        snprintf(item, sizeof(item), "i%d", i);
        snprintf(sc, sizeof(sc), "{\"m\":{\"f\":%g}}", fa[i]);
        rec(&b, "s", item, "A", "ok", 100.0 * i, 100.0 * (i + 1), sc, "{\"usd\":0.001}", 0);
        snprintf(sc, sizeof(sc), "{\"m\":{\"f\":%g}}", fb[i]);
        rec(&b, "s", item, "B", "ok", 1000.0 * i, 1000, sc, "{\"usd\":0,\"basis\":\"per_hour\"}", 0);
        snprintf(sc, sizeof(sc), "{\"m\":{\"f\":%g}}", fc[i]);
        rec(&b, "s", item, "C", "ok", 100.0 * i, 50, sc, "null", 0);
    }
    for (int i = 0; i < 10; i++) {
        char item[8];
        snprintf(item, sizeof(item), "q%d", i);
        /* an LLM judge scored A's answers here: its cost is kept apart */
        rec(&b, "p", item, "A", "ok", 5000 + 10.0 * i, 500, "{\"j\":{\"pass\":true}}",
            "{\"usd\":0.001},\"judge\":{\"backend\":\"J\",\"requests\":[],\"usd\":0.25}", 0);
        rec(&b, "p", item, "C", "ok", 5000 + 10.0 * i, 60, "{\"j\":{\"pass\":false}}", "null", i == 9);
    }
    buf_adds(&b, "{\"schema\":1,\"suite\":\"p\",\"ite");   /* torn */
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    return dir;
}

/* Row of table t whose first key columns equal k0 and k1 (k1 may be NULL). */
static size_t find_row(const struct table *t, const char *k0, const char *k1)
{
    for (size_t r = 0; r < t->nrows; r++) {
        const struct table_cell *a = table_cell(t, r, 0), *b = table_cell(t, r, 1);
        if (a->text && strcmp(a->text, k0) == 0 && (!k1 || (b->text && strcmp(b->text, k1) == 0)))
            return r;
    }
    return (size_t)-1;
}

static size_t col_of(const struct table *t, const char *key)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].key, key) == 0)
            return c;
    return (size_t)-1;
}

static double num(const struct table *t, size_t row, const char *key)
{
    size_t c = col_of(t, key);
    if (row == (size_t)-1 || c == (size_t)-1) {
        fprintf(stderr, "no cell %s.%s row %zu\n", t->key, key, row);
        return NAN;
    }
    return table_cell(t, row, c)->v;
}

static double ci_low(const struct table *t, size_t row, const char *key)
{
    size_t c = col_of(t, key);
    return row == (size_t)-1 || c == (size_t)-1 ? NAN : table_cell(t, row, c)->lo;
}

static const char *text(const struct table *t, size_t row, const char *key)
{
    size_t c = col_of(t, key);
    if (row == (size_t)-1 || c == (size_t)-1)
        return NULL;
    return table_cell(t, row, c)->text;
}

/* The pairwise row for (suite, a, b). */
static size_t pair_row(const struct table *t, const char *suite, const char *a, const char *b)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(text(t, r, "suite"), suite) == 0 && strcmp(text(t, r, "a"), a) == 0 &&
            strcmp(text(t, r, "b"), b) == 0)
            return r;
    return (size_t)-1;
}

static void test_known_figures(const char *dir)
{
    struct fx_report x;
    if (fx_report_build(&x, dir, 0, NULL) < 0) {
        CHECK(0);
        return;
    }
    const struct report *rp = &x.rp;
    CHECK_INT_EQ(rp->nsuites, 2);
    CHECK_INT_EQ(rp->nbackends, 3);

    const struct table *s = report_table(rp, "summary");
    size_t r = find_row(s, "s", "A");
    CHECK_NEAR(num(s, r, "requests"), 4, 0);
    CHECK_NEAR(num(s, r, "quality"), 0.75, 1e-12);
    CHECK_NEAR(num(s, r, "error_rate"), 0, 0);
    CHECK_NEAR(num(s, r, "e2e_p95_ms"), 385, 1e-9);      /* type 7: 300 + 0.85 * 100 */
    CHECK_NEAR(num(s, r, "cost_per_1k_usd"), 1.0, 1e-12);
    CHECK(col_of(s, "monthly_usd") == (size_t)-1);       /* no --monthly-requests */

    const struct table *l = report_table(rp, "latency_e2e");
    r = find_row(l, "s", "A");
    CHECK_NEAR(num(l, r, "n"), 4, 0);
    CHECK_NEAR(num(l, r, "p50_ms"), 250, 1e-9);
    CHECK_NEAR(num(l, r, "p90_ms"), 370, 1e-9);
    CHECK_NEAR(num(l, r, "p99_ms"), 397, 1e-9);
    CHECK_NEAR(num(l, r, "mean_ms"), 250, 1e-9);
    CHECK_NEAR(num(l, r, "max_ms"), 400, 0);
    r = find_row(l, "p", "C");
    CHECK_NEAR(num(l, r, "n"), 9, 0);                    /* the cached hit is left out */
    r = find_row(l, REPORT_ALL, "A");
    CHECK_NEAR(num(l, r, "n"), 14, 0);                   /* pooled over both suites */
    const struct table *tt = report_table(rp, "latency_ttft");
    CHECK_NEAR(num(tt, find_row(tt, "s", "A"), "p50_ms"), 62.5, 1e-9);

    const struct table *rel = report_table(rp, "reliability");
    r = find_row(rel, "p", "C");
    CHECK_NEAR(num(rel, r, "cached"), 1, 0);
    CHECK_NEAR(num(rel, r, "planned"), 10, 0);

    /* Costs: A recorded, B per hour at 50% utilisation of 1 req/s, C none. */
    const struct table *c = report_table(rp, "cost");
    r = find_row(c, "s", "A");
    CHECK_STR_EQ(text(c, r, "basis"), "per token");
    CHECK_NEAR(num(c, r, "cost_per_request_usd"), 0.001, 1e-15);
    CHECK_NEAR(num(c, r, "cost_run_usd"), 0.004, 1e-15);
    CHECK_NEAR(num(c, r, "quality_per_usd"), 750, 1e-9);
    r = find_row(c, "s", "B");
    CHECK_STR_EQ(text(c, r, "basis"), "per hour");
    CHECK_NEAR(num(c, r, "cost_per_1k_usd"), 2.0, 1e-12);   /* 3.6 / (3600 * 1 * 0.5) * 1000 */
    r = find_row(c, "s", "C");
    CHECK(isnan(num(c, r, "cost_per_1k_usd")));
    CHECK_STR_EQ(text(c, r, "basis"), "none");
    r = find_row(c, "p", "A");
    CHECK_NEAR(num(c, r, "cost_per_pass_usd"), 0.001, 1e-15); /* $0.01 over 10 passes */
    CHECK(c->note && strstr(c->note, "A 2026-01-01"));
    CHECK_NEAR(num(c, find_row(c, "p", "A"), "judge_usd"), 2.5, 1e-12);
    CHECK_NEAR(num(c, find_row(c, "s", "A"), "judge_usd"), 0, 0);
    CHECK_NEAR(num(c, find_row(c, REPORT_ALL, "A"), "judge_usd"), 2.5, 1e-12);
    CHECK_NEAR(num(c, find_row(c, "p", "A"), "cost_per_request_usd"), 0.001, 1e-15);
    CHECK(c->note && strstr(c->note, "Judge: LLM-as-judge cost, kept apart"));

    /* Pairwise on s: A > B on every item, A = C on average, C > B. */
    const struct table *pw = report_table(rp, "pairwise");
    CHECK_INT_EQ(pw->nrows, 4);
    r = pair_row(pw, "s", "A", "B");
    CHECK_NEAR(num(pw, r, "diff"), 0.4, 1e-12);
    CHECK_NEAR(ci_low(pw, r, "diff"), 0.4, 1e-12);
    CHECK_NEAR(num(pw, r, "p"), 0, 0);
    CHECK_STR_EQ(text(pw, r, "test"), "paired bootstrap");
    CHECK_STR_EQ(text(pw, r, "verdict"), "A better");
    r = pair_row(pw, "s", "A", "C");
    CHECK_NEAR(num(pw, r, "diff"), 0, 1e-12);
    CHECK(num(pw, r, "p_holm") >= 0.05);
    CHECK_STR_EQ(text(pw, r, "verdict"), "no significant difference");
    r = pair_row(pw, "s", "B", "C");
    CHECK_STR_EQ(text(pw, r, "verdict"), "C better");
    /* Holm never lowers a p-value */
    for (size_t k = 0; k < pw->nrows; k++)
        CHECK(num(pw, k, "p_holm") >= num(pw, k, "p"));
    /* McNemar on p: A passes all 10, C none: p = 2 * 0.5^10 */
    r = pair_row(pw, "p", "A", "C");
    CHECK_STR_EQ(text(pw, r, "test"), "McNemar exact");
    CHECK_NEAR(num(pw, r, "p"), 2.0 / 1024, 1e-12);
    CHECK_NEAR(num(pw, r, "diff"), 1.0, 1e-12);
    CHECK_STR_EQ(text(pw, r, "verdict"), "A better");

    /* Sample size: A - C differences are +-0.1, sd 0.11547; 0.02 to detect */
    const struct table *ss = report_table(rp, "sample_size");
    r = find_row(ss, "s", NULL);
    for (; r < ss->nrows && strcmp(text(ss, r, "pair"), "A vs C") != 0; r++)
        ;
    double sd = sqrt(4 * 0.01 / 3);
    CHECK_NEAR(num(ss, r, "sd_diff"), sd, 1e-12);
    CHECK_NEAR(num(ss, r, "delta"), 0.02, 0);
    CHECK_NEAR(num(ss, r, "items_needed"), 262, 0);     /* ((1.95996 + 0.84162) * sd / 0.02)^2 */
    CHECK_STR_EQ(text(ss, r, "verdict"), "258 more items");
    r = pair_row(pw, "p", "A", "C");
    CHECK_NEAR(num(ss, find_row(ss, "p", "j.pass"), "delta"), 0.05, 0);   /* a pass rate */

    /* Notes: superseded, torn, cached. */
    int superseded = 0, torn = 0, cached = 0;
    for (size_t i = 0; i < rp->nnotes; i++) {
        superseded |= strstr(rp->notes[i], "1 record was superseded") != NULL;
        torn |= strstr(rp->notes[i], "torn last line") != NULL;
        cached |= strstr(rp->notes[i], "C: 1 cached response") != NULL;
    }
    CHECK(superseded && torn && cached);

    /* Renderings carry the same numbers. */
    struct buf b;
    buf_init(&b, 0);
    report_render_term(rp, 100, &b);
    CHECK_CONTAINS(b.ptr, "0.750 [");
    CHECK_CONTAINS(b.ptr, "Recommended: ");
    CHECK_CONTAINS(b.ptr, "note: 1 record was superseded");
    buf_reset(&b);
    report_render_md(rp, &b);
    CHECK(strncmp(b.ptr, "# assay report\n", 15) == 0);
    CHECK_CONTAINS(b.ptr, "## Decision");
    CHECK_CONTAINS(b.ptr, "### Summary per suite and backend\n\n| suite | backend |");
    buf_release(&b);
    fx_report_release(&x);
}

static void test_monthly_and_pricing_file(const char *dir)
{
    /* 2,592,000 requests a month = 1 req/s: one instance of B at 1 req/s,
     * 720 h at $3.6 = $2,592 a month, $1 per 1,000. */
    struct fx_report x;
    if (fx_report_build(&x, dir, 2592000, NULL) < 0) {
        CHECK(0);
        return;
    }
    const struct table *c = report_table(&x.rp, "cost");
    size_t r = find_row(c, "s", "B");
    CHECK_NEAR(num(c, r, "cost_per_1k_usd"), 1.0, 1e-12);
    CHECK_NEAR(num(c, r, "monthly_usd"), 2592, 1e-9);
    const struct table *s = report_table(&x.rp, "summary");
    CHECK_NEAR(num(s, find_row(s, "s", "A"), "monthly_usd"), 2592, 1e-9);
    fx_report_release(&x);

    /* A pricing file re-prices A from usage: 100 input tokens at $1,000/M. */
    char *pricing = xasprintf("%s/prices.json", dir);
    const char *pj = "{\"as_of\":\"2026-02-02\",\"prices\":{\"A\":{\"input_per_mtok\":1000,"
                     "\"as_of\":\"2026-02-02\"}}}";
    fx_write(dir, "prices.json", pj, strlen(pj));
    if (fx_report_build(&x, dir, 0, pricing) == 0) {
        c = report_table(&x.rp, "cost");
        CHECK_NEAR(num(c, find_row(c, "s", "A"), "cost_per_request_usd"), 0.1, 1e-12);
        CHECK(c->note && strstr(c->note, "A 2026-02-02"));
        CHECK(c->note && strstr(c->note, "prices.json"));
        int noted = 0;
        for (size_t i = 0; i < x.rp.nnotes; i++)
            noted |= strstr(x.rp.notes[i], "prices.json replace the run's for the backends it "
                                           "names: 14 records re-priced") != NULL;
        CHECK(noted);
        fx_report_release(&x);
    } else {
        CHECK(0);
    }
    free(pricing);
}

/* === the latency breakdown ================================================= */

/* One record with phase timings (connect < 0: the fields are absent, as
 * in a run folder written before assay recorded them). */
static void phase_rec(struct buf *b, const char *item, const char *backend, const char *status,
                      int cached, double connect, double tls, double first, const char *version)
{
    buf_addf(b, "{\"suite\":\"s\",\"item\":\"%s\",\"backend\":\"%s\",\"status\":\"%s\","
                "\"cached\":%s,", item, backend, status, cached ? "true" : "false");
    if (version)
        buf_addf(b, "\"http_version\":\"%s\",", version);
    buf_addf(b, "\"timing\":{\"e2e_ms\":%g", first + 50);
    if (connect >= 0)
        buf_addf(b, ",\"dns_ms\":0.01,\"connect_ms\":%g,\"tls_ms\":%g,\"first_byte_ms\":%g",
                 connect, tls, first);
    buf_adds(b, "},\"scores\":{\"m\":{\"f\":0.5}}}\n");
}

static void test_phases(void)
{
    char *dir = test_tmpdir("report-phases");
    const char *meta = "{\"schema\":1,\"suites\":{\"s\":{\"primary_metric\":\"m.f\"}},"
                       "\"backends\":[{\"name\":\"H\"},{\"name\":\"P\"},{\"name\":\"O\"}]}\n";
    fx_write(dir, "run.json", meta, strlen(meta));
    struct buf b;
    buf_init(&b, 0);
    /* H: TLS, HTTP/2 and 1.1 mixed; two new connections, two reused */
    phase_rec(&b, "i0", "H", "ok", 0, 1.5, 4.0, 10, "2");
    phase_rec(&b, "i1", "H", "ok", 0, 0, 0, 3, "2");
    phase_rec(&b, "i2", "H", "ok", 0, 0, 0, 5, "1.1");
    phase_rec(&b, "i3", "H", "ok", 0, 2.5, 6.0, 14, "1.1");
    phase_rec(&b, "i4", "H", "ok", 0, -1, 0, 0, NULL);             /* older record */
    phase_rec(&b, "i5", "H", "ok", 1, 9, 9, 90, "3");              /* cached: not counted */
    phase_rec(&b, "i6", "H", "http_error", 0, 7, 7, 70, "3");      /* failed: not counted */
    /* P: plain HTTP/1.1, one new connection (no TLS), two reused */
    phase_rec(&b, "i0", "P", "ok", 0, 0.2, 0, 2, "1.1");
    phase_rec(&b, "i1", "P", "ok", 0, 0, 0, 4, "1.1");
    phase_rec(&b, "i2", "P", "ok", 0, 0, 0, 6, "1.1");
    /* O: only records from before phases were recorded */
    phase_rec(&b, "i0", "O", "ok", 0, -1, 0, 0, NULL);
    phase_rec(&b, "i1", "O", "ok", 0, -1, 0, 0, NULL);
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    struct fx_report x;
    if (fx_report_build(&x, dir, 0, NULL) < 0) {
        CHECK(0);
        free(dir);
        return;
    }
    const struct table *t = report_table(&x.rp, "latency_phases");
    CHECK(t != NULL);
    if (!t) {
        fx_report_release(&x);
        free(dir);
        return;
    }
    CHECK_STR_EQ(t->title, "Latency breakdown (ms)");
    CHECK_INT_EQ(t->nrows, 6);                              /* 3 backends + 3 pooled */
    size_t r = find_row(t, "s", "H");
    CHECK_NEAR(num(t, r, "n"), 4, 0);
    CHECK_NEAR(num(t, r, "new_connections"), 2, 0);
    CHECK_NEAR(num(t, r, "new_connection_share"), 0.5, 0);
    CHECK_NEAR(num(t, r, "connect_p50_ms"), 2.0, 1e-12);    /* of 1.5 and 2.5 */
    CHECK_NEAR(num(t, r, "tls_p50_ms"), 5.0, 1e-12);        /* of 4 and 6 */
    CHECK_NEAR(num(t, r, "first_byte_p50_ms"), 7.5, 1e-12); /* 3 5 10 14: 5 + 0.5 * 5 */
    CHECK_NEAR(num(t, r, "first_byte_p95_ms"), 13.4, 1e-12);/* 10 + 0.85 * 4 */
    static const double fb[] = { 3, 5, 10, 14 };            /* the interval as E2E's */
    struct interval ci = stats_percentile_ci_sorted(fb, 4, 0.95, 0.95);
    CHECK_NEAR(ci_low(t, r, "first_byte_p95_ms"), ci.lo, 0);
    CHECK_NEAR(table_cell(t, r, col_of(t, "first_byte_p95_ms"))->hi, ci.hi, 0);
    CHECK_STR_EQ(text(t, r, "http_version"), "1.1+2");
    r = find_row(t, "s", "P");
    CHECK_NEAR(num(t, r, "n"), 3, 0);
    CHECK_NEAR(num(t, r, "new_connections"), 1, 0);
    CHECK_NEAR(num(t, r, "new_connection_share"), 1.0 / 3, 1e-12);
    CHECK_NEAR(num(t, r, "connect_p50_ms"), 0.2, 1e-12);
    CHECK(isnan(num(t, r, "tls_p50_ms")));                  /* no handshake to time */
    CHECK_NEAR(num(t, r, "first_byte_p50_ms"), 4, 1e-12);
    CHECK_STR_EQ(text(t, r, "http_version"), "1.1");
    r = find_row(t, "s", "O");
    CHECK_NEAR(num(t, r, "n"), 0, 0);
    CHECK_NEAR(num(t, r, "new_connections"), 0, 0);
    CHECK(isnan(num(t, r, "new_connection_share")));
    CHECK(isnan(num(t, r, "connect_p50_ms")));
    CHECK(isnan(num(t, r, "first_byte_p50_ms")));
    CHECK(isnan(num(t, r, "first_byte_p95_ms")));
    CHECK(text(t, r, "http_version") == NULL);
    r = find_row(t, REPORT_ALL, "H");                       /* pooled = the one suite */
    CHECK_NEAR(num(t, r, "new_connections"), 2, 0);
    CHECK_STR_EQ(text(t, r, "http_version"), "1.1+2");
    CHECK(t->note && strstr(t->note, "3 successful requests without phase timings"));
    CHECK(t->note && strstr(t->note, "fewer than 20 requests: read 1st byte p95 as rough"));

    /* Every format carries it. */
    struct buf o;
    buf_init(&o, 0);
    report_render_term(&x.rp, 100, &o);
    CHECK_CONTAINS(o.ptr, "Latency breakdown (ms)");
    CHECK_CONTAINS(o.ptr, "1.1+2");
    buf_reset(&o);
    report_render_md(&x.rp, &o);
    CHECK_CONTAINS(o.ptr, "### Latency breakdown (ms)\n\n| suite | backend | n | new conn |");
    CHECK_CONTAINS(o.ptr, "| s | H | 4 | 2 | 50.0% | 2.0 | 5.0 | 7.5 |");
    buf_reset(&o);
    table_render_csv(t, &o);
    CHECK_CONTAINS(o.ptr, "suite,backend,n,new_connections,new_connection_share,connect_p50_ms,"
                          "tls_p50_ms,first_byte_p50_ms,first_byte_p95_ms,"
                          "first_byte_p95_ms_ci_low,first_byte_p95_ms_ci_high,http_version\r\n");
    CHECK_CONTAINS(o.ptr, "s,P,3,1,");
    buf_reset(&o);
    html_render(&x.rp, NULL, &o);
    CHECK_CONTAINS(o.ptr, "<h3 id=\"t-latency_phases\">");
    buf_release(&o);
    cJSON *j = report_to_json(&x.rp);
    const cJSON *rows = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "tables"),
                                                                "latency_phases"), "rows");
    const cJSON *row = cJSON_GetArrayItem(rows, 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(row, "backend")->valuestring, "H");
    CHECK_STR_EQ(cJSON_GetObjectItem(row, "http_version")->valuestring, "1.1+2");
    CHECK_NEAR(cJSON_GetObjectItem(row, "new_connections")->valuedouble, 2, 0);
    row = cJSON_GetArrayItem(rows, 1);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(row, "tls_p50_ms")));
    cJSON_Delete(j);
    fx_report_release(&x);
    free(dir);
}

/* === the realistic fixture ================================================= */

static void test_fixture(void)
{
    char *dir = test_tmpdir("report-fx");
    struct fx_options o = { 0 };
    free(fx_make_run(dir, &o));
    struct fx_report x;
    if (fx_report_build(&x, dir, 0, NULL) < 0) {
        CHECK(0);
        free(dir);
        return;
    }
    const struct report *rp = &x.rp;
    CHECK_INT_EQ(report_table(rp, "summary")->nrows, 12);         /* 3 suites x 4 backends */
    CHECK_INT_EQ(report_table(rp, "latency_e2e")->nrows, 16);     /* + 4 pooled rows */
    CHECK_INT_EQ(report_table(rp, "pairwise")->nrows, 18);        /* 6 pairs x 3 suites */
    CHECK(report_table(rp, "slices") == NULL);
    /* strong is clearly better on summarization and translation */
    const struct table *pw = report_table(rp, "pairwise");
    CHECK_STR_EQ(text(pw, pair_row(pw, "translation", "strong", "fast"), "verdict"), "strong better");
    /* flaky's failures are scored, and said to be */
    const struct table *q = report_table(rp, "quality");
    size_t r = find_row(q, "summarization", "flaky");
    CHECK(num(q, r, "failed_scored") > 0);
    const struct table *rel = report_table(rp, "reliability");
    CHECK(num(rel, find_row(rel, REPORT_ALL, "flaky"), "error_rate") > 0.05);
    CHECK(num(rel, find_row(rel, REPORT_ALL, "strong"), "rate_limited_rate") > 0);
    CHECK(num(rel, find_row(rel, REPORT_ALL, "flaky"), "timeout_rate") > 0);
    CHECK_NEAR(num(rel, find_row(rel, REPORT_ALL, "strong"), "timeout_rate"), 0, 0);
    CHECK(num(rel, find_row(rel, REPORT_ALL, "fast"), "cached") == 9);
    /* The breakdown: every eighth item opened a connection; selfhost is
     * plain HTTP/1.1, so it has no TLS time. */
    const struct table *ph = report_table(rp, "latency_phases");
    CHECK_INT_EQ(ph->nrows, 16);
    r = find_row(ph, REPORT_ALL, "selfhost");
    CHECK(num(ph, r, "new_connections") >= 1 && num(ph, r, "new_connections") <= 12);
    CHECK_NEAR(num(ph, r, "connect_p50_ms"), 1.2, 1e-12);
    CHECK(isnan(num(ph, r, "tls_p50_ms")));
    CHECK_STR_EQ(text(ph, r, "http_version"), "1.1");
    r = find_row(ph, "translation", "strong");
    CHECK_NEAR(num(ph, r, "tls_p50_ms"), 8.5, 1e-12);
    CHECK_STR_EQ(text(ph, r, "http_version"), "2");
    CHECK_NEAR(num(ph, r, "n"), num(report_table(rp, "latency_e2e"),
                                    find_row(report_table(rp, "latency_e2e"), "translation",
                                             "strong"), "n"), 0);
    CHECK(!strstr(ph->note, "without phase timings"));
    const struct table *th = report_table(rp, "throughput");
    CHECK_STR_EQ(text(th, find_row(th, REPORT_ALL, "flaky"), "usage_source"), "estimated");
    /* every terminal line fits 100 columns */
    struct buf b;
    buf_init(&b, 0);
    report_render_term(rp, 100, &b);
    for (const char *p = b.ptr; *p;) {
        size_t n = strcspn(p, "\n");
        CHECK_MSG(n <= 100, "%.*s", (int)n, p);
        p += n + (p[n] == '\n');
    }
    buf_release(&b);
    fx_report_release(&x);
    free(dir);
}

/* === the command line ====================================================== */

static void test_cli(const char *known)
{
    char *dir = test_tmpdir("report-cli");
    struct fx_options o = { 0 };
    free(fx_make_run(dir, &o));
    struct proc_result pr;
    CHECK_INT_EQ(run_assay(&pr, "report", dir, "--no-plots", "--slice", "domain",
                           "--monthly-requests", "1000000", "--max-p95-ms", "2500", NULL), 0);
    CHECK_INT_EQ(pr.status, 0);
    CHECK_CONTAINS(pr.out, "Summary per suite and backend");
    CHECK_CONTAINS(pr.out, "Slices by tag \"domain\"");
    CHECK_CONTAINS(pr.out, "strong: p95 2,");                 /* excluded by the p95 limit */
    CHECK_CONTAINS(pr.err, "wrote ");
    proc_result_free(&pr);
    static const char *const files[] = {
        "report.md", "report.html", "report.json", "summary.csv", "quality.csv",
        "reliability.csv", "latency_e2e.csv", "latency_ttft.csv", "latency_itl.csv",
        "latency_phases.csv", "throughput.csv", "cost.csv", "pairwise.csv", "sample_size.csv",
        "slices.csv",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *p = xasprintf("%s/report/%s", dir, files[i]);
        CHECK_MSG(file_exists(p), "%s", p);
        free(p);
    }
    char *path = xasprintf("%s/report/report.json", dir);
    char *js = fx_slurp(path);
    cJSON *j = js ? cJSON_Parse(js) : NULL;
    CHECK(j != NULL);
    static const char *const keys[] = { "schema", "generator", "run", "options", "notes",
                                        "tables", "decision", "constraints" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        CHECK_MSG(cJSON_HasObjectItem(j, keys[i]), "report.json has no \"%s\"", keys[i]);
    const cJSON *cons = cJSON_GetObjectItem(j, "constraints");
    CHECK_NEAR(cJSON_GetObjectItem(cons, "max_p95_ms")->valuedouble, 2500, 0);
    const cJSON *sum = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "tables"), "summary");
    const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(sum, "rows"), 0);
    static const char *const cols[] = { "suite", "backend", "requests", "quality", "quality_ci_low",
                                        "quality_ci_high", "error_rate", "e2e_p95_ms",
                                        "ttft_p95_ms", "cost_per_1k_usd", "monthly_usd" };
    for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
        CHECK_MSG(cJSON_HasObjectItem(row, cols[i]), "summary row has no \"%s\"", cols[i]);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "decision"), "recommended")->valuestring,
                 "fast");
    cJSON_Delete(j);
    free(js);
    free(path);

    /* --format term writes nothing; --out elsewhere */
    char *out = xasprintf("%s/elsewhere", dir);
    CHECK_INT_EQ(run_assay(&pr, "report", dir, "--format", "md,csv", "--out", out, NULL), 0);
    CHECK_INT_EQ(pr.status, 0);
    CHECK_STR_EQ(pr.out, "");
    proc_result_free(&pr);
    path = xasprintf("%s/report.md", out);
    CHECK(file_exists(path));
    free(path);
    path = xasprintf("%s/report.html", out);
    CHECK(!file_exists(path));
    free(path);
    free(out);

    /* choose and report price alike with a pricing file: the decision
     * embedded in the report is the one `assay choose` prints */
    const char *pj = "{\"prices\":{\"fast\":{\"input_per_mtok\":50,\"output_per_mtok\":50}}}";
    fx_write(dir, "prices.json", pj, strlen(pj));
    char *prices = xasprintf("%s/prices.json", dir), *rout = xasprintf("%s/priced", dir);
    CHECK_INT_EQ(run_assay(&pr, "choose", dir, "--pricing", prices, "--format", "json", NULL), 0);
    cJSON *chose = cJSON_Parse(pr.out);
    proc_result_free(&pr);
    CHECK_INT_EQ(run_assay(&pr, "report", dir, "--pricing", prices, "--format", "json", "--out",
                           rout, NULL), 0);
    proc_result_free(&pr);
    path = xasprintf("%s/report.json", rout);
    js = fx_slurp(path);
    j = js ? cJSON_Parse(js) : NULL;
    const cJSON *embedded = cJSON_GetObjectItem(j, "decision");
    CHECK(chose && embedded);
    if (chose && embedded) {
        CHECK_STR_EQ(cJSON_GetObjectItem(chose, "recommended")->valuestring,
                     cJSON_GetObjectItem(embedded, "recommended")->valuestring);
        /* 50 $/M makes fast the most expensive: no longer recommended */
        CHECK(strcmp(cJSON_GetObjectItem(chose, "recommended")->valuestring, "fast") != 0);
        const cJSON *x, *y = cJSON_GetObjectItem(embedded, "backends")->child;
        cJSON_ArrayForEach(x, cJSON_GetObjectItem(chose, "backends")) {
            CHECK_NEAR(cJSON_GetObjectItem(x, "cost_per_1k")->valuedouble,
                       cJSON_GetObjectItem(y, "cost_per_1k")->valuedouble, 1e-12);
            y = y->next;
        }
    }
    cJSON_Delete(chose);
    cJSON_Delete(j);
    free(js);
    free(path);
    free(prices);
    free(rout);

    /* bad input: exit 2 with a message naming the problem */
    static const struct {
        const char *args[6];
        const char *msg;
    } bad[] = {
        { { "report", NULL }, "missing the run folder" },
        { { "report", "/nonexistent/run", NULL }, "/nonexistent/run/results.jsonl" },
        { { "report", "DIR", "--format", "pdf", NULL }, "unknown format \"pdf\"" },
        { { "report", "DIR", "--detect", "chrf", NULL }, "--detect" },
        { { "report", "DIR", "--resamples", "x", NULL }, "--resamples" },
        { { "report", "DIR", "--min-quality", "nosuch=1", NULL }, "no suite of that name" },
        { { "report", "DIR", "--max-monthly-usd", "5", NULL }, "needs --monthly-requests" },
        { { "report", "DIR", "--bogus", NULL }, "--bogus" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *args[8];
        size_t n = 0;
        for (; bad[i].args[n]; n++)
            args[n] = strcmp(bad[i].args[n], "DIR") == 0 ? (char *)known : (char *)bad[i].args[n];
        args[n] = NULL;
        CHECK_INT_EQ(run_assayv(&pr, args), 0);
        CHECK_MSG(pr.status == 2, "%s: exit %d", bad[i].msg, pr.status);
        CHECK_CONTAINS(pr.err, bad[i].msg);
        proc_result_free(&pr);
    }
    /* an empty results.jsonl is bad input too */
    char *empty = test_tmpdir("report-empty");
    fx_write(empty, "results.jsonl", "", 0);
    CHECK_INT_EQ(run_assay(&pr, "report", empty, NULL), 0);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "nothing to report");
    proc_result_free(&pr);
    free(empty);
    CHECK_INT_EQ(run_assay(&pr, "report", "--help", NULL), 0);
    CHECK_INT_EQ(pr.status, 0);
    CHECK_CONTAINS(pr.out, "--monthly-requests");
    CHECK_CONTAINS(pr.out, "--slice TAG");
    proc_result_free(&pr);
    free(dir);
}

/* With repeats, a pass/fail item has a pass rate, not one outcome: the
 * comparison falls back from McNemar to the paired bootstrap on per-item
 * means. */
static void test_repeats(void)
{
    char *dir = test_tmpdir("report-rep");
    const char *meta = "{\"schema\":1,\"suites\":{\"p\":{\"primary_metric\":\"j.pass\"}}}\n";
    fx_write(dir, "run.json", meta, strlen(meta));
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < 6; i++)
        for (int rep = 0; rep < 2; rep++)
            for (int k = 0; k < 2; k++)
                buf_addf(&b, "{\"suite\":\"p\",\"item\":\"q%d\",\"backend\":\"%s\",\"repeat\":%d,"
                             "\"status\":\"ok\",\"scores\":{\"j\":{\"pass\":%s}}}\n",
                         i, k ? "B" : "A", rep, k == 0 || rep == 0 ? "true" : "false");
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    struct fx_report x;
    if (fx_report_build(&x, dir, 0, NULL) == 0) {
        const struct table *pw = report_table(&x.rp, "pairwise");
        size_t r = pair_row(pw, "p", "A", "B");
        CHECK_STR_EQ(text(pw, r, "test"), "paired bootstrap");
        CHECK_NEAR(num(pw, r, "n"), 6, 0);             /* items, not item x repeat */
        CHECK_NEAR(num(pw, r, "mean_b"), 0.5, 1e-12);
        CHECK_NEAR(num(pw, r, "diff"), 0.5, 1e-12);
        CHECK_STR_EQ(text(pw, r, "verdict"), "A better");
        fx_report_release(&x);
    } else {
        CHECK(0);
    }
    free(dir);
}

/* Rows and pairs follow run.json's order (the config's), not the order
 * requests happened to finish in. */
static void test_order(void)
{
    char *dir = test_tmpdir("report-order");
    const char *meta = "{\"schema\":1,\"suites\":{\"t2\":{\"primary_metric\":\"m.f\"},"
                       "\"t1\":{\"primary_metric\":\"m.f\"}},"
                       "\"backends\":[{\"name\":\"Z\"},{\"name\":\"Y\"}]}\n";
    fx_write(dir, "run.json", meta, strlen(meta));
    struct buf b;
    buf_init(&b, 0);
    for (int s = 1; s <= 2; s++)
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 2; k++)     /* Y finishes first */
                buf_addf(&b, "{\"suite\":\"t%d\",\"item\":\"i%d\",\"backend\":\"%s\","
                             "\"status\":\"ok\",\"scores\":{\"m\":{\"f\":%g}}}\n",
                         s, i, k ? "Z" : "Y", k ? 0.9 - 0.01 * i : 0.1 + 0.01 * i);
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    struct fx_report x;
    if (fx_report_build(&x, dir, 0, NULL) == 0) {
        CHECK_STR_EQ(x.rp.backends[0], "Z");
        CHECK_STR_EQ(x.rp.suites[0], "t2");
        const struct table *s = report_table(&x.rp, "summary");
        CHECK_STR_EQ(text(s, 0, "suite"), "t2");
        CHECK_STR_EQ(text(s, 0, "backend"), "Z");
        const struct table *pw = report_table(&x.rp, "pairwise");
        CHECK_STR_EQ(text(pw, 0, "a"), "Z");
        CHECK(num(pw, 0, "diff") > 0);
        fx_report_release(&x);
    } else {
        CHECK(0);
    }
    free(dir);
}

/* The HTML headline in its three cases: a single backend (with the
 * cheaper per-suite routing beside it), routing only, nothing. */
static void test_headline(void)
{
    char *dir = test_tmpdir("report-headline");
    const char *meta = "{\"schema\":1,\"suites\":{\"sum\":{\"primary_metric\":\"m.f\"},"
                       "\"ext\":{\"primary_metric\":\"m.f\"}},\"backends\":[{\"name\":\"strong\"},"
                       "{\"name\":\"fast\"},{\"name\":\"special\"}]}\n";
    fx_write(dir, "run.json", meta, strlen(meta));
    static const struct { const char *name; double sum, ext, cost, e2e; } be[] = {
        { "strong", 0.9, 0.9, 0.01, 2000 }, { "fast", 0.8, 0.5, 0.001, 300 },
        { "special", 0.3, 0.95, 0.002, 400 },
    };
    struct buf b;
    buf_init(&b, 0);
    for (size_t k = 0; k < 3; k++)
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < 20; i++)
                buf_addf(&b, "{\"suite\":\"%s\",\"item\":\"i%d\",\"backend\":\"%s\","
                             "\"status\":\"ok\",\"timing\":{\"start_ms\":%d,\"e2e_ms\":%g},"
                             "\"cost\":{\"usd\":%g},\"scores\":{\"m\":{\"f\":%g}}}\n",
                         s ? "ext" : "sum", i, be[k].name, 10 * i, be[k].e2e + i, be[k].cost,
                         s ? be[k].ext : be[k].sum);
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    static const struct { double p95, sum_floor; const char *want; } cases[] = {
        { NAN, 0.7, "id=\"recommendation\">Recommended: <strong>strong</strong><br>Cheaper, "
                    "routing per suite: sum &rarr; <strong>fast</strong>, ext &rarr; "
                    "<strong>special</strong> ($1.50 instead of $10.00 per 1,000 requests)</p>" },
        { 1000, 0.7, "id=\"recommendation\">No single backend meets every constraint; route per "
                     "suite: sum &rarr; <strong>fast</strong>, ext &rarr; <strong>special</strong></p>" },
        { NAN, 0.99, "class=\"verdict none\" id=\"recommendation\">No backend meets every "
                     "constraint" },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct run r;
        struct aggregate a;
        struct constraints c;
        struct decision dc;
        struct report rp;
        struct diag d;
        diag_init(&d);
        constraints_init(&c);
        char floor[64];
        snprintf(floor, sizeof(floor), "sum=%g", cases[k].sum_floor);
        CHECK_INT_EQ(constraints_add_floor(&c, floor, &d), 0);
        CHECK_INT_EQ(constraints_add_floor(&c, "ext=0.85", &d), 0);
        c.max_p95_ms = cases[k].p95;
        struct agg_options ao = { 0.95, 100, 1, NULL };
        struct report_options ro = { 0.05, 0.8, NULL, 0, NULL, 0 };
        CHECK_INT_EQ(run_load(dir, 1, &r, &d), 0);
        CHECK_INT_EQ(aggregate_run(&r, &ao, &a, &d), 0);
        CHECK_INT_EQ(decide(&r, &a, &c, &dc, &d), 0);
        CHECK_INT_EQ(report_build(&rp, &r, &a, &c, &dc, &ro, &d), 0);
        struct buf h;
        buf_init(&h, 0);
        html_render(&rp, NULL, &h);
        CHECK_CONTAINS(h.ptr, cases[k].want);
        buf_release(&h);
        report_release(&rp);
        decision_release(&dc);
        aggregate_release(&a);
        run_release(&r);
        constraints_release(&c);
    }
    free(dir);
}

/* Names from records must not become markup in any format. */
static void test_escaping(void)
{
    char *dir = test_tmpdir("report-esc");
    const char *evil = "<img src=x onerror=alert(1)>|a,\\\"b\\\"";
    struct buf b;
    buf_init(&b, 0);
    buf_adds(&b, "{\"schema\":1,\"suites\":{\"s\":{\"primary_metric\":\"m.f\"}}}\n");
    fx_write(dir, "run.json", b.ptr, b.len);
    buf_reset(&b);
    for (int i = 0; i < 3; i++)
        buf_addf(&b, "{\"suite\":\"s\",\"item\":\"i%d\",\"backend\":\"%s\",\"status\":\"ok\","
                     "\"timing\":{\"e2e_ms\":%d},\"scores\":{\"m\":{\"f\":0.5}}}\n", i, evil,
                 100 + i);
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    struct fx_report x;
    if (fx_report_build(&x, dir, 0, NULL) < 0) {
        CHECK(0);
        free(dir);
        return;
    }
    struct buf h;
    buf_init(&h, 0);
    html_render(&x.rp, NULL, &h);
    CHECK(!strstr(h.ptr, "<img"));
    CHECK_CONTAINS(h.ptr, "&lt;img src=x onerror=alert(1)&gt;|a,&quot;b&quot;");
    buf_reset(&h);
    report_render_md(&x.rp, &h);
    for (const char *p = h.ptr; (p = strstr(p, "<img")); p++)
        CHECK(p > h.ptr && p[-1] == '\\');     /* always escaped */
    CHECK_CONTAINS(h.ptr, "\\<img src=x onerror=alert(1)\\>\\|a,\"b\"");
    buf_reset(&h);
    table_render_csv(report_table(&x.rp, "summary"), &h);
    CHECK_CONTAINS(h.ptr, "s,\"<img src=x onerror=alert(1)>|a,\"\"b\"\"\",3,");
    buf_release(&h);
    fx_report_release(&x);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--fixture") == 0) {
        struct fx_options o = { 0 };
        free(fx_make_run(argv[2], &o));
        return 0;
    }
    char *known = known_run();
    test_known_figures(known);
    test_monthly_and_pricing_file(known);
    test_phases();
    test_fixture();
    test_cli(known);
    test_repeats();
    test_order();
    test_headline();
    test_escaping();
    free(known);
    return check_done();
}
