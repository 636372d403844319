/* backend.c -- what all adapters share: the reply and its clocks, finish
 * reason normalisation (protocols.md 8.1), classification of HTTP error
 * answers (8.3) with the error text read from any provider's error shape,
 * the server's requested retry delay, and prompt/body helpers.
 *
 * Clocks follow protocols.md 0.1: only an event carrying answer text stops
 * the TTFT clock (role-only, empty, usage-only, filter and keep-alive
 * events never reach reply_text with n > 0); reasoning text stops only the
 * "any token" clock. */
#define _GNU_SOURCE
#include "backend.h"
#include "harness/util/jsonv.h"
#include "harness/util/jsonw.h"
#include "harness/util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *rstatus_name(enum rstatus s)
{
    switch (s) {
    case ST_OK: return "ok";
    case ST_HTTP_ERROR: return "http_error";
    case ST_TIMEOUT: return "timeout";
    case ST_TRANSPORT_ERROR: return "transport_error";
    case ST_PARSE_ERROR: return "parse_error";
    case ST_REFUSED: return "refused";
    case ST_ABORTED: return "aborted";
    }
    return "transport_error";
}

/* === reply ================================================================ */

void reply_init(struct reply *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->text, 64u << 20);
    reply_reset(r);
}

void reply_reset(struct reply *r)
{
    struct buf text = r->text;
    double *gaps = r->gaps_ms;
    size_t cap = r->gaps_cap;
    memset(r, 0, sizeof(*r));
    r->text = text;
    buf_reset(&r->text);
    r->gaps_ms = gaps;
    r->gaps_cap = cap;
    r->usage.input = r->usage.output = r->usage.cached_input = r->usage.reasoning = -1;
    r->retry_after_ms = -1;
}

void reply_release(struct reply *r)
{
    buf_release(&r->text);
    free(r->gaps_ms);
    r->gaps_ms = NULL;
    r->gaps_cap = 0;
}

void reply_text(struct reply *r, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (buf_add(&r->text, s, n) < 0) {
        reply_fail(r, ST_PARSE_ERROR, 0, "answer longer than %zu bytes", r->text.max);
        return;
    }
    if (!r->t_first_any)
        r->t_first_any = r->now;
    if (!r->t_first_text) {
        r->t_first_text = r->now;
    } else {
        if (r->ngaps == r->gaps_cap)
            XGROW(r->gaps_ms, r->gaps_cap, r->ngaps + 1);
        r->gaps_ms[r->ngaps++] = (double)(r->now - r->t_last_text) / 1e6;
    }
    r->t_last_text = r->now;
    r->text_events++;
}

void reply_reasoning(struct reply *r, size_t n)
{
    if (n == 0)
        return;
    r->reasoning_bytes += n;
    if (!r->t_first_any)
        r->t_first_any = r->now;
}

void reply_finish(struct reply *r, const char *raw)
{
    snprintf(r->finish_raw, sizeof(r->finish_raw), "%s", raw);
    r->finish = finish_normalise(raw);
}

int reply_fail(struct reply *r, enum rstatus st, int retryable, const char *fmt, ...)
{
    if (r->failed)
        return 0;
    r->failed = 1;
    r->fail_status = st;
    r->retryable = retryable;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof(r->error), fmt, ap);
    va_end(ap);
    return 0;
}

const char *finish_normalise(const char *raw)
{
    static const struct { const char *raw, *norm; } map[] = {
        { "stop", "stop" },            { "end_turn", "stop" },
        { "eos_token", "stop" },       { "completed", "stop" },
        { "stop_sequence", "stop_sequence" },
        { "length", "length" },        { "max_tokens", "length" },
        { "incomplete", "length" },
        { "tool_calls", "tool" },      { "function_call", "tool" },
        { "tool_use", "tool" },
        { "content_filter", "filtered" }, { "refusal", "filtered" },
        { "model_context_window_exceeded", "context" },
    };
    if (!raw || !*raw)
        return NULL;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].raw, raw) == 0)
            return map[i].norm;
    return "other";
}

/* === headers and retry delays ============================================= */

int http_header(const struct http_resp *r, const char *name, char *out, size_t n)
{
    size_t nlen = strlen(name);
    const char *p = r->headers, *end = r->headers + r->headers_len;
    int found = 0;
    while (p && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        if ((size_t)(le - p) > nlen && p[nlen] == ':' && strncasecmp(p, name, nlen) == 0) {
            const char *v = p + nlen + 1;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = le;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            size_t vlen = (size_t)(ve - v);
            if (n) {
                if (vlen >= n)
                    vlen = n - 1;
                memcpy(out, v, vlen);
                out[vlen] = '\0';
            }
            found = 1;
        }
        p = eol ? eol + 1 : end;
    }
    return found;
}

double parse_go_duration_ms(const char *s)
{
    double total = 0;
    int parts = 0;
    while (*s) {
        char *e;
        /* Go's grammar: digits first (strtod alone would take " 1", "+1",
         * "nan", "inf"); a value that overflows is not a delay either. */
        if (!isdigit((unsigned char)*s) && *s != '.')
            return -1;
        double v = strtod(s, &e);
        if (e == s || !isfinite(v))
            return -1;
        s = e;
        double unit;
        if (strncmp(s, "ms", 2) == 0) {
            unit = 1;
            s += 2;
        } else if (strncmp(s, "us", 2) == 0 || strncmp(s, "\xC2\xB5s", 3) == 0) {
            unit = 1e-3;
            s += s[0] == 'u' ? 2 : 3;
        } else if (strncmp(s, "ns", 2) == 0) {
            unit = 1e-6;
            s += 2;
        } else if (*s == 'h') {
            unit = 3600e3;
            s++;
        } else if (*s == 'm') {
            unit = 60e3;
            s++;
        } else if (*s == 's') {
            unit = 1e3;
            s++;
        } else {
            return -1;
        }
        total += v * unit;
        parts++;
    }
    return parts && isfinite(total) ? total : -1;
}

/* Seconds from now until an RFC 3339 / HTTP date, in ms (may be <= 0). */
static double until_date_ms(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    double frac = 0;
    if (!end) {
        memset(&tm, 0, sizeof(tm));
        end = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
        if (!end)
            return -1;
    } else if (*end == '.') {
        frac = strtod(end, NULL);
    }
    time_t t = timegm(&tm);
    double now_ms = (double)clock_wall_ns() / 1e6;
    return ((double)t + frac) * 1e3 - now_ms;
}

double retry_after_from_headers(const struct http_resp *resp)
{
    char v[128];
    if (http_header(resp, "retry-after-ms", v, sizeof(v))) {
        char *e;
        double ms = strtod(v, &e);
        if (e != v && ms >= 0)
            return ms;
    }
    if (http_header(resp, "retry-after", v, sizeof(v))) {
        char *e;
        double s = strtod(v, &e);
        if (e != v && *e == '\0' && s >= 0)
            return s * 1e3;
        double ms = until_date_ms(v);
        if (ms >= 0)
            return ms;
        /* a date in the past or unparseable: look further */
    }
    /* Rate-limit reset headers: prefer the limit that is exhausted. */
    static const struct { const char *remaining, *reset; int go; } pairs[] = {
        { "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", 1 },
        { "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", 1 },
        { "x-ratelimit-remaining-tokens", "x-rate-limit-reset-tokens", 1 },
        { "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset", 0 },
        { "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset", 0 },
        { "anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset", 0 },
        { "anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset", 0 },
    };
    double exhausted = -1, any = -1;
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        if (!http_header(resp, pairs[i].reset, v, sizeof(v)))
            continue;
        double ms = pairs[i].go ? parse_go_duration_ms(v) : until_date_ms(v);
        if (ms < 0)
            continue;
        char rem[64];
        if (http_header(resp, pairs[i].remaining, rem, sizeof(rem)) && strtod(rem, NULL) <= 0 &&
            rem[0] != '-' && ms > exhausted)
            exhausted = ms;
        if (ms > any)
            any = ms;
    }
    return exhausted >= 0 ? exhausted : any;
}

/* === HTTP error answers =================================================== */

static const char *reason_phrase(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 424: return "Failed Dependency";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 529: return "Overloaded";
    default: return "error";
    }
}

/* Copies s into out as one line: control characters become spaces, at
 * most n - 1 bytes, cut on a UTF-8 boundary. */
static void one_line(char *out, size_t n, const char *s, size_t len)
{
    size_t o = 0;
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    while (o > 0 && o + 1 >= n && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
        o--;
    if (o > 0 && o + 1 >= n && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
        o--;
    out[o] = '\0';
}

/* Error text, code and type from any provider's error body. */
static void error_fields(const cJSON *root, const char **msg, const char **code,
                         const char **type, double *estimated_s)
{
    *msg = *code = *type = NULL;
    *estimated_s = -1;
    if (cJSON_IsArray(root))
        root = cJSON_GetArrayItem(root, 0);   /* hf-inference list-wrapped errors */
    if (!cJSON_IsObject(root))
        return;
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *est = cJSON_GetObjectItemCaseSensitive(root, "estimated_time");
    if (cJSON_IsNumber(est))
        *estimated_s = est->valuedouble;
    if (cJSON_IsString(err)) {
        *msg = err->valuestring;
        const cJSON *et = cJSON_GetObjectItemCaseSensitive(root, "error_type");
        if (cJSON_IsString(et))
            *type = et->valuestring;
    } else if (cJSON_IsArray(err) && cJSON_IsString(cJSON_GetArrayItem(err, 0))) {
        *msg = cJSON_GetArrayItem(err, 0)->valuestring;
    } else if (cJSON_IsObject(err)) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(err, "message");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(err, "code");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(err, "type");
        if (cJSON_IsString(m))
            *msg = m->valuestring;
        if (cJSON_IsString(c))
            *code = c->valuestring;
        if (cJSON_IsString(t))
            *type = t->valuestring;
        const cJSON *det = cJSON_GetObjectItemCaseSensitive(err, "details");
        const cJSON *ec = det ? cJSON_GetObjectItemCaseSensitive(det, "error_code") : NULL;
        if (cJSON_IsString(ec))
            *code = ec->valuestring;
    } else {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "type");
        if (cJSON_IsString(m))
            *msg = m->valuestring;
        if (cJSON_IsString(t))
            *type = t->valuestring;
    }
}

void classify_http(const struct http_resp *resp, struct reply *r)
{
    long st = resp->status;
    int retryable = st == 408 || st == 409 || st == 429 || (st >= 500 && st != 501 && st != 505);
    const char *msg = NULL, *code = NULL, *type = NULL;
    double estimated_s = -1;
    cJSON *root = NULL;
    if (resp->body_len && (resp->body[0] == '{' || resp->body[0] == '[' ||
                           strstr(resp->content_type, "json"))) {
        root = cJSON_ParseWithLength(resp->body, resp->body_len);
        if (root)
            error_fields(root, &msg, &code, &type, &estimated_s);
    }
    char text[400];
    if (msg)
        one_line(text, sizeof(text), msg, strlen(msg));
    else if (resp->body_len && !root)
        one_line(text, sizeof(text), resp->body, resp->body_len);
    else
        snprintf(text, sizeof(text), "%s", reason_phrase(st));
    if ((code && (strcmp(code, "insufficient_quota") == 0 ||
                  strcmp(code, "enforced_spend_limit_reached") == 0)) ||
        (type && strcmp(type, "insufficient_quota") == 0))
        retryable = 0;   /* out of money: waiting does not help */
    char should[16];
    if (http_header(resp, "x-should-retry", should, sizeof(should)))
        retryable = strcmp(should, "true") == 0 ? 1 : strcmp(should, "false") == 0 ? 0 : retryable;
    r->failed = 0;
    reply_fail(r, retryable ? ST_HTTP_ERROR : ST_REFUSED, retryable, "HTTP %ld: %s", st, text);
    r->fail_http = st;
    r->retry_after_ms = retry_after_from_headers(resp);
    if (estimated_s >= 0 && st == 503) {
        r->retryable = 1;   /* hf-inference: the model is loading */
        r->fail_status = ST_HTTP_ERROR;
        if (r->retry_after_ms < estimated_s * 1e3)
            r->retry_after_ms = estimated_s * 1e3;
    }
    cJSON_Delete(root);
}

/* === prompt and body helpers ============================================== */

void prompt_add_messages(cJSON *body, const struct prompt *p, int system_as_message)
{
    cJSON *msgs = cJSON_AddArrayToObject(body, "messages");
    if (system_as_message && p->system && *p->system) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "system");
        cJSON_AddStringToObject(m, "content", p->system);
        cJSON_AddItemToArray(msgs, m);
    }
    for (size_t i = 0; i < p->nmsgs; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", p->msgs[i].role);
        cJSON_AddStringToObject(m, "content", p->msgs[i].content);
        cJSON_AddItemToArray(msgs, m);
    }
}

char *prompt_flat_input(const struct prompt *p)
{
    if (p->raw)
        return xstrdup(p->raw);
    const char *last = p->nmsgs ? p->msgs[p->nmsgs - 1].content : "";
    if (p->system && *p->system)
        return xasprintf("%s\n\n%s", p->system, last);
    return xstrdup(last);
}

void json_merge(cJSON *dst, const cJSON *src)
{
    if (!cJSON_IsObject(dst) || !cJSON_IsObject(src))
        return;
    for (const cJSON *it = src->child; it; it = it->next) {
        cJSON *have = cJSON_GetObjectItemCaseSensitive(dst, it->string);
        if (cJSON_IsObject(have) && cJSON_IsObject(it)) {
            json_merge(have, it);
            continue;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(dst, it->string);
        cJSON_AddItemToObject(dst, it->string, cJSON_Duplicate(it, 1));
    }
}

void body_merge_extra(cJSON *obj, const struct backend_conf *b, const struct prompt *p)
{
    if (b->extra_body)
        json_merge(obj, b->extra_body);
    if (p && p->backend_params)
        json_merge(obj, p->backend_params);
}

void gen_fill_defaults(struct gen_params *g, const struct gen_params *dflt)
{
    if (!gen_has_max_tokens(g))
        g->max_tokens = dflt->max_tokens;
    if (!gen_has_temperature(g))
        g->temperature = dflt->temperature;
    if (!gen_has_top_p(g))
        g->top_p = dflt->top_p;
    if (!g->has_seed && dflt->has_seed) {
        g->seed = dflt->seed;
        g->has_seed = 1;
    }
    if (!g->has_stop && dflt->has_stop) {
        g->stop = xcalloc(dflt->nstop + 1, sizeof(char *));
        for (size_t i = 0; i < dflt->nstop; i++)
            g->stop[i] = xstrdup(dflt->stop[i]);
        g->nstop = dflt->nstop;
        g->has_stop = 1;
    }
}

void body_print(cJSON *body, struct http_req *out)
{
    /* The same text as cJSON_PrintUnformatted, printed straight into the
     * body (no print buffer grown by reallocation, then copied). */
    struct jsonw w;
    buf_reset(&out->body);
    jsonw_init(&w, &out->body);
    jsonw_cjson(&w, body);
}

void request_finish(cJSON *body, const struct backend_conf *b, const struct prompt *p,
                    char *url, struct http_req *out)
{
    body_merge_extra(body, b, p);
    out->url = url;
    out->stream = b->stream;
    body_print(body, out);
    cJSON_Delete(body);
}

long json_member_long(const cJSON *obj, const char *key, long dflt)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return json_long_or(v, dflt);
}
