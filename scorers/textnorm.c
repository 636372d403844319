/* textnorm.c -- NFC, case folding and whitespace collapsing through
 * utf8proc and pyunicode (see textnorm.h). utf8proc refuses invalid
 * UTF-8, so such input is first re-encoded with U+FFFD for each bad byte
 * (pyunicode's decoder), then normalised. */
#include "textnorm.h"

#include <string.h>
#include <utf8proc.h>

#include "harness/util/xalloc.h"
#include "pyunicode.h"

static char *sanitize(const char *s, size_t n, size_t *out_n)
{
    struct ustr u;
    ustr_init(&u);
    ustr_from_utf8(&u, s, n);
    char *res = ustr_to_utf8(&u, out_n);
    ustr_release(&u);
    return res;
}

char *text_nfc(const char *s, size_t n, int casefold, size_t *out_n)
{
    utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    if (casefold)
        opt |= UTF8PROC_CASEFOLD;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                        &out, opt);
    if (len < 0) {
        /* invalid UTF-8 (or an embedded NUL): clean it, then try again */
        size_t cn;
        char *clean = sanitize(s, n, &cn);
        len = utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)cn, &out, opt);
        if (len < 0) {
            if (out_n)
                *out_n = cn;
            return clean;
        }
        free(clean);
    }
    if (!out)
        out = (utf8proc_uint8_t *)xstrdup("");
    if (out_n)
        *out_n = (size_t)len;
    return (char *)out;
}

char *text_collapse_ws(const char *s, size_t n)
{
    struct ustr u, o;
    ustr_init(&u);
    ustr_init(&o);
    ustr_from_utf8(&u, s, n);
    int pending = 0;
    for (size_t i = 0; i < u.len; i++) {
        if (py_isspace(u.cp[i])) {
            pending = o.len > 0;
            continue;
        }
        if (pending)
            ustr_push(&o, ' ');
        pending = 0;
        ustr_push(&o, u.cp[i]);
    }
    size_t len;
    char *res = ustr_to_utf8(&o, &len);
    ustr_release(&u);
    ustr_release(&o);
    return res;
}

size_t text_codepoints(const char *s, size_t n)
{
    struct ustr u;
    ustr_init(&u);
    ustr_from_utf8(&u, s, n);
    size_t len = u.len;
    ustr_release(&u);
    return len;
}
