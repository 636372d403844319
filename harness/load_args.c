/* load_args.c -- the values of `assay load`'s flags: level lists, the SLO,
 * durations (load.h). Parsers of outside bytes: fuzzed by
 * tests/fuzz/fuzz_load_args.c. */
#include "load.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/xalloc.h"

void slo_init(struct slo *s)
{
    s->ttft_ms = s->itl_ms = s->tpot_ms = s->e2e_ms = NAN;
    s->max_error_rate = LOAD_MAX_ERROR_RATE;
}

int load_parse_duration(const char *s, double unit_ms, double *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0)
        return -1;
    double mul = unit_ms;
    if (*end) {
        if (strcmp(end, "us") == 0)
            mul = 1e-3;
        else if (strcmp(end, "ms") == 0)
            mul = 1;
        else if (strcmp(end, "s") == 0)
            mul = 1e3;
        else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
            mul = 60e3;
        else
            return -1;
    }
    *ms = v * mul;
    return isfinite(*ms) ? 0 : -1;
}

int load_parse_levels(const char *s, int integers, double max, double **out, size_t *n,
                      struct diag *d)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char tok[64];
        if (len == 0 || len >= sizeof(tok)) {
            free(*out);
            *out = NULL;
            *n = 0;
            return diag_fail(d, "expected a comma-separated list of %s, got \"%s\"",
                             integers ? "integers" : "numbers", s);
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        char *end;
        errno = 0;
        double v = integers ? (double)strtol(tok, &end, 10) : strtod(tok, &end);
        if (*end || errno || !isfinite(v) || v <= 0 || v > max) {
            free(*out);
            *out = NULL;
            *n = 0;
            return diag_fail(d, "\"%s\": expected %s above 0 and at most %g", tok,
                             integers ? "an integer" : "a number", max);
        }
        if (*n == cap)
            XGROW(*out, cap, *n + 1);
        (*out)[(*n)++] = v;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

int load_parse_slo(const char *s, struct slo *out, struct diag *d)
{
    const char *p = s;
    if (!*p)
        return diag_fail(d, "expected METRIC=LIMIT[,...], got an empty value");
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char tok[96];
        if (len == 0 || len >= sizeof(tok))
            return diag_fail(d, "expected METRIC=LIMIT[,...] (e.g. ttft=500ms,e2e=5s), got \"%s\"",
                             s);
        memcpy(tok, p, len);
        tok[len] = '\0';
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok || !eq[1])
            return diag_fail(d, "\"%s\": expected METRIC=LIMIT (e.g. ttft=500ms)", tok);
        *eq = '\0';
        const char *key = tok, *val = eq + 1;
        if (strcmp(key, "errors") == 0) {
            char *end;
            errno = 0;
            double v = strtod(val, &end);
            if (end != val && strcmp(end, "%") == 0)
                v /= 100;
            else if (end == val || *end)
                v = NAN;
            if (errno || !(v >= 0 && v <= 1))
                return diag_fail(d, "errors=%s: expected a share of requests from 0 to 1, or "
                                    "a percentage (1%%)", val);
            out->max_error_rate = v;
        } else {
            double *slot = strcmp(key, "ttft") == 0   ? &out->ttft_ms
                           : strcmp(key, "itl") == 0  ? &out->itl_ms
                           : strcmp(key, "tpot") == 0 ? &out->tpot_ms
                           : strcmp(key, "e2e") == 0  ? &out->e2e_ms
                                                      : NULL;
            if (!slot)
                return diag_fail(d, "unknown SLO metric \"%s\" (known: ttft, itl, tpot, e2e, "
                                    "errors)", key);
            double ms;
            if (load_parse_duration(val, 1, &ms) < 0 || !(ms > 0))
                return diag_fail(d, "%s=%s: expected a positive duration such as 500ms or 2s",
                                 key, val);
            *slot = ms;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}
