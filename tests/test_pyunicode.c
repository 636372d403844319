/* test_pyunicode.c -- the Python string primitives (METRICS.md §0):
 * decoding of valid and invalid UTF-8, str.isspace(), str.isalnum(),
 * str.lower() with its two full-mapping cases, strip and split. Expected
 * values are what CPython 3.11 returns. */
#include "check.h"

#include "scorers/pyunicode.h"

static char *lower(const char *s)
{
    return py_lower_utf8(s, strlen(s), NULL);
}

static void check_lower(const char *in, const char *want)
{
    char *got = lower(in);
    CHECK_STR_EQ(got, want);
    free(got);
}

static void test_decode(void)
{
    static const struct {
        const char *bytes;
        size_t n;
        int32_t cps[8];
        size_t ncp;
    } cases[] = {
        { "abc", 3, { 'a', 'b', 'c' }, 3 },
        { "\xC3\xA9", 2, { 0xE9 }, 1 },
        { "\xE2\x82\xAC", 3, { 0x20AC }, 1 },
        { "\xF0\x9F\x98\x80", 4, { 0x1F600 }, 1 },
        { "\x80", 1, { 0xFFFD }, 1 },                          /* lone continuation */
        { "\xC3", 1, { 0xFFFD }, 1 },                          /* truncated at the end */
        { "\xE2\x82", 2, { 0xFFFD, 0xFFFD }, 2 },              /* truncated: byte by byte */
        { "\xC0\xAF", 2, { 0xFFFD, 0xFFFD }, 2 },              /* overlong '/' */
        { "\xE0\x80\xAF", 3, { 0xFFFD, 0xFFFD, 0xFFFD }, 3 },  /* overlong */
        { "\xED\xA0\x80", 3, { 0xFFFD, 0xFFFD, 0xFFFD }, 3 },  /* surrogate U+D800 */
        { "\xF4\x90\x80\x80", 4, { 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD }, 4 }, /* > U+10FFFF */
        { "\xFF" "a", 2, { 0xFFFD, 'a' }, 2 },
        { "a\0b", 3, { 'a', 0, 'b' }, 3 },                     /* NUL is a character */
        { "\xC3\x28", 2, { 0xFFFD, '(' }, 2 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ustr u;
        ustr_init(&u);
        ustr_from_utf8(&u, cases[i].bytes, cases[i].n);
        CHECK_MSG(u.len == cases[i].ncp, "case %zu: %zu code points", i, u.len);
        for (size_t k = 0; k < u.len && k < cases[i].ncp; k++)
            CHECK_MSG(u.cp[k] == cases[i].cps[k], "case %zu cp %zu: U+%04X", i, k,
                      (unsigned)u.cp[k]);
        ustr_release(&u);
    }

    /* Round trip of valid text, and invalid bytes re-encoded as U+FFFD. */
    struct ustr u;
    ustr_init(&u);
    const char *text = "Größe \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";
    ustr_from_utf8(&u, text, strlen(text));
    size_t n;
    char *back = ustr_to_utf8(&u, &n);
    CHECK_STR_EQ(back, text);
    CHECK_INT_EQ(n, strlen(text));
    free(back);
    u.len = 0;
    ustr_from_utf8(&u, "a\xFF", 2);
    back = ustr_to_utf8(&u, &n);
    CHECK_STR_EQ(back, "a\xEF\xBF\xBD");
    free(back);
    ustr_release(&u);

    /* An empty string encodes to an empty NUL-terminated buffer. */
    ustr_init(&u);
    back = ustr_to_utf8(&u, &n);
    CHECK_STR_EQ(back, "");
    CHECK_INT_EQ(n, 0);
    free(back);
}

static void test_isspace(void)
{
    static const int32_t space[] = {
        0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0,
        0x1680, 0x2000, 0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    };
    static const int32_t not_space[] = {
        0x00, 0x08, 0x0E, 0x1B, 0x21, 'a', 0x84, 0x86, 0x180E, 0x200B, 0x200C,
        0x200D, 0x2060, 0xFEFF, 0x2030, 0x3001, 0xFFFD,
    };
    for (size_t i = 0; i < sizeof(space) / sizeof(space[0]); i++)
        CHECK_MSG(py_isspace(space[i]), "U+%04X is whitespace", (unsigned)space[i]);
    for (size_t i = 0; i < sizeof(not_space) / sizeof(not_space[0]); i++)
        CHECK_MSG(!py_isspace(not_space[i]), "U+%04X is not whitespace", (unsigned)not_space[i]);
}

static void test_isalnum(void)
{
    static const int32_t yes[] = {
        'a', 'Z', '0', '9', 0xE9, 0x4E00 /* 一 */, 0x3007 /* 〇 Nl */, 0x0663 /* ٣ */,
        0x0966 /* ० */, 0xB2 /* ² No */, 0xBD /* ½ */, 0x2160 /* Ⅰ */, 0x02B0 /* ʰ Lm */,
        0x20000 /* 𠀀 */, 0x1D7CE /* math digit */,
    };
    static const int32_t no[] = {
        '_', ' ', '-', 0x0301 /* combining acute */, 0x200B, 0x200D, 0x2019, 0x1F600,
        0x0CF3 /* new in Unicode 15.0: unknown to Python 3.11 */, 0x31350, 0xFFFD,
        0x066B /* ٫ Arabic decimal separator */,
    };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        CHECK_MSG(py_isalnum(yes[i]), "U+%04X is alnum", (unsigned)yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        CHECK_MSG(!py_isalnum(no[i]), "U+%04X is not alnum", (unsigned)no[i]);
    CHECK(py_isdigit_ascii('0') && py_isdigit_ascii('9'));
    CHECK(!py_isdigit_ascii(0x0663) && !py_isdigit_ascii('a'));
}

static void test_lower(void)
{
    check_lower("Hello WORLD", "hello world");
    check_lower("\xC4\xB0stanbul", "i\xCC\x87stanbul");             /* İ -> i + U+0307 */
    check_lower("ΟΔΟΣ ΣΑΣ Σ", "οδος σας σ");                       /* METRICS §0.2 */
    check_lower("ΣΑΣ.", "σας.");
    check_lower("Σ", "σ");                                           /* nothing cased before */
    check_lower("AΣ", "aς");
    check_lower("AΣB", "aσb");
    check_lower("A'Σ'", "a'ς'");                                     /* ignorables skipped */
    check_lower("A\xCC\x81Σ", "a\xCC\x81ς");                         /* combining mark skipped */
    check_lower("AΣ'B", "aσ'b");
    check_lower("1Σ", "1σ");                                         /* digit is not cased */
    check_lower("ΑΣ\xCC\x81", "ας\xCC\x81");
    check_lower("STRASSE ß ẞ", "strasse ß ß");
    check_lower("\xE2\x84\xAA", "k");                                /* KELVIN SIGN */
    check_lower("\xE2\x84\xAB", "\xC3\xA5");                         /* ANGSTROM SIGN */
    check_lower("\xEF\xAC\x81", "\xEF\xAC\x81");                     /* ﬁ ligature kept */
    check_lower("\xEF\xBC\xA1", "\xEF\xBD\x81");                     /* fullwidth A */
    check_lower("A\xCC\x8A", "a\xCC\x8A");                           /* NFD stays NFD */
    check_lower("ДОБРЫЙ", "добрый");
    check_lower("", "");
    check_lower("\xFF", "\xEF\xBF\xBD");                             /* invalid byte */
}

static void collect(const int32_t *piece, size_t len, void *ud)
{
    struct ustr *all = ud;
    if (all->len)
        ustr_push(all, '|');
    for (size_t i = 0; i < len; i++)
        ustr_push(all, piece[i]);
}

static char *split_joined(const char *s)
{
    struct ustr u, all;
    ustr_init(&u);
    ustr_init(&all);
    ustr_from_utf8(&u, s, strlen(s));
    py_split(&u, collect, &all);
    char *r = ustr_to_utf8(&all, NULL);
    ustr_release(&u);
    ustr_release(&all);
    return r;
}

static char *strip(const char *s, int right_only)
{
    struct ustr u;
    ustr_init(&u);
    ustr_from_utf8(&u, s, strlen(s));
    if (right_only)
        py_rstrip(&u);
    else
        py_strip(&u);
    char *r = ustr_to_utf8(&u, NULL);
    ustr_release(&u);
    return r;
}

static void test_split_strip(void)
{
    static const struct { const char *in, *want; } cases[] = {
        { "  a  b\tc\n", "a|b|c" },
        { "", "" },
        { " \t\n ", "" },
        { "1\xE2\x80\xAF" "200", "1|200" },                  /* narrow NBSP splits */
        { "a\xC2\xA0" "b", "a|b" },                          /* NBSP */
        { "a\xE3\x80\x80" "b", "a|b" },                      /* ideographic space */
        { "a\xC2\x85" "b\xE2\x80\xA8" "c", "a|b|c" },        /* NEL, LINE SEPARATOR */
        { "a\x1F" "b", "a|b" },                              /* information separator */
        { "a\xE2\x80\x8B" "b", "a\xE2\x80\x8B" "b" },        /* ZWSP does not split */
        { "a\xEF\xBB\xBF" "b", "a\xEF\xBB\xBF" "b" },        /* BOM does not split */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = split_joined(cases[i].in);
        CHECK_STR_EQ(got, cases[i].want);
        free(got);
    }

    char *s = strip(" \xC2\xA0 a b \xE3\x80\x80\n", 0);
    CHECK_STR_EQ(s, "a b");
    free(s);
    s = strip(" \xC2\xA0 a b \xE3\x80\x80\n", 1);
    CHECK_STR_EQ(s, " \xC2\xA0 a b");
    free(s);
    s = strip("\xE2\x80\x8B" "a\xE2\x80\x8B", 0);
    CHECK_STR_EQ(s, "\xE2\x80\x8B" "a\xE2\x80\x8B");
    free(s);
    s = strip("   ", 0);
    CHECK_STR_EQ(s, "");
    free(s);
}

int main(void)
{
    test_decode();
    test_isspace();
    test_isalnum();
    test_lower();
    test_split_strip();
    return check_done();
}
