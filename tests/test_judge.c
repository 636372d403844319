/* test_judge.c -- LLM-as-judge building blocks: score parsing on a table
 * of judge replies (JSON, labelled, fractions, last line, ambiguous,
 * out-of-range, wrong denominator), template checks and rendering, the
 * rubric options, the scores object and the refusal of score(). */
#include "check.h"

#include "scorers/judge.h"
#include "scorers/scorer.h"

struct row {
    const char *reply;
    double min, max;
    int ok;
    double raw;
    const char *how;
    const char *reason;     /* substring of the reason (failure, or the judge's own) */
};

static const struct row rows[] = {
    /* JSON first, fenced or in prose, numeric strings too */
    { "{\"score\": 7, \"reason\": \"Accurate but terse.\"}", 1, 10, 1, 7, "json", "Accurate but terse." },
    { "```json\n{\"Score\": 4.5}\n```", 1, 5, 1, 4.5, "json", "" },
    { "My verdict: {\"rating\": \"8/10\", \"explanation\": \"good\"}", 1, 10, 1, 8, "json", "good" },
    { "{\"score\": \"high\"}", 1, 10, 0, 0, "json", "not a number" },
    { "{\"score\": 11}", 1, 10, 0, 0, "json", "score 11 is outside the rubric's scale 1..10" },
    { "{\"verdict\": \"fine\"}\nScore: 6", 1, 10, 1, 6, "labelled", "" },      /* JSON without a score */
    /* final/overall beats per-criterion scores */
    { "Accuracy score: 8/10\nFluency score: 6/10\nOverall score: 7/10", 1, 10, 1, 7, "final", "" },
    { "Final Rating - 3", 1, 5, 1, 3, "final", "" },
    /* labelled */
    { "**Score:** 9/10\nThe answer is complete.", 1, 10, 1, 9, "labelled", "" },
    { "Rating: 4 out of 5", 1, 5, 1, 4, "labelled", "" },
    { "The score is 6. A score of 6 reflects minor errors.", 1, 10, 1, 6, "labelled", "" },
    { "Score: 6\n...on reflection, Score: 8", 1, 10, 0, 0, "labelled", "ambiguous: the reply gives both 6 and 8" },
    { "Score: 4/5", 1, 10, 0, 0, "labelled", "scored 4 out of 5, but the rubric's scale is 1..10" },
    /* fractions: only out of the scale's maximum */
    { "I would give this answer 7 out of 10.", 1, 10, 1, 7, "fraction", "" },
    { "It covers 2/3 of the facts; overall 8/10.", 1, 10, 1, 8, "fraction", "" },
    { "Between 6/10 and 7/10.", 1, 10, 0, 0, "fraction", "ambiguous" },
    /* a bare number on the last line */
    { "The answer is mostly right but misses a date.\n\n**7**\n", 1, 10, 1, 7, "last line", "" },
    { "Reasoning...\n3.", 0, 5, 1, 3, "last line", "" },
    { "0", 0, 1, 1, 0, "last line", "" },
    /* nothing usable */
    { "I cannot evaluate this.", 1, 10, 0, 0, "none", "no score found" },
    { "It is the 3rd best answer of 10 I saw today", 1, 10, 0, 0, "none", "no score found" },
    { "", 1, 10, 0, 0, "none", "no score found" },
};

static void test_parse(void)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct judge_parse p;
        struct judge_scale s = { r->min, r->max };
        judge_parse_score(r->reply, strlen(r->reply), s, &p);
        CHECK_MSG(p.ok == r->ok, "row %zu: ok %d (%s)", i, p.ok, p.reason);
        CHECK_MSG(strcmp(p.how, r->how) == 0, "row %zu: how %s, want %s", i, p.how, r->how);
        CHECK_MSG(strstr(p.reason, r->reason) != NULL, "row %zu: reason \"%s\" lacks \"%s\"", i,
                  p.reason, r->reason);
        if (r->ok) {
            CHECK_NEAR(p.raw, r->raw, 0);
            CHECK_NEAR(p.score, (r->raw - r->min) / (r->max - r->min), 1e-15);
        }
    }
}

static void test_templates(void)
{
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(judge_check_template("Q: {{input}} A: {{ output }} R: {{reference}} "
                                      "C: {{criteria}} {{min}}-{{max}}", "s.json", "t", &d), 0);
    diag_init(&d);
    CHECK_INT_EQ(judge_check_template("{{input}} {{answer}}", "s.json", "scorers[3].options.template", &d), -1);
    CHECK_STR_EQ(d.path, "scorers[3].options.template");
    CHECK_CONTAINS(d.msg, "unknown placeholder {{answer}}");
    diag_init(&d);
    CHECK_INT_EQ(judge_check_template("{{output} oops", "s.json", "t", &d), -1);
    CHECK_CONTAINS(d.msg, "never closed");

    struct buf b;
    buf_init(&b, 0);
    struct judge_vars v = { "What is 2+2?", "4", NULL, "Correctness" };
    struct judge_scale s = { 1, 5 };
    diag_init(&d);
    CHECK_INT_EQ(judge_render("[{{criteria}}] {{input}} -> {{output}} ({{min}}..{{max}}) {x}", &v, s, &b, &d), 0);
    CHECK_STR_EQ(b.ptr, "[Correctness] What is 2+2? -> 4 (1..5) {x}");
    buf_reset(&b);
    diag_init(&d);
    CHECK_INT_EQ(judge_render("ref: {{reference}}", &v, s, &b, &d), -1);
    CHECK_CONTAINS(d.msg, "uses {{reference}} but this item has none");
    buf_release(&b);
}

static void *configure(const char *options, struct diag *d)
{
    cJSON *o = cJSON_Parse(options);
    void *st = scorer_find("judge")->configure(o, "suites/s.json", "scorers[3].options", d);
    cJSON_Delete(o);
    return st;
}

static void test_rubric(void)
{
    struct diag d;
    diag_init(&d);
    struct judge_rubric *r = configure("{\"backend\": \"judge-strong\", \"criteria\": \"Is the "
                                       "summary faithful?\", \"scale\": [1, 5], "
                                       "\"pass_threshold\": 0.75}", &d);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_STR_EQ(judge_rubric_backend(r), "judge-strong");
    CHECK(judge_rubric_scale(r).max == 5);

    /* the default prompt shows criteria, input, answer and the scale, and
     * the reference only when there is one */
    struct buf b;
    buf_init(&b, 0);
    CHECK_INT_EQ(judge_render_rubric(r, "Summarise the memo.", "The memo says X.", NULL, &b, &d), 0);
    CHECK_CONTAINS(b.ptr, "Is the summary faithful?");
    CHECK_CONTAINS(b.ptr, "<input>\nSummarise the memo.\n</input>");
    CHECK_CONTAINS(b.ptr, "<answer>\nThe memo says X.\n</answer>");
    CHECK_CONTAINS(b.ptr, "from 1 (worst) to 5 (best)");
    CHECK(strstr(b.ptr, "<reference>") == NULL);
    buf_reset(&b);
    CHECK_INT_EQ(judge_render_rubric(r, "in", "out", "The memo says Y.", &b, &d), 0);
    CHECK_CONTAINS(b.ptr, "<reference>\nThe memo says Y.\n</reference>");
    buf_release(&b);

    cJSON *out = cJSON_CreateObject();
    const char *reply = "{\"score\": 4, \"reason\": \"One claim is unsupported.\"}";
    judge_fill_scores(r, reply, strlen(reply), out);
    CHECK_NEAR(cJSON_GetObjectItem(out, "score")->valuedouble, 0.75, 1e-15);
    CHECK(cJSON_GetObjectItem(out, "raw")->valuedouble == 4);
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "how")->valuestring, "json");
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "One claim is unsupported.");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(out, "pass")));
    cJSON_Delete(out);

    out = cJSON_CreateObject();
    judge_fill_scores(r, "Hmm.", 4, out);
    CHECK(cJSON_GetObjectItem(out, "score") == NULL);             /* not a 0: unscored */
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(out, "parsed")));
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "reason")->valuestring, "no score found in the judge's reply");
    cJSON_Delete(out);

    /* score() refuses: only the run engine can ask the judge */
    struct score_item it = { "x", NULL, 0, NULL, NULL };
    out = cJSON_CreateObject();
    diag_init(&d);
    CHECK_INT_EQ(scorer_find("judge")->score(r, &it, out, &d), -1);
    CHECK_CONTAINS(d.msg, "judge-strong");
    cJSON_Delete(out);
    scorer_find("judge")->release(r);

    static const struct { const char *opts, *path, *msg; } bad[] = {
        { "{\"criteria\": \"x\"}", "scorers[3].options.backend", "missing, required" },
        { "{\"backend\": \"j\"}", "scorers[3].options.criteria", "missing, required" },
        { "{\"backend\": \"j\", \"criteria\": \"c\", \"scale\": [5, 1]}", "scorers[3].options.scale",
          "0 <= min < max" },
        { "{\"backend\": \"j\", \"criteria\": \"c\", \"template\": \"{{input}} only\"}",
          "scorers[3].options.template", "never shows the judge the answer" },
        { "{\"backend\": \"j\", \"criteria\": \"c\", \"template\": \"{{output}} {{gold}}\"}",
          "scorers[3].options.template", "unknown placeholder {{gold}}" },
        { "{\"backend\": \"j\", \"criteria\": \"c\", \"pass_threshold\": 7}",
          "scorers[3].options.pass_threshold", "from 0 to 1" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        diag_init(&d);
        CHECK(configure(bad[i].opts, &d) == NULL);
        CHECK_STR_EQ(d.path, bad[i].path);
        CHECK_CONTAINS(d.msg, bad[i].msg);
    }
}

int main(void)
{
    test_parse();
    test_templates();
    test_rubric();
    return check_done();
}
