/* check.h -- the few assertions assay's C tests need.
 *
 * A failed CHECK prints file:line and what differed, and the test goes on
 * (so one run shows every failure); check_done() returns the exit code.
 * CHECK_SKIP exits 77, which CTest reports as "skipped". */
#ifndef ASSAY_CHECK_H
#define ASSAY_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures_;
static int check_count_;

#define CHECK(cond) do { check_count_++; if (!(cond)) { check_failures_++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_MSG(cond, ...) do { check_count_++; if (!(cond)) { check_failures_++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

#define CHECK_INT_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    check_count_++; if (a_ != b_) { check_failures_++; \
    fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, a_, b_); } } while (0)

#define CHECK_STR_EQ(a, b) do { const char *a_ = (a), *b_ = (b); check_count_++; \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) { check_failures_++; \
    fprintf(stderr, "%s:%d: %s == %s failed:\n  got:      \"%s\"\n  expected: \"%s\"\n", \
            __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)

#define CHECK_CONTAINS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); check_count_++; \
    if (!h_ || !strstr(h_, n_)) { check_failures_++; \
    fprintf(stderr, "%s:%d: expected %s to contain \"%s\"; it is:\n%s\n", \
            __FILE__, __LINE__, #hay, n_, h_ ? h_ : "(null)"); } } while (0)

#define CHECK_NEAR(a, b, eps) do { double a_ = (a), b_ = (b); check_count_++; \
    if (!(fabs(a_ - b_) <= (eps))) { check_failures_++; \
    fprintf(stderr, "%s:%d: %s ~= %s failed: %.17g vs %.17g (eps %g)\n", \
            __FILE__, __LINE__, #a, #b, a_, b_, (double)(eps)); } } while (0)

#define CHECK_SKIP(...) do { printf("SKIPPED: "); printf(__VA_ARGS__); printf("\n"); \
    fflush(stdout); exit(77); } while (0)

static inline int check_done(void)
{
    if (check_failures_) {
        fprintf(stderr, "%d of %d checks failed\n", check_failures_, check_count_);
        return 1;
    }
    printf("%d checks passed\n", check_count_);
    return 0;
}

#endif
