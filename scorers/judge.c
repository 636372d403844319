/* judge.c -- rubric templates and judge-score parsing (judge.h).
 *
 * Parsing is deliberately conservative: a judge score that is misread is
 * worse than one reported missing, because it silently moves a model's
 * mean. So the levels of judge.h are tried from the most explicit (JSON)
 * to the least (a number alone on the last line), the first level that has
 * a number decides, every number on that level must agree, fractions must
 * be out of the rubric's maximum and values inside its range. The patterns
 * are PCRE2 (UTF, case-insensitive), compiled once per rubric. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "judge.h"

#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "jsonfind.h"
#include "scorer.h"

/* ==== templates ================================================================ */

static const char *const placeholders[] = {
    "input", "output", "reference", "criteria", "min", "max", NULL,
};

static const char default_template[] =
    "You are an impartial judge of answers written by an AI assistant.\n\n"
    "Criteria:\n{{criteria}}\n\n"
    "Question or task given to the assistant:\n<input>\n{{input}}\n</input>\n\n"
    "The assistant's answer:\n<answer>\n{{output}}\n</answer>\n\n"
    "Rate the answer against the criteria on a scale from {{min}} (worst) to {{max}} (best). "
    "Reply with one JSON object and nothing else: "
    "{\"score\": <a number from {{min}} to {{max}}>, \"reason\": \"<one or two sentences>\"}";

static const char default_template_with_reference[] =
    "You are an impartial judge of answers written by an AI assistant.\n\n"
    "Criteria:\n{{criteria}}\n\n"
    "Question or task given to the assistant:\n<input>\n{{input}}\n</input>\n\n"
    "A reference answer:\n<reference>\n{{reference}}\n</reference>\n\n"
    "The assistant's answer:\n<answer>\n{{output}}\n</answer>\n\n"
    "Rate the answer against the criteria, using the reference as a guide, on a scale from "
    "{{min}} (worst) to {{max}} (best). Reply with one JSON object and nothing else: "
    "{\"score\": <a number from {{min}} to {{max}}>, \"reason\": \"<one or two sentences>\"}";

/* Finds the next {{name}} at or after p: returns its start, the name span
 * (trimmed) and the end; NULL when there is none. *bad is set when a "{{"
 * is never closed. */
static const char *next_placeholder(const char *p, const char **name, size_t *name_n,
                                    const char **end, int *bad)
{
    *bad = 0;
    const char *open = strstr(p, "{{");
    if (!open)
        return NULL;
    const char *close = strstr(open + 2, "}}");
    if (!close) {
        *bad = 1;
        return open;
    }
    const char *a = open + 2, *b = close;
    while (a < b && (*a == ' ' || *a == '\t'))
        a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
        b--;
    *name = a;
    *name_n = (size_t)(b - a);
    *end = close + 2;
    return open;
}

static int known_placeholder(const char *name, size_t n)
{
    for (size_t i = 0; placeholders[i]; i++)
        if (strlen(placeholders[i]) == n && memcmp(placeholders[i], name, n) == 0)
            return 1;
    return 0;
}

int judge_check_template(const char *tmpl, const char *file, const char *path, struct diag *d)
{
    int rc = 0;
    const char *name, *end;
    size_t name_n;
    int bad;
    for (const char *p = tmpl, *at; (at = next_placeholder(p, &name, &name_n, &end, &bad));) {
        if (bad)
            return diag_fail_at(d, file, 0, path, "\"{{\" at byte %zu is never closed with \"}}\"",
                                (size_t)(at - tmpl));
        if (!known_placeholder(name, name_n))
            rc = diag_fail_at(d, file, 0, path, "unknown placeholder {{%.*s}} (known: input, "
                              "output, reference, criteria, min, max)", (int)name_n, name);
        p = end;
    }
    return rc;
}

static int uses_placeholder(const char *tmpl, const char *want)
{
    const char *name, *end;
    size_t name_n;
    int bad;
    for (const char *p = tmpl, *at; (at = next_placeholder(p, &name, &name_n, &end, &bad)) && !bad;
         p = end)
        if (name_n == strlen(want) && memcmp(name, want, name_n) == 0)
            return 1;
    return 0;
}

static void add_number(struct buf *out, double x)
{
    buf_addf(out, "%.10g", x);
}

int judge_render(const char *tmpl, const struct judge_vars *v, struct judge_scale scale,
                 struct buf *out, struct diag *d)
{
    const char *name, *end;
    size_t name_n;
    int bad;
    const char *p = tmpl;
    for (const char *at; (at = next_placeholder(p, &name, &name_n, &end, &bad));) {
        if (bad)
            return diag_fail(d, "unclosed \"{{\" in the judge template");
        buf_add(out, p, (size_t)(at - p));
        const char *val = NULL;
        int is_num = 0;
        double num = 0;
#define IS(s) (name_n == strlen(s) && memcmp(name, s, name_n) == 0)
        if (IS("input"))
            val = v->input;
        else if (IS("output"))
            val = v->output;
        else if (IS("reference"))
            val = v->reference;
        else if (IS("criteria"))
            val = v->criteria;
        else if (IS("min"))
            is_num = 1, num = scale.min;
        else if (IS("max"))
            is_num = 1, num = scale.max;
        else
            return diag_fail(d, "unknown placeholder {{%.*s}} in the judge template",
                             (int)name_n, name);
#undef IS
        if (is_num)
            add_number(out, num);
        else if (val)
            buf_adds(out, val);
        else
            return diag_fail(d, "the judge template uses {{%.*s}} but this item has none",
                             (int)name_n, name);
        p = end;
    }
    buf_adds(out, p);
    return 0;
}

/* ==== score parsing ============================================================== */

#define NUM "([0-9]+(?:\\.[0-9]+)?)"
#define OUTOF "(?:[ \\t]*(?:/|out[ \\t]+of)[ \\t]*" NUM ")?"
#define DECO "[*_]*[ \\t]*"

static const struct { const char *how, *pattern; } levels[] = {
    { "final", "\\b(?:final|overall|total)[ \\t]+(?:score|rating|grade)" DECO
               "(?:[:=\\x{2013}\\x{2014}-]|\\bis\\b|\\bof\\b)?" DECO NUM OUTOF },
    { "labelled", "\\b(?:score|rating|grade)" DECO "(?:[:=]|\\bis\\b|\\bof\\b)" DECO NUM OUTOF },
    { "fraction", "(?<![0-9.])" NUM "[ \\t]*(?:/|out[ \\t]+of)[ \\t]*" NUM "(?!\\.?[0-9])" },
};

static const char last_line_pattern[] = "^[\\s*_#>\"'(\\[]*" NUM "[\\s*_.)\\]\"'!]*$";
static const char bare_pattern[] = "^\\s*" NUM OUTOF "\\s*$";

static pcre2_code *compile(const char *pattern)
{
    int err;
    PCRE2_SIZE off;
    return pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                         PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &err, &off, NULL);
}

static double group_value(const char *s, PCRE2_SIZE *ov, int g, int rc)
{
    if (g >= rc || ov[2 * g] == PCRE2_UNSET)
        return NAN;
    return strtod(s + ov[2 * g], NULL);
}

static void fail(struct judge_parse *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct judge_parse *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
    va_end(ap);
    out->ok = 0;
}

/* Checks and records one value found by `how`. Returns 1 when decided. */
static int decide(struct judge_parse *out, const char *how, double raw, double denom,
                  struct judge_scale scale)
{
    out->how = how;
    if (!isnan(denom) && denom != scale.max) {
        fail(out, "the judge scored %g out of %g, but the rubric's scale is %g..%g", raw, denom,
             scale.min, scale.max);
        return 1;
    }
    if (raw < scale.min || raw > scale.max) {
        fail(out, "score %g is outside the rubric's scale %g..%g", raw, scale.min, scale.max);
        return 1;
    }
    out->ok = 1;
    out->raw = raw;
    out->score = (raw - scale.min) / (scale.max - scale.min);
    return 1;
}

/* JSON level: the first object with a score member. */
static int from_json(const char *reply, size_t n, struct judge_scale scale,
                     struct judge_parse *out)
{
    static const char *const keys[] = { "score", "rating", "grade", "overall_score",
                                        "final_score", NULL };
    static const char *const reasons[] = { "reason", "explanation", "rationale",
                                           "justification", NULL };
    struct jsonfind f;
    if (jsonfind(reply, n, JSONFIND_OBJECT, &f) < 0 || !cJSON_IsObject(f.value)) {
        cJSON_Delete(f.value);
        return 0;
    }
    const cJSON *v = NULL;
    for (size_t i = 0; keys[i] && !v; i++)
        v = cJSON_GetObjectItem(f.value, keys[i]);      /* case-insensitive */
    int decided = 0;
    if (cJSON_IsNumber(v)) {
        decided = decide(out, "json", v->valuedouble, NAN, scale);
    } else if (cJSON_IsString(v)) {
        pcre2_code *re = compile(bare_pattern);
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
        int rc = pcre2_match(re, (PCRE2_SPTR)v->valuestring, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
        if (rc > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            decided = decide(out, "json", group_value(v->valuestring, ov, 1, rc),
                             group_value(v->valuestring, ov, 2, rc), scale);
        } else {
            fail(out, "the JSON \"%s\" is \"%.60s\", not a number", v->string, v->valuestring);
            out->how = "json";
            decided = 1;
        }
        pcre2_match_data_free(md);
        pcre2_code_free(re);
    } else if (v) {
        fail(out, "the JSON \"%s\" is %s, not a number", v->string, json_kind(v));
        out->how = "json";
        decided = 1;
    }
    if (decided && out->ok) {
        for (size_t i = 0; reasons[i]; i++) {
            const cJSON *r = cJSON_GetObjectItem(f.value, reasons[i]);
            if (cJSON_IsString(r)) {
                snprintf(out->reason, sizeof(out->reason), "%s", r->valuestring);
                break;
            }
        }
    }
    cJSON_Delete(f.value);
    return decided;
}

/* A text level: every match must agree. Returns 1 when it decided. */
static int from_level(const char *reply, size_t n, size_t level, struct judge_scale scale,
                      struct judge_parse *out)
{
    pcre2_code *re = compile(levels[level].pattern);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int found = 0, conflict = 0;
    double first = NAN, first_den = NAN, other = NAN;
    PCRE2_SIZE at = 0;
    while (at <= n) {
        int rc = pcre2_match(re, (PCRE2_SPTR)reply, n, at, 0, md, NULL);
        if (rc <= 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        double v = group_value(reply, ov, 1, rc), den = group_value(reply, ov, 2, rc);
        at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        if (strcmp(levels[level].how, "fraction") == 0 && den != scale.max)
            continue;                                   /* "2/3 of the facts" */
        if (!found) {
            first = v;
            first_den = den;
            found = 1;
        } else if (v != first && !conflict) {
            conflict = 1;
            other = v;
        }
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    if (!found)
        return 0;
    if (conflict) {
        out->how = levels[level].how;
        fail(out, "ambiguous: the reply gives both %g and %g as the score", first, other);
        return 1;
    }
    return decide(out, levels[level].how, first, first_den, scale);
}

static int from_last_line(const char *reply, size_t n, struct judge_scale scale,
                          struct judge_parse *out)
{
    size_t e = n;
    while (e > 0 && (reply[e - 1] == '\n' || reply[e - 1] == '\r' || reply[e - 1] == ' '
                     || reply[e - 1] == '\t'))
        e--;
    size_t b = e;
    while (b > 0 && reply[b - 1] != '\n')
        b--;
    if (b == e)
        return 0;
    pcre2_code *re = compile(last_line_pattern);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)reply + b, e - b, 0, 0, md, NULL);
    int decided = 0;
    if (rc > 0)
        decided = decide(out, "last line",
                         group_value(reply + b, pcre2_get_ovector_pointer(md), 1, rc), NAN, scale);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return decided;
}

void judge_parse_score(const char *reply, size_t n, struct judge_scale scale,
                       struct judge_parse *out)
{
    memset(out, 0, sizeof(*out));
    out->how = "none";
    if (from_json(reply, n, scale, out))
        return;
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (from_level(reply, n, i, scale, out))
            return;
    if (from_last_line(reply, n, scale, out))
        return;
    fail(out, "no score found in the judge's reply");
}

/* ==== the rubric (state of the "judge" scorer) ====================================== */

struct judge_rubric {
    char *backend;
    char *criteria;
    char *template;             /* NULL: a default one, chosen per item */
    struct judge_scale scale;
    double pass_threshold;      /* < 0: no "pass" */
};

const char *judge_rubric_backend(const struct judge_rubric *r)
{
    return r->backend;
}

struct judge_scale judge_rubric_scale(const struct judge_rubric *r)
{
    return r->scale;
}

int judge_render_rubric(const struct judge_rubric *r, const char *input, const char *output,
                        const char *reference, struct buf *out, struct diag *d)
{
    struct judge_vars v = { input, output, reference, r->criteria };
    const char *tmpl = r->template ? r->template
                     : reference ? default_template_with_reference : default_template;
    return judge_render(tmpl, &v, r->scale, out, d);
}

void judge_fill_scores(const struct judge_rubric *r, const char *judge_reply, size_t n,
                       cJSON *out)
{
    struct judge_parse p;
    judge_parse_score(judge_reply ? judge_reply : "", judge_reply ? n : 0, r->scale, &p);
    if (!p.ok) {
        cJSON_AddBoolToObject(out, "parsed", 0);
        cJSON_AddStringToObject(out, "reason", p.reason);
        return;
    }
    cJSON_AddNumberToObject(out, "score", p.score);
    cJSON_AddNumberToObject(out, "raw", p.raw);
    cJSON_AddStringToObject(out, "how", p.how);
    if (p.reason[0])
        cJSON_AddStringToObject(out, "reason", p.reason);
    if (r->pass_threshold >= 0)
        cJSON_AddBoolToObject(out, "pass", p.score >= r->pass_threshold);
}

static void judge_release(void *state)
{
    struct judge_rubric *r = state;
    if (!r)
        return;
    free(r->backend);
    free(r->criteria);
    free(r->template);
    free(r);
}

static void *judge_configure(const cJSON *options, const char *file, const char *path,
                             struct diag *d)
{
    static const char *const keys[] = { "backend", "criteria", "template", "scale",
                                        "pass_threshold", NULL };
    if (!cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object with \"backend\" and \"criteria\"");
        return NULL;
    }
    struct judge_rubric *r = xcalloc(1, sizeof(*r));
    r->scale.min = 1;
    r->scale.max = 10;
    r->pass_threshold = -1;
    const char *backend = NULL, *criteria = NULL, *tmpl = NULL;
    const cJSON *scale = NULL;
    if (jv_known_keys(options, keys, file, path, d) < 0
        || jv_string(options, "backend", file, path, 1, &backend, d) < 0
        || jv_string(options, "criteria", file, path, 1, &criteria, d) < 0
        || jv_string(options, "template", file, path, 0, &tmpl, d) < 0
        || jv_array(options, "scale", file, path, 0, &scale, d) < 0
        || jv_number(options, "pass_threshold", file, path, 0, 0, 1, &r->pass_threshold, d) < 0)
        goto fail;
    if (scale) {
        char sp[256];
        jpath_key(sp, sizeof(sp), path, "scale");
        const cJSON *lo = cJSON_GetArrayItem(scale, 0), *hi = cJSON_GetArrayItem(scale, 1);
        if (cJSON_GetArraySize(scale) != 2 || !cJSON_IsNumber(lo) || !cJSON_IsNumber(hi)
            || !(hi->valuedouble > lo->valuedouble) || lo->valuedouble < 0) {
            diag_fail_at(d, file, 0, sp, "expected [min, max] with 0 <= min < max, e.g. [1, 10]");
            goto fail;
        }
        r->scale.min = lo->valuedouble;
        r->scale.max = hi->valuedouble;
    }
    if (tmpl) {
        char tp[256];
        jpath_key(tp, sizeof(tp), path, "template");
        if (judge_check_template(tmpl, file, tp, d) < 0)
            goto fail;
        if (!uses_placeholder(tmpl, "output")) {
            diag_fail_at(d, file, 0, tp, "the template never shows the judge the answer "
                         "({{output}})");
            goto fail;
        }
        r->template = xstrdup(tmpl);
    }
    r->backend = xstrdup(backend);
    r->criteria = xstrdup(criteria);
    return r;
fail:
    judge_release(r);
    return NULL;
}

/* A judge score needs a request to the judge backend, which only the run
 * engine makes (see judge.h); reaching this is a bug in the caller. */
static int judge_score_refuse(void *state, const struct score_item *it, cJSON *out,
                              struct diag *d)
{
    return diag_fail(d, "a judge score needs a request to the judge backend \"%s\": the run "
                     "engine makes it (scorers/judge.h), score() cannot",
                     ((struct judge_rubric *)state)->backend);
}

const struct scorer_ops scorer_judge = {
    .type = "judge",
    .summary = "LLM-as-judge: a rubric sent to a judge backend by the run engine, score 0-1",
    .configure = judge_configure,
    .score = judge_score_refuse,
    .release = judge_release,
};
