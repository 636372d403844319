/* test_langid.c -- language detection: one real sentence pair per
 * supported language (written for this test), code normalisation, the
 * "language" scorer's verdicts and reasons, and -- with ../shared -- every
 * NTREX-128 reference of data-public/translation.jsonl (10 languages, 200
 * sentences) and the references of the metric-vector corpora. */
#include "check.h"
#include "support/proc.h"

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "scorers/langid.h"
#include "scorers/scorer.h"

static const struct { const char *lang, *text; } fixtures[] = {
    { "en", "The government decided to build a new bridge over the river. The work should be finished in three years." },
    { "de", "Die Regierung hat beschlossen, eine neue Br\xc3\xbc" "cke \xc3\xbc" "ber den Fluss zu bauen. Die Arbeiten sollen in drei Jahren fertig sein." },
    { "fr", "Le gouvernement a d\xc3\xa9" "cid\xc3\xa9 de construire un nouveau pont sur la rivi\xc3\xa8re. Les travaux devraient \xc3\xaatre termin\xc3\xa9s dans trois ans." },
    { "es", "El gobierno decidi\xc3\xb3 construir un nuevo puente sobre el r\xc3\xado. Las obras deber\xc3\xad" "an terminar en tres a\xc3\xb1os." },
    { "it", "Il treno per Milano \xc3\xa8 partito con venti minuti di ritardo. I passeggeri hanno aspettato sulla banchina per pi\xc3\xb9 di un'ora." },
    { "pt", "O governo anunciou novas medidas para reduzir a infla\xc3\xa7\xc3\xa3o. Os pre\xc3\xa7os dos alimentos subiram muito no \xc3\xbaltimo ano." },
    { "nl", "De gemeente heeft besloten om het park in het centrum te renoveren. De werkzaamheden beginnen volgend jaar." },
    { "tr", "H\xc3\xbck\xc3\xbc" "met nehir \xc3\xbczerinde yeni bir k\xc3\xb6pr\xc3\xbc in\xc5\x9f" "a etmeye karar verdi. \xc3\x87" "al\xc4\xb1\xc5\x9fmalar\xc4\xb1n \xc3\xbc\xc3\xa7 y\xc4\xb1l i\xc3\xa7inde tamamlanmas\xc4\xb1 bekleniyor." },
    { "pl", "Rz\xc4\x85" "d zapowiedzia\xc5\x82 nowe przepisy dotycz\xc4\x85" "ce ochrony \xc5\x9brodowiska. Wprowadzenie zmian planowane jest na przysz\xc5\x82y rok." },
    { "sv", "Regeringen har beslutat att bygga en ny bro \xc3\xb6ver \xc3\xa4lven. Arbetet ber\xc3\xa4knas vara klart om tre \xc3\xa5r." },
    { "da", "Regeringen har besluttet at bygge en ny bro over fjorden. Arbejdet forventes at v\xc3\xa6re f\xc3\xa6rdigt om tre \xc3\xa5r." },
    { "fi", "Hallitus p\xc3\xa4\xc3\xa4tti rakentaa uuden sillan joen yli. Ty\xc3\xb6n arvioidaan valmistuvan kolmen vuoden kuluttua." },
    { "cs", "Vl\xc3\xa1" "da se rozhodla postavit nov\xc3\xbd most p\xc5\x99" "es \xc5\x99" "eku. Pr\xc3\xa1" "ce by m\xc4\x9bly b\xc3\xbdt dokon\xc4\x8d" "eny do t\xc5\x99\xc3\xad let." },
    { "ro", "Guvernul a decis s\xc4\x83 construiasc\xc4\x83 un pod nou peste r\xc3\xa2u. Lucr\xc4\x83rile ar trebui s\xc4\x83 fie gata \xc3\xaen trei ani." },
    { "hu", "A korm\xc3\xa1ny \xc3\xbagy d\xc3\xb6nt\xc3\xb6tt, hogy \xc3\xbaj hidat \xc3\xa9p\xc3\xadt a foly\xc3\xb3 felett. A munk\xc3\xa1latok v\xc3\xa1rhat\xc3\xb3" "an h\xc3\xa1rom \xc3\xa9v alatt k\xc3\xa9sz\xc3\xbclnek el." },
    { "id", "Pemerintah memutuskan untuk membangun jembatan baru di atas sungai. Pekerjaan itu diperkirakan selesai dalam tiga tahun." },
    { "vi", "Ch\xc3\xadnh ph\xe1\xbb\xa7 \xc4\x91\xc3\xa3 quy\xe1\xba\xbft \xc4\x91\xe1\xbb\x8bnh x\xc3\xa2y d\xe1\xbb\xb1ng m\xe1\xbb\x99t c\xc3\xa2y c\xe1\xba\xa7u m\xe1\xbb\x9bi b\xe1\xba\xaf" "c qua s\xc3\xb4ng." },
    { "ru", "\xd0\x9f\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb8\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c\xd1\x81\xd1\x82\xd0\xb2\xd0\xbe \xd1\x80\xd0\xb5\xd1\x88\xd0\xb8\xd0\xbb\xd0\xbe \xd0\xbf\xd0\xbe\xd1\x81\xd1\x82\xd1\x80\xd0\xbe\xd0\xb8\xd1\x82\xd1\x8c \xd0\xbd\xd0\xbe\xd0\xb2\xd1\x8b\xd0\xb9 \xd0\xbc\xd0\xbe\xd1\x81\xd1\x82." },
    { "uk", "\xd0\xa3\xd1\x80\xd1\x8f\xd0\xb4 \xd0\xb2\xd0\xb8\xd1\x80\xd1\x96\xd1\x88\xd0\xb8\xd0\xb2 \xd0\xbf\xd0\xbe\xd0\xb1\xd1\x83\xd0\xb4\xd1\x83\xd0\xb2\xd0\xb0\xd1\x82\xd0\xb8 \xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb8\xd0\xb9 \xd0\xbc\xd1\x96\xd1\x81\xd1\x82 \xd1\x87\xd0\xb5\xd1\x80\xd0\xb5\xd0\xb7 \xd1\x80\xd1\x96\xd1\x87\xd0\xba\xd1\x83." },
    { "sr", "\xd0\x92\xd0\xbb\xd0\xb0\xd0\xb4\xd0\xb0 \xd1\x98\xd0\xb5 \xd0\xbe\xd0\xb4\xd0\xbb\xd1\x83\xd1\x87\xd0\xb8\xd0\xbb\xd0\xb0 \xd0\xb4\xd0\xb0 \xd0\xb8\xd0\xb7\xd0\xb3\xd1\x80\xd0\xb0\xd0\xb4\xd0\xb8 \xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb8 \xd0\xbc\xd0\xbe\xd1\x81\xd1\x82." },
    { "zh", "\xe6\x94\xbf\xe5\xba\x9c\xe5\x86\xb3\xe5\xae\x9a\xe5\x9c\xa8\xe6\xb2\xb3\xe4\xb8\x8a\xe4\xbf\xae\xe5\xbb\xba\xe4\xb8\x80\xe5\xba\xa7\xe6\x96\xb0\xe6\xa1\xa5\xe3\x80\x82" },
    { "ja", "\xe6\x94\xbf\xe5\xba\x9c\xe3\x81\xaf\xe5\xb7\x9d\xe3\x81\xab\xe6\x96\xb0\xe3\x81\x97\xe3\x81\x84\xe6\xa9\x8b\xe3\x82\x92\xe5\xbb\xba\xe8\xa8\xad\xe3\x81\x99\xe3\x82\x8b\xe3\x80\x82" },
    { "ko", "\xec\xa0\x95\xeb\xb6\x80\xeb\x8a\x94 \xea\xb0\x95 \xec\x9c\x84\xec\x97\x90 \xec\x83\x88 \xeb\x8b\xa4\xeb\xa6\xac\xeb\xa5\xbc \xea\xb1\xb4\xec\x84\xa4\xed\x95\x98\xea\xb8\xb0\xeb\xa1\x9c \xea\xb2\xb0\xec\xa0\x95\xed\x96\x88\xeb\x8b\xa4." },
    { "ar", "\xd9\x82\xd8\xb1\xd8\xb1\xd8\xaa \xd8\xa7\xd9\x84\xd8\xad\xd9\x83\xd9\x88\xd9\x85\xd8\xa9 \xd8\xa8\xd9\x86\xd8\xa7\xd8\xa1 \xd8\xac\xd8\xb3\xd8\xb1 \xd8\xac\xd8\xaf\xd9\x8a\xd8\xaf." },
    { "fa", "\xd8\xaf\xd9\x88\xd9\x84\xd8\xaa \xd8\xaa\xd8\xb5\xd9\x85\xdb\x8c\xd9\x85 \xda\xaf\xd8\xb1\xd9\x81\xd8\xaa \xdb\x8c\xda\xa9 \xd9\xbe\xd9\x84 \xd8\xac\xd8\xaf\xdb\x8c\xd8\xaf \xd8\xa8\xd8\xb3\xd8\xa7\xd8\xb2\xd8\xaf." },
    { "hi", "\xe0\xa4\xb8\xe0\xa4\xb0\xe0\xa4\x95\xe0\xa4\xbe\xe0\xa4\xb0 \xe0\xa4\xa8\xe0\xa5\x87 \xe0\xa4\xa8\xe0\xa4\xa6\xe0\xa5\x80 \xe0\xa4\xaa\xe0\xa4\xb0 \xe0\xa4\xaa\xe0\xa5\x81\xe0\xa4\xb2 \xe0\xa4\xac\xe0\xa4\xa8\xe0\xa4\xbe\xe0\xa4\xaf\xe0\xa4\xbe\xe0\xa5\xa4" },
    { "el", "\xce\x97 \xce\xba\xcf\x85\xce\xb2\xce\xad\xcf\x81\xce\xbd\xce\xb7\xcf\x83\xce\xb7 \xce\xb1\xcf\x80\xce\xbf\xcf\x86\xce\xac\xcf\x83\xce\xb9\xcf\x83\xce\xb5 \xce\xbd\xce\xb1 \xcf\x87\xcf\x84\xce\xaf\xcf\x83\xce\xb5\xce\xb9 \xce\xb3\xce\xad\xcf\x86\xcf\x85\xcf\x81\xce\xb1." },
    { "he", "\xd7\x94\xd7\x9e\xd7\x9e\xd7\xa9\xd7\x9c\xd7\x94 \xd7\x94\xd7\x97\xd7\x9c\xd7\x99\xd7\x98\xd7\x94 \xd7\x9c\xd7\x91\xd7\xa0\xd7\x95\xd7\xaa \xd7\x92\xd7\xa9\xd7\xa8 \xd7\x97\xd7\x93\xd7\xa9." },
    { "th", "\xe0\xb8\xa3\xe0\xb8\xb1\xe0\xb8\x90\xe0\xb8\x9a\xe0\xb8\xb2\xe0\xb8\xa5\xe0\xb8\x95\xe0\xb8\xb1\xe0\xb8\x94\xe0\xb8\xaa\xe0\xb8\xb4\xe0\xb8\x99\xe0\xb9\x83\xe0\xb8\x88\xe0\xb8\xaa\xe0\xb8\xa3\xe0\xb9\x89\xe0\xb8\xb2\xe0\xb8\x87\xe0\xb8\xaa\xe0\xb8\xb0\xe0\xb8\x9e\xe0\xb8\xb2\xe0\xb8\x99" },
};

static void test_fixtures(void)
{
    struct langid *l = langid_new();
    CHECK(l != NULL);
    if (!l)
        return;
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        struct langid_result r;
        langid_detect(l, fixtures[i].text, strlen(fixtures[i].text), &r);
        CHECK_MSG(strcmp(r.lang, fixtures[i].lang) == 0, "%s detected as %s (%s, conf %.2f)",
                  fixtures[i].lang, r.lang, r.script, r.confidence);
        CHECK(r.confidence > 0 && r.confidence <= 1);
    }
    /* mixed content: a CJK character weighs more than a Latin letter; URLs
     * and e-mail addresses are not language */
    static const struct { const char *text, *lang; } mixed[] = {
        { "iPhone 15 Pro\xe7\x9a\x84\xe4\xbb\xb7\xe6\xa0\xbc\xe6\x98\xaf" "7999\xe5\x85\x83\xe3\x80\x82", "zh" },
        { "\xe8\xaf\xb7\xe5\x8f\x91\xe8\x87\xb3press@example.com\xe3\x80\x82", "zh" },
        { "Das steht auf https://example.com/the/and/of/the/is/that und nicht hier.", "de" },
        { "", "und" },
        { "12345 !!!", "und" },
        { "OK", "und" },
    };
    for (size_t i = 0; i < sizeof(mixed) / sizeof(mixed[0]); i++) {
        struct langid_result r;
        langid_detect(l, mixed[i].text, strlen(mixed[i].text), &r);
        CHECK_MSG(strcmp(r.lang, mixed[i].lang) == 0, "mixed %zu detected as %s", i, r.lang);
    }
    langid_free(l);
}

static void test_codes(void)
{
    static const struct { const char *in, *out; } rows[] = {
        { "de", "de" }, { "deu", "de" }, { "ger", "de" }, { "de-AT", "de" }, { "German", "de" },
        { "zho-CN", "zh" }, { "zh_Hant", "zh" }, { "cmn", "zh" }, { "jpn", "ja" }, { "arb", "ar" },
        { "pt-BR", "pt" }, { "EN", "en" }, { "kor", "ko" }, { "hin", "hi" }, { "tur", "tr" },
        { "no", NULL }, { "nb", NULL }, { "xx", NULL }, { "", NULL },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *got = langid_code(rows[i].in);
        CHECK_MSG(rows[i].out ? got && strcmp(got, rows[i].out) == 0 : got == NULL,
                  "langid_code(%s) = %s", rows[i].in, got ? got : "NULL");
    }
    CHECK_STR_EQ(langid_script_of("ja"), "Han");
    CHECK_STR_EQ(langid_script_of("uk"), "Cyrillic");
    CHECK(langid_same_group("mr", "hi"));
    CHECK(!langid_same_group("es", "pt"));
}

static cJSON *judge(const char *options, const char *reply, const char *item, int *pass,
                    int *rc)
{
    const struct scorer_ops *ops = scorer_find("language");
    struct diag d;
    diag_init(&d);
    cJSON *o = options ? cJSON_Parse(options) : NULL;
    void *st = ops->configure(o, "s.json", "scorers[2].options", &d);
    cJSON_Delete(o);
    CHECK_MSG(st != NULL, "%s", d.msg);
    cJSON *it = item ? cJSON_Parse(item) : NULL;
    struct score_item si = { reply, NULL, 0, NULL, it };
    cJSON *out = cJSON_CreateObject();
    *rc = ops->score(st, &si, out, &d);
    *pass = cJSON_IsTrue(cJSON_GetObjectItem(out, "pass"));
    if (*rc < 0)
        cJSON_AddStringToObject(out, "error", d.msg);
    cJSON_Delete(it);
    ops->release(st);
    return out;
}

static const char *reason(const cJSON *out)
{
    const cJSON *r = cJSON_GetObjectItem(out, "reason");
    return r ? r->valuestring : cJSON_GetObjectItem(out, "error")->valuestring;
}

static void test_scorer(void)
{
    int pass, rc;
    cJSON *out = judge(NULL, fixtures[1].text, "{\"tgt_lang\": \"deu\"}", &pass, &rc);
    CHECK(rc == 0 && pass);
    CHECK_CONTAINS(reason(out), "detected de (Latin script, confidence 0.");
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "detected")->valuestring, "de");
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "script")->valuestring, "Latin");
    cJSON_Delete(out);

    /* answered in English instead of German */
    out = judge("{\"language\": \"de\"}", fixtures[0].text, NULL, &pass, &rc);
    CHECK(rc == 0 && !pass);
    CHECK_CONTAINS(reason(out), "expected de, detected en");
    cJSON_Delete(out);

    /* wrong script */
    out = judge(NULL, fixtures[0].text, "{\"lang\": \"zh-CN\"}", &pass, &rc);
    CHECK(!pass);
    CHECK_CONTAINS(reason(out), "expected zh (Han script), got mostly Latin script (en, 100% of letters)");
    cJSON_Delete(out);

    /* Japanese asked, Chinese given (no kana) and the reverse */
    out = judge("{\"language\": \"ja\"}", fixtures[20].text, NULL, &pass, &rc);
    CHECK(!pass);
    CHECK_CONTAINS(reason(out), "expected ja, detected zh");
    cJSON_Delete(out);
    out = judge("{\"language\": \"ja\"}", fixtures[21].text, NULL, &pass, &rc);
    CHECK(pass);
    cJSON_Delete(out);

    /* too short to tell: passes on the right script unless strict */
    out = judge("{\"language\": \"fr\"}", "Merci.", NULL, &pass, &rc);
    CHECK(pass);
    CHECK_CONTAINS(reason(out), "too little text to tell the language");
    CHECK_STR_EQ(cJSON_GetObjectItem(out, "detected")->valuestring, "und");
    cJSON_Delete(out);
    out = judge("{\"language\": \"fr\", \"strict\": true}", "Merci.", NULL, &pass, &rc);
    CHECK(!pass);
    cJSON_Delete(out);
    out = judge("{\"language\": \"fr\"}", "", NULL, &pass, &rc);
    CHECK(!pass);
    CHECK_CONTAINS(reason(out), "no letters to judge");
    cJSON_Delete(out);

    /* Marathi asked: Devanagari languages are not told apart */
    out = judge("{\"language\": \"mr\"}", fixtures[25].text, NULL, &pass, &rc);
    CHECK(pass);
    CHECK_CONTAINS(reason(out), "not told apart");
    cJSON_Delete(out);

    /* confidence floor */
    out = judge("{\"language\": \"es\", \"min_confidence\": 0.99}", fixtures[3].text, NULL, &pass, &rc);
    CHECK(!pass);
    CHECK_CONTAINS(reason(out), "below 0.99");
    cJSON_Delete(out);

    /* data problems are errors, not failures */
    out = judge(NULL, "Hallo", "{\"id\": 1}", &pass, &rc);
    CHECK_INT_EQ(rc, -1);
    CHECK_CONTAINS(reason(out), "tgt_lang");
    cJSON_Delete(out);
    out = judge("{\"item_field\": \"target\"}", "Hallo", "{\"target\": \"klingon\"}", &pass, &rc);
    CHECK_INT_EQ(rc, -1);
    CHECK_CONTAINS(reason(out), "unknown language \"klingon\"");
    cJSON_Delete(out);

    const struct scorer_ops *ops = scorer_find("language");
    struct diag d;
    diag_init(&d);
    cJSON *o = cJSON_Parse("{\"language\": \"nb\"}");
    CHECK(ops->configure(o, "suites/m.json", "scorers[2].options", &d) == NULL);
    CHECK_STR_EQ(d.path, "scorers[2].options.language");
    CHECK_CONTAINS(d.msg, "unknown language \"nb\"");
    cJSON_Delete(o);
}

/* ---- real references (../shared) --------------------------------------------- */

struct tally {
    struct langid *l;
    int n, exact, undetermined, wrong;
    const char *text_key, *lang_key;
};

static int check_line(cJSON *obj, long line, void *ud, struct diag *d)
{
    struct tally *t = ud;
    const cJSON *lang = cJSON_GetObjectItem(obj, t->lang_key);
    const char *want = lang ? langid_code(lang->valuestring) : NULL;
    const cJSON *text = cJSON_GetObjectItem(obj, t->text_key);
    const char *texts[8];
    int nt = 0;
    if (cJSON_IsString(text)) {
        texts[nt++] = text->valuestring;
    } else {
        const cJSON *r;
        cJSON_ArrayForEach(r, text)
            if (nt < 8)
                texts[nt++] = r->valuestring;
    }
    for (int i = 0; want && i < nt; i++) {
        if (!*texts[i])
            continue;
        struct langid_result r;
        langid_detect(t->l, texts[i], strlen(texts[i]), &r);
        t->n++;
        if (strcmp(r.lang, want) == 0)
            t->exact++;
        else if (strcmp(r.lang, "und") == 0)
            t->undetermined++;
        else {
            t->wrong++;
            fprintf(stderr, "%s: want %s, detected %s: %.80s\n",
                    cJSON_GetObjectItem(obj, "id")->valuestring, want, r.lang, texts[i]);
        }
    }
    cJSON_Delete(obj);
    return 0;
}

static void test_real_references(void)
{
    const char *shared = require_shared();
    struct langid *l = langid_new();
    struct diag d;

    /* NTREX-128: 10 target languages x 20 human references */
    struct tally t = { l, 0, 0, 0, 0, "reference", "tgt_lang" };
    char *path = xasprintf("%s/data-public/translation.jsonl", shared);
    diag_init(&d);
    CHECK_MSG(jsonl_read(path, check_line, &t, &d) == 0, "%s", d.msg);
    free(path);
    CHECK_INT_EQ(t.n, 200);
    CHECK_INT_EQ(t.wrong, 0);
    CHECK_MSG(t.exact >= 198, "only %d of 200 NTREX references identified", t.exact);

    /* the metric-vector corpora: references in en, de, fr, es, ru, zh, ja, ar, hi, ko */
    static const char *const corpora[] = { "translation.jsonl", "multiref.jsonl" };
    for (size_t i = 0; i < 2; i++) {
        struct tally v = { l, 0, 0, 0, 0, "refs", "lang" };
        path = xasprintf("%s/metric-vectors/%s", shared, corpora[i]);
        diag_init(&d);
        CHECK_MSG(jsonl_read(path, check_line, &v, &d) == 0, "%s", d.msg);
        free(path);
        CHECK(v.n > 50);
        CHECK_INT_EQ(v.wrong, 0);
        CHECK_MSG(v.exact >= v.n * 9 / 10, "%s: %d of %d identified", corpora[i], v.exact, v.n);
    }
    langid_free(l);
}

int main(void)
{
    test_fixtures();
    test_codes();
    test_scorer();
    test_real_references();
    return check_done();
}
