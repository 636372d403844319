/* length.c -- the "length" assertion: bounds on words, characters and
 * sentences (docs/scorers.md). Reports the three counts, "pass" and a
 * "reason" such as "58 words, within 30..90".
 *
 * Words: pieces of Python's str.split() (Unicode whitespace), so CJK text
 * without spaces is one word per run; bound characters for such languages.
 * Characters: code points after NFC, whitespace included.
 * Sentences (a documented rule, not a linguistic parser): a sentence is a
 * stretch of text holding at least one letter or digit that ends
 *   - at a run of terminators . ! ? … ‼ ⁇ ⁈ ⁉ ։ ؟ ۔ । ॥ ። followed (after
 *     closing quotes and brackets) by whitespace or the end, or
 *   - right after a CJK/fullwidth terminator 。 ！ ？ ． (no space needed), or
 *   - at a line break, or at the end of the text.
 * A lone '.' does not end a sentence after a single capital ("J. Smith"),
 * after mr mrs ms dr prof sr jr st vs e.g i.e cf approx fig (any case),
 * after "etc" when a lowercase word follows, or after "no" when a number
 * follows ("No. 5"). "3.5" never splits (no space after the dot). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "pyunicode.h"
#include "scorer.h"
#include "textnorm.h"

/* The counter is exposed for tests through this prototype. */
size_t length_sentences(const char *s, size_t n);

static int is_terminator(int32_t c)
{
    switch (c) {
    case '.': case '!': case '?': case 0x2026: case 0x203C: case 0x2047: case 0x2048:
    case 0x2049: case 0x0589: case 0x061F: case 0x06D4: case 0x0964: case 0x0965: case 0x1362:
        return 1;
    default:
        return 0;
    }
}

static int is_cjk_terminator(int32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF0E;
}

static int is_closer(int32_t c)
{
    if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}')
        return 1;
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_PE || k == UTF8PROC_CATEGORY_PF;
}

/* The '.' at cp[i] follows an abbreviation or an initial. */
static int abbreviation_before(const int32_t *cp, size_t len, size_t i)
{
    static const char *const abbr[] = { "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs",
                                        "e.g", "i.e", "cf", "approx", "fig", NULL };
    size_t b = i;
    while (b > 0 && (py_isalnum(cp[b - 1]) || (cp[b - 1] == '.' && b >= 2 && py_isalnum(cp[b - 2]))))
        b--;
    size_t wl = i - b;
    if (wl == 0)
        return 0;
    if (wl == 1 && utf8proc_category(cp[b]) == UTF8PROC_CATEGORY_LU)
        return 1;                                  /* an initial: "J. Smith" */
    char w[16];
    if (wl >= sizeof(w))
        return 0;
    for (size_t k = 0; k < wl; k++) {
        int32_t c = cp[b + k];
        if (c >= 0x80)
            return 0;
        w[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    w[wl] = '\0';
    for (size_t k = 0; abbr[k]; k++)
        if (strcmp(w, abbr[k]) == 0)
            return 1;
    /* "etc." ends a sentence unless a lowercase word follows; "No." only
     * abbreviates before a number */
    size_t k = i + 1;
    while (k < len && cp[k] == ' ')
        k++;
    if (strcmp(w, "etc") == 0)
        return k < len && utf8proc_category(cp[k]) == UTF8PROC_CATEGORY_LL;
    if (strcmp(w, "no") == 0)
        return k < len && cp[k] >= '0' && cp[k] <= '9';
    return 0;
}

size_t length_sentences(const char *s, size_t n)
{
    struct ustr u;
    ustr_init(&u);
    ustr_from_utf8(&u, s, n);
    size_t count = 0;
    int content = 0;
    for (size_t i = 0; i < u.len; i++) {
        int32_t c = u.cp[i];
        if (c == '\n' || c == 0x2028 || c == 0x2029) {
            count += content;
            content = 0;
            continue;
        }
        if (is_cjk_terminator(c)) {
            while (i + 1 < u.len && (is_cjk_terminator(u.cp[i + 1]) || is_closer(u.cp[i + 1])))
                i++;
            count += content;
            content = 0;
            continue;
        }
        if (is_terminator(c)) {
            size_t first = i;
            while (i + 1 < u.len && is_terminator(u.cp[i + 1]))
                i++;
            while (i + 1 < u.len && is_closer(u.cp[i + 1]))
                i++;
            int at_break = i + 1 == u.len || py_isspace(u.cp[i + 1]);
            if (at_break && content
                && !(c == '.' && first == i && abbreviation_before(u.cp, u.len, first))) {
                count++;
                content = 0;
            }
            continue;
        }
        if (py_isalnum(c))
            content = 1;
    }
    count += content;
    ustr_release(&u);
    return count;
}

/* ==== the scorer ============================================================================= */

struct bounds {
    long min, max;          /* -1 = no bound */
};

struct length {
    struct bounds words, chars, sentences;
    /* item fields holding per-item [min, max] bounds (owned), or NULL */
    char *words_field, *chars_field, *sentences_field;
};

static int read_bound(const cJSON *o, const char *key, const char *file, const char *path,
                      long *out, struct diag *d)
{
    *out = -1;
    return jv_int(o, key, file, path, 0, 0, 1000000000L, out, d);
}

static void *length_configure(const cJSON *options, const char *file, const char *path,
                              struct diag *d)
{
    static const char *const keys[] = { "min_words", "max_words", "min_chars", "max_chars",
                                        "min_sentences", "max_sentences", "words_field",
                                        "chars_field", "sentences_field", NULL };
    if (!cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object with at least one of min_words, "
                     "max_words, min_chars, max_chars, min_sentences, max_sentences");
        return NULL;
    }
    struct length *l = xcalloc(1, sizeof(*l));
    if (jv_known_keys(options, keys, file, path, d) < 0
        || read_bound(options, "min_words", file, path, &l->words.min, d) < 0
        || read_bound(options, "max_words", file, path, &l->words.max, d) < 0
        || read_bound(options, "min_chars", file, path, &l->chars.min, d) < 0
        || read_bound(options, "max_chars", file, path, &l->chars.max, d) < 0
        || read_bound(options, "min_sentences", file, path, &l->sentences.min, d) < 0
        || read_bound(options, "max_sentences", file, path, &l->sentences.max, d) < 0)
        goto fail;
    const char *wf = NULL, *cf = NULL, *sf = NULL;
    if (jv_string(options, "words_field", file, path, 0, &wf, d) < 0
        || jv_string(options, "chars_field", file, path, 0, &cf, d) < 0
        || jv_string(options, "sentences_field", file, path, 0, &sf, d) < 0)
        goto fail;
    l->words_field = wf ? xstrdup(wf) : NULL;
    l->chars_field = cf ? xstrdup(cf) : NULL;
    l->sentences_field = sf ? xstrdup(sf) : NULL;
    const struct { struct bounds *b; const char *name; } all[] = {
        { &l->words, "words" }, { &l->chars, "chars" }, { &l->sentences, "sentences" },
    };
    int any = wf || cf || sf;
    for (size_t i = 0; i < 3; i++) {
        any |= all[i].b->min >= 0 || all[i].b->max >= 0;
        if (all[i].b->min >= 0 && all[i].b->max >= 0 && all[i].b->min > all[i].b->max) {
            char p[256], key[32];
            snprintf(key, sizeof(key), "max_%s", all[i].name);
            jpath_key(p, sizeof(p), path, key);
            diag_fail_at(d, file, 0, p, "%ld is below min_%s %ld", all[i].b->max, all[i].name,
                         all[i].b->min);
            goto fail;
        }
    }
    if (!any) {
        diag_fail_at(d, file, 0, path, "give at least one bound (min_words, max_words, "
                     "min_chars, max_chars, min_sentences, max_sentences) or an item field "
                     "with [min, max] (words_field, chars_field, sentences_field)");
        goto fail;
    }
    return l;
fail:
    free(l->words_field);
    free(l->chars_field);
    free(l->sentences_field);
    free(l);
    return NULL;
}

/* Per-item bounds: the item's field holds [min, max] (either may be null);
 * they replace the static bounds of that unit. A missing or malformed field
 * is a dataset error, reported as a diag. */
static int item_bounds(const cJSON *item, const char *field, struct bounds *b, struct diag *d)
{
    if (!field)
        return 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, field);
    const cJSON *lo = cJSON_GetArrayItem(v, 0), *hi = cJSON_GetArrayItem(v, 1);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !(cJSON_IsNumber(lo) || cJSON_IsNull(lo))
        || !(cJSON_IsNumber(hi) || cJSON_IsNull(hi)))
        return diag_fail(d, "length: the item's \"%s\" field must be [min, max], got %s", field,
                         json_kind(v));
    b->min = json_long_or(lo, -1);
    b->max = json_long_or(hi, -1);
    return 0;
}

static void count_word(const int32_t *piece, size_t len, void *ud)
{
    (*(size_t *)ud)++;
}

/* Appends "58 words, within 30..90" (or below/above) for one bound. */
static int judge_bound(char *out, size_t n, size_t value, const char *unit,
                       const struct bounds *b)
{
    if (b->min < 0 && b->max < 0)
        return 1;
    size_t used = strlen(out);
    const char *sep = used ? "; " : "";
    int ok = (b->min < 0 || (long)value >= b->min) && (b->max < 0 || (long)value <= b->max);
    if (b->min >= 0 && (long)value < b->min)
        snprintf(out + used, n - used, "%s%zu %s, below the minimum %ld", sep, value, unit, b->min);
    else if (b->max >= 0 && (long)value > b->max)
        snprintf(out + used, n - used, "%s%zu %s, above the maximum %ld", sep, value, unit, b->max);
    else if (b->min >= 0 && b->max >= 0)
        snprintf(out + used, n - used, "%s%zu %s, within %ld..%ld", sep, value, unit, b->min, b->max);
    else if (b->min >= 0)
        snprintf(out + used, n - used, "%s%zu %s, at least %ld", sep, value, unit, b->min);
    else
        snprintf(out + used, n - used, "%s%zu %s, at most %ld", sep, value, unit, b->max);
    return ok;
}

static int length_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct length bounds = *(const struct length *)state, *l = &bounds;
    if (item_bounds(it->item, l->words_field, &l->words, d) < 0
        || item_bounds(it->item, l->chars_field, &l->chars, d) < 0
        || item_bounds(it->item, l->sentences_field, &l->sentences, d) < 0)
        return -1;
    const char *hyp = it->hyp ? it->hyp : "";
    size_t n = strlen(hyp);
    struct ustr u;
    ustr_init(&u);
    ustr_from_utf8(&u, hyp, n);
    size_t words = 0;
    py_split(&u, count_word, &words);
    ustr_release(&u);
    size_t nfc_n;
    char *nfc = text_nfc(hyp, n, 0, &nfc_n);
    size_t chars = text_codepoints(nfc, nfc_n);
    free(nfc);
    size_t sentences = length_sentences(hyp, n);

    char reason[512] = "";
    int pass = judge_bound(reason, sizeof(reason), words, words == 1 ? "word" : "words", &l->words);
    pass &= judge_bound(reason, sizeof(reason), chars, chars == 1 ? "character" : "characters",
                        &l->chars);
    pass &= judge_bound(reason, sizeof(reason), sentences,
                        sentences == 1 ? "sentence" : "sentences", &l->sentences);
    cJSON_AddBoolToObject(out, "pass", pass);
    cJSON_AddStringToObject(out, "reason", reason);
    cJSON_AddNumberToObject(out, "words", (double)words);
    cJSON_AddNumberToObject(out, "chars", (double)chars);
    cJSON_AddNumberToObject(out, "sentences", (double)sentences);
    return 0;
}

static void length_release(void *state)
{
    struct length *l = state;
    if (!l)
        return;
    free(l->words_field);
    free(l->chars_field);
    free(l->sentences_field);
    free(l);
}

const struct scorer_ops scorer_length = {
    .type = "length",
    .summary = "pass if words / characters / sentences are within bounds",
    .configure = length_configure, .score = length_score, .release = length_release,
};
