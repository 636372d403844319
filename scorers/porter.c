/* porter.c -- NLTK 3.8's Porter stemmer, mode NLTK_EXTENSIONS.
 *
 * The classic algorithm (Porter 1980: steps 1a, 1b, 1c, 2, 3, 4, 5a, 5b)
 * with NLTK's departures, all of which decide real stems (METRICS.md §4.5):
 *   - an irregular-forms table consulted first (sky/skies, dying, news...);
 *   - words of one or two letters are returned as they are;
 *   - 1a: a four-letter word in -ies becomes -ie (dies -> die);
 *   - 1b: -ied becomes -ie for four letters, else -i (died, spied);
 *   - 1c: y -> i only after a consonant that is not the first letter;
 *   - 2: alli -> al is tried first and step 2 runs again on the result;
 *        bli -> ble instead of abli -> able; extra fulli -> ful and
 *        logi -> log (measure taken with the l kept in the stem);
 *   - *o also holds for a two-letter stem vowel + consonant.
 * Within each rule list the first rule whose suffix matches decides: if its
 * condition fails, the word is left unchanged and no later rule is tried.
 *
 * The word lives in one mutable buffer; steps shorten or rewrite its tail.
 * Consonant tests walk from the start of the word (y's status depends on
 * the letter before it), so every test is linear in the word length. */
#include "porter.h"

#include <stdlib.h>
#include <string.h>

#include "harness/util/xalloc.h"

struct word {
    char *s;
    size_t len;
};

/* ---- letter classes and measures -------------------------------------- */

static int is_vowel_letter(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Whether s[k] is a consonant, given whether s[k-1] was: y is a consonant
 * at the start of the word or after a vowel. */
static int next_is_consonant(const char *s, size_t k, int prev_cons)
{
    if (is_vowel_letter(s[k]))
        return 0;
    if (s[k] == 'y')
        return k == 0 ? 1 : !prev_cons;
    return 1;
}

static int is_consonant(const char *s, size_t i)
{
    int cons = 1;
    for (size_t k = 0; k <= i; k++)
        cons = next_is_consonant(s, k, cons);
    return cons;
}

/* m: the number of vowel->consonant transitions in s[0..n). */
static int measure(const char *s, size_t n)
{
    int m = 0, cons = 1;
    for (size_t k = 0; k < n; k++) {
        int prev_vowel = k > 0 && !cons;
        cons = next_is_consonant(s, k, cons);
        m += cons && prev_vowel;
    }
    return m;
}

static int contains_vowel(const char *s, size_t n)
{
    int cons = 1;
    for (size_t k = 0; k < n; k++)
        if (!(cons = next_is_consonant(s, k, cons)))
            return 1;
    return 0;
}

/* *d: ends with a double consonant. */
static int ends_double_consonant(const char *s, size_t n)
{
    return n >= 2 && s[n - 1] == s[n - 2] && is_consonant(s, n - 1);
}

/* *o: ends consonant-vowel-consonant, the last not w, x or y; NLTK also
 * accepts a whole two-letter stem vowel + consonant. */
static int ends_cvc(const char *s, size_t n)
{
    if (n >= 3 && is_consonant(s, n - 3) && !is_consonant(s, n - 2) && is_consonant(s, n - 1)
        && s[n - 1] != 'w' && s[n - 1] != 'x' && s[n - 1] != 'y')
        return 1;
    return n == 2 && !is_consonant(s, 0) && is_consonant(s, 1);
}

static int ends_with(const struct word *w, const char *suffix)
{
    /* the last letter rejects almost every rule before any length work */
    if (!w->len || w->s[w->len - 1] != suffix[strlen(suffix) - 1])
        return 0;
    size_t k = strlen(suffix);
    return k <= w->len && memcmp(w->s + w->len - k, suffix, k) == 0;
}

/* Replaces the last `cut` bytes by repl. */
static void replace_tail(struct word *w, size_t cut, const char *repl)
{
    size_t k = strlen(repl);
    w->len -= cut;
    memcpy(w->s + w->len, repl, k);
    w->len += k;
    w->s[w->len] = '\0';
}

/* ---- rule lists ---------------------------------------------------------- */

enum cond {
    COND_NONE,      /* unconditional */
    COND_M_GT0,     /* (m>0) of the stem */
    COND_M_GT1,     /* (m>1) of the stem */
    COND_ION,       /* (m>1 and (*S or *T)) */
    COND_LOGI,      /* m>0 of the word without its last three letters */
    COND_LL,        /* m>1 of the word without its last letter */
};

struct rule {
    const char *suffix;
    const char *repl;
    enum cond cond;
};

static int cond_holds(const struct word *w, size_t stem_len, enum cond c)
{
    switch (c) {
    case COND_NONE: return 1;
    case COND_M_GT0: return measure(w->s, stem_len) > 0;
    case COND_M_GT1: return measure(w->s, stem_len) > 1;
    case COND_ION:
        return measure(w->s, stem_len) > 1 && stem_len > 0
               && (w->s[stem_len - 1] == 's' || w->s[stem_len - 1] == 't');
    case COND_LOGI: return measure(w->s, w->len - 3) > 0;
    case COND_LL: return measure(w->s, w->len - 1) > 1;
    }
    return 0;
}

/* The first rule whose suffix matches decides; returns 1 if it fired. */
static int apply_rules(struct word *w, const struct rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!ends_with(w, rules[i].suffix))
            continue;
        size_t cut = strlen(rules[i].suffix);
        if (!cond_holds(w, w->len - cut, rules[i].cond))
            return 0;
        replace_tail(w, cut, rules[i].repl);
        return 1;
    }
    return 0;
}

#define NRULES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the steps ------------------------------------------------------------ */

static void step1a(struct word *w)
{
    static const struct rule rules[] = {
        { "sses", "ss", COND_NONE }, { "ies", "i", COND_NONE },
        { "ss", "ss", COND_NONE },   { "s", "", COND_NONE },
    };
    if (w->len == 4 && ends_with(w, "ies")) {
        replace_tail(w, 3, "ie");
        return;
    }
    apply_rules(w, rules, NRULES(rules));
}

static void step1b(struct word *w)
{
    if (ends_with(w, "ied")) {
        replace_tail(w, 3, w->len == 4 ? "ie" : "i");
        return;
    }
    if (ends_with(w, "eed")) {
        if (measure(w->s, w->len - 3) > 0)
            replace_tail(w, 3, "ee");
        return;
    }
    int trimmed = 0;
    if (ends_with(w, "ed") && contains_vowel(w->s, w->len - 2)) {
        replace_tail(w, 2, "");
        trimmed = 1;
    } else if (ends_with(w, "ing") && contains_vowel(w->s, w->len - 3)) {
        replace_tail(w, 3, "");
        trimmed = 1;
    }
    if (!trimmed)
        return;

    static const struct rule rules[] = {
        { "at", "ate", COND_NONE }, { "bl", "ble", COND_NONE }, { "iz", "ize", COND_NONE },
    };
    if (apply_rules(w, rules, NRULES(rules)))
        return;
    if (ends_double_consonant(w->s, w->len)) {
        char last = w->s[w->len - 1];
        if (last != 'l' && last != 's' && last != 'z')
            replace_tail(w, 1, "");
        return;
    }
    if (measure(w->s, w->len) == 1 && ends_cvc(w->s, w->len))
        replace_tail(w, 0, "e");
}

static void step1c(struct word *w)
{
    if (ends_with(w, "y") && w->len - 1 > 1 && is_consonant(w->s, w->len - 2))
        replace_tail(w, 1, "i");
}

static void step2(struct word *w)
{
    static const struct rule rules[] = {
        { "ational", "ate", COND_M_GT0 }, { "tional", "tion", COND_M_GT0 },
        { "enci", "ence", COND_M_GT0 },   { "anci", "ance", COND_M_GT0 },
        { "izer", "ize", COND_M_GT0 },    { "bli", "ble", COND_M_GT0 },
        { "alli", "al", COND_M_GT0 },     { "entli", "ent", COND_M_GT0 },
        { "eli", "e", COND_M_GT0 },       { "ousli", "ous", COND_M_GT0 },
        { "ization", "ize", COND_M_GT0 }, { "ation", "ate", COND_M_GT0 },
        { "ator", "ate", COND_M_GT0 },    { "alism", "al", COND_M_GT0 },
        { "iveness", "ive", COND_M_GT0 }, { "fulness", "ful", COND_M_GT0 },
        { "ousness", "ous", COND_M_GT0 }, { "aliti", "al", COND_M_GT0 },
        { "iviti", "ive", COND_M_GT0 },   { "biliti", "ble", COND_M_GT0 },
        { "fulli", "ful", COND_M_GT0 },   { "logi", "log", COND_LOGI },
    };
    /* NLTK: alli -> al first; if it fires, step 2 runs again on the result
     * (which ends in -al, so it cannot fire twice). */
    if (ends_with(w, "alli") && measure(w->s, w->len - 4) > 0) {
        replace_tail(w, 4, "al");
        step2(w);
        return;
    }
    apply_rules(w, rules, NRULES(rules));
}

static void step3(struct word *w)
{
    static const struct rule rules[] = {
        { "icate", "ic", COND_M_GT0 }, { "ative", "", COND_M_GT0 },
        { "alize", "al", COND_M_GT0 }, { "iciti", "ic", COND_M_GT0 },
        { "ical", "ic", COND_M_GT0 },  { "ful", "", COND_M_GT0 },
        { "ness", "", COND_M_GT0 },
    };
    apply_rules(w, rules, NRULES(rules));
}

static void step4(struct word *w)
{
    static const struct rule rules[] = {
        { "al", "", COND_M_GT1 },    { "ance", "", COND_M_GT1 }, { "ence", "", COND_M_GT1 },
        { "er", "", COND_M_GT1 },    { "ic", "", COND_M_GT1 },   { "able", "", COND_M_GT1 },
        { "ible", "", COND_M_GT1 },  { "ant", "", COND_M_GT1 },  { "ement", "", COND_M_GT1 },
        { "ment", "", COND_M_GT1 },  { "ent", "", COND_M_GT1 },  { "ion", "", COND_ION },
        { "ou", "", COND_M_GT1 },    { "ism", "", COND_M_GT1 },  { "ate", "", COND_M_GT1 },
        { "iti", "", COND_M_GT1 },   { "ous", "", COND_M_GT1 },  { "ive", "", COND_M_GT1 },
        { "ize", "", COND_M_GT1 },
    };
    apply_rules(w, rules, NRULES(rules));
}

/* 5a tries both of its conditions (unlike a rule list). */
static void step5a(struct word *w)
{
    if (!ends_with(w, "e"))
        return;
    int m = measure(w->s, w->len - 1);
    if (m > 1 || (m == 1 && !ends_cvc(w->s, w->len - 1)))
        replace_tail(w, 1, "");
}

static void step5b(struct word *w)
{
    static const struct rule rules[] = { { "ll", "l", COND_LL } };
    apply_rules(w, rules, NRULES(rules));
}

/* ---- entry point ----------------------------------------------------------- */

static const struct { const char *word, *stem; } irregular[] = {
    { "sky", "sky" },         { "skies", "sky" },       { "dying", "die" },
    { "lying", "lie" },       { "tying", "tie" },       { "news", "news" },
    { "innings", "inning" },  { "inning", "inning" },   { "outings", "outing" },
    { "outing", "outing" },   { "cannings", "canning" }, { "canning", "canning" },
    { "howe", "howe" },       { "proceed", "proceed" }, { "exceed", "exceed" },
    { "succeed", "succeed" },
};

size_t porter_stem(const char *word, size_t n, char *out)
{
    for (size_t i = 0; n >= 3 && n <= 8 && i < NRULES(irregular); i++) {
        if (irregular[i].word[0] == word[0] && strlen(irregular[i].word) == n
            && memcmp(irregular[i].word, word, n) == 0) {
            size_t k = strlen(irregular[i].stem);
            memcpy(out, irregular[i].stem, k + 1);
            return k;
        }
    }
    if (n <= 2) {
        memmove(out, word, n);
        out[n] = '\0';
        return n;
    }

    /* Step 1b may append an 'e' after cutting -ed/-ing, so the work buffer
     * gets a little room beyond the word. */
    char small[64];
    char *buf = n + 4 <= sizeof(small) ? small : xmalloc(n + 4);
    memcpy(buf, word, n);
    buf[n] = '\0';
    struct word w = { buf, n };

    step1a(&w);
    step1b(&w);
    step1c(&w);
    step2(&w);
    step3(&w);
    step4(&w);
    step5a(&w);
    step5b(&w);

    memcpy(out, w.s, w.len);
    out[w.len] = '\0';
    if (buf != small)
        free(buf);
    return w.len;
}
