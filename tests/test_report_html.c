/* test_report_html.c -- report.html rendered by headless Chromium
 * (Debian's chromium, installed by scripts/deps.sh), asserting on what
 * renders: the recommendation and the decision's reasons, the table rows,
 * the inline SVG plots (or the sentence saying why plots were skipped),
 * escaped names shown as text, no script, and a screenshot that is a
 * real picture. Skips (77) when chromium is not installed. Two browser
 * runs of a second or two each: --dump-dom, then --screenshot. */
#include "check.h"
#include "report_fixture.h"
#include "support/proc.h"

#include "harness/util/fileio.h"

#include <unistd.h>

static char *find_program(const char *const *names)
{
    const char *env = getenv("CHROMIUM");
    if (env && *env)
        return access(env, X_OK) == 0 ? xstrdup(env) : NULL;
    const char *path = getenv("PATH");
    for (size_t i = 0; path && names[i]; i++) {
        char *copy = xstrdup(path), *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
            char *p = xasprintf("%s/%s", dir, names[i]);
            if (access(p, X_OK) == 0) {
                free(copy);
                return p;
            }
            free(p);
        }
        free(copy);
    }
    return NULL;
}

/* Runs chromium headless on url with one extra flag; stdout in *r. */
static int chromium(const char *bin, const char *url, const char *flag, const char *profile,
                    struct proc_result *r)
{
    char *user_dir = xasprintf("--user-data-dir=%s", profile);
    char *const argv[] = {
        (char *)bin, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-dev-shm-usage", "--window-size=1280,2000",
        user_dir, (char *)flag, (char *)url, NULL,
    };
    int rc = proc_run(argv, NULL, 120, r);
    free(user_dir);
    return rc;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Rows in the body of the table marked data-table="key". */
static size_t body_rows(const char *dom, const char *key)
{
    char mark[96];
    snprintf(mark, sizeof(mark), "data-table=\"%s\"", key);
    const char *t = strstr(dom, mark);
    const char *body = t ? strstr(t, "<tbody>") : NULL;
    const char *end = body ? strstr(body, "</tbody>") : NULL;
    if (!end)
        return 0;
    size_t n = 0;
    for (const char *p = body; (p = strstr(p, "<tr")) && p < end; p++)
        n++;
    return n;
}

/* Replaces every "from" by "to" in dir/name. */
static void replace_in(const char *dir, const char *name, const char *from, const char *to)
{
    char *path = xasprintf("%s/%s", dir, name);
    struct buf in, out;
    struct diag d;
    buf_init(&in, 0);
    buf_init(&out, 0);
    diag_init(&d);
    CHECK_INT_EQ(file_read(path, &in, 0, &d), 0);
    for (const char *p = in.ptr; *p;) {
        const char *hit = strstr(p, from);
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        buf_add(&out, p, n);
        if (!hit)
            break;
        buf_adds(&out, to);
        p = hit + strlen(from);
    }
    fx_write(dir, name, out.ptr, out.len);
    buf_release(&in);
    buf_release(&out);
    free(path);
}

int main(void)
{
    static const char *const names[] = { "chromium", "chromium-browser", NULL };
    char *bin = find_program(names);
    if (!bin)
        CHECK_SKIP("chromium is not installed (Debian package chromium; scripts/deps.sh "
                   "installs it): report.html not rendered");

    /* The fixture, with one backend renamed to something that would be
     * markup if it were not escaped. */
    char *dir = test_tmpdir("report-html");
    struct fx_options o = { 0 };
    free(fx_make_run(dir, &o));
    replace_in(dir, "run.json", "\"flaky\"", "\"<i>flaky</i>\"");
    replace_in(dir, "results.jsonl", "\"flaky\"", "\"<i>flaky</i>\"");
    struct proc_result pr;
    CHECK_INT_EQ(run_assay(&pr, "report", dir, "--format", "html", "--max-p95-ms", "2500",
                           "--monthly-requests", "1000000", NULL), 0);
    CHECK_INT_EQ(pr.status, 0);
    int plots_drawn = !strstr(pr.err, "plots skipped");
    proc_result_free(&pr);

    char *html = xasprintf("%s/report/report.html", dir);
    char *url = xasprintf("file://%s", html);
    char *profile = test_tmpdir("chromium-profile");
    CHECK_INT_EQ(chromium(bin, url, "--dump-dom", profile, &pr), 0);
    CHECK_MSG(pr.status == 0, "chromium exit %d: %s", pr.status, pr.err);
    const char *dom = pr.out ? pr.out : "";
    /* the decision, as rendered */
    CHECK_CONTAINS(dom, "id=\"recommendation\">Recommended: <strong>fast</strong>");
    CHECK_CONTAINS(dom, "strong: p95 2,");                /* why strong is out */
    CHECK_CONTAINS(dom, "Constraints: p95 &lt;= 2,500 ms");
    /* tables: 3 suites x 4 backends, plus 4 pooled rows where pooling applies */
    CHECK_INT_EQ(body_rows(dom, "summary"), 12);
    CHECK_INT_EQ(body_rows(dom, "latency_e2e"), 16);
    CHECK_INT_EQ(body_rows(dom, "cost"), 16);
    CHECK_INT_EQ(body_rows(dom, "pairwise"), 18);
    CHECK_CONTAINS(dom, "<td>translation</td><td>strong</td>");
    CHECK_CONTAINS(dom, "strong better");
    /* plots: one inline SVG per figure (9 per-suite plots + CDF + TTFT) */
    if (plots_drawn) {
        CHECK_INT_EQ(count(dom, "<svg"), 11);
        CHECK_INT_EQ(count(dom, "<figure"), 11);
        CHECK_CONTAINS(dom, "id=\"plot-latency_cdf\"");
        CHECK_CONTAINS(dom, "id=\"plot-quality_cost_translation\"");
    } else {
        CHECK_CONTAINS(dom, "Plots were skipped");
    }
    CHECK(!strstr(dom, "<script"));
    CHECK(!strstr(dom, "<i>"));                           /* the name stayed text */
    CHECK_CONTAINS(dom, "<td>&lt;i&gt;flaky&lt;/i&gt;</td>");
    CHECK_CONTAINS(dom, "</footer>");                     /* rendered to the end */
    proc_result_free(&pr);

    /* A screenshot: the page paints (a PNG of real size). */
    char *shot = xasprintf("%s/shot.png", dir);
    char *flag = xasprintf("--screenshot=%s", shot);
    CHECK_INT_EQ(chromium(bin, url, flag, profile, &pr), 0);
    CHECK_MSG(pr.status == 0, "chromium exit %d: %s", pr.status, pr.err);
    proc_result_free(&pr);
    struct buf b;
    struct diag d;
    buf_init(&b, 0);
    diag_init(&d);
    CHECK_MSG(file_read(shot, &b, 0, &d) == 0 && b.len > 20000 && memcmp(b.ptr, "\x89PNG", 4) == 0,
              "screenshot %s: %zu bytes", shot, b.len);
    buf_release(&b);
    free(flag);
    free(shot);
    free(profile);
    free(url);
    free(html);
    free(dir);
    free(bin);
    return check_done();
}
