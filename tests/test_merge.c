/* test_merge.c -- shard assignment (every request in exactly one shard,
 * independent of order) and `assay merge`: a clean merge, and each kind of
 * refused input with its message. */
#include "check.h"
#include "support/proc.h"

#include <cjson/cJSON.h>

#include "harness/config.h"
#include "harness/shard.h"
#include "harness/util/buf.h"
#include "harness/util/xalloc.h"

#include <stdio.h>

static const char *BACKENDS[] = { "A", "B" };

/* Writes shard `index` of `count` (records that belong to it, or to
 * `wrong` when >= 0) with the given config hash. */
static char *make_shard(uint32_t index, uint32_t count, const char *hash, int wrong)
{
    char *dir = test_tmpdir("shard");
    char *path = xasprintf("%s/run.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"schema\":1,\"run_id\":\"r%u\",\"config_hash\":\"%s\",\"shard\":{\"index\":%u,"
               "\"count\":%u},\"started_at\":\"2026-11-26T10:0%u:00.000Z\",\"ended_at\":"
               "\"2026-11-26T11:0%u:00.000Z\",\"plan\":{\"requests\":0},\"summary\":{\"written\":1}}\n",
            index, hash, index, count, index, index);
    fclose(f);
    free(path);
    struct buf b;
    buf_init(&b, 0);
    uint32_t want = wrong >= 0 ? (uint32_t)wrong : index;
    for (int i = 0; i < 30; i++)
        for (int k = 0; k < 2; k++) {
            char item[16];
            snprintf(item, sizeof(item), "it%02d", i);
            if (shard_of("sum", item, BACKENDS[k], 0, count) != want)
                continue;
            buf_addf(&b, "{\"suite\":\"sum\",\"item\":\"%s\",\"backend\":\"%s\",\"repeat\":0,"
                         "\"status\":\"ok\",\"output\":\"out %s %s\"}\n", item, BACKENDS[k], item,
                     BACKENDS[k]);
        }
    path = xasprintf("%s/results.jsonl", dir);
    f = fopen(path, "w");
    fputs(b.ptr, f);
    fclose(f);
    free(path);
    buf_release(&b);
    return dir;
}

static void test_assignment(void)
{
    struct shard s;
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(shard_parse("2/4", &s, &d), 0);
    CHECK(s.index == 2 && s.count == 4);
    CHECK_INT_EQ(shard_parse("4/4", &s, &d), -1);
    CHECK_CONTAINS(d.msg, "index 4 out of range for 4 shards");
    diag_init(&d);
    CHECK_INT_EQ(shard_parse("1of3", &s, &d), -1);
    CHECK_CONTAINS(d.msg, "expected INDEX/COUNT");
    /* Every request in exactly one shard, and shards roughly balanced. */
    size_t counts[5] = { 0 };
    for (int i = 0; i < 1000; i++) {
        char item[16];
        snprintf(item, sizeof(item), "item-%d", i);
        uint32_t sh = shard_of("suite", item, "backend", i % 3, 5);
        CHECK(sh < 5);
        counts[sh]++;
        int in = 0;
        for (uint32_t k = 0; k < 5; k++) {
            struct shard t = { k, 5 };
            in += shard_contains(&t, "suite", item, "backend", i % 3);
        }
        CHECK_INT_EQ(in, 1);
    }
    for (int k = 0; k < 5; k++)
        CHECK(counts[k] > 150 && counts[k] < 250);
    /* Each of N shards gets its share of the account's rate limits. */
    struct limits l = { 8, 600, 90000, 0 };
    limits_apply_shard(&l, 3);
    CHECK_NEAR(l.requests_per_minute, 200, 1e-9);
    CHECK_NEAR(l.tokens_per_minute, 30000, 1e-9);
    CHECK_INT_EQ(l.max_concurrent, 8);            /* a per-machine limit stays */
    struct limits q = { 0, 600, 0, 0.25 };
    limits_apply_shard(&q, 8);
    CHECK_NEAR(q.requests_per_minute, 150, 1e-9);
    struct limits one = { 0, 600, 0, 0 };
    limits_apply_shard(&one, 1);
    CHECK_NEAR(one.requests_per_minute, 600, 1e-9);
    /* Field boundaries matter. */
    CHECK(shard_of("a b", "c", "x", 0, 1000) != shard_of("a", "b c", "x", 0, 1000));
}

int main(void)
{
    test_assignment();
    char *s0 = make_shard(0, 3, "h1", -1), *s1 = make_shard(1, 3, "h1", -1);
    char *s2 = make_shard(2, 3, "h1", -1);
    char *other = make_shard(2, 3, "h2", -1), *wrong = make_shard(2, 3, "h1", 0);
    char *twice = make_shard(1, 3, "h1", -1), *four = make_shard(1, 4, "h1", -1);
    char *out = test_tmpdir("merged");
    struct proc_result r;

    run_assay(&r, "merge", s2, s0, s1, "--out", out, NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "merged 60 records from 3 of 3 shards");
    proc_result_free(&r);
    char *path = xasprintf("%s/run.json", out);
    cJSON *meta = NULL;
    {
        FILE *f = fopen(path, "r");
        char text[8192];
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        text[n] = 0;
        fclose(f);
        meta = cJSON_Parse(text);
    }
    CHECK(meta != NULL);
    cJSON *sh = cJSON_GetObjectItem(meta, "shard");
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(sh, "merged")), 3);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(sh, "missing")), 0);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(meta, "started_at")), "2026-11-26T10:00:00.000Z");
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(meta, "ended_at")), "2026-11-26T11:02:00.000Z");
    CHECK_INT_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(meta, "summary"), "written")->valueint, 3);
    cJSON_Delete(meta);
    free(path);

    /* The merged folder is an ordinary run: `assay merge` into the same
     * place again is refused without --force. */
    run_assay(&r, "merge", s0, s1, s2, "--out", out, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "exists: merge into a new folder");
    proc_result_free(&r);

    char *out2 = test_tmpdir("merged2");
    run_assay(&r, "merge", s0, other, "--out", out2, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "come from different configs");
    proc_result_free(&r);
    run_assay(&r, "merge", s1, twice, "--out", out2, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "are both shard 1/3: overlapping shards");
    proc_result_free(&r);
    run_assay(&r, "merge", s0, four, "--out", out2, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "shard counts differ");
    proc_result_free(&r);
    run_assay(&r, "merge", s0, wrong, "--out", out2, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "does not belong to shard 2/3");
    proc_result_free(&r);

    /* A partial collection merges with a warning and says what is missing. */
    run_assay(&r, "merge", s0, s2, "--out", out2, NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.err, "1 shard is missing");
    proc_result_free(&r);
    run_assay(&r, "merge", "--out", out2, NULL);
    CHECK_INT_EQ(r.status, 2);
    proc_result_free(&r);

    free(s0); free(s1); free(s2); free(other); free(wrong); free(twice); free(four);
    free(out); free(out2);
    return check_done();
}
