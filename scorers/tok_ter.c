/* tok_ter.c -- the tercom tokenizer of sacreBLEU (tokenizer_ter.py).
 *
 * Order of the reference: rstrip; lowercase unless case-sensitive; with
 * `normalized`: delete "\n-", LF -> space, the four entities, pad, mteval
 * step A, the possessive "'s " -> " 's ", steps B C D, then (asian_support)
 * spaces around CJK characters and punctuation; with `no_punct`: delete the
 * punctuation set (and the CJK one); finally ' '.join(sent.split()), always
 * (so even the default tokenizer turns NBSP and U+3000 into plain spaces).
 *
 * Two rules of the reference never fire and are left out on purpose:
 * "'s$" (the padded string always ends in a space) and the kana rules
 * (anchored at ^, where the padded string has a space). Several asian
 * passes pad overlapping ranges twice; since whitespace is collapsed right
 * after, padding the union once gives the same string. */
#include "tok_ter.h"
#include "tok_bleu.h"

static void swap(struct ustr *a, struct ustr *b)
{
    struct ustr t = *a;
    *a = *b;
    *b = t;
}

/* "'s " -> " 's " (re.sub: the matched space is consumed). */
static void split_possessive(struct ustr *line, struct ustr *tmp)
{
    const int32_t *s = line->cp;
    size_t n = line->len;
    tmp->len = 0;
    for (size_t i = 0; i < n;) {
        if (i + 2 < n && s[i] == '\'' && s[i + 1] == 's' && s[i + 2] == ' ') {
            ustr_push(tmp, ' ');
            ustr_push(tmp, '\'');
            ustr_push(tmp, 's');
            ustr_push(tmp, ' ');
            i += 3;
        } else {
            ustr_push(tmp, s[i++]);
        }
    }
    swap(line, tmp);
}

/* TercomTokenizer.ASIAN_PUNCT and FULL_WIDTH_PUNCT. */
static int is_asian_punct(int32_t c)
{
    if (c >= 0xFF01) {
        switch (c) {
        case 0xFF0E: case 0xFF0C: case 0xFF1F: case 0xFF1A: case 0xFF1B:
        case 0xFF01: case 0xFF02: case 0xFF08: case 0xFF09:
            return 1;
        default:
            return c >= 0xFF61 && c <= 0xFF65;
        }
    }
    return c == 0x3001 || c == 0x3002 || (c >= 0x3008 && c <= 0x3011) ||
           (c >= 0x3014 && c <= 0x301F) || c == 0x30FB;
}

/* The union of _normalize_asian's character classes. */
static int is_asian_char(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3200 && c <= 0x4DBF) ||
           (c >= 0x31C0 && c <= 0x31EF) || (c >= 0x2E80 && c <= 0x2EFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || is_asian_punct(c);
}

static int is_ter_punct(int32_t c)
{
    switch (c) {
    case '.': case ',': case '?': case ':': case ';': case '!': case '"': case '(': case ')':
        return 1;
    default:
        return 0;
    }
}

void ter_preprocess(const struct ter_opts *o, struct ustr *line, struct ustr *tmp)
{
    py_rstrip(line);
    if (line->len == 0)
        return;
    if (!o->case_sensitive) {
        tmp->len = 0;
        py_lower(line, tmp);
        swap(line, tmp);
    }
    if (o->normalized) {
        mteval_replace(line, "\n-", "", tmp);
        mteval_replace(line, "\n", " ", tmp);
        mteval_unescape(line, tmp);
        mteval_pad(line, tmp);
        mteval_split_punct(line, tmp);
        split_possessive(line, tmp);
        mteval_split_period_comma_dash(line, tmp);
        if (o->asian_support)
            mteval_space_around(line, is_asian_char, tmp);
    }
    if (o->no_punct) {
        size_t k = 0;
        for (size_t i = 0; i < line->len; i++) {
            int32_t c = line->cp[i];
            if (is_ter_punct(c) || (o->asian_support && is_asian_punct(c)))
                continue;
            line->cp[k++] = c;
        }
        line->len = k;
    }
    mteval_collapse(line, tmp);
}
