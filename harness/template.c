/* template.c -- see template.h.
 *
 * A template compiles to a list of segments, each either literal bytes or
 * a field path; rendering walks the list. The source is scanned once for
 * "{{": the text up to the next "}}" is the placeholder (so a name can
 * never contain a brace), "\{{" is the only escape. Bytes pass through
 * untouched, so any UTF-8 in a template reaches the prompt as written. */
#include "template.h"

#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct segment {
    char *text;       /* literal bytes (NUL-terminated), or the field path */
    size_t len;
    int is_field;
};

struct template {
    char *src;
    char *file;
    char *path;
    struct segment *segs;
    size_t nsegs, cap;
};

/* === field paths === */

int field_path_valid(const char *path, const char **why)
{
    const char *p = path;
    if (!*p) {
        *why = "empty field name";
        return -1;
    }
    int expect_key = 1;
    while (*p) {
        if (expect_key) {
            size_t n = strcspn(p, ".[");
            if (n == 0) {
                *why = "empty key in field path";
                return -1;
            }
            for (size_t i = 0; i < n; i++) {
                if (p[i] == '{' || p[i] == '}' || p[i] == ']') {
                    *why = "field names cannot contain '{', '}' or ']'";
                    return -1;
                }
            }
            p += n;
            expect_key = 0;
        } else if (*p == '.') {
            p++;
            expect_key = 1;
            if (!*p) {
                *why = "field path ends with '.'";
                return -1;
            }
        } else if (*p == '[') {
            p++;
            if (*p < '0' || *p > '9') {
                *why = "expected a number inside [ ]";
                return -1;
            }
            while (*p >= '0' && *p <= '9')
                p++;
            if (*p != ']') {
                *why = "expected ']' after the index";
                return -1;
            }
            p++;
        } else {
            *why = "expected '.' or '[' in field path";
            return -1;
        }
    }
    return 0;
}

const cJSON *field_lookup(const cJSON *obj, const char *path)
{
    if (!obj || !path || !*path)
        return NULL;
    if (cJSON_IsObject(obj)) {
        const cJSON *whole = cJSON_GetObjectItemCaseSensitive(obj, path);
        if (whole)
            return whole;
    }
    const cJSON *cur = obj;
    const char *p = path;
    char key[256];
    int expect_key = 1;
    while (*p && cur) {
        if (expect_key) {
            size_t n = strcspn(p, ".[");
            if (n == 0 || n >= sizeof(key) || !cJSON_IsObject(cur))
                return NULL;
            memcpy(key, p, n);
            key[n] = '\0';
            cur = cJSON_GetObjectItemCaseSensitive(cur, key);
            p += n;
            expect_key = 0;
        } else if (*p == '.') {
            p++;
            expect_key = 1;
        } else if (*p == '[') {
            char *end;
            unsigned long i = strtoul(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || !cJSON_IsArray(cur))
                return NULL;
            cur = i < (unsigned long)cJSON_GetArraySize(cur) ? cJSON_GetArrayItem(cur, (int)i) : NULL;
            p = end + 1;
        } else {
            return NULL;
        }
    }
    return (*p || expect_key) ? NULL : cur;
}

void field_render(const cJSON *v, struct buf *out)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsString(v)) {
        buf_adds(out, v->valuestring);
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    if (!s) {
        fprintf(stderr, "assay: out of memory rendering a field\n");
        abort();
    }
    buf_adds(out, s);
    cJSON_free(s);
}

/* === compiling === */

static void add_segment(struct template *t, const char *text, size_t len, int is_field)
{
    /* Adjacent literals merge, so "\{{" does not split the text. */
    if (!is_field && t->nsegs && !t->segs[t->nsegs - 1].is_field) {
        struct segment *s = &t->segs[t->nsegs - 1];
        s->text = xrealloc(s->text, s->len + len + 1);
        memcpy(s->text + s->len, text, len);
        s->len += len;
        s->text[s->len] = '\0';
        return;
    }
    XGROW(t->segs, t->cap, t->nsegs + 1);
    t->segs[t->nsegs].text = xstrndup(text, len);
    t->segs[t->nsegs].len = len;
    t->segs[t->nsegs].is_field = is_field;
    t->nsegs++;
}

/* 1-based line and column of offset off in src (columns in code points),
 * so an error inside a multi-line template points at the right place. */
static void position(const char *src, size_t off, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (src[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)src[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static int compile_fail(struct template *t, size_t off, struct diag *d, const char *what)
{
    long line, col;
    position(t->src, off, &line, &col);
    return diag_fail_at(d, t->file, 0, t->path, "%s at template line %ld, column %ld", what,
                        line, col);
}

struct template *template_compile(const char *src, const char *file, const char *path,
                                  struct diag *d)
{
    struct template *t = xcalloc(1, sizeof(*t));
    t->src = xstrdup(src);
    t->file = xstrdup(file ? file : "");
    t->path = xstrdup(path ? path : "");
    const char *s = t->src;
    size_t n = strlen(s), lit = 0, i = 0;
    while (i < n) {
        if (s[i] == '\\' && i + 2 < n && s[i + 1] == '{' && s[i + 2] == '{') {
            add_segment(t, s + lit, i - lit, 0);
            add_segment(t, "{{", 2, 0);
            i += 3;
            lit = i;
            continue;
        }
        if (s[i] != '{' || s[i + 1] != '{') {
            i++;
            continue;
        }
        const char *close = strstr(s + i + 2, "}}");
        if (!close) {
            compile_fail(t, i, d, "unclosed \"{{\" (write \\{{ for literal braces)");
            template_free(t);
            return NULL;
        }
        const char *a = s + i + 2, *b = close;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        char *name = xstrndup(a, (size_t)(b - a));
        const char *why;
        if (field_path_valid(name, &why) < 0) {
            char msg[512];
            snprintf(msg, sizeof(msg), "bad placeholder \"{{%.*s}}\": %s",
                     (int)(close - (s + i + 2)) > 200 ? 200 : (int)(close - (s + i + 2)),
                     s + i + 2, why);
            compile_fail(t, i, d, msg);
            free(name);
            template_free(t);
            return NULL;
        }
        add_segment(t, s + lit, i - lit, 0);
        add_segment(t, name, strlen(name), 1);
        free(name);
        i = (size_t)(close - s) + 2;
        lit = i;
    }
    add_segment(t, s + lit, n - lit, 0);
    return t;
}

void template_free(struct template *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nsegs; i++)
        free(t->segs[i].text);
    free(t->segs);
    free(t->src);
    free(t->file);
    free(t->path);
    free(t);
}

const char *template_source(const struct template *t) { return t->src; }
const char *template_path(const struct template *t) { return t->path; }

size_t template_nfields(const struct template *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nsegs; i++)
        n += t->segs[i].is_field;
    return n;
}

const char *template_field(const struct template *t, size_t k)
{
    for (size_t i = 0; i < t->nsegs; i++)
        if (t->segs[i].is_field && k-- == 0)
            return t->segs[i].text;
    return NULL;
}

/* === rendering === */

static int missing(const struct template *t, const char *field, const char *item_desc,
                   struct diag *d)
{
    return diag_fail_at(d, t->file, 0, t->path, "{{%s}}: %s has no field \"%s\"", field,
                        item_desc && *item_desc ? item_desc : "the item", field);
}

int template_render(const struct template *t, const cJSON *obj, const char *item_desc,
                    struct buf *out, struct diag *d)
{
    for (size_t i = 0; i < t->nsegs; i++) {
        const struct segment *s = &t->segs[i];
        if (!s->is_field) {
            buf_add(out, s->text, s->len);
            continue;
        }
        const cJSON *v = field_lookup(obj, s->text);
        if (!v)
            return missing(t, s->text, item_desc, d);
        field_render(v, out);
    }
    return 0;
}

int template_check(const struct template *t, const cJSON *obj, const char *item_desc,
                   struct diag *d)
{
    for (size_t i = 0; i < t->nsegs; i++)
        if (t->segs[i].is_field && !field_lookup(obj, t->segs[i].text))
            return missing(t, t->segs[i].text, item_desc, d);
    return 0;
}
