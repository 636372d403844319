/* quality.c -- see quality.h.
 *
 * With e = 1 - level, each word of a reference text is dropped with
 * probability 0.35e, replaced by a filler word with 0.15e, and swapped with
 * the next with 0.10e; with probability 0.3e a filler sentence is appended.
 * Lines are kept (ROUGE-Lsum splits on them). Text without spaces (Chinese,
 * Japanese, Thai) is handled per code point, so a dropped "word" is one
 * character, not a sentence.
 *
 * JSON: each object member is dropped with probability 0.25e, each array
 * element with 0.2e, each scalar altered with 0.3e (numbers moved a few
 * per cent, strings shortened or re-cased, booleans flipped, null filled
 * in). The result is wrapped in prose and a code fence with probability
 * 0.3e and cut off (invalid JSON) with probability 0.1e. */
#include "quality.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/tokens.h"
#include "harness/util/xalloc.h"

static const char *const fillers[] = {
    "also", "very", "the", "which", "generally", "some", "important", "various", "overall",
    "things", "really", "aspects", "basically", "several", "information", "details", "indeed",
};
#define N_FILLERS (sizeof(fillers) / sizeof(fillers[0]))

static const char *const vocab[] = {
    "the", "system", "report", "describes", "a", "new", "approach", "to", "improve", "results",
    "team", "found", "that", "customers", "prefer", "simple", "and", "reliable", "service",
    "over", "time", "costs", "were", "reduced", "by", "changes", "in", "process", "data",
    "shows", "clear", "trend", "with", "strong", "growth", "this", "year", "while", "risks",
    "remain", "for", "the", "next", "quarter", "management", "plans", "further", "steps",
    "review", "quality", "of", "output", "across", "regions", "is", "expected", "to", "rise",
};
#define N_VOCAB (sizeof(vocab) / sizeof(vocab[0]))

/* --- text ----------------------------------------------------------------- */

struct unit {
    const char *p;
    size_t n;
    int glue;   /* joined to the previous unit without a space */
};

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Splits one line into units: words, or code points of space-less text. */
static size_t split_units(const char *s, size_t n, struct unit *u, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        size_t start = i, nonascii = 0, cps = 0;
        while (i < n && s[i] != ' ' && s[i] != '\t') {
            size_t l = utf8_len((unsigned char)s[i]);
            if (l > 1)
                nonascii++;
            cps++;
            i += l;
        }
        if (i > n)
            i = n;
        if (i == start)
            break;
        if (cps > 6 && nonascii * 2 > cps) {
            /* Space-less script: one unit per code point. */
            int first = 1;
            for (size_t j = start; j < i && k < max;) {
                size_t l = utf8_len((unsigned char)s[j]);
                if (j + l > i)
                    l = i - j;
                u[k++] = (struct unit){ s + j, l, !first };
                first = 0;
                j += l;
            }
        } else {
            u[k++] = (struct unit){ s + start, i - start, 0 };
        }
    }
    return k;
}

static void degrade_line(const char *s, size_t n, double e, struct rng *r, struct buf *out)
{
    struct unit stack[512];
    struct unit *u = stack;
    size_t max = sizeof(stack) / sizeof(stack[0]);
    struct unit *heap = NULL;
    if (n > max) {
        heap = xmalloc(n * sizeof(*heap));
        u = heap;
        max = n;
    }
    size_t k = split_units(s, n, u, max);
    for (size_t i = 0; i + 1 < k; i++) {
        if (rng_uniform(r) < 0.10 * e) {
            struct unit t = u[i];
            int g0 = u[i].glue, g1 = u[i + 1].glue;
            u[i] = u[i + 1];
            u[i + 1] = t;
            u[i].glue = g0;
            u[i + 1].glue = g1;
            i++;
        }
    }
    size_t written = 0;
    for (size_t i = 0; i < k; i++) {
        double x = rng_uniform(r);
        const char *p = u[i].p;
        size_t len = u[i].n;
        if (x < 0.35 * e && !(i + 1 == k && written == 0))
            continue;
        if (x < 0.50 * e) {
            p = fillers[rng_below(r, N_FILLERS)];
            len = strlen(p);
        }
        if (written && !u[i].glue)
            buf_addc(out, ' ');
        buf_add(out, p, len);
        written++;
    }
    free(heap);
}

void quality_degrade_text(const char *ref, double level, struct rng *r, struct buf *out)
{
    double e = level >= 1 ? 0 : level <= 0 ? 1 : 1 - level;
    const char *s = ref;
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        degrade_line(s, n, e, r, out);
        if (!nl)
            break;
        buf_addc(out, '\n');
        s = nl + 1;
    }
    if (rng_uniform(r) < 0.3 * e)
        buf_adds(out, out->len ? " Overall, this covers the main points in some detail."
                               : "Overall, this covers the main points in some detail.");
}

/* --- JSON ----------------------------------------------------------------- */

static void alter_string(const char *s, struct rng *r, struct buf *out)
{
    size_t n = strlen(s);
    switch (rng_below(r, 4)) {
    case 0: {   /* keep only the first word */
        size_t w = strcspn(s, " ");
        buf_add(out, s, w < n ? w : n);
        break;
    }
    case 1:     /* upper-case ASCII */
        for (size_t i = 0; i < n; i++)
            buf_addc(out, s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i]);
        break;
    case 2:     /* a digit changed, or a word added */
        for (size_t i = 0; i < n; i++)
            buf_addc(out, s[i] >= '0' && s[i] <= '8' ? (char)(s[i] + 1) : s[i]);
        if (!strpbrk(s, "012345678"))
            buf_adds(out, " (approx.)");
        break;
    default:    /* a generic stand-in */
        buf_adds(out, n > 12 ? "see document" : "unknown");
        break;
    }
}

static cJSON *degrade_value(const cJSON *v, double e, struct rng *r)
{
    if (cJSON_IsObject(v)) {
        cJSON *o = cJSON_CreateObject();
        for (const cJSON *it = v->child; it; it = it->next)
            if (rng_uniform(r) >= 0.25 * e)
                cJSON_AddItemToObject(o, it->string, degrade_value(it, e, r));
        return o;
    }
    if (cJSON_IsArray(v)) {
        cJSON *a = cJSON_CreateArray();
        for (const cJSON *it = v->child; it; it = it->next)
            if (rng_uniform(r) >= 0.2 * e)
                cJSON_AddItemToArray(a, degrade_value(it, e, r));
        return a;
    }
    int alter = rng_uniform(r) < 0.3 * e;
    if (!alter)
        return cJSON_Duplicate(v, 1);
    if (cJSON_IsNumber(v)) {
        double x = v->valuedouble, f = 1 + (0.02 + 0.1 * rng_uniform(r)) *
                                           (rng_below(r, 2) ? 1 : -1);
        if (x == floor(x) && fabs(x) < 1e15) {
            double y = floor(x * f + 0.5);
            return cJSON_CreateNumber(y == x ? x + 1 : y);
        }
        return cJSON_CreateNumber(floor(x * f * 100 + 0.5) / 100);
    }
    if (cJSON_IsString(v)) {
        struct buf b = BUF_INIT;
        alter_string(v->valuestring, r, &b);
        cJSON *s = cJSON_CreateString(b.ptr);
        buf_release(&b);
        return s;
    }
    if (cJSON_IsBool(v))
        return cJSON_CreateBool(!cJSON_IsTrue(v));
    if (cJSON_IsNull(v))
        return cJSON_CreateString("N/A");
    return cJSON_Duplicate(v, 1);
}

void quality_degrade_json(const cJSON *gold, double level, struct rng *r, struct buf *out)
{
    double e = level >= 1 ? 0 : level <= 0 ? 1 : 1 - level;
    cJSON *v = degrade_value(gold, e, r);
    char *text = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    double x = rng_uniform(r);
    if (x < 0.3 * e) {
        buf_adds(out, "Here is the extracted information:\n```json\n");
        buf_adds(out, text);
        buf_adds(out, "\n```");
    } else if (x < 0.4 * e) {
        size_t n = strlen(text);
        buf_add(out, text, n > 4 ? n * 3 / 5 : n);   /* cut off mid-value */
    } else {
        buf_adds(out, text);
    }
    free(text);
}

/* --- generic answers and reasoning ------------------------------------------ */

void quality_generic(struct rng *r, size_t tokens, struct buf *out)
{
    size_t start = out->len, have = 0;
    if (tokens == 0)
        tokens = 1;
    while (have < tokens) {
        size_t words = 8 + (size_t)rng_below(r, 9);
        for (size_t w = 0; w < words && have < tokens; w++) {
            const char *word = vocab[rng_below(r, N_VOCAB)];
            if (out->len > start)
                buf_addc(out, ' ');
            size_t at = out->len;
            buf_adds(out, word);
            if (w == 0 && out->ptr[at] >= 'a' && out->ptr[at] <= 'z')
                out->ptr[at] = (char)(out->ptr[at] - 32);
            have += token_estimate(word, strlen(word));
        }
        buf_addc(out, '.');
    }
}

static const char *const thoughts[] = {
    "Let me work through this step by step.",
    "First I should identify what is being asked.",
    "The key details need to be preserved exactly.",
    "I should check names, numbers and dates against the source.",
    "The answer should be concise and faithful to the input.",
    "Let me double-check the format the user asked for.",
    "Nothing important should be left out.",
};

void quality_reasoning(struct rng *r, const char *prompt, size_t n, size_t tokens,
                       struct buf *out)
{
    /* A few longer words of the prompt make the reasoning look on-topic. */
    const char *picked[4];
    size_t picked_len[4], npicked = 0;
    for (int tries = 0; tries < 40 && npicked < 4 && n > 0; tries++) {
        size_t at = (size_t)rng_below(r, n);
        while (at > 0 && prompt[at - 1] != ' ' && prompt[at - 1] != '\n')
            at--;
        size_t len = strcspn(prompt + at, " \n\t.,;:\"()[]{}");
        if (at + len > n)
            len = n - at;
        int dup = 0;
        for (size_t k = 0; k < npicked; k++)
            dup |= picked_len[k] == len && memcmp(picked[k], prompt + at, len) == 0;
        if (len >= 5 && len <= 24 && !dup)
            picked[npicked] = prompt + at, picked_len[npicked++] = len;
    }
    size_t start = out->len, have = 0;
    if (npicked) {
        buf_adds(out, "The request is about");
        for (size_t i = 0; i < npicked; i++) {
            buf_addf(out, "%s %.*s", i == 0 ? "" : i + 1 == npicked ? " and" : ",",
                     (int)picked_len[i], picked[i]);
        }
        buf_addc(out, '.');
        have = token_estimate(out->ptr + start, out->len - start);
    }
    while (have < tokens) {
        const char *t = thoughts[rng_below(r, sizeof(thoughts) / sizeof(thoughts[0]))];
        if (out->len > start)
            buf_addc(out, ' ');
        buf_adds(out, t);
        have += token_estimate(t, strlen(t));
    }
}
