/* jsonw.c -- see jsonw.h. Numbers are formatted by hand where printf is
 * not needed (integers, fixed 3 decimals): printf is a good part of the
 * cost of a record otherwise. */
#include "jsonw.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jsonw_init(struct jsonw *w, struct buf *b)
{
    w->b = b;
    w->depth = 0;
    w->has_member = 0;
    w->after_key = 0;
}

/* Whether the next value or key needs a comma before it (and notes that
 * the current container now holds one). */
static int need_comma(struct jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return 0;
    }
    uint32_t bit = 1u << w->depth;
    int comma = (w->has_member & bit) != 0;
    w->has_member |= bit;
    return comma;
}

static void sep(struct jsonw *w)
{
    if (need_comma(w))
        buf_addc(w->b, ',');
}

static void enter(struct jsonw *w, char c)
{
    sep(w);
    buf_addc(w->b, c);
    w->depth++;
    assert(w->depth < JSONW_MAX_DEPTH);
    w->has_member &= ~(1u << w->depth);
}

static void leave(struct jsonw *w, char c)
{
    assert(w->depth > 0);
    w->has_member &= ~(1u << w->depth);
    w->depth--;
    buf_addc(w->b, c);
}

void jsonw_obj(struct jsonw *w) { enter(w, '{'); }
void jsonw_obj_end(struct jsonw *w) { leave(w, '}'); }
void jsonw_arr(struct jsonw *w) { enter(w, '['); }
void jsonw_arr_end(struct jsonw *w) { leave(w, ']'); }

/* Whether s holds a byte JSON needs escaped. */
static int needs_escape(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return 1;
    }
    return 0;
}

void json_escape(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_add(b, s + run, i - run);
        run = i + 1;
        char e[6] = { '\\', 0, 0, 0, 0, 0 };
        size_t len = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            len = 6;
        }
        buf_add(b, e, len);
    }
    buf_add(b, s + run, n - run);
    buf_addc(b, '"');
}

/* A short string that needs no escapes (keys, names, most values) goes
 * in one append, comma, quotes and colon included: a record has dozens. */
static int put_plain(struct jsonw *w, const char *s, size_t n, int key)
{
    char t[256];
    if (n > sizeof(t) - 4 || needs_escape(s, n))
        return 0;
    size_t k = 0;
    if (need_comma(w))
        t[k++] = ',';
    t[k++] = '"';
    memcpy(t + k, s, n);
    k += n;
    t[k++] = '"';
    if (key)
        t[k++] = ':';
    buf_add(w->b, t, k);
    return 1;
}

void jsonw_key(struct jsonw *w, const char *key)
{
    size_t n = strlen(key);
    if (!put_plain(w, key, n, 1)) {
        sep(w);
        json_escape(w->b, key, n);
        buf_addc(w->b, ':');
    }
    w->after_key = 1;
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
    if (put_plain(w, s, n, 0))
        return;
    sep(w);
    json_escape(w->b, s, n);
}

void jsonw_str(struct jsonw *w, const char *s)
{
    if (!s)
        jsonw_null(w);
    else
        jsonw_strn(w, s, strlen(s));
}

void jsonw_null(struct jsonw *w)
{
    if (need_comma(w))
        buf_add(w->b, ",null", 5);
    else
        buf_add(w->b, "null", 4);
}

void jsonw_bool(struct jsonw *w, int v)
{
    const char *t = need_comma(w) ? (v ? ",true" : ",false") : (v ? "true" : "false");
    buf_adds(w->b, t);
}

/* Decimal digits of a, written backwards ending at end; returns the start. */
static char *digits(char *end, unsigned long long a)
{
    do {
        *--end = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    return end;
}

void json_int(struct buf *b, long long v)
{
    char s[24];   /* sign and 20 digits */
    unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = digits(s + sizeof(s), a);
    if (v < 0)
        *--p = '-';
    buf_add(b, p, (size_t)(s + sizeof(s) - p));
}

static void number_text(struct buf *b, double d);

void json_fixed3(struct buf *b, double v)
{
    if (!isfinite(v)) {
        buf_add(b, "null", 4);
        return;
    }
    if (fabs(v) >= 9e15) {
        number_text(b, v);   /* past exact milliseconds: no fixed form */
        return;
    }
    long long m = llround(v * 1000.0);
    unsigned long long a = m < 0 ? 0ULL - (unsigned long long)m : (unsigned long long)m;
    unsigned long long ip = a / 1000, fp = a % 1000;
    char s[32];
    char *end = s + sizeof(s), *p = end;
    if (fp) {
        int nd = fp % 100 == 0 ? 1 : fp % 10 == 0 ? 2 : 3;
        unsigned long long f = nd == 1 ? fp / 100 : nd == 2 ? fp / 10 : fp;
        for (int i = 0; i < nd; i++) {
            *--p = (char)('0' + f % 10);
            f /= 10;
        }
        *--p = '.';
    }
    p = digits(p, ip);
    if (m < 0)
        *--p = '-';
    buf_add(b, p, (size_t)(end - p));
}

void jsonw_int(struct jsonw *w, long long v)
{
    sep(w);
    json_int(w->b, v);
}

void jsonw_fixed3(struct jsonw *w, double v)
{
    sep(w);
    json_fixed3(w->b, v);
}

/* cJSON's print_number (1.7.15): %1.15g, or %1.17g when that does not
 * read back as d; strtod stands in for its sscanf. */
static void number_text(struct buf *b, double d)
{
    char s[32];
    int n;
    if (isnan(d) || isinf(d)) {
        n = snprintf(s, sizeof(s), "null");
    } else if (fabs(d) < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d))) {
        /* An integer below 1e15 is what %1.15g prints it as, and reads
         * back exactly: no printf, no strtod (most numbers of a request). */
        json_int(b, (long long)d);
        return;
    } else {
        n = snprintf(s, sizeof(s), "%1.15g", d);
        double back = strtod(s, NULL);
        double big = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
        if (!(fabs(back - d) <= big * DBL_EPSILON))
            n = snprintf(s, sizeof(s), "%1.17g", d);
    }
    buf_add(b, s, (size_t)n);
}

void jsonw_double(struct jsonw *w, double v)
{
    sep(w);
    number_text(w->b, v);
}

void jsonw_sig(struct jsonw *w, double v, int sig)
{
    if (!isfinite(v)) {
        jsonw_null(w);
        return;
    }
    if (v == 0 && !signbit(v)) {
        jsonw_int(w, 0);   /* "%g" of 0: the common no-charge amount, without printf */
        return;
    }
    char s[40];
    int n = snprintf(s, sizeof(s), "%.*g", sig, v);
    sep(w);
    buf_add(w->b, s, (size_t)n);
}

void jsonw_cjson(struct jsonw *w, const cJSON *v)
{
    if (!v) {
        jsonw_null(w);
        return;
    }
    switch (v->type & 0xff) {
    case cJSON_False: jsonw_bool(w, 0); return;
    case cJSON_True: jsonw_bool(w, 1); return;
    case cJSON_NULL: jsonw_null(w); return;
    case cJSON_Number:
        sep(w);
        number_text(w->b, v->valuedouble);
        return;
    case cJSON_String: jsonw_str(w, v->valuestring ? v->valuestring : ""); return;
    case cJSON_Raw:
        sep(w);
        if (v->valuestring)
            buf_adds(w->b, v->valuestring);
        return;
    case cJSON_Array:
        jsonw_arr(w);
        for (const cJSON *c = v->child; c; c = c->next)
            jsonw_cjson(w, c);
        jsonw_arr_end(w);
        return;
    case cJSON_Object:
        jsonw_obj(w);
        for (const cJSON *c = v->child; c; c = c->next) {
            jsonw_key(w, c->string ? c->string : "");
            jsonw_cjson(w, c);
        }
        jsonw_obj_end(w);
        return;
    default:
        jsonw_null(w);   /* cJSON_Invalid: cJSON would refuse to print at all */
        return;
    }
}
