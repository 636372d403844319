/* test_suite_bundled.c -- every bundled suite (suites/) and dataset
 * (datasets/) passes the checks issue 5 promises:
 *
 * - the suite loads with its dataset, every template renders for every
 *   item, and its scorer types exist in the registry with valid options
 *   (loaded strictly: a scorer type no branch provides fails the test);
 * - files: '\n'-terminated lines, no blank line, no CR; every string valid
 *   UTF-8 (the loader) and NFC (utf8proc); ids unique (the loader);
 * - references consistent with inputs: every number in a reference (and
 *   every JSON number in a gold object) appears in the input, read as
 *   1,234.5 or 1.234,5 or with space-grouped thousands ("45 000"), or
 *   scaled by a word that follows it ("3 million"); gold values 0 and 1 are
 *   exempt (an implied quantity of one, a tax of zero);
 * - summarization: >= 60 items over >= 6 domains, documents of 150-900
 *   words with the right length tag, 1-2 references each within the item's
 *   summary_words bounds, one sentence per line;
 * - extraction: >= 60 items over >= 5 kinds, one schema per kind in the
 *   agreed subset with every property required, gold valid against it
 *   (scorers/jsonschema.h);
 * - multilingual: >= 10 languages besides English with 10 items each way,
 *   >= 4 of them in non-Latin scripts, references and inputs in the script
 *   of their language, >= 30 non-translation items in >= 6 languages.
 *
 * - the suite's own scorers agree with its data: each item's reference
 *   (or gold object, as JSON text) scored as the answer reaches the top of
 *   the primary metric, and every pass/fail scorer (length, language)
 *   passes it.
 *
 * A dataset that has not landed is skipped with a message; a present one
 * that breaks a rule fails the test, naming the item. */
#include "check.h"
#include "support/proc.h"

#include "harness/suite.h"
#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "scorers/jsonschema.h"
#include "scorers/scorer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* === text helpers === */

static int32_t next_cp(const char **p, const char *end)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)*p, end - *p, &cp);
    if (n <= 0) {
        (*p)++;
        return 0xFFFD;
    }
    *p += n;
    return cp;
}

/* Python's str.isspace() closely enough for counting words. */
static int is_space(int32_t c)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85)
        return 1;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

static size_t count_words(const char *s)
{
    const char *p = s, *end = s + strlen(s);
    size_t n = 0;
    int in = 0;
    while (p < end) {
        int sp = is_space(next_cp(&p, end));
        if (!sp && !in)
            n++;
        in = !sp;
    }
    return n;
}

static int is_nfc(const char *s)
{
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
    int same = nfc && strcmp((const char *)nfc, s) == 0;
    free(nfc);
    return same;
}

/* Every string (keys too) in v is NFC; the first offender's path in out. */
static int all_nfc(const cJSON *v, const char *path, char *out, size_t n)
{
    if (cJSON_IsString(v) && !is_nfc(v->valuestring)) {
        snprintf(out, n, "%s", path);
        return 0;
    }
    const cJSON *c;
    size_t i = 0;
    cJSON_ArrayForEach(c, v) {
        char p[256];
        if (cJSON_IsObject(v)) {
            if (!is_nfc(c->string)) {
                snprintf(out, n, "%s (key)", path);
                return 0;
            }
            jpath_key(p, sizeof(p), path, c->string);
        } else {
            jpath_index(p, sizeof(p), path, i);
        }
        if (!all_nfc(c, p, out, n))
            return 0;
        i++;
    }
    return 1;
}

/* === numbers === */

/* The value of a decimal digit in any script (Nd), or -1. */
static int digit_value(int32_t c)
{
    static const int32_t zeros[] = { '0', 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0 };
    for (size_t i = 0; zeros[i]; i++)
        if (c >= zeros[i] && c <= zeros[i] + 9)
            return (int)(c - zeros[i]);
    return -1;
}

struct numtok {
    double vals[8];
    size_t nvals;
    char text[64];
};

struct numbers {
    struct numtok *v;
    size_t n, cap;
};

static void add_val(struct numtok *t, double x)
{
    if (t->nvals < 8)
        t->vals[t->nvals++] = x;
}

/* en ("1,234.5"), eu ("1.234,5") and digits-only readings of a token made
 * of ASCII digits and the separators , . ' and space. */
static void readings(struct numtok *t, const char *tok)
{
    char en[64], eu[64], digits[64];
    size_t a = 0, b = 0, c = 0;
    int en_dots = 0, eu_commas = 0;
    for (const char *p = tok; *p && a < 60; p++) {
        if (*p >= '0' && *p <= '9') {
            en[a++] = eu[b++] = digits[c++] = *p;
        } else if (*p == '.') {
            en[a++] = '.';
            en_dots++;
        } else if (*p == ',') {
            eu[b++] = '.';
            eu_commas++;
        }
    }
    en[a] = eu[b] = digits[c] = '\0';
    if (en_dots <= 1)
        add_val(t, strtod(en, NULL));
    if (eu_commas <= 1)
        add_val(t, strtod(eu, NULL));
    add_val(t, strtod(digits, NULL));
}

static int word_at(const char *p, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(p, w, n) != 0)
        return 0;
    unsigned char next = (unsigned char)p[n];
    return !(next >= 'a' && next <= 'z') && !(next >= 'A' && next <= 'Z');
}

/* Numeric tokens of s: digit runs joined by , . ' NBSP U+202F U+2009, or
 * by a plain space when exactly three digits follow (45 000). Each token
 * also gets the readings of its space-separated parts, so "in 2019 150"
 * still offers 2019 and 150. */
static void scan_numbers(const char *s, struct numbers *out)
{
    const char *p = s, *end = s + strlen(s);
    while (p < end) {
        const char *start = p;
        int32_t c = next_cp(&p, end);
        if (digit_value(c) < 0)
            continue;
        char tok[64];
        size_t n = 0;
        tok[n++] = (char)('0' + digit_value(c));
        const char *q = p;
        for (;;) {
            const char *save = q;
            if (q >= end)
                break;
            int32_t d = next_cp(&q, end);
            if (digit_value(d) >= 0) {
                if (n < 60)
                    tok[n++] = (char)('0' + digit_value(d));
                continue;
            }
            char sep = 0;
            if (d == ',' || d == '.' || d == '\'')
                sep = (char)d;
            else if (d == 0xA0 || d == 0x202F || d == 0x2009)
                sep = ' ';
            else if (d == ' ') {
                /* a space groups thousands only before exactly 3 digits */
                const char *r = q;
                int k = 0;
                while (r < end && k < 4 && digit_value((unsigned char)*r) >= 0 && *r >= '0' && *r <= '9') {
                    r++;
                    k++;
                }
                if (k == 3)
                    sep = ' ';
            }
            const char *after = q;
            if (!sep || after >= end || digit_value(next_cp(&after, end)) < 0) {
                q = save;
                break;
            }
            if (n < 60)
                tok[n++] = sep;
        }
        tok[n] = '\0';
        p = q;
        XGROW(out->v, out->cap, out->n + 1);
        struct numtok *t = &out->v[out->n++];
        memset(t, 0, sizeof(*t));
        snprintf(t->text, sizeof(t->text), "%s", tok);
        readings(t, tok);
        /* A scale word after the number: "3 million", "4,2 Millionen". */
        const char *w = p;
        while (w < end && *w == ' ')
            w++;
        static const struct { const char *w; double x; } scales[] = {
            { "million", 1e6 }, { "millionen", 1e6 }, { "mio", 1e6 }, { "billion", 1e9 },
            { "bn", 1e9 }, { "thousand", 1e3 }, { "k", 1e3 }, { NULL, 0 },
        };
        for (size_t i = 0; scales[i].w; i++) {
            if (word_at(w, scales[i].w)) {
                size_t base = t->nvals;
                for (size_t k = 0; k < base; k++)
                    add_val(t, t->vals[k] * scales[i].x);
                break;
            }
        }
        /* Space-grouped tokens also offer their parts. */
        if (strchr(tok, ' ')) {
            char copy[64];
            snprintf(copy, sizeof(copy), "%s", tok);
            for (char *part = strtok(copy, " "); part; part = strtok(NULL, " ")) {
                XGROW(out->v, out->cap, out->n + 1);
                struct numtok *pt = &out->v[out->n++];
                memset(pt, 0, sizeof(*pt));
                snprintf(pt->text, sizeof(pt->text), "%s", part);
                readings(pt, part);
            }
        }
        (void)start;
    }
}

static int value_in(double x, const struct numbers *in)
{
    for (size_t i = 0; i < in->n; i++)
        for (size_t k = 0; k < in->v[i].nvals; k++)
            if (fabs(in->v[i].vals[k] - x) <= 1e-9 * fmax(1, fabs(x)))
                return 1;
    return 0;
}

static int token_in(const struct numtok *t, const struct numbers *in)
{
    for (size_t k = 0; k < t->nvals; k++)
        if (value_in(t->vals[k], in))
            return 1;
    return 0;
}

/* Numbers of ref missing from the input, as text into bad (empty: none). */
static void missing_numbers(const char *ref, const struct numbers *in, char *bad, size_t n)
{
    struct numbers r = { NULL, 0, 0 };
    scan_numbers(ref, &r);
    bad[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < r.n; i++) {
        if (token_in(&r.v[i], in))
            continue;
        /* A space-grouped token whose parts all appear is fine, and so are
         * parts of a token that appears whole. */
        int ok = 0;
        for (size_t j = 0; j < r.n && !ok; j++)
            ok = j != i && strchr(r.v[j].text, ' ') && strstr(r.v[j].text, r.v[i].text) &&
                 token_in(&r.v[j], in);
        if (!ok && strchr(r.v[i].text, ' ')) {
            ok = 1;
            for (size_t j = i + 1; j < r.n && strstr(r.v[i].text, r.v[j].text); j++)
                ok &= token_in(&r.v[j], in);
        }
        if (!ok && used + strlen(r.v[i].text) + 4 < n)
            used += (size_t)snprintf(bad + used, n - used, "%s\"%s\"", used ? ", " : "", r.v[i].text);
    }
    free(r.v);
}

static void gold_numbers(const cJSON *v, const struct numbers *in, const char *path, const char *id)
{
    if (cJSON_IsNumber(v)) {
        double x = fabs(v->valuedouble);
        CHECK_MSG(x == 0 || x == 1 || value_in(x, in), "%s: gold %s = %g does not appear in the document",
                  id, path, v->valuedouble);
        return;
    }
    const cJSON *c;
    size_t i = 0;
    cJSON_ArrayForEach(c, v) {
        char p[256];
        if (cJSON_IsObject(v))
            jpath_key(p, sizeof(p), path, c->string);
        else
            jpath_index(p, sizeof(p), path, i);
        gold_numbers(c, in, p, id);
        i++;
    }
}

static void check_refs_numbers(const struct item *it, const char *input)
{
    struct numbers in = { NULL, 0, 0 };
    scan_numbers(input, &in);
    for (size_t r = 0; r < it->nrefs; r++) {
        char bad[512];
        missing_numbers(it->refs[r], &in, bad, sizeof(bad));
        CHECK_MSG(!bad[0], "%s: references[%zu] has numbers not in the input: %s", it->id, r, bad);
    }
    if (it->gold)
        gold_numbers(it->gold, &in, "", it->id);
    free(in.v);
}

/* === scripts (PCRE2 script properties) === */

struct script {
    const char *lang;
    const char *pattern;   /* letters of the language's script */
    int latin;
};

static const struct script scripts[] = {
    { "en", "\\p{Latin}", 1 }, { "de", "\\p{Latin}", 1 }, { "fr", "\\p{Latin}", 1 },
    { "es", "\\p{Latin}", 1 }, { "pt", "\\p{Latin}", 1 },
    { "ru", "\\p{Cyrillic}", 0 }, { "zh", "\\p{Han}", 0 },
    { "ja", "[\\p{Han}\\p{Hiragana}\\p{Katakana}]", 0 }, { "ko", "\\p{Hangul}", 0 },
    { "ar", "\\p{Arabic}", 0 }, { "hi", "\\p{Devanagari}", 0 }, { NULL, NULL, 0 },
};

static const struct script *script_of(const char *lang)
{
    for (size_t i = 0; scripts[i].lang; i++)
        if (strcmp(scripts[i].lang, lang) == 0)
            return &scripts[i];
    return NULL;
}

static size_t count_matches(const char *pattern, const char *s)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                                   &err, &off, NULL);
    if (!re) {
        fprintf(stderr, "bad pattern %s\n", pattern);
        exit(1);
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    size_t n = 0, len = strlen(s);
    PCRE2_SIZE start = 0;
    while (start < len && pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, md, NULL) >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        n++;
        start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return n;
}

/* Share of the letters of s written in lang's script. */
static double script_share(const char *lang, const char *s)
{
    const struct script *sc = script_of(lang);
    size_t letters = count_matches("\\p{L}", s);
    if (!sc || !letters)
        return 0;
    char *in_script = xasprintf("(?=\\p{L})%s", sc->pattern);
    double share = (double)count_matches(in_script, s) / (double)letters;
    free(in_script);
    return share;
}

/* === loading === */

static int dataset_present(const char *name)
{
    char *p = xasprintf("%s/datasets/%s", assay_src(), name);
    int ok = file_exists(p);
    free(p);
    return ok;
}

/* Loads suites/NAME.json in full: dataset, templates, scorer types and
 * options. Returns 1 with the dataset, 0 without (not landed), -1. */
static int load_bundled(const char *name, const char *dataset, struct suite *s)
{
    char *path = xasprintf("%s/suites/%s.json", assay_src(), name);
    unsigned flags = 0;
    if (!dataset_present(dataset)) {
        printf("SKIPPED: datasets/%s has not landed yet; checking suites/%s.json alone\n", dataset, name);
        flags |= SUITE_NO_DATASET;
    }
    struct diag d;
    diag_init(&d);
    int rc = suite_load(path, flags, s, &d);
    char line[2048];
    diag_format(&d, line, sizeof(line));
    CHECK_MSG(rc == 0, "suites/%s.json does not load: %s", name, line);
    free(path);
    if (rc < 0)
        return -1;
    return (flags & SUITE_NO_DATASET) ? 0 : 1;
}

static void check_file_shape(const char *name)
{
    char *path = xasprintf("%s/datasets/%s", assay_src(), name);
    struct buf b;
    buf_init(&b, 0);
    struct diag d;
    diag_init(&d);
    if (file_read(path, &b, 0, &d) == 0) {
        CHECK_MSG(b.len > 0 && b.ptr[b.len - 1] == '\n', "%s: the last line must end with \\n", name);
        CHECK_MSG(!memchr(b.ptr, '\r', b.len), "%s: contains CR (use \\n line ends)", name);
        long line = 1;
        for (size_t i = 0; i < b.len; i++) {
            if (b.ptr[i] == '\n') {
                CHECK_MSG(i == 0 || b.ptr[i - 1] != '\n', "%s:%ld: blank line", name, line);
                line++;
            }
        }
    }
    buf_release(&b);
    free(path);
}

static void check_common(const struct suite *s, const char *dataset)
{
    check_file_shape(dataset);
    for (size_t i = 0; i < s->data.n; i++) {
        const struct item *it = &s->data.items[i];
        char where[256];
        CHECK_MSG(all_nfc(it->obj, "", where, sizeof(where)), "%s: %s is not NFC", it->id, where);
        /* Every item renders, for a chat backend and a task pipeline. */
        struct prompt p;
        struct diag d;
        diag_init(&d);
        CHECK_MSG(suite_render(s, it, NULL, "openai", &p, &d) == 0, "%s: %s", it->id, d.msg);
        prompt_release(&p);
        CHECK_MSG(suite_render(s, it, NULL, "hf-inference", &p, &d) == 0, "%s: %s", it->id, d.msg);
        prompt_release(&p);
        const char *inputs[4];
        CHECK_MSG(suite_item_inputs(s, it, inputs, 4) >= 1, "%s: no input text", it->id);
    }
}

static const char *str(const struct item *it, const char *key)
{
    const char *v = cJSON_GetStringValue(field_lookup(it->obj, key));
    return v ? v : "";
}

static const char *tag(const struct item *it, const char *key)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it->tags, key));
    return v ? v : "";
}

/* Distinct values of a tag. */
static size_t distinct(const struct suite *s, const char *key, const char *only_if_tag,
                       const char *only_value)
{
    size_t n = 0;
    for (size_t i = 0; i < s->data.n; i++) {
        const struct item *it = &s->data.items[i];
        if (only_if_tag && strcmp(tag(it, only_if_tag), only_value) != 0)
            continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            if (only_if_tag && strcmp(tag(&s->data.items[j], only_if_tag), only_value) != 0)
                continue;
            seen = strcmp(tag(&s->data.items[j], key), tag(it, key)) == 0;
        }
        n += !seen;
    }
    return n;
}

/* The reference as the answer: the primary metric at its best, every
 * pass/fail scorer passing. */
static void check_references_score(const struct suite *s)
{
    for (size_t k = 0; k < s->nscorers; k++) {
        const struct scorer_spec *sp = &s->scorers[k];
        const struct scorer_ops *ops = sp->ops;
        struct diag d;
        diag_init(&d);
        void *st = ops->configure(sp->options, s->file, "scorers", &d);
        CHECK_MSG(st != NULL, "%s: scorer %s: %s", s->name, sp->name, d.msg);
        if (!st)
            continue;
        int primary = s->primary_scorer && strcmp(sp->name, s->primary_scorer) == 0;
        double best = strcmp(sp->type, "chrf") == 0 || strcmp(sp->type, "bleu") == 0 ? 100 : 1;
        for (size_t i = 0; i < s->data.n; i++) {
            const struct item *it = &s->data.items[i];
            char *gold = it->gold ? cJSON_PrintUnformatted(it->gold) : NULL;
            struct score_item si = { gold ? gold : it->refs[0], it->refs, it->nrefs, it->gold, it->obj };
            cJSON *out = cJSON_CreateObject();
            CHECK_MSG(ops->score(st, &si, out, &d) == 0, "%s: %s: %s", it->id, sp->name, d.msg);
            const cJSON *pass = cJSON_GetObjectItemCaseSensitive(out, "pass");
            CHECK_MSG(!pass || cJSON_IsTrue(pass), "%s: the reference fails %s: %s", it->id, sp->name,
                      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "reason")));
            if (primary) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(out, s->primary_key);
                CHECK_MSG(cJSON_IsNumber(v) && fabs(v->valuedouble - best) < 1e-9,
                          "%s: the reference scores %s = %g, expected %g", it->id, s->primary_metric,
                          cJSON_GetNumberValue(v), best);
            }
            cJSON_Delete(out);
            cJSON_free(gold);
        }
        ops->release(st);
    }
}

/* === the three datasets === */

/* "One sentence per line": no sentence end followed by a capital inside a
 * line, except after an abbreviation or an initial. */
static int two_sentences_in(const char *line)
{
    static const char *const abbrev[] = { "St", "Dr", "Mr", "Mrs", "Ms", "Prof", "Inc", "Ltd",
                                          "Co", "Corp", "Jr", "Sr", "No", "vs", "etc", "approx",
                                          "Mt", "Ave", "Rd", "Dept", "Gov", "Fig", NULL };
    for (const char *p = line; *p; p++) {
        if (*p != '.' && *p != '!' && *p != '?')
            continue;
        const char *q = p + 1;
        while (*q == '"' || *q == ')' || !strncmp(q, "\xE2\x80\x9D", 3) || !strncmp(q, "\xE2\x80\x99", 3))
            q += (unsigned char)*q >= 0x80 ? 3 : 1;
        if (*q != ' ')
            continue;
        while (*q == ' ')
            q++;
        if (!(*q >= 'A' && *q <= 'Z'))
            continue;
        if (*p == '.') {
            const char *w = p;
            while (w > line && ((w[-1] >= 'a' && w[-1] <= 'z') || (w[-1] >= 'A' && w[-1] <= 'Z')))
                w--;
            size_t wl = (size_t)(p - w);
            int ab = wl <= 1;   /* an initial */
            for (size_t i = 0; abbrev[i] && !ab; i++)
                ab = strlen(abbrev[i]) == wl && strncmp(abbrev[i], w, wl) == 0;
            if (ab)
                continue;
        }
        return 1;
    }
    return 0;
}

static void check_summarization(const struct suite *s)
{
    static const char *const domains[] = { "news", "support_ticket", "meeting_transcript",
                                           "product_review", "scientific_abstract", "legal_policy", NULL };
    CHECK_MSG(s->data.n >= 60, "summarization: %zu items, need at least 60", s->data.n);
    CHECK_MSG(distinct(s, "domain", NULL, NULL) >= 6, "summarization: %zu domains, need at least 6",
              distinct(s, "domain", NULL, NULL));
    for (size_t i = 0; i < s->data.n; i++) {
        const struct item *it = &s->data.items[i];
        const char *domain = str(it, "domain");
        int known = 0;
        for (size_t k = 0; domains[k]; k++)
            known |= strcmp(domains[k], domain) == 0;
        CHECK_MSG(known, "%s: unknown domain \"%s\"", it->id, domain);
        CHECK_MSG(strcmp(tag(it, "domain"), domain) == 0, "%s: tags.domain differs from domain", it->id);
        size_t words = count_words(str(it, "document"));
        const char *bucket = words < 350 ? "short" : words < 600 ? "medium" : "long";
        CHECK_MSG(words >= 150 && words <= 900, "%s: document has %zu words, expected 150-900", it->id, words);
        CHECK_MSG(strcmp(tag(it, "length"), bucket) == 0, "%s: %zu words is \"%s\", tagged \"%s\"",
                  it->id, words, bucket, tag(it, "length"));
        CHECK_MSG(it->nrefs >= 1 && it->nrefs <= 2, "%s: %zu references, expected 1 or 2", it->id, it->nrefs);
        const cJSON *b = field_lookup(it->obj, "summary_words");
        double lo = cJSON_GetNumberValue(cJSON_GetArrayItem(b, 0));
        double hi = cJSON_GetNumberValue(cJSON_GetArrayItem(b, 1));
        CHECK_MSG(cJSON_GetArraySize(b) == 2 && lo > 0 && lo <= hi, "%s: summary_words must be [min, max]", it->id);
        for (size_t r = 0; r < it->nrefs; r++) {
            size_t w = count_words(it->refs[r]);
            CHECK_MSG(w >= lo && w <= hi, "%s: references[%zu] has %zu words, outside [%g, %g]",
                      it->id, r, w, lo, hi);
            char *copy = xstrdup(it->refs[r]);
            size_t lines = 0;
            for (char *save, *ln = strtok_r(copy, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
                lines++;
                CHECK_MSG(!two_sentences_in(ln), "%s: references[%zu]: two sentences on one line: %s",
                          it->id, r, ln);
            }
            CHECK_MSG(!strstr(it->refs[r], "\n\n") && it->refs[r][0] != '\n',
                      "%s: references[%zu] has an empty line", it->id, r);
            free(copy);
            (void)lines;
        }
        check_refs_numbers(it, str(it, "document"));
    }
}

static void check_schema_subset(const cJSON *schema, const char *id, const char *path)
{
    static const char *const allowed[] = { "type", "properties", "required", "additionalProperties",
                                           "items", "enum", "minimum", "maximum", "format", NULL };
    const cJSON *k;
    cJSON_ArrayForEach(k, schema) {
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            ok |= strcmp(allowed[i], k->string) == 0;
        CHECK_MSG(ok, "%s: schema%s%s uses \"%s\", outside the agreed subset", id, *path ? " at " : "",
                  path, k->string);
    }
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    if (props) {
        const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
        const cJSON *p;
        CHECK_MSG(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties")),
                  "%s: schema%s%s: objects must say additionalProperties: false", id, *path ? " at " : "", path);
        cJSON_ArrayForEach(p, props) {
            int listed = 0;
            const cJSON *r;
            cJSON_ArrayForEach(r, req)
                listed |= cJSON_IsString(r) && strcmp(r->valuestring, p->string) == 0;
            CHECK_MSG(listed, "%s: schema property %s%s%s is not in required", id, path, *path ? "." : "", p->string);
            char sub[256];
            jpath_key(sub, sizeof(sub), path, p->string);
            check_schema_subset(p, id, sub);
        }
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
    if (cJSON_IsObject(items)) {
        char sub[256];
        snprintf(sub, sizeof(sub), "%s[]", path);
        check_schema_subset(items, id, sub);
    }
}

static void check_extraction(const struct suite *s)
{
    static const char *const kinds[] = { "invoice", "receipt", "purchase_order", "contract_clause",
                                         "resume", "support_email", "shipping_notice", NULL };
    CHECK_MSG(s->data.n >= 60, "extraction: %zu items, need at least 60", s->data.n);
    CHECK_MSG(distinct(s, "kind", NULL, NULL) >= 5, "extraction: %zu kinds, need at least 5",
              distinct(s, "kind", NULL, NULL));
    for (size_t i = 0; i < s->data.n; i++) {
        const struct item *it = &s->data.items[i];
        const char *kind = str(it, "kind");
        int known = 0;
        for (size_t k = 0; kinds[k]; k++)
            known |= strcmp(kinds[k], kind) == 0;
        CHECK_MSG(known, "%s: unknown kind \"%s\"", it->id, kind);
        CHECK_MSG(strcmp(tag(it, "kind"), kind) == 0, "%s: tags.kind differs from kind", it->id);
        const char *diff = tag(it, "difficulty");
        CHECK_MSG(!strcmp(diff, "easy") || !strcmp(diff, "medium") || !strcmp(diff, "hard"),
                  "%s: difficulty \"%s\"", it->id, diff);
        const cJSON *schema = suite_item_schema(s, it);
        CHECK_MSG(cJSON_IsObject(schema), "%s: no schema object", it->id);
        if (!schema)
            continue;
        /* One schema per kind: identical to the first item of the kind. */
        for (size_t j = 0; j < i; j++) {
            if (strcmp(str(&s->data.items[j], "kind"), kind) == 0) {
                CHECK_MSG(cJSON_Compare(schema, suite_item_schema(s, &s->data.items[j]), 1),
                          "%s: its schema differs from %s's (same kind %s)", it->id, s->data.items[j].id, kind);
                break;
            }
        }
        check_schema_subset(schema, it->id, "");
        struct diag d;
        diag_init(&d);
        char where[64];
        snprintf(where, sizeof(where), "%s.schema", it->id);
        CHECK_MSG(jsonschema_check(schema, s->dataset_file, where, &d) == 0, "%s: bad schema: %s: %s",
                  it->id, d.path, d.msg);
        struct jsonschema_result r;
        jsonschema_result_init(&r);
        size_t bad = it->gold ? jsonschema_validate(schema, it->gold, &r) : 1;
        CHECK_MSG(bad == 0, "%s: gold does not validate against its schema: %s: %s (%zu problems)", it->id,
                  r.n ? (*r.v[0].path ? r.v[0].path : "(root)") : "", r.n ? r.v[0].msg : "no gold", bad);
        jsonschema_result_release(&r);
        check_refs_numbers(it, str(it, "document"));
    }
}

static void check_multilingual(const struct suite *s)
{
    static const char *const langs[] = { "de", "fr", "es", "pt", "ru", "zh", "ja", "ar", "hi", "ko", NULL };
    size_t translate = 0, other = 0, languages = 0, nonlatin = 0;
    size_t other_langs = 0, other_nonlatin = 0;
    for (size_t l = 0; langs[l]; l++) {
        size_t from_en = 0, to_en = 0, in_lang = 0;
        for (size_t i = 0; i < s->data.n; i++) {
            const struct item *it = &s->data.items[i];
            const char *src = str(it, "src_lang"), *tgt = str(it, "tgt_lang");
            int is_tr = strcmp(str(it, "task"), "translate") == 0;
            from_en += is_tr && !strcmp(src, "en") && !strcmp(tgt, langs[l]);
            to_en += is_tr && !strcmp(src, langs[l]) && !strcmp(tgt, "en");
            in_lang += !is_tr && !strcmp(src, langs[l]);
        }
        CHECK_MSG(from_en >= 10 && to_en >= 10, "multilingual: en-%s has %zu items, %s-en %zu; need 10 each",
                  langs[l], from_en, langs[l], to_en);
        if (from_en && to_en) {
            languages++;
            nonlatin += !script_of(langs[l])->latin;
        }
        if (in_lang) {
            other_langs++;
            other_nonlatin += !script_of(langs[l])->latin;
        }
    }
    for (size_t i = 0; i < s->data.n; i++) {
        const struct item *it = &s->data.items[i];
        const char *task = str(it, "task"), *src = str(it, "src_lang"), *tgt = str(it, "tgt_lang");
        int is_tr = strcmp(task, "translate") == 0;
        translate += is_tr;
        other += !is_tr;
        CHECK_MSG(is_tr || !strcmp(task, "summarize") || !strcmp(task, "qa") || !strcmp(task, "extract"),
                  "%s: unknown task \"%s\"", it->id, task);
        CHECK_MSG(script_of(src) && script_of(tgt), "%s: languages %s -> %s are not among the agreed codes",
                  it->id, src, tgt);
        char pair[32];
        snprintf(pair, sizeof(pair), "%s-%s", src, tgt);
        CHECK_MSG(!strcmp(tag(it, "pair"), pair), "%s: tags.pair \"%s\", expected \"%s\"", it->id, tag(it, "pair"), pair);
        const char *dir = is_tr ? (!strcmp(src, "en") ? "from_en" : "to_en") : "in_lang";
        CHECK_MSG(!strcmp(tag(it, "direction"), dir), "%s: tags.direction \"%s\", expected \"%s\"", it->id,
                  tag(it, "direction"), dir);
        CHECK_MSG(is_tr ? (strcmp(src, tgt) != 0 && (!strcmp(src, "en") || !strcmp(tgt, "en")))
                        : (strcmp(src, tgt) == 0 && strcmp(src, "en") != 0),
                  "%s: %s item from %s to %s", it->id, task, src, tgt);
        CHECK_MSG(it->lang && !strcmp(it->lang, tgt), "%s: the suite's language field is not tgt_lang", it->id);
        /* The input is written in the source language's script, every
         * reference in the target language's. */
        const struct script *ss = script_of(src), *ts = script_of(tgt);
        if (ss && ts) {
            double in_share = script_share(src, str(it, "input"));
            CHECK_MSG(in_share >= (ss->latin ? 0.9 : 0.5), "%s: only %.0f%% of the input's letters are in %s's script",
                      it->id, in_share * 100, src);
            for (size_t r = 0; r < it->nrefs; r++) {
                double share = script_share(tgt, it->refs[r]);
                CHECK_MSG(share >= (ts->latin ? 0.9 : 0.5),
                          "%s: only %.0f%% of references[%zu]'s letters are in %s's script", it->id,
                          share * 100, r, tgt);
            }
        }
        CHECK_MSG(it->nrefs >= 1, "%s: no reference", it->id);
        check_refs_numbers(it, str(it, "input"));
    }
    CHECK_MSG(translate >= 200, "multilingual: %zu translation items, need at least 200", translate);
    CHECK_MSG(languages >= 10, "multilingual: %zu languages both ways, need at least 10", languages);
    CHECK_MSG(nonlatin >= 4, "multilingual: %zu non-Latin-script languages, need at least 4", nonlatin);
    CHECK_MSG(other >= 30, "multilingual: %zu non-translation items, need at least 30", other);
    CHECK_MSG(other_langs >= 6 && other_nonlatin >= 2,
              "multilingual: non-translation items in %zu languages (%zu non-Latin), need 6 (2)",
              other_langs, other_nonlatin);
    printf("multilingual: %zu translation items over %zu languages (%zu non-Latin), %zu other tasks in %zu languages\n",
           translate, languages, nonlatin, other, other_langs);
}

/* The checkers themselves, on cases with known answers, so a check that
 * can never fail is caught here. */
static void self_test(void)
{
    char bad[256];
    struct numbers in = { NULL, 0, 0 };
    scan_numbers("Total HT 1 101,81 EUR; 45,000 roubles; €4.2 million; in 2019 150 people; ٢٠٢٦; NOK 3 000 000.", &in);
    missing_numbers("1101.81 and 45 000 and 4,2 Millionen, 4200000, 2019, 150, 2026, 3000000", &in, bad, sizeof(bad));
    CHECK_STR_EQ(bad, "");
    missing_numbers("It was 17 and 4.3 and 2020.", &in, bad, sizeof(bad));
    CHECK_STR_EQ(bad, "\"17\", \"4.3\", \"2020\"");
    CHECK(value_in(3000000, &in));
    CHECK(!value_in(31, &in));
    free(in.v);
    CHECK_INT_EQ(count_words("  one two\u00a0three\nfour  "), 4);
    CHECK_INT_EQ(count_words("一二三 四"), 2);
    CHECK(is_nfc("Caf\xC3\xA9"));
    CHECK(!is_nfc("Cafe\xCC\x81"));
    CHECK(two_sentences_in("It rained. Then it stopped."));
    CHECK(!two_sentences_in("Nurses at St. Aldric's Hospital struck on 3 May."));
    CHECK(!two_sentences_in("J. Smith met Dr. Brown."));
    CHECK(script_share("ru", "Привет, мир") > 0.99);
    CHECK(script_share("ja", "東京の地下鉄") > 0.99);
    CHECK(script_share("hi", "hello नमस्ते") < 0.6);
}

int main(void)
{
    self_test();
    struct {
        const char *suite, *dataset;
        void (*check)(const struct suite *);
    } bundled[] = {
        { "summarization", "summarization.jsonl", check_summarization },
        { "extraction", "extraction.jsonl", check_extraction },
        { "multilingual", "multilingual.jsonl", check_multilingual },
    };
    for (size_t i = 0; i < sizeof(bundled) / sizeof(bundled[0]); i++) {
        struct suite s;
        int loaded = load_bundled(bundled[i].suite, bundled[i].dataset, &s);
        if (loaded < 0)
            continue;
        if (loaded) {
            check_common(&s, bundled[i].dataset);
            bundled[i].check(&s);
            check_references_score(&s);
            printf("%s: %zu items checked\n", bundled[i].suite, s.data.n);
        }
        suite_release(&s);
    }
    /* The folder as `assay suites` sees it: exactly these three, no clash. */
    char *dir = xasprintf("%s/suites", assay_src());
    struct suite_set set;
    struct diag d;
    diag_init(&d);
    suites_load_dir(dir, SUITE_NO_SCORER_CHECK | SUITE_NO_DATASET, &set, &d);
    CHECK_INT_EQ(set.n, 3);
    CHECK_INT_EQ(d.count, 0);
    suite_set_release(&set);
    free(dir);
    return check_done();
}
