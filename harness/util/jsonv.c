/* jsonv.c -- see jsonv.h. cJSON reports only where parsing stopped; the
 * message is derived here from the byte found there. */
#include "jsonv.h"
#include "buf.h"
#include "fileio.h"
#include "xalloc.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void locate(const char *text, const char *at, long *line, long *col)
{
    long l = 1, c = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            c++;   /* count code points, not continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

static const char *describe_stop(const char *text, size_t n, const char *at)
{
    if (at >= text + n || *at == '\0')
        return "unexpected end of input (unterminated string, object or array?)";
    switch (*at) {
    case '}': case ']': return "unexpected closing bracket (trailing comma?)";
    case ',': return "unexpected ','";
    case '\'': return "single quotes are not JSON; use double quotes";
    case '"': return "invalid string (bad escape or control character?) or missing ','";
    default: break;
    }
    return "invalid JSON here";
}

cJSON *json_parse_located(const char *text, size_t n, const char *file, long base_line,
                          struct diag *d)
{
    const char *end = NULL;
    /* cJSON needs a NUL-terminated view when it reports positions. */
    char *copy = xstrndup(text, n);
    if (strlen(copy) != n) {
        long line, col;
        locate(copy, copy + strlen(copy), &line, &col);
        diag_fail_pos(d, file, base_line + line - 1, col, NULL, "NUL byte in JSON text");
        free(copy);
        return NULL;
    }
    cJSON *root = cJSON_ParseWithLengthOpts(copy, n, &end, 0);
    if (!root) {
        const char *at = end ? end : cJSON_GetErrorPtr();
        if (!at || at < copy || at > copy + n)
            at = copy + n;
        long line, col;
        locate(copy, at, &line, &col);
        diag_fail_pos(d, file, base_line + line - 1, col, NULL, "%s", describe_stop(copy, n, at));
        free(copy);
        return NULL;
    }
    /* Only whitespace may follow the value. */
    const char *p = end;
    while (p < copy + n && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p < copy + n) {
        long line, col;
        locate(copy, p, &line, &col);
        diag_fail_pos(d, file, base_line + line - 1, col, NULL,
                      "unexpected text after the JSON value");
        cJSON_Delete(root);
        free(copy);
        return NULL;
    }
    free(copy);
    return root;
}

cJSON *json_load_file(const char *path, struct diag *d)
{
    struct buf b;
    buf_init(&b, 0);
    if (file_read(path, &b, 0, d) < 0) {
        buf_release(&b);
        return NULL;
    }
    cJSON *root = json_parse_located(b.ptr, b.len, path, 1, d);
    buf_release(&b);
    return root;
}

int jsonl_read(const char *path, jsonl_fn *fn, void *ud, struct diag *d)
{
    struct buf b;
    buf_init(&b, 0);
    if (file_read(path, &b, 0, d) < 0) {
        buf_release(&b);
        return -1;
    }
    long line = 0;
    size_t pos = 0;
    int rc = 0;
    while (pos < b.len) {
        line++;
        const char *start = b.ptr + pos;
        const char *nl = memchr(start, '\n', b.len - pos);
        size_t len = nl ? (size_t)(nl - start) : b.len - pos;
        pos += len + (nl ? 1 : 0);
        if (len && start[len - 1] == '\r')
            len--;
        size_t i = 0;
        while (i < len && (start[i] == ' ' || start[i] == '\t'))
            i++;
        if (i == len)
            continue;
        cJSON *obj = json_parse_located(start, len, path, line, d);
        if (!obj) {
            rc = -1;
            break;
        }
        if (!cJSON_IsObject(obj)) {
            diag_fail_at(d, path, line, NULL, "expected a JSON object on each line, got %s",
                         json_kind(obj));
            cJSON_Delete(obj);
            rc = -1;
            break;
        }
        if (fn(obj, line, ud, d) < 0) {
            rc = -1;
            break;
        }
    }
    buf_release(&b);
    return rc;
}

void jpath_key(char *out, size_t n, const char *parent, const char *key)
{
    if (parent && *parent)
        snprintf(out, n, "%s.%s", parent, key);
    else
        snprintf(out, n, "%s", key);
}

void jpath_index(char *out, size_t n, const char *parent, size_t i)
{
    snprintf(out, n, "%s[%zu]", parent ? parent : "", i);
}

long json_long_or(const cJSON *v, long dflt)
{
    /* (double)LONG_MAX is 2^63, itself out of range: hence < */
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)LONG_MIN &&
                                v->valuedouble < (double)LONG_MAX))
        return dflt;
    return (long)v->valuedouble;
}

const char *json_kind(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an invalid value";
}

void json_brief(const cJSON *v, char *out, size_t n)
{
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        size_t len = strlen(s);
        if (len > 40)
            snprintf(out, n, "\"%.40s...\"", s);
        else
            snprintf(out, n, "\"%s\"", s);
    } else if (cJSON_IsNumber(v)) {
        snprintf(out, n, "%.17g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        snprintf(out, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    } else {
        snprintf(out, n, "%s", json_kind(v));
    }
}

static const cJSON *member(const cJSON *obj, const char *key, const char *file,
                           const char *parent, int required, struct diag *d, int *err)
{
    *err = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v && required) {
        char path[256];
        jpath_key(path, sizeof(path), parent, key);
        *err = diag_fail_at(d, file, 0, path, "missing, required");
    }
    return v;
}

static int wrong(const cJSON *v, const char *key, const char *file, const char *parent,
                 const char *expected, struct diag *d)
{
    char path[256], got[96];
    jpath_key(path, sizeof(path), parent, key);
    json_brief(v, got, sizeof(got));
    return diag_fail_at(d, file, 0, path, "expected %s, got %s", expected, got);
}

int jv_string(const cJSON *obj, const char *key, const char *file, const char *parent,
              int required, const char **out, struct diag *d)
{
    int err;
    const cJSON *v = member(obj, key, file, parent, required, d, &err);
    if (!v)
        return err;
    if (!cJSON_IsString(v))
        return wrong(v, key, file, parent, "a string", d);
    *out = v->valuestring;
    return 0;
}

int jv_number(const cJSON *obj, const char *key, const char *file, const char *parent,
              int required, double min, double max, double *out, struct diag *d)
{
    int err;
    const cJSON *v = member(obj, key, file, parent, required, d, &err);
    if (!v)
        return err;
    if (!cJSON_IsNumber(v))
        return wrong(v, key, file, parent, "a number", d);
    if (v->valuedouble < min || v->valuedouble > max) {
        char exp[128];
        snprintf(exp, sizeof(exp), "a number from %g to %g", min, max);
        return wrong(v, key, file, parent, exp, d);
    }
    *out = v->valuedouble;
    return 0;
}

int jv_int(const cJSON *obj, const char *key, const char *file, const char *parent,
           int required, long min, long max, long *out, struct diag *d)
{
    int err;
    const cJSON *v = member(obj, key, file, parent, required, d, &err);
    if (!v)
        return err;
    char exp[128];
    snprintf(exp, sizeof(exp), "an integer from %ld to %ld", min, max);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < (double)min || v->valuedouble > (double)max)
        return wrong(v, key, file, parent, exp, d);
    *out = (long)v->valuedouble;
    return 0;
}

int jv_bool(const cJSON *obj, const char *key, const char *file, const char *parent,
            int required, int *out, struct diag *d)
{
    int err;
    const cJSON *v = member(obj, key, file, parent, required, d, &err);
    if (!v)
        return err;
    if (!cJSON_IsBool(v))
        return wrong(v, key, file, parent, "true or false", d);
    *out = cJSON_IsTrue(v);
    return 0;
}

int jv_object(const cJSON *obj, const char *key, const char *file, const char *parent,
              int required, const cJSON **out, struct diag *d)
{
    int err;
    const cJSON *v = member(obj, key, file, parent, required, d, &err);
    if (!v)
        return err;
    if (!cJSON_IsObject(v))
        return wrong(v, key, file, parent, "an object", d);
    *out = v;
    return 0;
}

int jv_array(const cJSON *obj, const char *key, const char *file, const char *parent,
             int required, const cJSON **out, struct diag *d)
{
    int err;
    const cJSON *v = member(obj, key, file, parent, required, d, &err);
    if (!v)
        return err;
    if (!cJSON_IsArray(v))
        return wrong(v, key, file, parent, "an array", d);
    *out = v;
    return 0;
}

/* Levenshtein distance capped small: only used to suggest a near key. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

int jv_known_keys(const cJSON *obj, const char *const *keys, const char *file,
                  const char *parent, struct diag *d)
{
    int rc = 0;
    /* only an object has keys (an array's children have none) */
    for (const cJSON *it = cJSON_IsObject(obj) ? obj->child : NULL; it; it = it->next) {
        char path[256];
        jpath_key(path, sizeof(path), parent, it->string);
        int known = 0;
        const char *near = NULL;
        size_t best = 3;
        for (size_t k = 0; keys[k]; k++) {
            if (strcmp(keys[k], it->string) == 0) {
                known = 1;
                break;
            }
            size_t dist = edit_distance(keys[k], it->string);
            if (dist < best) {
                best = dist;
                near = keys[k];
            }
        }
        if (!known) {
            if (near)
                rc = diag_fail_at(d, file, 0, path, "unknown key (did you mean \"%s\"?)", near);
            else
                rc = diag_fail_at(d, file, 0, path, "unknown key");
            continue;
        }
        for (const cJSON *prev = obj->child; prev != it; prev = prev->next) {
            if (strcmp(prev->string, it->string) == 0) {
                rc = diag_fail_at(d, file, 0, path, "key appears more than once");
                break;
            }
        }
    }
    return rc;
}
