/* json_fields.c -- score a model's JSON answer field by field against a
 * gold object (docs/scorers.md, "json_fields").
 *
 * 1. Find the JSON in the reply (jsonfind.h); none: every score 0, the
 *    reason kept. A JSON string holding the JSON (encoded twice) is
 *    unwrapped.
 * 2. Validate it against the schema (option "schema", else the item's
 *    "schema" member when that is an object); schema_valid is reported
 *    separately and never changes the field scores.
 * 3. Walk gold and prediction together. Leaves are scalars at flattened
 *    paths (vendor.name, line_items[2].qty). Per gold leaf: equal -> TP;
 *    different -> FP + FN; missing or null -> FN. A gold null (or a path
 *    gold does not have) is right when the prediction is null or absent;
 *    a value there is a FP. Lists are compared in order by default, or as
 *    multisets ("list": "set"; lists of objects then pair each gold
 *    element with the unused predicted one that agrees on most leaves).
 *    field_accuracy = right gold fields / gold fields, where a field is a
 *    gold leaf (null ones included), an empty gold object or list, or a
 *    whole list compared as a set of scalars.
 * 4. Micro P = TP/(TP+FP), R = TP/(TP+FN), F1 = 2PR/(P+R); nothing to
 *    find and nothing predicted is a perfect 1.
 *
 * Values are compared after the field's normalisation rule (option
 * "fields", keyed by generic path "line_items[].qty", falling back to
 * "defaults"): NFC always, optional case folding (utf8proc), whitespace
 * collapsing (Python whitespace), equivalence classes, then money, number
 * and date parsing. A JSON number and a string holding a plain number are
 * compared as numbers even when number parsing is off; two strings only
 * when it is on, so ids like "00123" and "123" stay different. */
#include "json_fields.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "jsonfind.h"
#include "jsonschema.h"
#include "scorer.h"
#include "textnorm.h"

/* ==== numbers ================================================================ */

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* Length of a group separator at p (0 if none): , . ' space NBSP U+202F. */
static size_t separator_at(const char *p, char *kind)
{
    if (*p == ',' || *p == '.' || *p == '\'' || *p == ' ') {
        *kind = *p;
        return 1;
    }
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
        *kind = ' ';
        return 2;
    }
    if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF) {
        *kind = ' ';
        return 3;
    }
    return 0;
}

int jf_parse_number(const char *s, enum jf_number_style style, double *out)
{
    const char *p = skip_space(s);
    int neg = 0;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    /* digit groups and the separators between them */
    enum { MAXG = 32 };
    size_t glen[MAXG], ng = 0;
    const char *gstart[MAXG];
    char sep[MAXG];
    for (;;) {
        const char *d = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (ng == MAXG)
            return -1;
        gstart[ng] = d;
        glen[ng] = (size_t)(p - d);
        ng++;
        char kind;
        size_t k = separator_at(p, &kind);
        if (!k || !(p[k] >= '0' && p[k] <= '9'))
            break;
        sep[ng - 1] = kind;
        p += k;
    }
    if (*skip_space(p) != '\0')
        return -1;
    size_t nsep = ng - 1;
    if (glen[0] == 0 && !(nsep == 1 && (sep[0] == '.' || sep[0] == ',')))
        return -1;                                /* ".5" / ",5" only as a decimal */

    /* Which separator is the decimal one, if any. */
    char dec = 0;
    if (nsep > 0) {
        char last = sep[nsep - 1];
        int commas = 0, dots = 0;
        for (size_t i = 0; i < nsep; i++) {
            commas += sep[i] == ',';
            dots += sep[i] == '.';
        }
        switch (style) {
        case JF_NUM_US:
            if (last == '.')
                dec = '.';
            break;
        case JF_NUM_EU:
            if (last == ',')
                dec = ',';
            break;
        case JF_NUM_AUTO:
            if (commas && dots)
                dec = last == ',' || last == '.' ? last : 0;
            else if (dots == 1 && last == '.')
                dec = '.';
            else if (commas == 1 && last == ',' && glen[ng - 1] != 3)
                dec = ',';
            break;
        }
    }
    size_t nint = dec ? ng - 1 : ng;              /* groups before the decimal part */
    char group = 0;
    for (size_t i = 0; i + 1 < nint; i++) {       /* one grouping character, regular groups */
        if (group && sep[i] != group)
            return -1;
        group = sep[i];
        if (glen[i + 1] != 3 || (i == 0 && glen[0] > 3))
            return -1;
    }
    if (group) {
        int ok = style == JF_NUM_US ? group == ','
               : style == JF_NUM_EU ? group != ','
               : group != dec;
        if (!ok || group == dec)
            return -1;
    }
    char buf[160];
    size_t k = 0;
    if (neg)
        buf[k++] = '-';
    for (size_t i = 0; i < ng; i++) {
        if (dec && i == ng - 1)
            buf[k++] = '.';
        if (k + glen[i] + 2 >= sizeof(buf))
            return -1;
        memcpy(buf + k, gstart[i], glen[i]);
        k += glen[i];
    }
    if (k == (size_t)neg || (k == (size_t)neg + 1 && buf[neg] == '.'))
        return -1;
    buf[k] = '\0';
    *out = strtod(buf, NULL);
    return 0;
}

/* ==== money ================================================================= */

static const struct { const char *sym, *code; } currency_symbols[] = {
    { "US$", "USD" }, { "R$", "BRL" }, { "$", "USD" }, { "\xe2\x82\xac", "EUR" },
    { "\xc2\xa3", "GBP" }, { "\xc2\xa5", "JPY" }, { "\xe2\x82\xb9", "INR" },
    { "\xe2\x82\xa9", "KRW" }, { "\xe2\x82\xbd", "RUB" }, { "\xe2\x82\xba", "TRY" },
    { "\xe2\x82\xaa", "ILS" }, { "\xe2\x82\xab", "VND" }, { "\xe2\x82\xb1", "PHP" },
};

/* A currency symbol or a three-letter code at p: its length and code. */
static size_t currency_at(const char *p, char code[4])
{
    for (size_t i = 0; i < sizeof(currency_symbols) / sizeof(currency_symbols[0]); i++) {
        size_t n = strlen(currency_symbols[i].sym);
        if (strncmp(p, currency_symbols[i].sym, n) == 0) {
            memcpy(code, currency_symbols[i].code, 4);
            return n;
        }
    }
    static const char codes[] = "USD EUR GBP JPY CNY RMB INR KRW RUB TRY CHF CAD AUD NZD SEK "
                                "NOK DKK PLN CZK HUF RON BRL MXN ARS ZAR SGD HKD TWD ILS AED "
                                "SAR THB VND PHP IDR MYR EGP NGN KES UAH";
    if (isalpha((unsigned char)p[0]) && isalpha((unsigned char)p[1])
        && isalpha((unsigned char)p[2]) && !isalpha((unsigned char)p[3])) {
        char up[4];
        for (int i = 0; i < 3; i++)
            up[i] = (char)toupper((unsigned char)p[i]);
        up[3] = '\0';
        if (strstr(codes, up)) {               /* the list is space-separated triples */
            memcpy(code, up, 4);
            return 3;
        }
    }
    return 0;
}

int jf_parse_money(const char *s, enum jf_number_style style, double *amount, char code[4])
{
    code[0] = '\0';
    const char *p = skip_space(s);
    int neg = 0;
    if (*p == '-') {                              /* -$12 */
        neg = 1;
        p = skip_space(p + 1);
    }
    char c[4] = "";
    size_t k = currency_at(p, c);
    const char *num = p + k;
    char buf[256];
    if (k) {
        snprintf(buf, sizeof(buf), "%s", num);
    } else {
        /* maybe a trailing symbol or code: "12,50 €", "12 EUR" */
        size_t n = strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n'))
            n--;
        for (size_t cut = n; cut-- > 0;) {
            char c2[4];
            size_t k2 = currency_at(p + cut, c2);
            if (k2 && cut + k2 == n) {
                memcpy(c, c2, 4);
                snprintf(buf, sizeof(buf), "%.*s", (int)cut, p);
                k = k2;
                break;
            }
            if (n - cut > 4)
                break;
        }
        if (!k)
            snprintf(buf, sizeof(buf), "%s", p);
    }
    double v;
    if (jf_parse_number(buf, style, &v) < 0)
        return -1;
    if (neg) {
        if (v < 0)
            return -1;                            /* "--12" */
        v = -v;
    }
    *amount = v;
    memcpy(code, c, 4);
    return 0;
}

/* ==== dates ================================================================== */

static const struct { const char *name; int month; } month_names[] = {
    /* English */
    { "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 }, { "may", 5 },
    { "june", 6 }, { "july", 7 }, { "august", 8 }, { "september", 9 }, { "october", 10 },
    { "november", 11 }, { "december", 12 }, { "jan", 1 }, { "feb", 2 }, { "mar", 3 },
    { "apr", 4 }, { "jun", 6 }, { "jul", 7 }, { "aug", 8 }, { "sep", 9 }, { "sept", 9 },
    { "oct", 10 }, { "nov", 11 }, { "dec", 12 },
    /* German */
    { "januar", 1 }, { "februar", 2 }, { "m\xc3\xa4rz", 3 }, { "mai", 5 }, { "juni", 6 },
    { "juli", 7 }, { "oktober", 10 }, { "dezember", 12 },
    /* French */
    { "janvier", 1 }, { "f\xc3\xa9vrier", 2 }, { "mars", 3 }, { "avril", 4 }, { "juin", 6 },
    { "juillet", 7 }, { "ao\xc3\xbbt", 8 }, { "septembre", 9 }, { "octobre", 10 },
    { "novembre", 11 }, { "d\xc3\xa9" "cembre", 12 },
    /* Spanish, Italian, Portuguese */
    { "enero", 1 }, { "febrero", 2 }, { "marzo", 3 }, { "abril", 4 }, { "mayo", 5 },
    { "junio", 6 }, { "julio", 7 }, { "agosto", 8 }, { "septiembre", 9 }, { "octubre", 10 },
    { "noviembre", 11 }, { "diciembre", 12 }, { "gennaio", 1 }, { "febbraio", 2 },
    { "aprile", 4 }, { "maggio", 5 }, { "giugno", 6 }, { "luglio", 7 }, { "settembre", 9 },
    { "ottobre", 10 }, { "dicembre", 12 }, { "janeiro", 1 }, { "fevereiro", 2 },
    { "mar\xc3\xa7o", 3 }, { "maio", 5 }, { "junho", 6 }, { "julho", 7 }, { "setembro", 9 },
    { "outubro", 10 }, { "dezembro", 12 },
};

static const char *const date_filler[] = {
    "of", "de", "del", "the", "le", "am", "den", "der",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", NULL,
};

static int two_digit_year(int y)
{
    return y < 70 ? 2000 + y : 1900 + y;
}

static int emit_date(int y, int m, int d, char out[11])
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    char buf[16];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
    if (!jsonschema_is_date(buf))
        return -1;
    memcpy(out, buf, 11);
    return 0;
}

/* Up to 8 tokens: digit runs (with an ordinal suffix allowed) and letter
 * runs (lowercased by the caller), split at spaces , . / - */
struct dtok {
    char text[24];
    int is_num, value, ndigits;
};

static int date_tokens(const char *s, struct dtok *t, int max, char *seps)
{
    int n = 0, k = 0;
    for (const char *p = s;;) {
        while (*p == ' ' || *p == ',' || *p == '.' || *p == '/' || *p == '-' || *p == '\t') {
            if (n > 0 && n - 1 < 8 && !seps[n - 1])
                seps[n - 1] = *p;
            p++;
        }
        if (!*p)
            break;
        if (n == max)
            return -1;
        struct dtok *d = &t[n];
        memset(d, 0, sizeof(*d));
        k = 0;
        if (*p >= '0' && *p <= '9') {
            d->is_num = 1;
            while (*p >= '0' && *p <= '9') {
                if (d->ndigits++ >= 6)
                    return -1;
                d->value = d->value * 10 + (*p++ - '0');
            }
            /* 1st 2nd 3rd 4th, and "5." handled as a separator */
            if ((p[0] == 's' && p[1] == 't') || (p[0] == 'n' && p[1] == 'd')
                || (p[0] == 'r' && p[1] == 'd') || (p[0] == 't' && p[1] == 'h'))
                p += 2;
        } else {
            while (*p && !strchr(" ,./-\t", *p) && !(*p >= '0' && *p <= '9')) {
                if (k + 1 >= (int)sizeof(d->text))
                    return -1;
                d->text[k++] = *p++;
            }
            d->text[k] = '\0';
        }
        seps[n] = 0;
        n++;
    }
    return n;
}

int jf_parse_date(const char *s, enum jf_date_order order, char out[11])
{
    char low[128];
    const char *p = skip_space(s);
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    if (n == 0 || n >= sizeof(low))
        return -1;
    /* ISO date with a time part: keep the date */
    if (n > 10 && (p[10] == 'T' || p[10] == 't' || p[10] == ' ') && p[4] == '-' && p[7] == '-') {
        char d[11];
        memcpy(d, p, 10);
        d[10] = '\0';
        if (jsonschema_is_date(d)) {
            memcpy(out, d, 11);
            return 0;
        }
    }
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)p[i]);   /* ASCII only: month names below */
    low[n] = '\0';
    /* "März", "Février", "Août", "Décembre": lowercase the few capitals used */
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char a = (unsigned char)low[i], b = (unsigned char)low[i + 1];
        if (a == 0xC3 && (b == 0x84 || b == 0x89 || b == 0x87))   /* Ä É Ç */
            low[i + 1] = (char)(b + 0x20);
    }

    struct dtok t[8];
    char seps[8] = { 0 };
    int nt = date_tokens(low, t, 8, seps);
    if (nt < 0)
        return -1;
    /* drop fillers (of, de, weekday names) */
    struct dtok k[8];
    char ksep[8];
    int nk = 0;
    for (int i = 0; i < nt; i++) {
        int filler = 0;
        for (size_t f = 0; !t[i].is_num && date_filler[f]; f++)
            filler |= strcmp(t[i].text, date_filler[f]) == 0;
        if (!filler) {
            ksep[nk] = seps[i];
            k[nk++] = t[i];
        }
    }
    if (nk != 3)
        return -1;
    int month_at = -1, month = 0;
    for (int i = 0; i < 3; i++) {
        if (k[i].is_num)
            continue;
        for (size_t m = 0; m < sizeof(month_names) / sizeof(month_names[0]); m++)
            if (strcmp(k[i].text, month_names[m].name) == 0)
                month = month_names[m].month;
        if (!month)
            return -1;
        month_at = i;
    }
    if (month_at >= 0) {
        int other[2], j = 0;
        for (int i = 0; i < 3; i++)
            if (i != month_at) {
                if (!k[i].is_num)
                    return -1;
                other[j++] = i;
            }
        /* the four-digit number is the year; the other is the day */
        int yi = k[other[0]].ndigits == 4 ? other[0] : k[other[1]].ndigits == 4 ? other[1] : -1;
        if (yi < 0)
            return -1;
        int di = yi == other[0] ? other[1] : other[0];
        if (k[di].ndigits > 2)
            return -1;
        return emit_date(k[yi].value, month, k[di].value, out);
    }
    /* all numeric */
    if (k[0].ndigits == 4) {                             /* Y M D */
        if (k[1].ndigits > 2 || k[2].ndigits > 2 || ksep[0] != ksep[1])
            return -1;
        return emit_date(k[0].value, k[1].value, k[2].value, out);
    }
    if (k[0].ndigits > 2 || k[1].ndigits > 2 || (k[2].ndigits != 4 && k[2].ndigits != 2)
        || ksep[0] != ksep[1])
        return -1;
    int y = k[2].ndigits == 2 ? two_digit_year(k[2].value) : k[2].value;
    int a = k[0].value, b = k[1].value;
    enum jf_date_order o = order;
    if (o == JF_DATE_AUTO) {
        if (ksep[0] == '.' || a > 12)
            o = JF_DATE_DMY;
        else if (b > 12)
            o = JF_DATE_MDY;
        else if (a == b)
            o = JF_DATE_DMY;
        else
            return -1;                                   /* 03/05/2024: ambiguous */
    }
    return o == JF_DATE_DMY ? emit_date(y, b, a, out) : emit_date(y, a, b, out);
}

/* ==== normalisation rules ==================================================== */

enum number_mode { NUM_OFF = -1 };   /* else an enum jf_number_style */
enum date_mode { DATE_OFF = -1 };    /* else an enum jf_date_order */

struct rule {
    char *path;               /* generic path ("items[].qty"); NULL for the defaults */
    int icase;                /* compare case-folded */
    int whitespace;           /* trim and collapse Python whitespace */
    int number;               /* NUM_OFF or a jf_number_style */
    int currency;             /* parse "$1,234.50" as an amount and a currency */
    int date;                 /* DATE_OFF or a jf_date_order */
    double tolerance;         /* absolute, for numbers and amounts */
    int list_set;             /* compare this list as a multiset */
    int ignore;               /* leave this field out entirely */
    char **equiv;             /* normalised members; a NULL ends each class */
    size_t nequiv;            /* entries in equiv, the NULLs included */
};

struct jf_state {
    cJSON *schema;            /* owned copy, or NULL */
    struct rule defaults;
    struct rule *rules;
    size_t nrules;
    int per_field;
};

/* The text form a string takes before any parsing: NFC, folded, collapsed. */
static char *normal_text(const struct rule *r, const char *s)
{
    size_t n;
    char *t = text_nfc(s, strlen(s), r->icase, &n);
    if (r->whitespace) {
        char *c = text_collapse_ws(t, n);
        free(t);
        t = c;
    }
    return t;
}

/* ==== canonical values ========================================================= */

enum cv_kind { CV_NONE, CV_BOOL, CV_NUM, CV_MONEY, CV_STR, CV_COMPOUND };

struct cv {
    enum cv_kind kind;
    int b;
    double num;
    char code[4];
    char *str;                /* owned */
    int plain_number;         /* CV_STR that also reads as a plain number (num set) */
};

static void cv_release(struct cv *v)
{
    free(v->str);
}

static void canon(const struct rule *r, const cJSON *j, struct cv *v)
{
    memset(v, 0, sizeof(*v));
    if (!j || cJSON_IsNull(j)) {
        v->kind = CV_NONE;
    } else if (cJSON_IsBool(j)) {
        v->kind = CV_BOOL;
        v->b = cJSON_IsTrue(j);
    } else if (cJSON_IsNumber(j)) {
        v->kind = CV_NUM;
        v->num = j->valuedouble;
    } else if (cJSON_IsString(j)) {
        char *t = normal_text(r, j->valuestring);
        for (size_t i = 0, cls = 0; r->equiv && i < r->nequiv; i++) {
            if (!r->equiv[i]) {
                cls++;
                continue;
            }
            if (strcmp(r->equiv[i], t) == 0) {
                free(t);
                v->kind = CV_STR;
                v->str = xasprintf("\x01" "class %zu", cls);
                return;
            }
        }
        double x;
        char code[4];
        if (r->currency && jf_parse_money(t, r->number == NUM_OFF ? JF_NUM_AUTO
                                                                  : (enum jf_number_style)r->number,
                                          &x, code) == 0) {
            v->kind = CV_MONEY;
            v->num = x;
            memcpy(v->code, code, 4);
            free(t);
            return;
        }
        if (r->number != NUM_OFF && jf_parse_number(t, (enum jf_number_style)r->number, &x) == 0) {
            v->kind = CV_NUM;
            v->num = x;
            free(t);
            return;
        }
        char iso[11];
        if (r->date != DATE_OFF && jf_parse_date(t, (enum jf_date_order)r->date, iso) == 0) {
            free(t);
            t = xstrdup(iso);
        }
        v->kind = CV_STR;
        v->str = t;
        v->plain_number = jf_parse_number(t, JF_NUM_US, &v->num) == 0;
    } else {
        v->kind = CV_COMPOUND;
    }
}

static int num_eq(double a, double b, double tol)
{
    return a == b || fabs(a - b) <= tol;
}

static int cv_equal(const struct rule *r, const struct cv *a, const struct cv *b)
{
    if (a->kind == CV_NONE || b->kind == CV_NONE || a->kind == CV_COMPOUND
        || b->kind == CV_COMPOUND)
        return 0;
    if (a->kind == CV_MONEY && b->kind == CV_MONEY)
        return num_eq(a->num, b->num, r->tolerance)
            && (!a->code[0] || !b->code[0] || strcmp(a->code, b->code) == 0);
    int an = a->kind == CV_NUM || a->kind == CV_MONEY;
    int bn = b->kind == CV_NUM || b->kind == CV_MONEY;
    if (an && bn)
        return num_eq(a->num, b->num, r->tolerance);
    /* a JSON number against a string holding a plain number */
    if (an && b->kind == CV_STR && b->plain_number)
        return num_eq(a->num, b->num, r->tolerance);
    if (bn && a->kind == CV_STR && a->plain_number)
        return num_eq(a->num, b->num, r->tolerance);
    if (a->kind != b->kind)
        return 0;
    if (a->kind == CV_BOOL)
        return a->b == b->b;
    return strcmp(a->str, b->str) == 0;
}

/* ==== the walk ==================================================================== */

struct acc {
    size_t tp, fp, fn;
    size_t nfields, right;
    cJSON *fields;            /* path -> 1/0; NULL when only counting */
};

struct walk {
    const struct jf_state *st;
    struct acc *acc;
};

static const struct rule *rule_for(const struct jf_state *st, const char *generic)
{
    for (size_t i = 0; i < st->nrules; i++)
        if (strcmp(st->rules[i].path, generic) == 0)
            return &st->rules[i];
    return &st->defaults;
}

static void field(struct walk *w, const char *path, int right)
{
    w->acc->nfields++;
    w->acc->right += right != 0;
    if (w->acc->fields && !cJSON_GetObjectItemCaseSensitive(w->acc->fields, path))
        cJSON_AddNumberToObject(w->acc->fields, path, right ? 1 : 0);
}

/* Non-null scalar leaves under v (ignored fields left out). */
static size_t leaves(const struct jf_state *st, const cJSON *v, const char *generic)
{
    if (!v || cJSON_IsNull(v) || rule_for(st, generic)->ignore)
        return 0;
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return 1;
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        char g[256];
        if (cJSON_IsArray(v))
            snprintf(g, sizeof(g), "%s[]", generic);
        else
            jpath_key(g, sizeof(g), generic, c->string);
        n += leaves(st, c, g);
    }
    return n;
}

static void walk(struct walk *w, const cJSON *g, const cJSON *p, const char *path,
                 const char *generic);

static void walk_object(struct walk *w, const cJSON *g, const cJSON *p, const char *path,
                        const char *generic)
{
    const cJSON *po = cJSON_IsObject(p) ? p : NULL;
    if (p && !po && !cJSON_IsNull(p))
        w->acc->fp += leaves(w->st, p, generic);          /* a scalar or list where an object goes */
    if (!g->child) {                                       /* {}: right if nothing is predicted */
        size_t extra = po ? leaves(w->st, po, generic) : 0;
        w->acc->fp += extra;
        field(w, path, extra == 0 && (!p || cJSON_IsNull(p) || po));
        return;
    }
    for (const cJSON *c = g->child; c; c = c->next) {
        char cp[256], cg[256];
        jpath_key(cp, sizeof(cp), path, c->string);
        jpath_key(cg, sizeof(cg), generic, c->string);
        walk(w, c, po ? cJSON_GetObjectItemCaseSensitive(po, c->string) : NULL, cp, cg);
    }
    for (const cJSON *c = po ? po->child : NULL; c; c = c->next) {
        if (cJSON_GetObjectItemCaseSensitive(g, c->string))
            continue;
        char cg[256];
        jpath_key(cg, sizeof(cg), generic, c->string);
        w->acc->fp += leaves(w->st, c, cg);               /* keys gold does not have */
    }
}

/* Leaves two subtrees agree on, for pairing list elements. */
static size_t agreement(const struct jf_state *st, const cJSON *g, const cJSON *p,
                        const char *generic)
{
    struct acc a = { 0 };
    struct walk w = { st, &a };
    walk(&w, g, p, "", generic);
    return a.tp;
}

static void walk_set(struct walk *w, const cJSON *g, const cJSON *pa, const char *path,
                     const char *generic, const char *elem_generic)
{
    size_t np = pa ? (size_t)cJSON_GetArraySize(pa) : 0;
    const cJSON **pe = xcalloc(np + 1, sizeof(*pe));
    unsigned char *used = xcalloc(np + 1, 1);
    size_t i = 0;
    for (const cJSON *c = pa ? pa->child : NULL; c; c = c->next)
        pe[i++] = c;
    int scalars = 1;
    for (const cJSON *c = g->child; c; c = c->next)
        scalars &= !cJSON_IsObject(c) && !cJSON_IsArray(c);

    if (scalars) {
        /* multiset of scalars: greedy matching is exact for an equivalence */
        const struct rule *r = rule_for(w->st, elem_generic);
        size_t tp = 0, fn = 0;
        for (const cJSON *c = g->child; c; c = c->next) {
            struct cv gv;
            canon(r, c, &gv);
            if (gv.kind == CV_NONE)
                continue;
            int hit = 0;
            for (size_t k = 0; k < np && !hit; k++) {
                if (used[k])
                    continue;
                struct cv pv;
                canon(r, pe[k], &pv);
                if (cv_equal(r, &gv, &pv))
                    hit = 1, used[k] = 1;
                cv_release(&pv);
            }
            tp += hit;
            fn += !hit;
            cv_release(&gv);
        }
        size_t fp = 0;
        for (size_t k = 0; k < np; k++)
            if (!used[k])
                fp += leaves(w->st, pe[k], elem_generic);
        w->acc->tp += tp;
        w->acc->fn += fn;
        w->acc->fp += fp;
        field(w, path, fn == 0 && fp == 0);
    } else {
        /* objects: pair each gold element with the unused prediction that
         * agrees on most leaves (first on ties), then compare the pair */
        size_t gi = 0;
        for (const cJSON *c = g->child; c; c = c->next, gi++) {
            size_t best = np, best_score = 0;
            for (size_t k = 0; k < np; k++) {
                if (used[k])
                    continue;
                size_t s = agreement(w->st, c, pe[k], elem_generic);
                if (best == np || s > best_score) {
                    best = k;
                    best_score = s;
                }
            }
            char cp[256];
            jpath_index(cp, sizeof(cp), path, gi);
            if (best < np)
                used[best] = 1;
            walk(w, c, best < np ? pe[best] : NULL, cp, elem_generic);
        }
        for (size_t k = 0; k < np; k++)
            if (!used[k])
                w->acc->fp += leaves(w->st, pe[k], elem_generic);
    }
    free(pe);
    free(used);
}

static void walk_array(struct walk *w, const cJSON *g, const cJSON *p, const char *path,
                       const char *generic)
{
    const cJSON *pa = cJSON_IsArray(p) ? p : NULL;
    char eg[256];
    snprintf(eg, sizeof(eg), "%s[]", generic);
    if (p && !pa && !cJSON_IsNull(p))
        w->acc->fp += leaves(w->st, p, generic);
    if (!g->child) {                                        /* []: right if nothing is predicted */
        size_t extra = pa ? leaves(w->st, pa, generic) : 0;
        w->acc->fp += extra;
        field(w, path, extra == 0 && (!p || cJSON_IsNull(p) || pa));
        return;
    }
    if (rule_for(w->st, generic)->list_set) {
        walk_set(w, g, pa, path, generic, eg);
        return;
    }
    const cJSON *pc = pa ? pa->child : NULL;
    size_t i = 0;
    for (const cJSON *c = g->child; c; c = c->next, i++) {
        char cp[256];
        jpath_index(cp, sizeof(cp), path, i);
        walk(w, c, pc, cp, eg);
        if (pc)
            pc = pc->next;
    }
    for (; pc; pc = pc->next)                               /* extra predicted elements */
        w->acc->fp += leaves(w->st, pc, eg);
}

static void walk(struct walk *w, const cJSON *g, const cJSON *p, const char *path,
                 const char *generic)
{
    const struct rule *r = rule_for(w->st, generic);
    if (r->ignore)
        return;
    if (cJSON_IsObject(g)) {
        walk_object(w, g, p, path, generic);
        return;
    }
    if (cJSON_IsArray(g)) {
        walk_array(w, g, p, path, generic);
        return;
    }
    if (cJSON_IsNull(g)) {                                   /* right iff nothing predicted */
        size_t extra = leaves(w->st, p, generic);
        w->acc->fp += extra;
        field(w, path, extra == 0);
        return;
    }
    struct cv gv, pv;
    canon(r, g, &gv);
    canon(r, p, &pv);
    if (pv.kind == CV_NONE) {
        w->acc->fn++;
        field(w, path, 0);
    } else if (pv.kind == CV_COMPOUND) {
        w->acc->fn++;
        w->acc->fp += leaves(w->st, p, generic);
        field(w, path, 0);
    } else if (cv_equal(r, &gv, &pv)) {
        w->acc->tp++;
        field(w, path, 1);
    } else {
        w->acc->fp++;
        w->acc->fn++;
        field(w, path, 0);
    }
    cv_release(&gv);
    cv_release(&pv);
}

/* ==== configuration ================================================================ */

static void rule_release(struct rule *r)
{
    free(r->path);
    for (size_t i = 0; i < r->nequiv; i++)
        free(r->equiv[i]);
    free(r->equiv);
}

static int opt_error(struct diag *d, const char *file, const char *path, const char *key,
                     const char *expected, const cJSON *got)
{
    char p[256], g[96];
    jpath_key(p, sizeof(p), path, key);
    json_brief(got, g, sizeof(g));
    return diag_fail_at(d, file, 0, p, "expected %s, got %s", expected, g);
}

/* Reads one rule object; members not given keep their value in r. */
static int parse_rule(const cJSON *o, const char *file, const char *path, struct rule *r,
                      const cJSON **equiv, struct diag *d)
{
    static const char *const keys[] = { "case", "whitespace", "number", "currency", "date",
                                        "tolerance", "list", "ignore", "equivalent", NULL };
    if (!cJSON_IsObject(o))
        return diag_fail_at(d, file, 0, path, "expected an object of normalisation rules, "
                            "got %s", json_kind(o));
    if (jv_known_keys(o, keys, file, path, d) < 0)
        return -1;
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "case"))) {
        if (!cJSON_IsString(v) || (strcmp(v->valuestring, "sensitive") != 0
                                   && strcmp(v->valuestring, "insensitive") != 0))
            return opt_error(d, file, path, "case", "\"sensitive\" or \"insensitive\"", v);
        r->icase = strcmp(v->valuestring, "insensitive") == 0;
    }
    if (jv_bool(o, "whitespace", file, path, 0, &r->whitespace, d) < 0
        || jv_bool(o, "currency", file, path, 0, &r->currency, d) < 0
        || jv_bool(o, "ignore", file, path, 0, &r->ignore, d) < 0
        || jv_number(o, "tolerance", file, path, 0, 0, 1e300, &r->tolerance, d) < 0)
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "number"))) {
        if (cJSON_IsFalse(v))
            r->number = NUM_OFF;
        else if (cJSON_IsTrue(v) || (cJSON_IsString(v) && strcmp(v->valuestring, "auto") == 0))
            r->number = JF_NUM_AUTO;
        else if (cJSON_IsString(v) && strcmp(v->valuestring, "us") == 0)
            r->number = JF_NUM_US;
        else if (cJSON_IsString(v) && strcmp(v->valuestring, "eu") == 0)
            r->number = JF_NUM_EU;
        else
            return opt_error(d, file, path, "number", "true, false, \"auto\", \"us\" or \"eu\"", v);
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "date"))) {
        if (cJSON_IsFalse(v))
            r->date = DATE_OFF;
        else if (cJSON_IsTrue(v) || (cJSON_IsString(v) && strcmp(v->valuestring, "auto") == 0))
            r->date = JF_DATE_AUTO;
        else if (cJSON_IsString(v) && strcmp(v->valuestring, "dmy") == 0)
            r->date = JF_DATE_DMY;
        else if (cJSON_IsString(v) && strcmp(v->valuestring, "mdy") == 0)
            r->date = JF_DATE_MDY;
        else
            return opt_error(d, file, path, "date", "true, false, \"auto\", \"dmy\" or \"mdy\"", v);
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "list"))) {
        if (!cJSON_IsString(v) || (strcmp(v->valuestring, "set") != 0
                                   && strcmp(v->valuestring, "ordered") != 0))
            return opt_error(d, file, path, "list", "\"ordered\" or \"set\"", v);
        r->list_set = strcmp(v->valuestring, "set") == 0;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "equivalent"))) {
        int ok = cJSON_IsArray(v);
        const cJSON *cls, *m;
        cJSON_ArrayForEach(cls, v) {
            ok &= cJSON_IsArray(cls) && cJSON_GetArraySize(cls) > 0;
            cJSON_ArrayForEach(m, cls)
                ok &= cJSON_IsString(m);
        }
        if (!ok)
            return opt_error(d, file, path, "equivalent",
                             "an array of classes, each an array of strings", v);
        *equiv = v;
    }
    return 0;
}

/* Normalises the members of the equivalence classes with r's own rule. */
static void build_equiv(struct rule *r, const cJSON *equiv)
{
    if (!equiv)
        return;
    const cJSON *cls, *m;
    size_t total = 0;
    cJSON_ArrayForEach(cls, equiv)
        total += (size_t)cJSON_GetArraySize(cls) + 1;
    r->equiv = xcalloc(total, sizeof(*r->equiv));
    r->nequiv = 0;
    cJSON_ArrayForEach(cls, equiv) {
        cJSON_ArrayForEach(m, cls)
            r->equiv[r->nequiv++] = normal_text(r, m->valuestring);
        r->equiv[r->nequiv++] = NULL;                   /* end of a class */
    }
}

static void jf_release(void *state)
{
    struct jf_state *st = state;
    if (!st)
        return;
    cJSON_Delete(st->schema);
    rule_release(&st->defaults);
    for (size_t i = 0; i < st->nrules; i++)
        rule_release(&st->rules[i]);
    free(st->rules);
    free(st);
}

/* "items[*].qty" and "items[].qty" name every element; "items[0]" is refused. */
static char *generic_key(const char *key)
{
    char *g = xmalloc(strlen(key) + 1);
    size_t k = 0;
    for (const char *p = key; *p; p++) {
        if (p[0] == '[' && p[1] == '*' && p[2] == ']') {
            memcpy(g + k, "[]", 2);
            k += 2;
            p += 2;
            continue;
        }
        if (p[0] == '[' && p[1] != ']') {
            free(g);
            return NULL;
        }
        g[k++] = *p;
    }
    g[k] = '\0';
    return g;
}

static void *jf_configure(const cJSON *options, const char *file, const char *path,
                          struct diag *d)
{
    static const char *const keys[] = { "schema", "defaults", "fields", "per_field", NULL };
    struct jf_state *st = xcalloc(1, sizeof(*st));
    st->defaults.whitespace = 1;
    st->defaults.number = NUM_OFF;
    st->defaults.date = DATE_OFF;
    st->per_field = 1;
    if (!options)
        return st;
    if (!cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object of options, got %s", json_kind(options));
        goto fail;
    }
    const cJSON *schema = NULL, *defaults = NULL, *fields = NULL, *def_equiv = NULL;
    if (jv_known_keys(options, keys, file, path, d) < 0
        || jv_bool(options, "per_field", file, path, 0, &st->per_field, d) < 0
        || jv_object(options, "defaults", file, path, 0, &defaults, d) < 0
        || jv_object(options, "fields", file, path, 0, &fields, d) < 0)
        goto fail;
    if ((schema = cJSON_GetObjectItemCaseSensitive(options, "schema"))) {
        char sp[256];
        jpath_key(sp, sizeof(sp), path, "schema");
        if (jsonschema_check(schema, file, sp, d) < 0)
            goto fail;
        st->schema = cJSON_Duplicate(schema, 1);
    }
    if (defaults) {
        char dp[256];
        jpath_key(dp, sizeof(dp), path, "defaults");
        if (parse_rule(defaults, file, dp, &st->defaults, &def_equiv, d) < 0)
            goto fail;
        build_equiv(&st->defaults, def_equiv);
    }
    if (fields) {
        char fp[256];
        jpath_key(fp, sizeof(fp), path, "fields");
        st->rules = xcalloc((size_t)cJSON_GetArraySize(fields) + 1, sizeof(*st->rules));
        for (const cJSON *f = fields->child; f; f = f->next) {
            char rp[256];
            jpath_key(rp, sizeof(rp), fp, f->string);
            char *g = generic_key(f->string);
            if (!g) {
                diag_fail_at(d, file, 0, rp, "a field path names every list element with [] "
                             "(\"items[].qty\"), not one index");
                goto fail;
            }
            struct rule *r = &st->rules[st->nrules++];
            *r = st->defaults;                          /* inherit, then override */
            r->path = g;
            r->equiv = NULL;
            r->nequiv = 0;
            const cJSON *equiv = def_equiv;
            if (parse_rule(f, file, rp, r, &equiv, d) < 0)
                goto fail;
            build_equiv(r, equiv);
        }
    }
    return st;
fail:
    jf_release(st);
    return NULL;
}

/* ==== scoring ====================================================================== */

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static int jf_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct jf_state *st = state;
    const cJSON *gold = it->gold;
    if (!gold)
        return diag_fail(d, "json_fields needs the item's gold object; this item has none");
    const cJSON *schema = st->schema;
    if (!schema && it->item) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(it->item, "schema");
        if (cJSON_IsObject(s)) {
            if (jsonschema_check(s, "", "item.schema", d) < 0)
                return -1;
            schema = s;
        }
    }

    const char *hyp = it->hyp ? it->hyp : "";
    struct jsonfind f;
    enum jsonfind_want want = cJSON_IsObject(gold) ? JSONFIND_OBJECT
                            : cJSON_IsArray(gold) ? JSONFIND_ARRAY : JSONFIND_ANY;
    int found = jsonfind(hyp, strlen(hyp), want, &f) == 0;
    int double_encoded = 0;
    if (found && cJSON_IsString(f.value) && want != JSONFIND_ANY) {
        /* "{\"vendor\": ...}": JSON encoded twice; score what it holds */
        struct jsonfind inner;
        const char *s = f.value->valuestring;
        if (jsonfind(s, strlen(s), want, &inner) == 0 && !cJSON_IsString(inner.value)) {
            cJSON_Delete(f.value);
            f.value = inner.value;
            double_encoded = 1;
        }
    }

    struct acc a = { 0 };
    a.fields = st->per_field ? cJSON_CreateObject() : NULL;
    struct walk w = { st, &a };
    walk(&w, gold, found ? f.value : NULL, "", "");

    if (!found) {                                   /* unparseable: 0 everywhere */
        a.fn += a.tp;
        a.tp = 0;
        a.right = 0;
        for (cJSON *x = a.fields ? a.fields->child : NULL; x; x = x->next)
            cJSON_SetNumberValue(x, 0);
    }
    double p, r, f1, accuracy;
    if (!found) {
        p = r = f1 = accuracy = 0;
    } else if (a.tp + a.fp + a.fn == 0) {
        p = r = f1 = 1;                             /* nothing to find, nothing claimed */
        accuracy = a.nfields ? ratio(a.right, a.nfields) : 1;
    } else {
        p = ratio(a.tp, a.tp + a.fp);
        r = ratio(a.tp, a.tp + a.fn);
        f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        accuracy = a.nfields ? ratio(a.right, a.nfields) : (a.fp == 0);
    }
    cJSON_AddNumberToObject(out, "f1", f1);
    cJSON_AddNumberToObject(out, "precision", p);
    cJSON_AddNumberToObject(out, "recall", r);
    cJSON_AddNumberToObject(out, "field_accuracy", accuracy);

    struct jsonschema_result sr;
    jsonschema_result_init(&sr);
    if (schema) {
        if (found)
            jsonschema_validate(schema, f.value, &sr);
        cJSON_AddNumberToObject(out, "schema_valid", found && sr.n == 0);
    }
    cJSON_AddNumberToObject(out, "tp", (double)a.tp);
    cJSON_AddNumberToObject(out, "fp", (double)a.fp);
    cJSON_AddNumberToObject(out, "fn", (double)a.fn);
    if (double_encoded) {
        char how[64];
        snprintf(how, sizeof(how), "%s, double-encoded", jsonfind_how_name(f.how));
        cJSON_AddStringToObject(out, "found", how);
    } else {
        cJSON_AddStringToObject(out, "found", jsonfind_how_name(f.how));
    }
    if (!found) {
        cJSON_AddStringToObject(out, "reason", f.reason);
    } else if (sr.n) {
        char reason[512];
        snprintf(reason, sizeof(reason), "%zu schema violation%s; first: %.200s: %.200s", sr.n,
                 sr.n == 1 ? "" : "s", sr.v[0].path[0] ? sr.v[0].path : "(root)", sr.v[0].msg);
        cJSON_AddStringToObject(out, "reason", reason);
        cJSON *errs = cJSON_AddArrayToObject(out, "schema_errors");
        for (size_t i = 0; i < sr.n && i < 20; i++) {
            char line[520];
            snprintf(line, sizeof(line), "%.255s: %.255s", sr.v[i].path[0] ? sr.v[i].path : "(root)",
                     sr.v[i].msg);
            cJSON_AddItemToArray(errs, cJSON_CreateString(line));
        }
    }
    if (a.fields)
        cJSON_AddItemToObject(out, "fields", a.fields);
    jsonschema_result_release(&sr);
    cJSON_Delete(f.value);
    return 0;
}

const struct scorer_ops scorer_json_fields = {
    .type = "json_fields",
    .summary = "JSON extraction: find the JSON, schema validity, field-by-field micro P/R/F1 "
               "and accuracy against the gold object",
    .configure = jf_configure,
    .score = jf_score,
    .release = jf_release,
};
