/* langid.c -- language identification by script share, distinctive
 * letters and stop-word profiles (method in langid.h), and the "language"
 * item scorer.
 *
 * Why not n-gram models: assay must run offline with no model files, be
 * explainable in one paragraph, and answer one narrow question -- did the
 * model answer in the language it was asked for? Script share settles it
 * for most non-Latin languages outright; for Latin-script languages
 * function words are the most frequent tokens of any real sentence and
 * differ sharply between languages, and the distinctive letters break the
 * close calls (es/pt, da/sv). The word lists below were written for assay
 * from the languages' commonest function words.
 *
 * All text is NFC and lowercased first (textnorm.h, pyunicode.h), so
 * "Über" and "über", precomposed and decomposed accents count the same. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "langid.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "harness/util/buf.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "pyunicode.h"
#include "scorer.h"
#include "textnorm.h"

/* ==== scripts ================================================================ */

static const char *const scripts[] = {
    "Latin", "Han", "Hiragana", "Katakana", "Hangul", "Cyrillic", "Arabic", "Devanagari",
    "Greek", "Hebrew", "Thai", "Bengali", "Tamil", "Telugu", "Gujarati", "Gurmukhi",
    "Kannada", "Malayalam", "Georgian", "Armenian", "Ethiopic", "Khmer", "Lao", "Myanmar",
    "Sinhala",
};
#define NSCRIPTS (sizeof(scripts) / sizeof(scripts[0]))
#define CJK_WEIGHT 3      /* letters one Han, kana or Hangul character weighs */
enum { S_LATIN, S_HAN, S_HIRA, S_KATA, S_HANGUL, S_CYRL, S_ARAB, S_DEVA };

struct langid {
    pcre2_code *re;      /* (\p{Latin}+)|(\p{Han}+)|... one group per script */
    pcre2_code *noise;   /* URLs and e-mail addresses: not language */
};

#define NOISE_PATTERN "(?:https?://|www\\.)[!-~]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"

struct langid *langid_new(void)
{
    struct buf pat;
    buf_init(&pat, 0);
    for (size_t i = 0; i < NSCRIPTS; i++)
        buf_addf(&pat, "%s(\\p{%s}+)", i ? "|" : "", scripts[i]);
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat.ptr, pat.len, PCRE2_UTF | PCRE2_UCP, &err,
                                   &off, NULL);
    buf_release(&pat);
    if (!re)
        return NULL;
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    pcre2_code *noise = pcre2_compile((PCRE2_SPTR)NOISE_PATTERN, PCRE2_ZERO_TERMINATED,
                                      PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
    if (!noise) {
        pcre2_code_free(re);
        return NULL;
    }
    struct langid *l = xcalloc(1, sizeof(*l));
    l->re = re;
    l->noise = noise;
    return l;
}

void langid_free(struct langid *l)
{
    if (!l)
        return;
    pcre2_code_free(l->re);
    pcre2_code_free(l->noise);
    free(l);
}

/* ==== languages ================================================================== */

struct lang {
    const char *code;
    const char *script;
    const char *aliases;        /* space-separated: 639-2/3 codes and English names */
};

static const struct lang langs[] = {
    { "en", "Latin", "eng english" },
    { "de", "Latin", "deu ger german deutsch" },
    { "fr", "Latin", "fra fre french" },
    { "es", "Latin", "spa spanish" },
    { "it", "Latin", "ita italian" },
    { "pt", "Latin", "por portuguese" },
    { "nl", "Latin", "nld dut dutch" },
    { "tr", "Latin", "tur turkish" },
    { "pl", "Latin", "pol polish" },
    { "sv", "Latin", "swe swedish" },
    { "da", "Latin", "dan danish" },
    { "fi", "Latin", "fin finnish" },
    { "cs", "Latin", "ces cze czech" },
    { "ro", "Latin", "ron rum romanian" },
    { "hu", "Latin", "hun hungarian" },
    { "id", "Latin", "ind indonesian" },
    { "vi", "Latin", "vie vietnamese" },
    { "zh", "Han", "zho chi cmn yue chinese mandarin" },
    { "ja", "Han", "jpn japanese" },
    { "ko", "Hangul", "kor korean" },
    { "ru", "Cyrillic", "rus russian" },
    { "uk", "Cyrillic", "ukr ukrainian" },
    { "be", "Cyrillic", "bel belarusian" },
    { "bg", "Cyrillic", "bul bulgarian" },
    { "sr", "Cyrillic", "srp serbian" },
    { "mk", "Cyrillic", "mkd mac macedonian" },
    { "kk", "Cyrillic", "kaz kazakh" },
    { "ar", "Arabic", "ara arb arabic" },
    { "fa", "Arabic", "fas per pes persian farsi" },
    { "ur", "Arabic", "urd urdu" },
    { "hi", "Devanagari", "hin hindi" },
    { "mr", "Devanagari", "mar marathi" },
    { "ne", "Devanagari", "nep npi nepali" },
    { "el", "Greek", "ell gre greek" },
    { "he", "Hebrew", "heb hebrew" },
    { "th", "Thai", "tha thai" },
    { "bn", "Bengali", "ben bengali bangla" },
    { "ta", "Tamil", "tam tamil" },
    { "te", "Telugu", "tel telugu" },
    { "gu", "Gujarati", "guj gujarati" },
    { "pa", "Gurmukhi", "pan punjabi panjabi" },
    { "kn", "Kannada", "kan kannada" },
    { "ml", "Malayalam", "mal malayalam" },
    { "ka", "Georgian", "kat geo georgian" },
    { "hy", "Armenian", "hye arm armenian" },
    { "am", "Ethiopic", "amh amharic" },
    { "km", "Khmer", "khm khmer" },
    { "lo", "Lao", "lao" },
    { "my", "Myanmar", "mya bur burmese" },
    { "si", "Sinhala", "sin sinhala" },
};
#define NLANGS (sizeof(langs) / sizeof(langs[0]))

static int word_in(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ' ');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (k == n && memcmp(p, word, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

const char *langid_code(const char *name)
{
    if (!name || !*name)
        return NULL;
    char primary[32];
    size_t k = 0;
    for (const char *p = name; *p && *p != '-' && *p != '_' && k + 1 < sizeof(primary); p++)
        primary[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    primary[k] = '\0';
    for (size_t i = 0; i < NLANGS; i++)
        if (strcmp(primary, langs[i].code) == 0 || word_in(primary, langs[i].aliases))
            return langs[i].code;
    if (strcmp(primary, "nb") == 0 || strcmp(primary, "no") == 0 || strcmp(primary, "nn") == 0)
        return NULL;    /* Norwegian is not told apart from Danish: refuse rather than guess */
    return NULL;
}

const char *langid_script_of(const char *code)
{
    for (size_t i = 0; i < NLANGS; i++)
        if (strcmp(code, langs[i].code) == 0)
            return langs[i].script;
    return NULL;
}

int langid_same_group(const char *a, const char *b)
{
    static const char *const deva[] = { "hi", "mr", "ne", NULL };
    int ia = 0, ib = 0;
    for (size_t i = 0; deva[i]; i++) {
        ia |= strcmp(a, deva[i]) == 0;
        ib |= strcmp(b, deva[i]) == 0;
    }
    return strcmp(a, b) == 0 || (ia && ib);
}

/* ==== Latin-script profiles ========================================================= */

struct profile {
    const char *code;
    const char *words;          /* case-folded, NFC, space-separated */
    const char *letters;        /* distinctive letters (UTF-8, case-folded) */
};

static const struct profile profiles[] = {
    { "en", "the of and to in is that it was for on are with as be at by this have from or an "
            "they which you were her his has had not but what all their there can will would "
            "been we our he she its into than them these also more who after about when out "
            "said could should because a i my your me him us do does did so if no up one two "
            "some such very just over only new other any how now then may must well before "
            "during since against each both most many much between through still while where "
            "why yes thanks please says say down off until under again those being here get "
            "got make made take took back even first last like year years people time way s t ll re "
            "ve m",
      "" },
    { "de", "der die das und ist nicht ein eine einer einen eines einem dem den des zu mit sich "
            "auf für von im auch es an als wie bei nach aus wird werden hat haben sind war "
            "waren dass sie er wir ich oder aber noch nur über um am zum zur vom diese dieser "
            "dieses diesen kann können wurde wurden sein seine seiner ihre ihr ihren durch "
            "gegen keine kein mehr hatte hatten gibt muss soll sollen will wenn weil schon sehr "
            "bis unter zwischen seit wegen ohne doch immer jetzt hier dort man mich mir uns "
            "ihm ihn denn also beim ins worden gewesen viele jahr jahre zwei", "äöüß" },
    { "fr", "le la les de des du et est un une en que qui dans pour pas sur au aux avec ce "
            "cette ces il elle ils elles nous vous sont par plus ne se son sa ses leur leurs "
            "été être mais ou comme aussi très tout tous toute toutes fait y à où était ont lui "
            "on je l d qu c s n j avait sans sous entre après avant depuis donc encore même "
            "peut bien deux selon chez dont cet notre nos votre vos mon ma mes moi fois alors "
            "ainsi ans", "éèêëàâçîïôûùœ" },
    { "es", "el la los las de del y a que en un una unos unas es por con para no se su sus al lo "
            "como más pero le les ha han he este esta estos estas ese esa son fue fueron está "
            "están ser muy también sobre entre sin hay ya cuando porque todo todos era desde o "
            "yo tu te me si mi nos ni hasta después antes donde durante según tiene tienen puede otro "
            "otra así eso esto dos año años aunque", "ñáéíóúü¿¡" },
    { "it", "il lo la i gli le di del della dello dei degli delle e ed che è un una uno per con "
            "non si in nel nella nei negli nelle da dal dalla dai sono come anche più ma questo "
            "questa questi queste al alla allo ai agli alle ha hanno essere stato stata molto "
            "ci o se tra fra loro sua suo suoi sue l dell nell all quando dopo prima ancora "
            "sempre già solo tutto tutti tutte era erano può due anni quello quella cui dove "
            "perché mentre", "àèéìòù" },
    { "pt", "o a os as de do da dos das e que em no na nos nas um uma uns umas é para com não "
            "por se mais como mas foi foram ao aos à às seu sua seus suas ele ela eles elas são "
            "também está estão pelo pela pelos pelas ou muito já quando isso este esta estes "
            "estas esse essa tem têm ser havia entre sobre até depois antes onde durante "
            "segundo pode outro outra assim dois anos ainda sem mesmo", "ãõáâêôçàéíóú" },
    { "nl", "de het een en van is dat in op te zijn met voor niet die er aan ook als bij door om "
            "maar nog naar wordt worden was waren werd hij zij ze we wij ik je jij u dit deze "
            "heeft hebben had hadden over uit tot kan kunnen meer geen al dan zo wat wie waar "
            "hoe omdat tegen na onder tussen sinds zonder alle veel nu hier daar wel toch zich "
            "hun haar hem mijn ons onze jaar twee", "ë" },
    { "tr", "ve bir bu da de için ile çok olarak daha gibi en ne o ama olan var yok kadar sonra "
            "her mi mı mu mü ben sen biz siz onlar onun şu ki değil veya ise göre bunu olduğu "
            "oldu tarafından ya hem ancak ayrıca bile diye çünkü eğer kendi yeni iki şey zaman "
            "önce yıl arasında üzerinde olduğunu", "çğıöşü" },
    { "pl", "i w z na się nie do jest to że o a od po jak ale za co przez dla tak jego już oraz "
            "może tym są był była było były także też czy jako ich tylko przy ze we ten ta te "
            "tego tej które który która których jednak jeszcze bardzo być będzie mnie mi go "
            "jej nich nas was pan pani gdy gdzie kiedy dlaczego więc tu tam lub roku lat dwa",
      "ąćęłńóśźż" },
    { "sv", "och i att det som en på är av för med till den inte har de om ett var men jag vi "
            "han hon sig från eller kan så vid också efter ska när detta hade blev under sina "
            "sin sitt ut upp nu här där mycket bara sedan mot utan över alla andra man skulle "
            "kommer vara varit finns två år", "åäö" },
    { "da", "og i at det er en til på de med for af den som ikke har et der var jeg vi han hun "
            "sig fra eller kan så ved også efter skal når dette havde blev under men om sine "
            "sin sit ud op nu her mange kun siden mod uden over alle andre man skulle kommer "
            "være været findes to år hvor hvad", "æøå" },
    { "fi", "ja on ei se että oli hän ovat mutta kun niin tai myös sen joka jos kuin mitä ole "
            "olla vain tämä nämä hänen sitä siitä olisi voi kanssa jo nyt sekä kaikki mukaan "
            "vielä sitten koska vuoden vuonna jälkeen ennen he me te minä sinä", "äö" },
    { "cs", "a je se na v že to s z do o jako ale by k i pro jsou byl byla bylo byli tak jeho "
            "už nebo jak po ve co jsem není také jen od při které který která jejich jsme bude "
            "být může více však mezi podle před za roce let dva", "áčďéěíňóřšťúůýž" },
    { "ro", "și în de la a cu pe nu este că o un una care mai din pentru sunt se ca fost sau au "
            "ce al ale lui prin fi să dar acest această acesta după între despre până foarte "
            "ei ea el noi voi le îi lor anul ani doi", "ăâîșşțţ" },
    { "hu", "a az és hogy nem is egy van meg de csak már mint ez azt volt vagy még ki el mert "
            "ha lesz minden után szerint között pedig így kell ezt azok voltak lett nagyon sok "
            "két év évben alatt amely amelyek", "áéíóöőúüű" },
    { "id", "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke ada karena oleh "
            "saya kami mereka adalah atau sudah bisa telah lebih seperti tersebut harus kita "
            "dia ia namun setelah sebelum tahun bahwa para antara hingga sebagai masih", "" },
    { "vi", "của và là có trong không được cho này người những các với một đã để khi từ đến "
            "cũng như thì sẽ ra về tôi chúng nhưng năm rất đó theo vào sau bị hai nhiều lại "
            "làm", "ăâđêôơư" },
};
#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

/* Decodes one code point (valid UTF-8 is guaranteed by textnorm). */
static size_t next_cp(const char *s, int32_t *cp)
{
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, cp);
    if (k <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)k;
}

static int is_letter_or_mark(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO)
        || (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME);
}

static int letter_in(const char *letters, const char *at, size_t len)
{
    for (const char *p = letters; *p;) {
        int32_t c;
        size_t k = next_cp(p, &c);
        if (k == len && memcmp(p, at, len) == 0)
            return 1;
        p += k;
    }
    return 0;
}

#define LETTER_WEIGHT 0.5   /* one distinctive letter vs 1.0 for a stop word */

/* Languages whose distinctive letters are so frequent that 30 letters of
 * text without any of them speak against the language. */
static int letters_expected(const char *code)
{
    return strcmp(code, "tr") == 0 || strcmp(code, "pl") == 0 || strcmp(code, "cs") == 0
        || strcmp(code, "ro") == 0 || strcmp(code, "hu") == 0 || strcmp(code, "vi") == 0;
}

/* Scores lowercased Latin text against every profile. */
static void latin_scores(const char *text, double score[NPROFILES])
{
    memset(score, 0, sizeof(double) * NPROFILES);
    int seen_own[NPROFILES] = { 0 };
    size_t letters = 0;
    char word[64];
    size_t wl = 0;
    int too_long = 0;
    for (const char *p = text;;) {
        int32_t c = 0;
        size_t k = *p ? next_cp(p, &c) : 0;
        if (*p && c >= '0' && c <= '9') {               /* "29e", "mp3": not words */
            too_long = 1;
            p += k;
            continue;
        }
        if (*p && is_letter_or_mark(c)) {
            letters++;
            if (c >= 0x80) {                            /* distinctive letters, shared ones count less */
                int owners = 0;
                for (size_t i = 0; i < NPROFILES; i++)
                    owners += letter_in(profiles[i].letters, p, k);
                if (c >= 0x1EA0 && c <= 0x1EF9)         /* Vietnamese tone letters */
                    owners = -1;
                for (size_t i = 0; i < NPROFILES; i++) {
                    int own = owners < 0 ? strcmp(profiles[i].code, "vi") == 0
                                         : letter_in(profiles[i].letters, p, k);
                    if (own) {
                        score[i] += LETTER_WEIGHT / (owners < 0 ? 1 : owners);
                        seen_own[i] = 1;
                    }
                }
            }
            if (wl + k < sizeof(word))
                memcpy(word + wl, p, k);
            else
                too_long = 1;
            wl += k;
            p += k;
            continue;
        }
        if (wl && !too_long) {                          /* a word ended */
            word[wl] = '\0';
            int owners = 0;
            for (size_t i = 0; i < NPROFILES; i++)
                owners += word_in(word, profiles[i].words);
            for (size_t i = 0; owners && i < NPROFILES; i++)
                if (word_in(word, profiles[i].words))
                    score[i] += 1.0 / owners;
            if (strstr(word, "ij"))                     /* the Dutch digraph */
                for (size_t i = 0; i < NPROFILES; i++)
                    if (strcmp(profiles[i].code, "nl") == 0)
                        score[i] += 0.3;
        }
        wl = 0;
        too_long = 0;
        if (!*p)
            break;
        p += k;
    }
    for (size_t i = 0; i < NPROFILES; i++)
        if (letters >= 30 && !seen_own[i] && letters_expected(profiles[i].code))
            score[i] *= 0.3;
}

/* ==== detection ========================================================================== */

static size_t count_in(const char *folded, const int32_t *set, size_t nset)
{
    size_t n = 0;
    for (const char *p = folded; *p;) {
        int32_t c;
        p += next_cp(p, &c);
        for (size_t i = 0; i < nset; i++)
            n += c == set[i];
    }
    return n;
}

static const char *cyrillic_language(const char *folded)
{
    static const int32_t uk[] = { 0x0456, 0x0457, 0x0454, 0x0491 };           /* і ї є ґ */
    static const int32_t be[] = { 0x045E };                                   /* ў */
    static const int32_t sr[] = { 0x0452, 0x0458, 0x045B };                   /* ђ ј ћ */
    static const int32_t mk[] = { 0x0453, 0x045C, 0x0455 };                   /* ѓ ќ ѕ */
    static const int32_t kk[] = { 0x04D9, 0x0493, 0x049B, 0x04A3, 0x04E9, 0x04B1, 0x04AF, 0x04BB };
    static const int32_t ru[] = { 0x044B, 0x044D, 0x0451 };                   /* ы э ё */
    static const int32_t hard[] = { 0x044A };                                 /* ъ */
    size_t n_kk = count_in(folded, kk, 8), n_be = count_in(folded, be, 1);
    size_t n_uk = count_in(folded, uk, 4), n_mk = count_in(folded, mk, 3);
    size_t n_sr = count_in(folded, sr, 3), n_ru = count_in(folded, ru, 3);
    if (n_kk >= 2)
        return "kk";
    if (n_be)
        return "be";
    if (n_mk)
        return "mk";
    if (n_sr)
        return "sr";
    if (n_uk > n_ru)
        return "uk";
    if (!n_ru && count_in(folded, hard, 1) >= 2)
        return "bg";                                        /* ъ as a vowel, no ы/э */
    return "ru";
}

static const char *arabic_language(const char *folded)
{
    static const int32_t ur[] = { 0x0679, 0x0688, 0x0691, 0x06BA, 0x06D2, 0x06C1, 0x06BE };
    static const int32_t fa[] = { 0x067E, 0x0686, 0x0698, 0x06AF, 0x06A9, 0x06CC };
    static const int32_t ar[] = { 0x0629, 0x0643, 0x064A, 0x0649 };           /* ة ك ي ى */
    size_t n_ur = count_in(folded, ur, 7), n_fa = count_in(folded, fa, 6);
    size_t n_ar = count_in(folded, ar, 4);
    if (n_ur >= 2 && n_ur >= n_ar / 4)
        return "ur";
    if (n_fa >= 2 && n_fa > n_ar)
        return "fa";
    return "ar";
}

/* Replaces URLs and e-mail addresses by a space (takes and returns owned text). */
static char *strip_noise(const struct langid *l, char *text, size_t *n)
{
    PCRE2_SIZE cap = *n + 1;
    char *out = xmalloc(cap);
    int rc = pcre2_substitute(l->noise, (PCRE2_SPTR)text, *n, 0,
                              PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, NULL,
                              NULL, (PCRE2_SPTR) " ", 1, (PCRE2_UCHAR *)out, &cap);
    if (rc == PCRE2_ERROR_NOMEMORY) {            /* cannot happen: a match is never shorter */
        out = xrealloc(out, cap);
        rc = pcre2_substitute(l->noise, (PCRE2_SPTR)text, *n, 0, PCRE2_SUBSTITUTE_GLOBAL, NULL,
                              NULL, (PCRE2_SPTR) " ", 1, (PCRE2_UCHAR *)out, &cap);
    }
    if (rc < 0) {
        free(out);
        return text;
    }
    free(text);
    *n = cap;
    return out;
}

void langid_detect(const struct langid *l, const char *text, size_t n, struct langid_result *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->lang, sizeof(out->lang), "und");
    out->script = "none";
    /* NFC then Python lowercase (not case folding: that would turn the
     * German ß into "ss" and lose the cue) */
    size_t nn, fn;
    char *nfc = text_nfc(text, n, 0, &nn);
    char *folded = py_lower_utf8(nfc, nn, &fn);
    free(nfc);
    folded = strip_noise(l, folded, &fn);

    size_t count[NSCRIPTS] = { 0 };
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(l->re, NULL);
    PCRE2_SIZE at = 0;
    while (at < fn) {
        int rc = pcre2_match(l->re, (PCRE2_SPTR)folded, fn, at, 0, md, NULL);
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        for (int g = 1; g < rc; g++) {
            if (ov[2 * g] != PCRE2_UNSET) {
                count[g - 1] += text_codepoints(folded + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
                break;
            }
        }
        at = ov[1] > at ? ov[1] : at + 1;
    }
    pcre2_match_data_free(md);

    /* Han and kana count together: Japanese mixes them. A CJK character
     * carries about a word, so it weighs CJK_WEIGHT letters: "iPhone 15
     * Pro的价格是7999元" is Chinese. */
    size_t weight[NSCRIPTS], total = 0, best = 0;
    for (size_t i = 0; i < NSCRIPTS; i++) {
        int cjk_script = i == S_HAN || i == S_HIRA || i == S_KATA || i == S_HANGUL;
        weight[i] = count[i] * (cjk_script ? CJK_WEIGHT : 1);
        total += weight[i];
    }
    size_t cjk = count[S_HAN] + count[S_HIRA] + count[S_KATA];
    size_t best_n = weight[S_HAN] + weight[S_HIRA] + weight[S_KATA];
    best = S_HAN;
    for (size_t i = 0; i < NSCRIPTS; i++) {
        if (i == S_HAN || i == S_HIRA || i == S_KATA)
            continue;
        if (weight[i] > best_n) {
            best_n = weight[i];
            best = i;
        }
    }
    for (size_t i = 0; i < NSCRIPTS; i++)
        out->letters += count[i];
    if (total == 0) {
        free(folded);
        return;
    }
    out->script = scripts[best];
    out->script_share = (double)best_n / (double)total;
    out->confidence = out->script_share;
    const char *lang = NULL;
    switch (best) {
    case S_HAN: {
        size_t kana = count[S_HIRA] + count[S_KATA];
        int ja = kana > 0 && (double)kana >= 0.05 * (double)cjk;
        lang = ja ? "ja" : "zh";
        if (ja && count[S_HAN] < kana)
            out->script = count[S_HIRA] >= count[S_KATA] ? "Hiragana" : "Katakana";
        break;
    }
    case S_HANGUL: lang = "ko"; break;
    case S_CYRL: lang = cyrillic_language(folded); break;
    case S_ARAB: lang = arabic_language(folded); break;
    case S_DEVA: lang = "hi"; break;
    case S_LATIN: {
        double score[NPROFILES], sum = 0, top = 0;
        size_t win = 0;
        latin_scores(folded, score);
        for (size_t i = 0; i < NPROFILES; i++) {
            sum += score[i];
            if (score[i] > top) {
                top = score[i];
                win = i;
            }
        }
        double second = 0;
        for (size_t i = 0; i < NPROFILES; i++)
            if (i != win && score[i] > second)
                second = score[i];
        if (top >= 1.0 && top > 1.2 * second) {
            lang = profiles[win].code;
            out->confidence = out->script_share * top / sum;
        } else {
            out->confidence = 0;                            /* too little to tell */
        }
        break;
    }
    default:
        for (size_t i = 0; i < NLANGS; i++)
            if (strcmp(langs[i].script, scripts[best]) == 0) {
                lang = langs[i].code;
                break;
            }
        break;
    }
    if (lang)
        snprintf(out->lang, sizeof(out->lang), "%s", lang);
    free(folded);
}

/* ==== the "language" item scorer ========================================================= */

struct language_scorer {
    struct langid *id;
    const char *language;      /* fixed requested code, or NULL: from the item */
    char *item_field;          /* NULL: tgt_lang, lang, language in that order */
    int strict;                /* too little text to tell fails */
    double min_confidence;
};

static void language_release(void *state)
{
    struct language_scorer *s = state;
    if (!s)
        return;
    langid_free(s->id);
    free(s->item_field);
    free(s);
}

static void *language_configure(const cJSON *options, const char *file, const char *path,
                                struct diag *d)
{
    static const char *const keys[] = { "language", "item_field", "strict", "min_confidence",
                                        NULL };
    struct language_scorer *s = xcalloc(1, sizeof(*s));
    const char *lang = NULL, *field = NULL;
    if (options && !cJSON_IsObject(options)) {
        diag_fail_at(d, file, 0, path, "expected an object of options, got %s", json_kind(options));
        goto fail;
    }
    if (options && (jv_known_keys(options, keys, file, path, d) < 0
                    || jv_string(options, "language", file, path, 0, &lang, d) < 0
                    || jv_string(options, "item_field", file, path, 0, &field, d) < 0
                    || jv_bool(options, "strict", file, path, 0, &s->strict, d) < 0
                    || jv_number(options, "min_confidence", file, path, 0, 0, 1,
                                 &s->min_confidence, d) < 0))
        goto fail;
    if (lang && field) {
        diag_fail_at(d, file, 0, path, "give \"language\" or \"item_field\", not both");
        goto fail;
    }
    if (lang && !(s->language = langid_code(lang))) {
        char p[256];
        jpath_key(p, sizeof(p), path, "language");
        diag_fail_at(d, file, 0, p, "unknown language \"%s\" (ISO 639 codes such as de, deu, "
                     "zh-CN, or English names; see docs/scorers.md)", lang);
        goto fail;
    }
    if (field)
        s->item_field = xstrdup(field);
    if (!(s->id = langid_new())) {
        diag_fail_at(d, file, 0, path, "PCRE2 was built without Unicode script support");
        goto fail;
    }
    return s;
fail:
    language_release(s);
    return NULL;
}

static int language_score(void *state, const struct score_item *it, cJSON *out, struct diag *d)
{
    struct language_scorer *s = state;
    const char *want = s->language;
    if (!want) {
        static const char *const defaults[] = { "tgt_lang", "lang", "language", NULL };
        const char *const one[] = { s->item_field, NULL };
        const char *const *fields = s->item_field ? one : defaults;
        const cJSON *v = NULL;
        for (size_t i = 0; fields[i] && !v; i++) {
            v = it->item ? cJSON_GetObjectItemCaseSensitive(it->item, fields[i]) : NULL;
            if (v && !cJSON_IsString(v))
                return diag_fail(d, "item field \"%s\" must be a language code string",
                                 fields[i]);
        }
        if (!v)
            return diag_fail(d, "no requested language: set the option \"language\" or give "
                             "the item a \"%s\" field", s->item_field ? s->item_field : "tgt_lang");
        if (!(want = langid_code(v->valuestring)))
            return diag_fail(d, "unknown language \"%s\" in the item", v->valuestring);
    }
    const char *hyp = it->hyp ? it->hyp : "";
    struct langid_result r;
    langid_detect(s->id, hyp, strlen(hyp), &r);
    const char *want_script = langid_script_of(want);

    char reason[256];
    int pass;
    int script_ok = strcmp(r.script, want_script) == 0
                 || (strcmp(want_script, "Han") == 0 && (strcmp(r.script, "Hiragana") == 0
                                                         || strcmp(r.script, "Katakana") == 0));
    if (r.letters == 0) {
        pass = 0;
        snprintf(reason, sizeof(reason), "no letters to judge (expected %s)", want);
    } else if (!script_ok) {
        pass = 0;
        snprintf(reason, sizeof(reason), "expected %s (%s script), got mostly %s script "
                 "(%s, %.0f%% of letters)", want, want_script, r.script, r.lang,
                 100 * r.script_share);
    } else if (strcmp(r.lang, "und") == 0) {
        pass = !s->strict;
        snprintf(reason, sizeof(reason), "%s script, as expected for %s; too little text to "
                 "tell the language%s", r.script, want, s->strict ? " (strict)" : "");
    } else if (!langid_same_group(r.lang, want)) {
        pass = 0;
        snprintf(reason, sizeof(reason), "expected %s, detected %s (confidence %.2f)", want,
                 r.lang, r.confidence);
    } else if (r.confidence < s->min_confidence) {
        pass = 0;
        snprintf(reason, sizeof(reason), "detected %s with confidence %.2f, below %.2f", r.lang,
                 r.confidence, s->min_confidence);
    } else {
        pass = 1;
        snprintf(reason, sizeof(reason), "detected %s%s (%s script, confidence %.2f)", r.lang,
                 strcmp(r.lang, want) ? " (hi, mr and ne are not told apart)" : "", r.script,
                 r.confidence);
    }
    cJSON_AddBoolToObject(out, "pass", pass);
    cJSON_AddStringToObject(out, "reason", reason);
    cJSON_AddStringToObject(out, "detected", r.lang);
    cJSON_AddStringToObject(out, "script", r.script);
    cJSON_AddNumberToObject(out, "confidence", r.confidence);
    return 0;
}

const struct scorer_ops scorer_language = {
    .type = "language",
    .summary = "pass if the reply is in the requested language (script share, letters, "
               "stop words); reports the detected language",
    .configure = language_configure, .score = language_score, .release = language_release,
};
