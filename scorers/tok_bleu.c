/* tok_bleu.c -- sacreBLEU's BLEU tokenizers, rule by rule (METRICS.md §1.2).
 *
 * Every regular-expression step of the Python code is a global re.sub whose
 * pattern matches one or two characters; each becomes one left-to-right
 * pass that copies `line` into `tmp` (emitting the replacement on a match
 * and resuming after the matched characters), then swaps the two buffers.
 * Steps run in the reference's order on the previous step's output, so the
 * non-overlapping-match semantics (`a..` -> `a . .`, `&amp;lt;` -> `<`)
 * come out as in Python.
 *
 * Character classes: [0-9] is ASCII only; `intl` uses Unicode general
 * categories from utf8proc (Unicode 15.0, as the `regex` module the
 * reference ran with); `zh` uses the code-point table the reference
 * effectively tests (its 5-hex-digit escapes read as 4 digits plus a
 * literal, compared as strings): see zh_ranges below. */
#include "tok_bleu.h"

#include <string.h>
#include <utf8proc.h>


const char bleu_tokenizer_names[] = "13a, intl, zh, char, none";

static const char *const tokenizer_names[] = {
    [BLEU_TOK_13A] = "13a", [BLEU_TOK_INTL] = "intl", [BLEU_TOK_ZH] = "zh",
    [BLEU_TOK_CHAR] = "char", [BLEU_TOK_NONE] = "none",
};

int bleu_tokenizer_from_name(const char *name, enum bleu_tokenizer *out)
{
    for (size_t i = 0; i < sizeof(tokenizer_names) / sizeof(tokenizer_names[0]); i++) {
        if (strcmp(name, tokenizer_names[i]) == 0) {
            *out = (enum bleu_tokenizer)i;
            return 0;
        }
    }
    return -1;
}

const char *bleu_tokenizer_name(enum bleu_tokenizer t)
{
    return tokenizer_names[t];
}

/* ===== pass helpers ===== */

static void swap(struct ustr *a, struct ustr *b)
{
    struct ustr t = *a;
    *a = *b;
    *b = t;
}

/* Each pass reserves its worst case once (at most 3 code points out per
 * code point in, ustr_reserve), then writes without bounds checks. */
#define PUT(u, c) ((u)->cp[(u)->len++] = (c))

static int fast_isspace(int32_t c)
{
    return c < 0x80 ? (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) : py_isspace(c);
}

static int is_digit(int32_t c)
{
    return c >= '0' && c <= '9';
}

static int is_period_comma(int32_t c)
{
    return c == '.' || c == ',';
}

/* ===== mteval building blocks ===== */

void mteval_replace(struct ustr *line, const char *pat, const char *rep, struct ustr *tmp)
{
    size_t plen = strlen(pat), rlen = strlen(rep);
    const int32_t *s = line->cp;
    size_t n = line->len, first = 0;
    while (first < n && s[first] != (unsigned char)pat[0])
        first++;
    if (first == n || plen == 0)
        return;   /* nothing to replace: no copy */
    tmp->len = 0;
    ustr_reserve(tmp, n + (rlen > plen ? (n / plen + 1) * (rlen - plen) : 0));
    memcpy(tmp->cp, s, first * sizeof(*s));
    tmp->len = first;
    for (size_t i = first; i < n;) {
        size_t k = 0;
        if (s[i] == (unsigned char)pat[0] && n - i >= plen) {
            while (k < plen && s[i + k] == (unsigned char)pat[k])
                k++;
        }
        if (k == plen) {
            for (const char *r = rep; *r; r++)
                PUT(tmp, (unsigned char)*r);
            i += plen;
        } else {
            PUT(tmp, s[i++]);
        }
    }
    swap(line, tmp);
}

void mteval_unescape(struct ustr *line, struct ustr *tmp)
{
    mteval_replace(line, "&quot;", "\"", tmp);
    mteval_replace(line, "&amp;", "&", tmp);
    mteval_replace(line, "&lt;", "<", tmp);
    mteval_replace(line, "&gt;", ">", tmp);
}

void mteval_pad(struct ustr *line, struct ustr *tmp)
{
    tmp->len = 0;
    ustr_reserve(tmp, line->len + 2);
    PUT(tmp, ' ');
    if (line->len)
        memcpy(tmp->cp + 1, line->cp, line->len * sizeof(*line->cp));
    tmp->len += line->len;
    PUT(tmp, ' ');
    swap(line, tmp);
}

void mteval_space_around(struct ustr *line, int (*pred)(int32_t), struct ustr *tmp)
{
    tmp->len = 0;
    ustr_reserve(tmp, 3 * line->len);
    for (size_t i = 0; i < line->len; i++) {
        int32_t c = line->cp[i];
        if (pred(c)) {
            PUT(tmp, ' ');
            PUT(tmp, c);
            PUT(tmp, ' ');
        } else {
            PUT(tmp, c);
        }
    }
    swap(line, tmp);
}

/* One re.sub pass of a two-character pattern (X)(Y): on a match emit
 * "X Y " (space_first = 0, the `\1 \2 ` rules) or " X Y"
 * (space_first = 1, the ` \1 \2` rules) and resume after Y. */
static void pair_pass(struct ustr *line, int (*x)(int32_t), int (*y)(int32_t), int space_first,
                      struct ustr *tmp)
{
    const int32_t *s = line->cp;
    size_t n = line->len;
    tmp->len = 0;
    ustr_reserve(tmp, 2 * n);
    for (size_t i = 0; i < n;) {
        if (i + 1 < n && x(s[i]) && y(s[i + 1])) {
            if (space_first)
                PUT(tmp, ' ');
            PUT(tmp, s[i]);
            PUT(tmp, ' ');
            PUT(tmp, s[i + 1]);
            if (!space_first)
                PUT(tmp, ' ');
            i += 2;
        } else {
            PUT(tmp, s[i++]);
        }
    }
    swap(line, tmp);
}

/* [{-~[-` -&(-+:-@/] */
static int is_mteval_punct(int32_t c)
{
    return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
           (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F;
}

void mteval_split_punct(struct ustr *line, struct ustr *tmp)
{
    mteval_space_around(line, is_mteval_punct, tmp);
}

static int not_digit(int32_t c)
{
    return !is_digit(c);
}

static int is_dash(int32_t c)
{
    return c == '-';
}

void mteval_split_period_comma_dash(struct ustr *line, struct ustr *tmp)
{
    pair_pass(line, not_digit, is_period_comma, 0, tmp);   /* B: ([^0-9])([\.,]) -> \1 \2  */
    pair_pass(line, is_period_comma, not_digit, 1, tmp);   /* C: ([\.,])([^0-9]) ->  \1 \2 */
    pair_pass(line, is_digit, is_dash, 0, tmp);            /* D: ([0-9])(-) -> \1 \2  */
}

void mteval_collapse(struct ustr *line, struct ustr *tmp)
{
    tmp->len = 0;
    size_t i = 0, n = line->len;
    const int32_t *s = line->cp;
    ustr_reserve(tmp, n);
    while (i < n) {
        while (i < n && fast_isspace(s[i]))
            i++;
        if (i == n)
            break;
        if (tmp->len)
            PUT(tmp, ' ');
        while (i < n && !fast_isspace(s[i]))
            PUT(tmp, s[i++]);
    }
    swap(line, tmp);
}

/* ===== 13a ===== */

static void tokenize_13a(struct ustr *line, struct ustr *tmp)
{
    mteval_replace(line, "<skipped>", "", tmp);
    mteval_replace(line, "-\n", "", tmp);
    mteval_replace(line, "\n", " ", tmp);
    mteval_unescape(line, tmp);
    mteval_pad(line, tmp);
    mteval_split_punct(line, tmp);
    mteval_split_period_comma_dash(line, tmp);
    mteval_collapse(line, tmp);
}

/* ===== intl ===== */

/* General categories as the regex module sees them (Unicode 15.0, as
 * utf8proc 2.8); ASCII answered without a lookup, it is most of the text. */
static int is_number(int32_t c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    int k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_ND || k == UTF8PROC_CATEGORY_NL || k == UTF8PROC_CATEGORY_NO;
}

static int not_number(int32_t c)
{
    return !is_number(c);
}

static int is_punct(int32_t c)
{
    if (c < 0x80)
        return c > 0x20 && c < 0x7F && strchr("!\"#%&'()*,-./:;?@[\\]_{}", c) != NULL;
    int k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

static int is_symbol(int32_t c)
{
    if (c < 0x80)
        return c > 0x20 && c < 0x7F && strchr("$+<=>^`|~", c) != NULL;
    int k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_SM && k <= UTF8PROC_CATEGORY_SO;
}

static void tokenize_intl(struct ustr *line, struct ustr *tmp)
{
    pair_pass(line, not_number, is_punct, 0, tmp);   /* (\P{N})(\p{P}) -> \1 \2  */
    pair_pass(line, is_punct, not_number, 1, tmp);   /* (\p{P})(\P{N}) ->  \1 \2 */
    mteval_space_around(line, is_symbol, tmp);       /* (\p{S}) ->  \1  */
    mteval_collapse(line, tmp);
}

/* ===== zh ===== */

/* The union of tokenizer_zh.py's _UCODE_RANGES as Python evaluates them:
 * ('\u20000', '\u2a6d6') is the string range U+2000 '0' .. U+2A6D '6',
 * i.e. the single characters U+2001..U+2A6D (it swallows the 2600/2700
 * ranges); ('\u2f800', '\u2fa1d') becomes U+2F81..U+2FA1, inside the
 * Kangxi range. No supplementary-plane character is ever split. */
static const struct {
    int32_t lo, hi;
} zh_ranges[] = {
    { 0x2001, 0x2A6D }, { 0x2E80, 0x2FDF }, { 0x2FF0, 0x303F }, { 0x3100, 0x312F },
    { 0x31A0, 0x31EF }, { 0x3200, 0x4DB5 }, { 0x4E00, 0x9FBB }, { 0xF900, 0xFA2D },
    { 0xFA30, 0xFA6A }, { 0xFA70, 0xFAD9 }, { 0xFE10, 0xFE1F }, { 0xFE30, 0xFE4F },
    { 0xFF00, 0xFFEF },
};

static int is_zh_char(int32_t c)
{
    if (c < 0x2001 || c > 0xFFEF)
        return 0;
    for (size_t i = 0; i < sizeof(zh_ranges) / sizeof(zh_ranges[0]); i++)
        if (c >= zh_ranges[i].lo && c <= zh_ranges[i].hi)
            return 1;
    return 0;
}

static void tokenize_zh(struct ustr *line, struct ustr *tmp)
{
    py_strip(line);
    mteval_space_around(line, is_zh_char, tmp);
    mteval_split_punct(line, tmp);
    mteval_split_period_comma_dash(line, tmp);
    mteval_collapse(line, tmp);
}

/* ===== char ===== */

static void tokenize_char(struct ustr *line, struct ustr *tmp)
{
    tmp->len = 0;
    ustr_reserve(tmp, 2 * line->len);
    for (size_t i = 0; i < line->len; i++) {
        if (i)
            PUT(tmp, ' ');
        PUT(tmp, line->cp[i]);
    }
    swap(line, tmp);
}

/* ===== entry points ===== */

void bleu_tokenize(enum bleu_tokenizer t, struct ustr *line, struct ustr *tmp)
{
    switch (t) {
    case BLEU_TOK_13A:  tokenize_13a(line, tmp); break;
    case BLEU_TOK_INTL: tokenize_intl(line, tmp); break;
    case BLEU_TOK_ZH:   tokenize_zh(line, tmp); break;
    case BLEU_TOK_CHAR: tokenize_char(line, tmp); break;
    case BLEU_TOK_NONE: break;
    }
}

void bleu_preprocess(enum bleu_tokenizer t, int lowercase, struct ustr *line, struct ustr *tmp)
{
    if (lowercase) {
        tmp->len = 0;
        py_lower(line, tmp);
        swap(line, tmp);
    }
    py_rstrip(line);
    bleu_tokenize(t, line, tmp);
}
