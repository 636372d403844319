/* jsonschema.c -- the JSON Schema subset of jsonschema.h.
 *
 * Two passes with different audiences: jsonschema_check is for the suite
 * author (is the schema well formed, does assay enforce every keyword in
 * it), jsonschema_validate for scoring and dataset checks (every way an
 * instance breaks the schema, with the instance path).
 *
 * Semantics follow JSON Schema 2020-12 for these keywords: "integer"
 * accepts any number with no fractional part (1.0 is an integer), enum and
 * const compare with JSON equality (cJSON_Compare, case-sensitive keys),
 * keywords only constrain values of their own type (minimum says nothing
 * about a string), and required is satisfied by a present null. After a
 * type mismatch the value's other keywords are not reported: they would
 * only repeat the same problem. */
#include "jsonschema.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

static const char *const type_names[] = {
    "object", "array", "string", "number", "integer", "boolean", "null", NULL,
};

static const char *const annotations[] = {
    "title", "description", "default", "examples", "$schema", "$id", "$comment", NULL,
};

static int in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* ==== schema check ==================================================================== */

static int check_schema(const cJSON *s, const char *file, const char *path, struct diag *d);

static int bad(struct diag *d, const char *file, const char *path, const char *key,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int bad(struct diag *d, const char *file, const char *path, const char *key,
               const char *fmt, ...)
{
    char p[256], msg[512];
    jpath_key(p, sizeof(p), path, key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return diag_fail_at(d, file, 0, p, "%s", msg);
}

static int is_count(const cJSON *v)
{
    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble == floor(v->valuedouble)
        && v->valuedouble < 1e15;
}

static int check_type(const cJSON *v, const char *file, const char *path, struct diag *d)
{
    if (cJSON_IsString(v)) {
        if (!in_list(v->valuestring, type_names))
            return bad(d, file, path, "type", "unknown type \"%s\" (expected object, array, "
                       "string, number, integer, boolean or null)", v->valuestring);
        return 0;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return bad(d, file, path, "type", "expected a type name or a non-empty array of them");
    int rc = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, v) {
        if (!cJSON_IsString(t) || !in_list(t->valuestring, type_names)) {
            char got[96];
            json_brief(t, got, sizeof(got));
            rc = bad(d, file, path, "type", "unknown type %s in the list", got);
        }
    }
    return rc;
}

static int check_schema(const cJSON *s, const char *file, const char *path, struct diag *d)
{
    if (cJSON_IsBool(s))
        return 0;
    if (!cJSON_IsObject(s))
        return diag_fail_at(d, file, 0, path, "expected a schema (an object), got %s",
                            json_kind(s));
    int rc = 0;
    for (const cJSON *k = s->child; k; k = k->next) {
        const char *key = k->string;
        char sub[256];
        jpath_key(sub, sizeof(sub), path, key);
        if (in_list(key, annotations))
            continue;
        if (strcmp(key, "type") == 0) {
            rc |= check_type(k, file, path, d);
        } else if (strcmp(key, "properties") == 0) {
            if (!cJSON_IsObject(k)) {
                rc |= bad(d, file, path, key, "expected an object of schemas");
                continue;
            }
            for (const cJSON *p = k->child; p; p = p->next) {
                char pp[256];
                jpath_key(pp, sizeof(pp), sub, p->string);
                rc |= check_schema(p, file, pp, d);
            }
        } else if (strcmp(key, "required") == 0) {
            const cJSON *r;
            int ok = cJSON_IsArray(k);
            cJSON_ArrayForEach(r, k)
                ok &= cJSON_IsString(r);
            if (!ok)
                rc |= bad(d, file, path, key, "expected an array of property names");
        } else if (strcmp(key, "additionalProperties") == 0 || strcmp(key, "items") == 0) {
            if (cJSON_IsArray(k))
                rc |= bad(d, file, path, key, "tuple form (an array of schemas) is not "
                          "supported; give one schema");
            else
                rc |= check_schema(k, file, sub, d);
        } else if (strcmp(key, "anyOf") == 0) {
            if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) == 0) {
                rc |= bad(d, file, path, key, "expected a non-empty array of schemas");
                continue;
            }
            size_t i = 0;
            const cJSON *alt;
            cJSON_ArrayForEach(alt, k) {
                char ap[256];
                jpath_index(ap, sizeof(ap), sub, i++);
                rc |= check_schema(alt, file, ap, d);
            }
        } else if (strcmp(key, "enum") == 0) {
            if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) == 0)
                rc |= bad(d, file, path, key, "expected a non-empty array of values");
        } else if (strcmp(key, "const") == 0) {
            continue;
        } else if (strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0
                   || strcmp(key, "exclusiveMinimum") == 0
                   || strcmp(key, "exclusiveMaximum") == 0) {
            if (!cJSON_IsNumber(k))
                rc |= bad(d, file, path, key, "expected a number");
        } else if (strcmp(key, "minItems") == 0 || strcmp(key, "maxItems") == 0
                   || strcmp(key, "minLength") == 0 || strcmp(key, "maxLength") == 0) {
            if (!is_count(k))
                rc |= bad(d, file, path, key, "expected a non-negative integer");
        } else if (strcmp(key, "format") == 0) {
            if (!cJSON_IsString(k) || (strcmp(k->valuestring, "date") != 0
                                       && strcmp(k->valuestring, "date-time") != 0))
                rc |= bad(d, file, path, key, "supported formats are \"date\" and "
                          "\"date-time\"");
        } else {
            rc |= bad(d, file, path, key, "keyword not supported by assay's validator "
                      "(supported: type, properties, required, additionalProperties, items, "
                      "enum, const, anyOf, minimum, maximum, exclusiveMinimum, "
                      "exclusiveMaximum, minItems, maxItems, minLength, maxLength, format)");
        }
    }
    return rc ? -1 : 0;
}

int jsonschema_check(const cJSON *schema, const char *file, const char *path, struct diag *d)
{
    return check_schema(schema, file, path, d);
}

/* ==== formats ============================================================================= */

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int date_prefix(const char *s)
{
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return 0;
    int y = num(s, 4), m = num(s + 5, 2), day = num(s + 8, 2);
    return m >= 1 && m <= 12 && day >= 1 && day <= days_in_month(y, m);
}

int jsonschema_is_date(const char *s)
{
    return strlen(s) == 10 && date_prefix(s);
}

/* RFC 3339 date-time: date T time [.frac] (Z | +hh:mm | -hh:mm). */
static int is_date_time(const char *s)
{
    if (strlen(s) < 20 || !date_prefix(s) || (s[10] != 'T' && s[10] != 't'))
        return 0;
    const char *t = s + 11;
    if (!digits(t, 2) || t[2] != ':' || !digits(t + 3, 2) || t[5] != ':' || !digits(t + 6, 2))
        return 0;
    if (num(t, 2) > 23 || num(t + 3, 2) > 59 || num(t + 6, 2) > 60)
        return 0;
    t += 8;
    if (*t == '.') {
        t++;
        if (!digits(t, 1))
            return 0;
        while (*t >= '0' && *t <= '9')
            t++;
    }
    if ((*t == 'Z' || *t == 'z') && t[1] == '\0')
        return 1;
    return (*t == '+' || *t == '-') && digits(t + 1, 2) && t[3] == ':' && digits(t + 4, 2)
        && t[6] == '\0' && num(t + 1, 2) <= 23 && num(t + 4, 2) <= 59;
}

/* ==== validation ============================================================================ */

void jsonschema_result_init(struct jsonschema_result *r)
{
    memset(r, 0, sizeof(*r));
}

void jsonschema_result_release(struct jsonschema_result *r)
{
    free(r->v);
    jsonschema_result_init(r);
}

static void violation(struct jsonschema_result *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void violation(struct jsonschema_result *r, const char *path, const char *fmt, ...)
{
    XGROW(r->v, r->cap, r->n + 1);
    struct jsonschema_violation *v = &r->v[r->n++];
    snprintf(v->path, sizeof(v->path), "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
    va_end(ap);
}

static int has_type(const cJSON *v, const char *t)
{
    if (strcmp(t, "object") == 0) return cJSON_IsObject(v);
    if (strcmp(t, "array") == 0) return cJSON_IsArray(v);
    if (strcmp(t, "string") == 0) return cJSON_IsString(v);
    if (strcmp(t, "number") == 0) return cJSON_IsNumber(v);
    if (strcmp(t, "integer") == 0)
        return cJSON_IsNumber(v) && isfinite(v->valuedouble)
            && v->valuedouble == floor(v->valuedouble);
    if (strcmp(t, "boolean") == 0) return cJSON_IsBool(v);
    if (strcmp(t, "null") == 0) return cJSON_IsNull(v);
    return 0;
}

static const char *article_for(const char *t)
{
    return t[0] == 'a' || t[0] == 'i' || t[0] == 'o' ? "an" : "a";
}

static int check_instance_type(const cJSON *type, const cJSON *v, const char *path,
                               struct jsonschema_result *r)
{
    char want[192] = "", got[96];
    if (cJSON_IsString(type)) {
        if (has_type(v, type->valuestring))
            return 0;
        if (strcmp(type->valuestring, "null") == 0)
            snprintf(want, sizeof(want), "null");
        else
            snprintf(want, sizeof(want), "%s %s", article_for(type->valuestring),
                     type->valuestring);
    } else {
        const cJSON *t;
        cJSON_ArrayForEach(t, type)
            if (has_type(v, t->valuestring))
                return 0;
        size_t used = 0;
        cJSON_ArrayForEach(t, type) {
            const char *sep = t == type->child ? "" : t->next ? ", " : " or ";
            if (strcmp(t->valuestring, "null") == 0)
                used += (size_t)snprintf(want + used, sizeof(want) - used, "%snull", sep);
            else
                used += (size_t)snprintf(want + used, sizeof(want) - used, "%s%s %s", sep,
                                         article_for(t->valuestring), t->valuestring);
            if (used >= sizeof(want))
                break;
        }
    }
    json_brief(v, got, sizeof(got));
    violation(r, path, "expected %s, got %s", want, cJSON_IsNull(v) ? "null" : got);
    return -1;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void validate(const cJSON *s, const cJSON *v, const char *path,
                     struct jsonschema_result *r);

static void validate_object(const cJSON *s, const cJSON *v, const char *path,
                            struct jsonschema_result *r)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
    const cJSON *k;
    cJSON_ArrayForEach(k, req) {
        if (!cJSON_GetObjectItemCaseSensitive(v, k->valuestring)) {
            char p[256];
            jpath_key(p, sizeof(p), path, k->valuestring);
            violation(r, p, "missing required property");
        }
    }
    for (const cJSON *m = v->child; m; m = m->next) {
        char p[256];
        jpath_key(p, sizeof(p), path, m->string);
        const cJSON *ps = props ? cJSON_GetObjectItemCaseSensitive(props, m->string) : NULL;
        if (ps)
            validate(ps, m, p, r);
        else if (cJSON_IsFalse(extra))
            violation(r, p, "unexpected property (the schema allows no others)");
        else if (cJSON_IsObject(extra))
            validate(extra, m, p, r);
    }
}

static void validate(const cJSON *s, const cJSON *v, const char *path,
                     struct jsonschema_result *r)
{
    if (cJSON_IsTrue(s))
        return;
    if (cJSON_IsFalse(s)) {
        violation(r, path, "no value is allowed here");
        return;
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(s, "type");
    if (type && check_instance_type(type, v, path, r) < 0)
        return;

    const cJSON *e = cJSON_GetObjectItemCaseSensitive(s, "enum");
    if (e) {
        int ok = 0;
        const cJSON *opt;
        cJSON_ArrayForEach(opt, e)
            ok |= cJSON_Compare(opt, v, 1);
        if (!ok) {
            char list[160] = "", got[96], one[96];
            size_t used = 0, shown = 0;
            cJSON_ArrayForEach(opt, e) {
                if (shown++ == 6) {
                    snprintf(list + used, sizeof(list) - used, ", ...");
                    break;
                }
                json_brief(opt, one, sizeof(one));
                int w = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", one);
                if (w < 0 || (size_t)w >= sizeof(list) - used)
                    break;
                used += (size_t)w;
            }
            json_brief(v, got, sizeof(got));
            violation(r, path, "expected one of %s, got %s", list, got);
        }
    }
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(s, "const");
    if (c && !cJSON_Compare(c, v, 1)) {
        char want[96], got[96];
        json_brief(c, want, sizeof(want));
        json_brief(v, got, sizeof(got));
        violation(r, path, "expected %s, got %s", want, got);
    }

    if (cJSON_IsNumber(v)) {
        static const struct { const char *key; int strict, upper; const char *what; } lim[] = {
            { "minimum", 0, 0, "below the minimum" },
            { "exclusiveMinimum", 1, 0, "not above the exclusive minimum" },
            { "maximum", 0, 1, "above the maximum" },
            { "exclusiveMaximum", 1, 1, "not below the exclusive maximum" },
        };
        for (size_t i = 0; i < 4; i++) {
            const cJSON *b = cJSON_GetObjectItemCaseSensitive(s, lim[i].key);
            if (!b)
                continue;
            double x = v->valuedouble, l = b->valuedouble;
            int fail = lim[i].upper ? (lim[i].strict ? x >= l : x > l)
                                    : (lim[i].strict ? x <= l : x < l);
            if (fail)
                violation(r, path, "%.17g is %s %.17g", x, lim[i].what, l);
        }
    }
    if (cJSON_IsString(v)) {
        size_t len = utf8_chars(v->valuestring);
        const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minLength");
        const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maxLength");
        if (mn && (double)len < mn->valuedouble)
            violation(r, path, "expected at least %.0f character%s, got %zu", mn->valuedouble,
                      mn->valuedouble == 1 ? "" : "s", len);
        if (mx && (double)len > mx->valuedouble)
            violation(r, path, "expected at most %.0f character%s, got %zu", mx->valuedouble,
                      mx->valuedouble == 1 ? "" : "s", len);
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(s, "format");
        char got[96];
        json_brief(v, got, sizeof(got));
        if (f && strcmp(f->valuestring, "date") == 0 && !jsonschema_is_date(v->valuestring))
            violation(r, path, "expected a date YYYY-MM-DD, got %s", got);
        if (f && strcmp(f->valuestring, "date-time") == 0 && !is_date_time(v->valuestring))
            violation(r, path, "expected an RFC 3339 date-time, got %s", got);
    }
    if (cJSON_IsArray(v)) {
        double n = cJSON_GetArraySize(v);
        const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minItems");
        const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maxItems");
        if (mn && n < mn->valuedouble)
            violation(r, path, "expected at least %.0f item%s, got %.0f", mn->valuedouble,
                      mn->valuedouble == 1 ? "" : "s", n);
        if (mx && n > mx->valuedouble)
            violation(r, path, "expected at most %.0f item%s, got %.0f", mx->valuedouble,
                      mx->valuedouble == 1 ? "" : "s", n);
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(s, "items");
        if (items) {
            size_t i = 0;
            const cJSON *el;
            cJSON_ArrayForEach(el, v) {
                char p[256];
                jpath_index(p, sizeof(p), path, i++);
                validate(items, el, p, r);
            }
        }
    }
    if (cJSON_IsObject(v))
        validate_object(s, v, path, r);

    const cJSON *any = cJSON_GetObjectItemCaseSensitive(s, "anyOf");
    if (any) {
        struct jsonschema_result tmp, first;
        jsonschema_result_init(&first);
        int ok = 0, i = 0;
        const cJSON *alt;
        cJSON_ArrayForEach(alt, any) {
            jsonschema_result_init(&tmp);
            validate(alt, v, path, &tmp);
            if (tmp.n == 0)
                ok = 1;
            if (i++ == 0)
                first = tmp;
            else
                jsonschema_result_release(&tmp);
            if (ok)
                break;
        }
        if (!ok)
            violation(r, path, "matches none of the anyOf alternatives (first: %s%s%s)",
                      first.n && first.v[0].path[0] ? first.v[0].path : "",
                      first.n && first.v[0].path[0] ? ": " : "", first.n ? first.v[0].msg : "");
        jsonschema_result_release(&first);
    }
}

size_t jsonschema_validate(const cJSON *schema, const cJSON *instance,
                           struct jsonschema_result *r)
{
    size_t before = r->n;
    validate(schema, instance, "", r);
    return r->n - before;
}

int jsonschema_validate_diag(const cJSON *schema, const cJSON *instance, const char *file,
                             const char *path_prefix, struct diag *d)
{
    struct jsonschema_result r;
    jsonschema_result_init(&r);
    jsonschema_validate(schema, instance, &r);
    for (size_t i = 0; i < r.n; i++) {
        char p[512];
        if (path_prefix && *path_prefix && r.v[i].path[0])
            snprintf(p, sizeof(p), "%s%s%s", path_prefix, r.v[i].path[0] == '[' ? "" : ".",
                     r.v[i].path);
        else
            snprintf(p, sizeof(p), "%s", path_prefix && *path_prefix ? path_prefix : r.v[i].path);
        diag_fail_at(d, file, 0, p, "%s", r.v[i].msg);
    }
    int rc = r.n ? -1 : 0;
    jsonschema_result_release(&r);
    return rc;
}
