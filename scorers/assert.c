/* assert.c -- pass/fail assertions on a reply: contains, not_contains,
 * icontains, starts_with, regex, is_json (docs/scorers.md). Each sets
 * "pass" (bool) and "reason" (string).
 *
 * Text comparisons are on NFC text (a precomposed and a decomposed "é"
 * are the same); icontains and starts_with's ignore_case use full Unicode
 * case folding (utf8proc: "STRASSE" contains "straße"). Needles come from
 * the options ("value" or "values") or from a field of the dataset item
 * ("item_field": a string or an array of strings).
 *
 * regex compiles once at configure with PCRE2_UTF | PCRE2_UCP (\w, \d,
 * \b and [[:alpha:]] are Unicode-aware) and JIT when available; a bad
 * pattern is a configuration error naming the suite path and PCRE2's
 * offset. A reply that is not valid UTF-8 fails the regex assertion with
 * that reason instead of being matched as something it is not. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/buf.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "jsonfind.h"
#include "pyunicode.h"
#include "scorer.h"
#include "textnorm.h"

#define SHOW 60   /* bytes of a needle or match quoted in a reason */

static void result(cJSON *out, int pass, const char *reason)
{
    cJSON_AddBoolToObject(out, "pass", pass);
    cJSON_AddStringToObject(out, "reason", reason);
}

/* Appends "text" quoted and cut to SHOW bytes (on a character boundary). */
static void add_quoted(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    if (n <= SHOW) {
        buf_addf(b, "\"%s\"", s);
        return;
    }
    size_t cut = SHOW;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    buf_addf(b, "\"%.*s...\"", (int)cut, s);
}

static int options_object(const cJSON *options, const char *file, const char *path, int required,
                          struct diag *d)
{
    if (!options)
        return required ? diag_fail_at(d, file, 0, path, "options are required") : 0;
    if (!cJSON_IsObject(options))
        return diag_fail_at(d, file, 0, path, "expected an object of options, got %s",
                            json_kind(options));
    return 0;
}

/* ==== contains, not_contains, icontains, starts_with ================================ */

enum contains_kind { K_CONTAINS, K_NOT_CONTAINS, K_ICONTAINS, K_STARTS_WITH };

struct contains {
    enum contains_kind kind;
    char **values;          /* normalised needles from the options */
    size_t nvalues;
    char *item_field;       /* or: needles from this item field */
    int any;                /* contains: one needle is enough */
    int fold;               /* case folding */
    int trim;               /* starts_with: skip leading whitespace */
};

static void contains_release(void *state)
{
    struct contains *c = state;
    if (!c)
        return;
    for (size_t i = 0; i < c->nvalues; i++)
        free(c->values[i]);
    free(c->values);
    free(c->item_field);
    free(c);
}

static char *normal(const struct contains *c, const char *s)
{
    return text_nfc(s, strlen(s), c->fold, NULL);
}

static void *contains_configure(enum contains_kind kind, const cJSON *options, const char *file,
                                const char *path, struct diag *d)
{
    static const char *const keys[] = { "value", "values", "item_field", "mode", "ignore_case",
                                        "trim", NULL };
    if (options_object(options, file, path, 1, d) < 0)
        return NULL;
    struct contains *c = xcalloc(1, sizeof(*c));
    c->kind = kind;
    c->fold = kind == K_ICONTAINS;
    c->trim = 1;
    const char *value = NULL, *field = NULL, *mode = NULL;
    const cJSON *values = NULL;
    if (jv_known_keys(options, keys, file, path, d) < 0
        || jv_string(options, "value", file, path, 0, &value, d) < 0
        || jv_array(options, "values", file, path, 0, &values, d) < 0
        || jv_string(options, "item_field", file, path, 0, &field, d) < 0
        || jv_string(options, "mode", file, path, 0, &mode, d) < 0)
        goto fail;
    if (kind == K_STARTS_WITH && (jv_bool(options, "ignore_case", file, path, 0, &c->fold, d) < 0
                                  || jv_bool(options, "trim", file, path, 0, &c->trim, d) < 0))
        goto fail;
    if (kind != K_STARTS_WITH && (cJSON_GetObjectItemCaseSensitive(options, "ignore_case")
                                  || cJSON_GetObjectItemCaseSensitive(options, "trim"))) {
        diag_fail_at(d, file, 0, path, "\"ignore_case\" and \"trim\" are options of starts_with%s",
                     kind == K_CONTAINS ? " (use icontains to ignore case)" : "");
        goto fail;
    }
    if (!!value + !!values + !!field != 1) {
        diag_fail_at(d, file, 0, path, "give exactly one of \"value\", \"values\" or "
                     "\"item_field\"");
        goto fail;
    }
    if (mode) {
        char mp[256];
        jpath_key(mp, sizeof(mp), path, "mode");
        if (kind != K_CONTAINS && kind != K_ICONTAINS) {
            diag_fail_at(d, file, 0, mp, "only contains and icontains take a mode");
            goto fail;
        }
        if (strcmp(mode, "any") != 0 && strcmp(mode, "all") != 0) {
            diag_fail_at(d, file, 0, mp, "expected \"all\" or \"any\", got \"%s\"", mode);
            goto fail;
        }
        c->any = strcmp(mode, "any") == 0;
    }
    if (kind == K_STARTS_WITH)
        c->any = 1;                                 /* starts with one of them */
    if (field)
        c->item_field = xstrdup(field);
    if (value) {
        if (!*value) {
            char vp[256];
            jpath_key(vp, sizeof(vp), path, "value");
            diag_fail_at(d, file, 0, vp, "an empty string matches everything");
            goto fail;
        }
        c->values = xmalloc(sizeof(*c->values));
        c->values[c->nvalues++] = normal(c, value);
    }
    if (values) {
        char vp[256];
        jpath_key(vp, sizeof(vp), path, "values");
        c->values = xcalloc((size_t)cJSON_GetArraySize(values) + 1, sizeof(*c->values));
        size_t i = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, values) {
            char ip[256];
            jpath_index(ip, sizeof(ip), vp, i++);
            if (!cJSON_IsString(v) || !*v->valuestring) {
                diag_fail_at(d, file, 0, ip, "expected a non-empty string");
                goto fail;
            }
            c->values[c->nvalues++] = normal(c, v->valuestring);
        }
        if (!c->nvalues) {
            diag_fail_at(d, file, 0, vp, "expected at least one string");
            goto fail;
        }
    }
    return c;
fail:
    contains_release(c);
    return NULL;
}

static void *conf_contains(const cJSON *o, const char *f, const char *p, struct diag *d)
{
    return contains_configure(K_CONTAINS, o, f, p, d);
}

static void *conf_not_contains(const cJSON *o, const char *f, const char *p, struct diag *d)
{
    return contains_configure(K_NOT_CONTAINS, o, f, p, d);
}

static void *conf_icontains(const cJSON *o, const char *f, const char *p, struct diag *d)
{
    return contains_configure(K_ICONTAINS, o, f, p, d);
}

static void *conf_starts_with(const cJSON *o, const char *f, const char *p, struct diag *d)
{
    return contains_configure(K_STARTS_WITH, o, f, p, d);
}

/* Needles for this item: the configured ones, or the item field's. */
static int needles(const struct contains *c, const struct score_item *it, char ***out,
                   size_t *n, int *owned, struct diag *d)
{
    *owned = 0;
    if (!c->item_field) {
        *out = c->values;
        *n = c->nvalues;
        return 0;
    }
    const cJSON *v = it->item ? cJSON_GetObjectItemCaseSensitive(it->item, c->item_field) : NULL;
    int ok = cJSON_IsString(v) && *v->valuestring;
    const cJSON *e;
    if (cJSON_IsArray(v)) {
        ok = cJSON_GetArraySize(v) > 0;
        cJSON_ArrayForEach(e, v)
            ok &= cJSON_IsString(e) && *e->valuestring;
    }
    if (!ok)
        return diag_fail(d, "item field \"%s\" must be a non-empty string or array of strings",
                         c->item_field);
    *owned = 1;
    *n = 0;
    *out = xcalloc(cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1, sizeof(**out));
    if (cJSON_IsString(v)) {
        (*out)[(*n)++] = normal(c, v->valuestring);
    } else {
        cJSON_ArrayForEach(e, v)
            (*out)[(*n)++] = normal(c, e->valuestring);
    }
    return 0;
}

static int contains_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct contains *c = state;
    char **nd = NULL;
    size_t nn = 0;
    int owned;
    if (needles(c, it, &nd, &nn, &owned, d) < 0)
        return -1;
    const char *hyp = it->hyp ? it->hyp : "";
    char *hay = text_nfc(hyp, strlen(hyp), c->fold, NULL);
    const char *start = hay;
    if (c->kind == K_STARTS_WITH && c->trim) {
        struct ustr u;                              /* skip leading Python whitespace */
        ustr_init(&u);
        ustr_from_utf8(&u, hay, strlen(hay));
        size_t k = 0;
        while (k < u.len && py_isspace(u.cp[k]))
            k++;
        for (size_t i = 0; i < k; i++)
            start += u.cp[i] < 0x80 ? 1 : u.cp[i] < 0x800 ? 2 : u.cp[i] < 0x10000 ? 3 : 4;
        ustr_release(&u);
    }

    size_t hits = 0;
    unsigned char *hit = xcalloc(nn, 1);
    for (size_t i = 0; i < nn; i++) {
        hit[i] = c->kind == K_STARTS_WITH ? strncmp(start, nd[i], strlen(nd[i])) == 0
                                          : strstr(hay, nd[i]) != NULL;
        hits += hit[i];
    }

    int pass;
    struct buf r;
    buf_init(&r, 0);
    switch (c->kind) {
    case K_CONTAINS:
    case K_ICONTAINS:
        pass = c->any ? hits > 0 : hits == nn;
        if (pass && nn == 1) {
            buf_adds(&r, "contains ");
            add_quoted(&r, nd[0]);
        } else if (pass) {
            buf_addf(&r, "contains %zu of %zu", hits, nn);
        } else {
            buf_adds(&r, c->any ? "contains none of " : "missing ");
            for (size_t i = 0, k = 0; i < nn; i++) {
                if (hit[i])
                    continue;
                if (k++)
                    buf_adds(&r, ", ");
                add_quoted(&r, nd[i]);
            }
        }
        if (c->fold)
            buf_adds(&r, " (ignoring case)");
        break;
    case K_NOT_CONTAINS:
        pass = hits == 0;
        if (pass) {
            buf_adds(&r, nn == 1 ? "does not contain " : "contains none of the ");
            if (nn == 1)
                add_quoted(&r, nd[0]);
            else
                buf_addf(&r, "%zu forbidden strings", nn);
        } else {
            buf_adds(&r, "contains forbidden ");
            for (size_t i = 0, k = 0; i < nn; i++) {
                if (!hit[i])
                    continue;
                if (k++)
                    buf_adds(&r, ", ");
                add_quoted(&r, nd[i]);
            }
        }
        break;
    case K_STARTS_WITH:
    default:
        pass = hits > 0;
        if (pass) {
            buf_adds(&r, "starts with ");
            for (size_t i = 0; i < nn; i++)
                if (hit[i]) {
                    add_quoted(&r, nd[i]);
                    break;
                }
        } else {
            buf_adds(&r, "starts with ");
            add_quoted(&r, start);
            buf_adds(&r, nn == 1 ? ", not " : ", none of ");
            for (size_t i = 0; i < nn; i++) {
                if (i)
                    buf_adds(&r, ", ");
                add_quoted(&r, nd[i]);
            }
        }
        break;
    }
    result(out, pass, r.ptr);
    buf_release(&r);
    free(hit);
    free(hay);
    if (owned) {
        for (size_t i = 0; i < nn; i++)
            free(nd[i]);
        free(nd);
    }
    return 0;
}

const struct scorer_ops scorer_contains = {
    .type = "contains",
    .summary = "pass if the reply contains the string(s) (NFC, case-sensitive)",
    .configure = conf_contains, .score = contains_score, .release = contains_release,
};

const struct scorer_ops scorer_not_contains = {
    .type = "not_contains",
    .summary = "pass if the reply contains none of the strings",
    .configure = conf_not_contains, .score = contains_score, .release = contains_release,
};

const struct scorer_ops scorer_icontains = {
    .type = "icontains",
    .summary = "pass if the reply contains the string(s), ignoring case (Unicode case folding)",
    .configure = conf_icontains, .score = contains_score, .release = contains_release,
};

const struct scorer_ops scorer_starts_with = {
    .type = "starts_with",
    .summary = "pass if the reply starts with one of the strings",
    .configure = conf_starts_with, .score = contains_score, .release = contains_release,
};

/* ==== regex =========================================================================== */

struct regex {
    pcre2_code *re;
    char *pattern;
    int negate;             /* pass when there is no match */
};

static void regex_release(void *state)
{
    struct regex *x = state;
    if (!x)
        return;
    pcre2_code_free(x->re);
    free(x->pattern);
    free(x);
}

static void *regex_configure(const cJSON *options, const char *file, const char *path,
                             struct diag *d)
{
    static const char *const keys[] = { "pattern", "flags", "match", "negate", NULL };
    if (options_object(options, file, path, 1, d) < 0)
        return NULL;
    const char *pattern = NULL, *flags = NULL, *match = NULL;
    int negate = 0;
    if (jv_known_keys(options, keys, file, path, d) < 0
        || jv_string(options, "pattern", file, path, 1, &pattern, d) < 0
        || jv_string(options, "flags", file, path, 0, &flags, d) < 0
        || jv_string(options, "match", file, path, 0, &match, d) < 0
        || jv_bool(options, "negate", file, path, 0, &negate, d) < 0)
        return NULL;
    uint32_t opt = PCRE2_UTF | PCRE2_UCP;
    for (const char *f = flags; f && *f; f++) {
        switch (*f) {
        case 'i': opt |= PCRE2_CASELESS; break;
        case 'm': opt |= PCRE2_MULTILINE; break;
        case 's': opt |= PCRE2_DOTALL; break;
        case 'x': opt |= PCRE2_EXTENDED; break;
        default: {
            char fp[256];
            jpath_key(fp, sizeof(fp), path, "flags");
            diag_fail_at(d, file, 0, fp, "unknown flag '%c' (expected letters of \"imsx\")", *f);
            return NULL;
        }
        }
    }
    if (match && strcmp(match, "full") == 0) {
        opt |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    } else if (match && strcmp(match, "search") != 0) {
        char mp[256];
        jpath_key(mp, sizeof(mp), path, "match");
        diag_fail_at(d, file, 0, mp, "expected \"search\" or \"full\", got \"%s\"", match);
        return NULL;
    }
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opt, &err, &off,
                                   NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof(msg));
        char pp[256];
        jpath_key(pp, sizeof(pp), path, "pattern");
        diag_fail_at(d, file, 0, pp, "invalid regular expression at offset %zu: %s",
                     (size_t)off, (const char *)msg);
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);      /* optional: falls back to the interpreter */
    struct regex *x = xcalloc(1, sizeof(*x));
    x->re = re;
    x->pattern = xstrdup(pattern);
    x->negate = negate;
    return x;
}

static int regex_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct regex *x = state;
    const char *hyp = it->hyp ? it->hyp : "";
    size_t n = strlen(hyp);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(x->re, NULL);
    int rc = pcre2_match(x->re, (PCRE2_SPTR)hyp, n, 0, 0, md, NULL);
    struct buf r;
    buf_init(&r, 0);
    int pass;
    if (rc >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        char *m = xstrndup(hyp + ov[0], ov[1] - ov[0]);
        pass = !x->negate;
        buf_adds(&r, "matches ");
        add_quoted(&r, x->pattern);
        buf_addf(&r, " at character %zu: ", text_codepoints(hyp, ov[0]));
        add_quoted(&r, m);
        free(m);
    } else if (rc == PCRE2_ERROR_NOMATCH) {
        pass = x->negate;
        buf_adds(&r, "does not match ");
        add_quoted(&r, x->pattern);
    } else {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof(msg));
        pass = 0;
        if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
            buf_addf(&r, "the reply is not valid UTF-8 at byte %zu: %s",
                     (size_t)pcre2_get_startchar(md), (const char *)msg);
        else
            buf_addf(&r, "cannot match: %s", (const char *)msg);
    }
    result(out, pass, r.ptr);
    buf_release(&r);
    pcre2_match_data_free(md);
    return 0;
}

const struct scorer_ops scorer_regex = {
    .type = "regex",
    .summary = "pass if the reply matches a PCRE2 pattern (UTF and UCP on)",
    .configure = regex_configure, .score = regex_score, .release = regex_release,
};

/* ==== is_json ================================================================================ */

struct is_json {
    enum jsonfind_how loosest;   /* bare < fenced < embedded */
    enum jsonfind_want want;
};

static void *is_json_configure(const cJSON *options, const char *file, const char *path,
                               struct diag *d)
{
    static const char *const keys[] = { "accept", "type", NULL };
    if (options_object(options, file, path, 0, d) < 0)
        return NULL;
    struct is_json *j = xcalloc(1, sizeof(*j));
    j->loosest = JSONFIND_BARE;
    j->want = JSONFIND_ANY;
    const char *accept = NULL, *type = NULL;
    if (options && (jv_known_keys(options, keys, file, path, d) < 0
                    || jv_string(options, "accept", file, path, 0, &accept, d) < 0
                    || jv_string(options, "type", file, path, 0, &type, d) < 0))
        goto fail;
    if (accept) {
        if (strcmp(accept, "fenced") == 0)
            j->loosest = JSONFIND_FENCED;
        else if (strcmp(accept, "embedded") == 0)
            j->loosest = JSONFIND_EMBEDDED;
        else if (strcmp(accept, "bare") != 0) {
            char p[256];
            jpath_key(p, sizeof(p), path, "accept");
            diag_fail_at(d, file, 0, p, "expected \"bare\", \"fenced\" or \"embedded\", got \"%s\"",
                         accept);
            goto fail;
        }
    }
    if (type) {
        if (strcmp(type, "object") == 0)
            j->want = JSONFIND_OBJECT;
        else if (strcmp(type, "array") == 0)
            j->want = JSONFIND_ARRAY;
        else if (strcmp(type, "any") != 0) {
            char p[256];
            jpath_key(p, sizeof(p), path, "type");
            diag_fail_at(d, file, 0, p, "expected \"any\", \"object\" or \"array\", got \"%s\"",
                         type);
            goto fail;
        }
    }
    return j;
fail:
    free(j);
    return NULL;
}

static int is_json_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct is_json *j = state;
    const char *hyp = it->hyp ? it->hyp : "";
    struct jsonfind f;
    char reason[700];
    int pass = 0;
    if (jsonfind(hyp, strlen(hyp), j->want, &f) < 0) {
        snprintf(reason, sizeof(reason), "no JSON: %s", f.reason);
    } else {
        const char *kind = json_kind(f.value);
        int type_ok = j->want == JSONFIND_ANY || (j->want == JSONFIND_OBJECT && cJSON_IsObject(f.value))
                   || (j->want == JSONFIND_ARRAY && cJSON_IsArray(f.value));
        if (!type_ok)
            snprintf(reason, sizeof(reason), "the JSON is %s, expected %s", kind,
                     j->want == JSONFIND_OBJECT ? "an object" : "an array");
        else if (f.how > j->loosest)
            snprintf(reason, sizeof(reason), "JSON (%s) found %s, but accept is \"%s\"", kind,
                     f.how == JSONFIND_FENCED ? "inside a code fence" : "embedded in prose",
                     jsonfind_how_name(j->loosest));
        else {
            pass = 1;
            snprintf(reason, sizeof(reason), "%s JSON (%s)", jsonfind_how_name(f.how), kind);
        }
        cJSON_Delete(f.value);
    }
    result(out, pass, reason);
    return 0;
}

static void is_json_release(void *state)
{
    free(state);
}

const struct scorer_ops scorer_is_json = {
    .type = "is_json",
    .summary = "pass if the reply is JSON (bare by default; fenced or embedded when accepted)",
    .configure = is_json_configure, .score = is_json_score, .release = is_json_release,
};
