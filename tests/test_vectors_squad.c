/* test_vectors_squad.c -- every run and item of
 * ../shared/metric-vectors/squad.json (the official SQuAD scripts' values,
 * incl. the optional v2.0 run): per-question exact match (exactly) and F1
 * (1e-9), the normalized strings byte-exact, the totals; and
 * normalize_answer on all 288 strings of tokenize.json. */
#include "check.h"
#include "support/proc.h"

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "scorers/squad.h"

#define EPS 1e-9

/* Loads ../shared/metric-vectors/NAME; NULL (and a failed check) if it cannot. */
static cJSON *load_vectors(const char *vecdir, const char *name)
{
    char *path = xasprintf("%s/%s", vecdir, name);
    struct diag d;
    diag_init(&d);
    cJSON *root = json_load_file(path, &d);
    CHECK_MSG(root != NULL, "%s: %s", path, d.msg);
    free(path);
    return root;
}

static int add_item(cJSON *obj, long line, void *ud, struct diag *d)
{
    cJSON_AddItemToArray(ud, obj);
    return 0;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static char *norm(const char *s)
{
    return squad_normalize(s, strlen(s), NULL);
}

static void check_run(const char *vecdir, const cJSON *run)
{
    const char *id = str(run, "id");
    const char *file = str(run, "corpus");
    int v2 = strstr(str(cJSON_GetObjectItemCaseSensitive(run, "options"), "script"), "v20") != NULL;
    int adversarial = strcmp(file, "adversarial.jsonl") == 0;
    const cJSON *per_item = cJSON_GetObjectItemCaseSensitive(run, "per_item");

    char *path = xasprintf("%s/%s", vecdir, file);
    cJSON *items = cJSON_CreateArray();
    struct diag d;
    diag_init(&d);
    CHECK_MSG(jsonl_read(path, add_item, items, &d) == 0, "%s: %s", path, d.msg);
    free(path);

    struct squad_total tot;
    squad_total_init(&tot);
    int n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, items) {
        const char *iid = str(item, "id");
        const char *pred = str(item, adversarial ? "hyp" : "prediction");
        const cJSON *answers = cJSON_GetObjectItemCaseSensitive(item, adversarial ? "refs" : "answers");
        const char *golds[16];
        size_t ng = 0;
        const cJSON *a;
        cJSON_ArrayForEach(a, answers)
            if (ng < 16)
                golds[ng++] = a->valuestring;
        struct squad_result r;
        CHECK_INT_EQ(squad_score(v2 ? SQUAD_V20 : SQUAD_V11, pred, golds, ng, &r), 0);
        squad_total_add(&tot, &r);
        n++;

        const cJSON *want = cJSON_GetObjectItemCaseSensitive(per_item, iid);
        CHECK_MSG(want != NULL, "run %s: no expected values for %s", id, iid);
        if (!want)
            continue;
        double em = num(want, v2 ? "exact" : "exact_match");
        CHECK_MSG(r.exact_match == em, "run %s item %s: exact %d, want %g", id, iid,
                  r.exact_match, em);
        CHECK_MSG(fabs(r.f1 - num(want, "f1")) <= EPS, "run %s item %s: f1 %.17g, want %.17g",
                  id, iid, r.f1, num(want, "f1"));
        if (v2)
            continue;
        char *np = norm(pred);
        CHECK_MSG(strcmp(np, str(want, "normalized_prediction")) == 0,
                  "run %s item %s: normalized prediction \"%s\", want \"%s\"", id, iid, np,
                  str(want, "normalized_prediction"));
        free(np);
        const cJSON *wa = cJSON_GetObjectItemCaseSensitive(want, "normalized_answers");
        CHECK_INT_EQ(cJSON_GetArraySize(wa), ng);
        for (size_t k = 0; k < ng && k < (size_t)cJSON_GetArraySize(wa); k++) {
            char *ga = norm(golds[k]);
            CHECK_MSG(strcmp(ga, cJSON_GetArrayItem(wa, (int)k)->valuestring) == 0,
                      "run %s item %s: normalized answer %zu \"%s\", want \"%s\"", id, iid, k,
                      ga, cJSON_GetArrayItem(wa, (int)k)->valuestring);
            free(ga);
        }
    }
    CHECK_INT_EQ(n, cJSON_GetArraySize(per_item));

    double em, f1;
    squad_total_get(&tot, &em, &f1);
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(run, "corpus_score");
    CHECK_MSG(fabs(em - num(cs, v2 ? "exact" : "exact_match")) <= EPS, "run %s: total exact %.17g",
              id, em);
    CHECK_MSG(fabs(f1 - num(cs, "f1")) <= EPS, "run %s: total f1 %.17g, want %.17g", id, f1,
              num(cs, "f1"));
    CHECK_INT_EQ(tot.n, (long long)num(cs, "total"));
    cJSON_Delete(items);
}

static void test_squad_vectors(const char *vecdir)
{
    cJSON *root = load_vectors(vecdir, "squad.json");
    if (!root)
        return;
    int runs = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, cJSON_GetObjectItemCaseSensitive(root, "runs")) {
        check_run(vecdir, run);
        runs++;
    }
    CHECK_INT_EQ(runs, 3);
    cJSON_Delete(root);
}

static void test_normalize_vectors(const char *vecdir)
{
    cJSON *root = load_vectors(vecdir, "tokenize.json");
    if (!root)
        return;
    const cJSON *strings = cJSON_GetObjectItemCaseSensitive(root, "strings");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "outputs"), "squad:normalize_answer");
    int n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, strings) {
        char *got = norm(s->valuestring);
        const char *w = str(want, s->string);
        CHECK_MSG(strcmp(got, w) == 0, "normalize_answer(%s) = \"%s\", want \"%s\"", s->string,
                  got, w);
        free(got);
        n++;
    }
    CHECK_INT_EQ(n, 288);
    cJSON_Delete(root);
}

int main(void)
{
    const char *shared = require_shared();
    char *vecdir = xasprintf("%s/metric-vectors", shared);
    test_normalize_vectors(vecdir);
    test_squad_vectors(vecdir);
    free(vecdir);
    return check_done();
}
