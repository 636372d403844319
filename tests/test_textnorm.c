/* test_textnorm.c -- NFC, case folding, whitespace collapsing and code
 * point counts, including invalid UTF-8 and embedded NULs. */
#include "check.h"

#include "scorers/textnorm.h"

static const char *nfc(const char *s, int fold)
{
    static char out[256];
    size_t n;
    char *r = text_nfc(s, strlen(s), fold, &n);
    CHECK_INT_EQ(n, strlen(r));
    snprintf(out, sizeof(out), "%s", r);
    free(r);
    return out;
}

static const char *ws(const char *s)
{
    static char out[256];
    char *r = text_collapse_ws(s, strlen(s));
    snprintf(out, sizeof(out), "%s", r);
    free(r);
    return out;
}

int main(void)
{
    CHECK_STR_EQ(nfc("cafe\xcc\x81", 0), "caf\xc3\xa9");
    CHECK_STR_EQ(nfc("Stra\xc3\x9f" "e", 1), "strasse");
    CHECK_STR_EQ(nfc("\xce\xa3\xce\x9f\xce\xa3", 1), "\xcf\x83\xce\xbf\xcf\x83");   /* ΣΟΣ -> σοσ */
    CHECK_STR_EQ(nfc("\xef\xac\x81", 0), "\xef\xac\x81");         /* NFC keeps the ligature */
    CHECK_STR_EQ(nfc("ab\xff" "C", 1), "ab\xef\xbf\xbd" "c");     /* invalid byte -> U+FFFD */
    CHECK_STR_EQ(nfc("", 1), "");
    size_t n;
    char *r = text_nfc("a\0b", 3, 0, &n);                         /* NUL kept, length true */
    CHECK_INT_EQ(n, 3);
    free(r);

    CHECK_STR_EQ(ws("  a \t\n b\xc2\xa0\xe3\x80\x80" "c  "), "a b c");   /* NBSP, U+3000 */
    CHECK_STR_EQ(ws("a\xe2\x80\x8b" "b"), "a\xe2\x80\x8b" "b");          /* ZWSP is not space */
    CHECK_STR_EQ(ws(" \n "), "");

    CHECK_INT_EQ(text_codepoints("h\xc3\xa9llo", 6), 5);
    CHECK_INT_EQ(text_codepoints("\xf0\x9f\x91\x8d\xff", 5), 2);
    return check_done();
}
