/* test_tokenizers.c -- the sacreBLEU tokenizers rule by rule (one table
 * row per rule of METRICS.md §1.2 and §3.1, expected outputs from
 * sacreBLEU 2.6.0), then every BLEU and TER entry of
 * ../shared/metric-vectors/tokenize.json byte for byte. */
#include "vectors.h"

#include "scorers/tok_bleu.h"
#include "scorers/tok_ter.h"

static char *bleu_pre(const char *tok, int lowercase, const char *in)
{
    enum bleu_tokenizer t;
    if (bleu_tokenizer_from_name(tok, &t) < 0)
        return NULL;
    struct ustr u, tmp;
    ustr_init(&u);
    ustr_init(&tmp);
    ustr_from_utf8(&u, in, strlen(in));
    bleu_preprocess(t, lowercase, &u, &tmp);
    char *out = ustr_to_utf8(&u, NULL);
    ustr_release(&u);
    ustr_release(&tmp);
    return out;
}

static char *ter_pre(const struct ter_opts *o, const char *in)
{
    struct ustr u, tmp;
    ustr_init(&u);
    ustr_init(&tmp);
    ustr_from_utf8(&u, in, strlen(in));
    ter_preprocess(o, &u, &tmp);
    char *out = ustr_to_utf8(&u, NULL);
    ustr_release(&u);
    ustr_release(&tmp);
    return out;
}

static const struct {
    const char *tok;
    int lowercase;
    const char *in, *want;
    const char *rule;
} bleu_rules[] = {
    /* 13a */
    { "13a", 0, "a <skipped> b", "a b", "<skipped> deleted" },
    { "13a", 0, "hyphen-\nated", "hyphenated", "-LF joins" },
    { "13a", 0, "hyphen-\r\nated", "hyphen- ated", "CR LF is not joined" },
    { "13a", 0, "one\ntwo", "one two", "LF becomes a space" },
    { "13a", 0, "&quot;x&quot; &amp; &lt;y&gt;", "\" x \" & < y >", "four entities" },
    { "13a", 0, "&amp;lt;", "<", "amp pass creates lt, consumed later" },
    { "13a", 0, "&amp;quot;", "& quot ;", "quot pass ran before amp" },
    { "13a", 0, "&apos; &#39; &nbsp;", "& apos ; & # 39 ; & nbsp ;", "other entities untouched" },
    { "13a", 0, "a!b\"c#d$e%f&g", "a ! b \" c # d $ e % f & g", "step A: ! .. &" },
    { "13a", 0, "(a)*b+c/d", "( a ) * b + c / d", "step A: ( ) * + /" },
    { "13a", 0, "a:b;c<d=e>f?g@h", "a : b ; c < d = e > f ? g @ h", "step A: : .. @" },
    { "13a", 0, "a[b\\c]d^e_f`g", "a [ b \\ c ] d ^ e _ f ` g", "step A: [ .. `" },
    { "13a", 0, "a{b|c}d~e", "a { b | c } d ~ e", "step A: { .. ~" },
    { "13a", 0, "it's e-mail", "it's e-mail", "apostrophe and hyphen stay" },
    { "13a", 0, "“quoted” «x» ¿y? €5 …", "“quoted” «x» ¿y ? €5 …", "non-ASCII punctuation stays" },
    { "13a", 0, "1,000.50 and 3.", "1,000.50 and 3 .", "period/comma between digits; padding" },
    { "13a", 0, "In 1999.", "In 1999 .", "line-final period split (padding)" },
    { "13a", 0, "a..b", "a . . b", "B then C" },
    { "13a", 0, "x,y", "x , y", "comma between letters" },
    { "13a", 0, ",5", ", 5", "leading comma: padding space precedes it" },
    { "13a", 0, "5-4 a-5 -4", "5 - 4 a-5 -4", "dash only after a digit" },
    { "13a", 0, "\xe0\xa5\xa9.\xe0\xa5\xab", "\xe0\xa5\xa9 . \xe0\xa5\xab", "Devanagari digits are not [0-9]" },
    { "13a", 0, "\xd9\xa3\xd9\xab\xd9\xa5", "\xd9\xa3\xd9\xab\xd9\xa5", "Arabic decimal separator stays" },
    { "13a", 0, "1\xe2\x80\xaf" "200", "1 200", "narrow NBSP splits" },
    { "13a", 0, "a\xe2\x80\x8b" "b", "a\xe2\x80\x8b" "b", "ZWSP does not split" },
    { "13a", 0, "  trailing  \t\n", "trailing", "rstrip and collapse" },
    { "13a", 1, "\xc4\xb0STANBUL ΟΔΟΣ", "i\xcc\x87stanbul οδος", "Python lowercase first" },
    /* intl */
    { "intl", 0, "it's", "it ' s", "apostrophe is punctuation" },
    { "intl", 0, "(1,5)", "(1,5)", "punctuation between numbers or at an edge stays" },
    { "intl", 0, "(1,5) 1999.", "(1,5 ) 1999.", "but not before a space" },
    { "intl", 0, "a,5 5,a", "a , 5 5 , a", "non-number on one side splits" },
    { "intl", 0, "$5+3=8 ^|~`", "$ 5 + 3 = 8 ^ | ~ `", "ASCII symbols always split" },
    { "intl", 0, "a_b-c\"d#e%f&g*h/i@j\\k", "a _ b - c \" d # e % f & g * h / i @ j \\ k", "ASCII punctuation" },
    { "intl", 0, "ok\xf0\x9f\x98\x80!", "ok \xf0\x9f\x98\x80 !", "emoji are So" },
    { "intl", 0, "\xd9\xa3\xd9\xab\xd9\xa5", "\xd9\xa3\xd9\xab\xd9\xa5", "non-ASCII digits are numbers" },
    { "intl", 0, "&amp; <skipped>", "& amp ; < skipped >", "no entities, no <skipped>" },
    { "intl", 0, "¿Qué? «Sí»", "¿ Qué ? « Sí »", "Unicode punctuation" },
    /* zh */
    { "zh", 0, "我爱北京。", "我 爱 北 京 。", "ideographs and CJK punctuation" },
    { "zh", 0, "“Hi” €5 ™ →", "“ Hi ” € 5 ™ →", "U+2001..U+2A6D split" },
    { "zh", 0, "a\xe2\x80\x8d" "b", "a \xe2\x80\x8d b", "ZWJ split" },
    { "zh", 0, "\xf0\xa0\x80\x80\xf0\xa9\xb8\xbd", "\xf0\xa0\x80\x80\xf0\xa9\xb8\xbd",
      "astral ideographs not split" },
    { "zh", 0, "ひらがなカタカナ한국어", "ひらがなカタカナ한국어", "kana and Hangul not split" },
    { "zh", 0, "\xe9\xbe\xbb\xe9\xbe\xbc", "\xe9\xbe\xbb \xe9\xbe\xbc", "U+9FBB split, U+9FBC not" },
    { "zh", 0, "ＡＢＣ", "Ａ Ｂ Ｃ", "fullwidth forms split" },
    { "zh", 0, "In 1999.", "In 1999.", "no padding: final 1999. stays" },
    { "zh", 0, "&amp; <skipped>", "& amp ; < skipped >", "no entities, no <skipped>" },
    { "zh", 0, "a.b 5-4", "a . b 5 - 4", "steps B C D" },
    { "zh", 0, "东京\xe3\x80\x80大阪", "东 京 大 阪", "U+3000 split then dropped" },
    /* char */
    { "char", 0, "ab c", "a b   c", "space kept between separators" },
    { "char", 0, "e\xcc\x81", "e \xcc\x81", "combining mark is its own token" },
    { "char", 1, "AB  ", "a b", "lowercase and rstrip first" },
    /* none */
    { "none", 0, "a,b  c. ", "a,b  c.", "no change besides rstrip" },
};

static void test_bleu_rules(void)
{
    for (size_t i = 0; i < sizeof(bleu_rules) / sizeof(bleu_rules[0]); i++) {
        char *got = bleu_pre(bleu_rules[i].tok, bleu_rules[i].lowercase, bleu_rules[i].in);
        CHECK_MSG(got && strcmp(got, bleu_rules[i].want) == 0,
                  "%s %s: \"%s\" -> \"%s\", expected \"%s\"", bleu_rules[i].tok,
                  bleu_rules[i].rule, bleu_rules[i].in, got ? got : "(null)", bleu_rules[i].want);
        free(got);
    }
    enum bleu_tokenizer t;
    CHECK_INT_EQ(bleu_tokenizer_from_name("ja-mecab", &t), -1);
    CHECK_INT_EQ(bleu_tokenizer_from_name("13a", &t), 0);
    CHECK_STR_EQ(bleu_tokenizer_name(t), "13a");
}

static const struct {
    struct ter_opts o;   /* normalized, no_punct, asian_support, case_sensitive */
    const char *in, *want;
    const char *rule;
} ter_rules[] = {
    { { 0, 0, 0, 0 }, "Hello, World!  ", "hello, world!", "default: lowercase, no tokenization" },
    { { 0, 0, 0, 1 }, "Hello, World!", "Hello, World!", "case_sensitive" },
    { { 0, 0, 0, 0 }, "a\xc2\xa0" "b\xe3\x80\x80" "c", "a b c", "whitespace always collapsed" },
    { { 1, 0, 0, 0 }, "John's book, 1,000.", "john 's book , 1,000 .", "normalized: possessive, B C D" },
    { { 1, 0, 0, 0 }, "line\n-break &amp;lt;", "linebreak <", "LF- joined (not -LF); entities" },
    { { 1, 0, 0, 0 }, "well-\nknown", "well- known", "-LF is not joined" },
    { { 1, 0, 0, 0 }, "it's", "it 's", "possessive at the end (padding space)" },
    { { 1, 0, 0, 0 }, "5-4", "5 - 4", "dash after a digit" },
    { { 0, 1, 0, 0 }, "Hi, (you)! \"ok\"? a:b; c.", "hi you ok ab c", "no_punct set" },
    { { 0, 1, 0, 0 }, "... !!! ???", "", "only punctuation" },
    { { 0, 1, 0, 0 }, "a-b 'c' [d]", "a-b 'c' [d]", "others stay" },
    { { 1, 0, 1, 0 }, "我爱北京。ひらがな", "我 爱 北 京 。 ひらがな", "asian: ideographs, not kana" },
    { { 1, 0, 1, 0 }, "ＡＢ，（Ｃ）", "ａｂ ， （ ｃ ）", "asian: fullwidth punctuation" },
    { { 0, 1, 1, 0 }, "我爱北京。（你）", "我爱北京你", "no_punct + asian: CJK punctuation deleted" },
    { { 1, 1, 1, 0 }, "我，你。", "我 你", "all options" },
    { { 0, 0, 0, 0 }, "", "", "empty" },
    { { 0, 0, 0, 0 }, " \t ", "", "whitespace only" },
};

static void test_ter_rules(void)
{
    for (size_t i = 0; i < sizeof(ter_rules) / sizeof(ter_rules[0]); i++) {
        char *got = ter_pre(&ter_rules[i].o, ter_rules[i].in);
        CHECK_MSG(strcmp(got, ter_rules[i].want) == 0, "tercom %s: \"%s\" -> \"%s\", expected \"%s\"",
                  ter_rules[i].rule, ter_rules[i].in, got, ter_rules[i].want);
        free(got);
    }
}

/* tokenize.json: "bleu:TOK[:lowercase]" and "ter:OPT+OPT" functions. */
static void test_vectors(void)
{
    cJSON *root = vec_load_json("tokenize.json");
    const cJSON *strings = cJSON_GetObjectItemCaseSensitive(root, "strings");
    const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(root, "outputs");
    int functions = 0;
    const cJSON *fn;
    cJSON_ArrayForEach(fn, outputs) {
        const char *name = fn->string;
        int is_bleu = strncmp(name, "bleu:", 5) == 0, is_ter = strncmp(name, "ter:", 4) == 0;
        if (!is_bleu && !is_ter)
            continue;   /* chrF, ROUGE, SQuAD: their own tests */
        char tok[32] = "";
        struct ter_opts o = { 0 };
        if (is_bleu) {
            sscanf(name + 5, "%31[^:]", tok);
            enum bleu_tokenizer t;
            if (bleu_tokenizer_from_name(tok, &t) < 0) {
                vec_fail(name, NULL, "function", "unknown BLEU tokenizer");
                continue;
            }
        } else {
            /* "default" or options joined by '+' */
            char opts[128];
            snprintf(opts, sizeof(opts), "%s", name + 4);
            for (char *p = strtok(opts, "+"); p; p = strtok(NULL, "+")) {
                if (strcmp(p, "normalized") == 0)
                    o.normalized = 1;
                else if (strcmp(p, "no_punct") == 0)
                    o.no_punct = 1;
                else if (strcmp(p, "asian_support") == 0)
                    o.asian_support = 1;
                else if (strcmp(p, "case_sensitive") == 0)
                    o.case_sensitive = 1;
                else if (strcmp(p, "default") != 0)
                    vec_fail(name, NULL, "function", "unknown TER option %s", p);
            }
        }
        int lowercase = is_bleu && strstr(name + 5, ":lowercase") != NULL;
        const cJSON *s;
        cJSON_ArrayForEach(s, strings) {
            const char *want = vec_string(fn, s->string);
            if (!want) {
                vec_fail(name, s->string, "output", "missing");
                continue;
            }
            char *got = is_bleu ? bleu_pre(tok, lowercase, s->valuestring)
                                : ter_pre(&o, s->valuestring);
            vec_str(name, s->string, "output", got, want);
            free(got);
        }
        functions++;
    }
    CHECK(functions >= 15);
    cJSON_Delete(root);
}

int main(void)
{
    test_bleu_rules();
    test_ter_rules();
    if (assay_shared())
        test_vectors();
    else
        printf("../shared absent: tokenize.json not checked\n");
    return check_done();
}
