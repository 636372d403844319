/* pyunicode.c -- Python 3.11 string semantics over code points (see
 * pyunicode.h and METRICS.md §0).
 *
 * Character data comes from utf8proc (Unicode 15.0 in Debian 12's 2.8.0);
 * the reference runs on CPython 3.11, whose database is Unicode 14.0. Every
 * predicate here was compared with CPython 3.11 over all 0x110000 code
 * points; the tables below are exactly the differences utf8proc's data
 * cannot give:
 *
 *   - isspace: a fixed set (bidi class WS/B/S or category Zs in 14.0).
 *   - isalnum: isalpha or isdecimal or isdigit or isnumeric = L* or N*
 *     (every other code point with a Numeric_Type is a letter), minus
 *     what Unicode 15.0 added: for Python 3.11 those are unassigned.
 *   - lower: utf8proc's simple mapping plus the two full-mapping cases
 *     Python applies: U+0130 -> "i" U+0307, and Final_Sigma, which needs
 *     the Cased and Case_Ignorable properties (derived from categories plus
 *     the Other_Lowercase/Other_Uppercase and Word_Break lists).
 *
 * UTF-8 decoding is strict (no overlongs, no surrogates, nothing above
 * U+10FFFF); each byte that does not start a valid sequence becomes U+FFFD
 * and decoding resumes at the next byte, so a truncated sequence at the
 * end never reads past the buffer. */
#include "pyunicode.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "harness/util/xalloc.h"

/* ===== code-point strings ===== */

void ustr_init(struct ustr *u)
{
    u->cp = NULL;
    u->len = 0;
    u->cap = 0;
}

void ustr_release(struct ustr *u)
{
    free(u->cp);
    ustr_init(u);
}

void ustr_reserve(struct ustr *u, size_t extra)
{
    if (u->len + extra > u->cap) {
        size_t ncap = u->cap ? u->cap : 16;
        while (ncap < u->len + extra)
            ncap *= 2;
        u->cp = xrealloc(u->cp, ncap * sizeof(*u->cp));
        u->cap = ncap;
    }
}

void ustr_push(struct ustr *u, int32_t cp)
{
    if (u->len == u->cap)
        ustr_reserve(u, 1);
    u->cp[u->len++] = cp;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), its value in
 * *cp; 0 if the bytes there are not a valid sequence. */
static size_t utf8_decode_one(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    int32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; v = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

void ustr_from_utf8(struct ustr *u, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    ustr_reserve(u, n);   /* never more code points than bytes */
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            u->cp[u->len++] = p[i++];
            continue;
        }
        int32_t cp;
        size_t k = utf8_decode_one(p + i, n - i, &cp);
        if (k == 0) {
            cp = 0xFFFD;
            k = 1;
        }
        u->cp[u->len++] = cp;
        i += k;
    }
}

static size_t utf8_encode_one(int32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

char *ustr_to_utf8(const struct ustr *u, size_t *n)
{
    char *out = xmalloc(u->len * 4 + 1);
    size_t k = 0;
    for (size_t i = 0; i < u->len; i++)
        k += utf8_encode_one(u->cp[i], out + k);
    out[k] = '\0';
    if (n)
        *n = k;
    return out;
}

/* ===== character classes ===== */

struct range {
    int32_t lo, hi;
};

static int in_ranges(int32_t cp, const struct range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int py_isspace(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

int py_isdigit_ascii(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

/* Code points Unicode 15.0 assigned (utf8proc 2.8 knows them) that are
 * unassigned in CPython 3.11's 14.0 database: for Python they are Cn, so
 * not alphanumeric, not cased, not case-ignorable. */
static const struct range new_in_15[] = {
    { 0x0CF3, 0x0CF3 }, { 0x0ECE, 0x0ECE }, { 0x10EFD, 0x10EFF },
    { 0x1123F, 0x11241 }, { 0x11B00, 0x11B09 }, { 0x11F00, 0x11F10 },
    { 0x11F12, 0x11F3A }, { 0x11F3E, 0x11F59 }, { 0x1342F, 0x1342F },
    { 0x13439, 0x13455 }, { 0x1B132, 0x1B132 }, { 0x1B155, 0x1B155 },
    { 0x1D2C0, 0x1D2D3 }, { 0x1DF25, 0x1DF2A }, { 0x1E030, 0x1E06D },
    { 0x1E08F, 0x1E08F }, { 0x1E4D0, 0x1E4F9 }, { 0x1F6DC, 0x1F6DC },
    { 0x1F774, 0x1F776 }, { 0x1F77B, 0x1F77F }, { 0x1F7D9, 0x1F7D9 },
    { 0x1FA75, 0x1FA77 }, { 0x1FA87, 0x1FA88 }, { 0x1FAAD, 0x1FAAF },
    { 0x1FABB, 0x1FABD }, { 0x1FABF, 0x1FABF }, { 0x1FACE, 0x1FACF },
    { 0x1FADA, 0x1FADB }, { 0x1FAE8, 0x1FAE8 }, { 0x1FAF7, 0x1FAF8 },
    { 0x2B739, 0x2B739 }, { 0x31350, 0x323AF },
};

/* The general category as CPython 3.11 sees it (Unicode 14.0); the other
 * 14.0 categories are identical in 15.0. */
static int py_category(int32_t cp)
{
    int c = utf8proc_category(cp);
    if (c != UTF8PROC_CATEGORY_CN && cp >= 0x0CF3 && in_ranges(cp, new_in_15, NELEM(new_in_15)))
        return UTF8PROC_CATEGORY_CN;
    return c;
}

int py_isalnum(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    switch (py_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* ===== lowercase ===== */

/* Other_Lowercase and Other_Uppercase (PropList.txt 14.0) that are not
 * case-ignorable: with Lu/Ll/Lt they make the Cased property as far as
 * Final_Sigma can see it. */
static const struct range cased_other[] = {
    { 0x00AA, 0x00AA }, { 0x00BA, 0x00BA }, { 0x2160, 0x217F },
    { 0x24B6, 0x24E9 }, { 0x1F130, 0x1F149 }, { 0x1F150, 0x1F169 },
    { 0x1F170, 0x1F189 },
};

/* Word_Break MidLetter, MidNumLet and Single_Quote: case-ignorable
 * whatever their category. */
static const struct range ignorable_wb[] = {
    { 0x0027, 0x0027 }, { 0x002E, 0x002E }, { 0x003A, 0x003A },
    { 0x00B7, 0x00B7 }, { 0x0387, 0x0387 }, { 0x055F, 0x055F },
    { 0x05F4, 0x05F4 }, { 0x2018, 0x2019 }, { 0x2024, 0x2024 },
    { 0x2027, 0x2027 }, { 0xFE13, 0xFE13 }, { 0xFE52, 0xFE52 },
    { 0xFE55, 0xFE55 }, { 0xFF07, 0xFF07 }, { 0xFF0E, 0xFF0E },
    { 0xFF1A, 0xFF1A },
};

static int is_case_ignorable(int32_t cp)
{
    switch (py_category(cp)) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_SK:
        return 1;
    default:
        return in_ranges(cp, ignorable_wb, NELEM(ignorable_wb));
    }
}

static int is_cased(int32_t cp)
{
    switch (py_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
        return 1;
    default:
        return in_ranges(cp, cased_other, NELEM(cased_other));
    }
}

/* CPython's handle_capital_sigma: Σ at i is final when a cased letter
 * precedes it and none follows, skipping case-ignorables both ways. */
static int32_t lower_sigma(const int32_t *s, size_t n, size_t i)
{
    size_t j = i;
    int32_t c = 0;
    while (j > 0) {
        c = s[--j];
        if (!is_case_ignorable(c))
            goto found_before;
    }
    return 0x3C3;   /* nothing but ignorables before it */
found_before:
    if (!is_cased(c))
        return 0x3C3;
    for (j = i + 1; j < n; j++) {
        c = s[j];
        if (!is_case_ignorable(c))
            return is_cased(c) ? 0x3C3 : 0x3C2;
    }
    return 0x3C2;
}

void py_lower(const struct ustr *u, struct ustr *out)
{
    ustr_reserve(out, u->len + 1);
    for (size_t i = 0; i < u->len; i++) {
        int32_t cp = u->cp[i];
        if (cp < 0x80) {
            if (cp >= 'A' && cp <= 'Z')
                cp += 32;
        } else if (cp == 0x130) {
            ustr_push(out, 'i');
            cp = 0x307;
        } else if (cp == 0x3A3) {
            cp = lower_sigma(u->cp, u->len, i);
        } else {
            cp = utf8proc_tolower(cp);
        }
        ustr_push(out, cp);
    }
}

char *py_lower_utf8(const char *s, size_t n, size_t *out_n)
{
    struct ustr in, low;
    ustr_init(&in);
    ustr_init(&low);
    ustr_from_utf8(&in, s, n);
    py_lower(&in, &low);
    char *r = ustr_to_utf8(&low, out_n);
    ustr_release(&in);
    ustr_release(&low);
    return r;
}

/* ===== strip and split ===== */

void py_rstrip(struct ustr *u)
{
    while (u->len > 0 && py_isspace(u->cp[u->len - 1]))
        u->len--;
}

void py_strip(struct ustr *u)
{
    py_rstrip(u);
    size_t k = 0;
    while (k < u->len && py_isspace(u->cp[k]))
        k++;
    if (k) {
        memmove(u->cp, u->cp + k, (u->len - k) * sizeof(*u->cp));
        u->len -= k;
    }
}

void py_split(const struct ustr *u, py_split_fn *fn, void *ud)
{
    size_t i = 0;
    while (i < u->len) {
        while (i < u->len && py_isspace(u->cp[i]))
            i++;
        size_t start = i;
        while (i < u->len && !py_isspace(u->cp[i]))
            i++;
        if (i > start)
            fn(u->cp + start, i - start, ud);
    }
}
