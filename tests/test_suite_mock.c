/* test_suite_mock.c -- the bundled suites end to end: `assay run` of every
 * bundled suite against the mock provider's default profile, where the
 * strong simulated model must score above the weak one on each suite's
 * primary metric (and the extraction specialist above the weak one on
 * extraction). This ties the datasets, the suites' field mapping, the mock
 * (which answers each item from its reference, degraded by the model's
 * quality) and the scorers together. */
#include "suite_run.h"

int main(void)
{
    char *suites_dir = xasprintf("%s/suites", assay_src());
    long corpus = sr_mock_corpus(suites_dir);
    if (corpus <= 0)
        CHECK_SKIP("this build's mock answers no suite items (--check reports %ld corpus items)", corpus);
    CHECK_MSG(corpus == 72 + 72 + 240, "the mock knows %ld bundled items, expected 384", corpus);

    char *dir = test_tmpdir("suite-mock");
    const char *suites[] = { "summarization", "extraction", "multilingual", NULL };
    const char *backends[] = { "strong", "mock-strong", "weak", "mock-fast", "specialist", "mock-specialist", NULL };
    struct sr_result res;
    if (sr_run(dir, suites_dir, suites, backends, &res) == 0) {
        for (size_t i = 0; suites[i]; i++) {
            double strong = sr_mean(&res, suites[i], "strong");
            double weak = sr_mean(&res, suites[i], "weak");
            printf("%-14s strong %.4f  weak %.4f  specialist %.4f\n", suites[i], strong, weak,
                   sr_mean(&res, suites[i], "specialist"));
            CHECK_MSG(strong > weak, "%s: strong %.4f is not above weak %.4f", suites[i], strong, weak);
            for (size_t k = 0; backends[k]; k += 2) {
                struct sr_score *s = sr_slot(&res, suites[i], backends[k]);
                CHECK_MSG(s->failed == 0, "%s/%s: %zu records without a primary score", suites[i],
                          backends[k], s->failed);
                size_t want = !strcmp(suites[i], "multilingual") ? 240 : 72;
                CHECK_MSG(s->n == want, "%s/%s: %zu scored records, expected %zu", suites[i], backends[k],
                          s->n, want);
            }
        }
        CHECK(sr_mean(&res, "extraction", "specialist") > sr_mean(&res, "extraction", "weak"));
        CHECK(sr_mean(&res, "summarization", "specialist") < sr_mean(&res, "summarization", "strong"));
    }
    free(dir);
    free(suites_dir);
    return check_done();
}
