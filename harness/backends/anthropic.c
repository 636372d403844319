/* anthropic.c -- Anthropic Messages API (protocols.md 6).
 *
 * Request: x-api-key and anthropic-version headers; the system prompt is
 * top-level; max_tokens is required (1024 if nothing says otherwise);
 * stop_sequences; structured output through output_config.format.
 * Stream: named events; the JSON "type" is preferred over the event name;
 * message_start carries the input side of usage, message_delta the
 * cumulative output count and the stop reason, message_stop ends the
 * answer (no [DONE]); ping is skipped; an "error" event is an in-stream
 * failure (overloaded_error, api_error: retryable). Only text_delta stops
 * the TTFT clock; thinking_delta stops the any-token clock. Input tokens
 * are input_tokens + cache reads + cache writes; cached = cache reads. */
#include "openai_family.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define ANTHROPIC_DEFAULT_MAX_TOKENS 1024

static void headers(const struct backend_conf *b, void (*add)(void *ud, const char *line),
                    void *ud)
{
    if (b->api_key && *b->api_key) {
        char *h = xasprintf("x-api-key: %s", b->api_key);
        add(ud, h);
        free(h);
    }
    char *v = xasprintf("anthropic-version: %s",
                        b->anthropic_version ? b->anthropic_version : "2023-06-01");
    add(ud, v);
    free(v);
}

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "model", b->model);
    const struct gen_params *g = &p->gen;
    cJSON_AddNumberToObject(body, "max_tokens",
                            gen_has_max_tokens(g) ? (double)g->max_tokens
                                              : ANTHROPIC_DEFAULT_MAX_TOKENS);
    if (p->system && *p->system)
        cJSON_AddStringToObject(body, "system", p->system);
    prompt_add_messages(body, p, 0);
    if (gen_has_temperature(g))
        cJSON_AddNumberToObject(body, "temperature", g->temperature);
    if (gen_has_top_p(g) && g->top_p < 1.0)
        cJSON_AddNumberToObject(body, "top_p", g->top_p);
    if (gen_has_stop(g)) {
        cJSON *stop = cJSON_AddArrayToObject(body, "stop_sequences");
        for (size_t i = 0; i < g->nstop; i++)
            cJSON_AddItemToArray(stop, cJSON_CreateString(g->stop[i]));
    }
    if (prompt_schema(p)) {
        cJSON *oc = cJSON_AddObjectToObject(body, "output_config");
        cJSON *fmt = cJSON_AddObjectToObject(oc, "format");
        cJSON_AddStringToObject(fmt, "type", "json_schema");
        cJSON_AddItemToObject(fmt, "schema", cJSON_Duplicate(prompt_schema(p), 1));
    }
    cJSON_AddBoolToObject(body, "stream", b->stream);
    request_finish(body, b, p, xasprintf("%s/v1/messages", b->base_url), out);
    (void)d;
    return 0;
}

/* Usage from message_start.message.usage, message_delta.usage or a whole
 * answer; later values win (message_delta repeats input fields in newer
 * API versions). */
static void read_usage(struct reply *r, const cJSON *u)
{
    if (!cJSON_IsObject(u))
        return;
    r->usage_seen = 1;
    long in = json_member_long(u, "input_tokens", -1);
    if (in >= 0) {
        long cread = json_member_long(u, "cache_read_input_tokens", 0);
        long cwrite = json_member_long(u, "cache_creation_input_tokens", 0);
        r->usage.input = in + cread + cwrite;
        r->usage.cached_input = cJSON_GetObjectItemCaseSensitive(u, "cache_read_input_tokens")
                                    ? cread : r->usage.cached_input;
    }
    r->usage.output = json_member_long(u, "output_tokens", r->usage.output);
    const cJSON *od = cJSON_GetObjectItemCaseSensitive(u, "output_tokens_details");
    if (cJSON_IsObject(od))
        r->usage.reasoning = json_member_long(od, "thinking_tokens", r->usage.reasoning);
}

static void anthropic_error(struct reply *r, const cJSON *root)
{
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *t = err ? cJSON_GetObjectItemCaseSensitive(err, "type") : NULL;
    const cJSON *m = err ? cJSON_GetObjectItemCaseSensitive(err, "message") : NULL;
    const char *type = cJSON_IsString(t) ? t->valuestring : "error";
    int retryable = strcmp(type, "overloaded_error") == 0 || strcmp(type, "api_error") == 0 ||
                    strcmp(type, "rate_limit_error") == 0 || strcmp(type, "timeout_error") == 0;
    reply_fail(r, retryable ? ST_HTTP_ERROR : ST_REFUSED, retryable, "in-stream error %s: %s",
               type, cJSON_IsString(m) ? m->valuestring : "(no message)");
}

static int parse_body(struct reply *r, const struct http_resp *resp, struct diag *d)
{
    cJSON *root = event_json(resp->body, resp->body_len, "response body", d);
    if (!root)
        return -1;
    int rc = 0;
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(root, "content");
    if (cJSON_GetObjectItemCaseSensitive(root, "error")) {
        anthropic_error(r, root);
    } else if (!cJSON_IsArray(content)) {
        rc = diag_fail(d, "response body has no \"content\" array");
    } else {
        const cJSON *blk;
        cJSON_ArrayForEach(blk, content) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(blk, "type");
            const char *type = cJSON_IsString(t) ? t->valuestring : "";
            const cJSON *text = cJSON_GetObjectItemCaseSensitive(blk, "text");
            const cJSON *think = cJSON_GetObjectItemCaseSensitive(blk, "thinking");
            if (strcmp(type, "text") == 0 && cJSON_IsString(text))
                reply_text(r, text->valuestring, strlen(text->valuestring));
            else if (strcmp(type, "thinking") == 0 && cJSON_IsString(think))
                reply_reasoning(r, strlen(think->valuestring));
        }
        const cJSON *sr = cJSON_GetObjectItemCaseSensitive(root, "stop_reason");
        if (cJSON_IsString(sr))
            reply_finish(r, sr->valuestring);
        read_usage(r, cJSON_GetObjectItemCaseSensitive(root, "usage"));
        r->done = 1;
    }
    cJSON_Delete(root);
    return rc;
}

static int on_event(struct reply *r, const char *event, const char *data, size_t n,
                    struct diag *d)
{
    cJSON *root = event_json(data, n, "stream event", d);
    if (!root)
        return -1;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "type");
    const char *type = cJSON_IsString(t) ? t->valuestring : event;
    int rc = 0;
    if (strcmp(type, "message_start") == 0) {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
        read_usage(r, msg ? cJSON_GetObjectItemCaseSensitive(msg, "usage") : NULL);
    } else if (strcmp(type, "content_block_delta") == 0) {
        const cJSON *delta = cJSON_GetObjectItemCaseSensitive(root, "delta");
        const cJSON *dt = delta ? cJSON_GetObjectItemCaseSensitive(delta, "type") : NULL;
        const char *dtype = cJSON_IsString(dt) ? dt->valuestring : "";
        if (strcmp(dtype, "text_delta") == 0) {
            const cJSON *text = cJSON_GetObjectItemCaseSensitive(delta, "text");
            if (cJSON_IsString(text))
                reply_text(r, text->valuestring, strlen(text->valuestring));
        } else if (strcmp(dtype, "thinking_delta") == 0) {
            const cJSON *th = cJSON_GetObjectItemCaseSensitive(delta, "thinking");
            if (cJSON_IsString(th))
                reply_reasoning(r, strlen(th->valuestring));
        }
    } else if (strcmp(type, "message_delta") == 0) {
        const cJSON *delta = cJSON_GetObjectItemCaseSensitive(root, "delta");
        const cJSON *sr = delta ? cJSON_GetObjectItemCaseSensitive(delta, "stop_reason") : NULL;
        if (cJSON_IsString(sr))
            reply_finish(r, sr->valuestring);
        read_usage(r, cJSON_GetObjectItemCaseSensitive(root, "usage"));
    } else if (strcmp(type, "message_stop") == 0) {
        r->done = 1;
        rc = 1;
    } else if (strcmp(type, "error") == 0) {
        anthropic_error(r, root);
        rc = 1;
    }
    /* ping, content_block_start/stop and unknown future events: nothing. */
    cJSON_Delete(root);
    return rc;
}

const struct backend_ops backend_anthropic = {
    .type = "anthropic",
    .framing = FRAMING_SSE,
    .default_base_url = "https://api.anthropic.com",
    .default_key_env = "ANTHROPIC_API_KEY",
    .headers = headers,
    .build = build,
    .parse_body = parse_body,
    .on_event = on_event,
};
