/* openai_family.c -- Chat Completions request, body and stream parsing
 * (protocols.md 1.1-1.5, with the variants of 2.3, 3.1-3.4, 4.4, 5.1).
 *
 * Stream rules that matter for the numbers (0.1): an event stops the TTFT
 * clock only if choices[0].delta carries non-empty content; role-only
 * chunks, Azure's choices:[] filter chunks and choices without a delta,
 * the usage chunk and finish chunks do not. Reasoning deltas
 * (reasoning_content, reasoning) stop only the any-token clock. Text and
 * finish_reason in the same chunk (vLLM) are both taken. [DONE] ends the
 * answer; a data object with an "error" key is checked before choices. */
#include "openai_family.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void oai_bearer_header(const struct backend_conf *b,
                       void (*add)(void *ud, const char *line), void *ud)
{
    if (b->api_key && *b->api_key) {
        char *h = xasprintf("Authorization: Bearer %s", b->api_key);
        add(ud, h);
        free(h);
    }
}

int oai_build(const struct backend_conf *b, const struct prompt *p, const struct oai_quirks *q,
              char *url, struct http_req *out, struct diag *d)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "model", b->model);
    prompt_add_messages(body, p, 1);
    const struct gen_params *g = &p->gen;
    if (gen_has_max_tokens(g))
        cJSON_AddNumberToObject(body, b->max_tokens_field ? b->max_tokens_field
                                                          : q->max_tokens_field,
                                (double)g->max_tokens);
    if (gen_has_temperature(g))
        cJSON_AddNumberToObject(body, "temperature", g->temperature);
    if (gen_has_top_p(g) && !(q->tgi && (g->top_p >= 1.0 || g->top_p <= 0.0)))
        cJSON_AddNumberToObject(body, "top_p", g->top_p);
    if (g->has_seed)
        cJSON_AddNumberToObject(body, "seed", (double)g->seed);
    if (gen_has_stop(g)) {
        cJSON *stop = cJSON_AddArrayToObject(body, "stop");
        for (size_t i = 0; i < g->nstop; i++)
            cJSON_AddItemToArray(stop, cJSON_CreateString(g->stop[i]));
    }
    if (p->response != RESPONSE_TEXT) {
        const cJSON *schema = prompt_schema(p);
        cJSON *rf = cJSON_AddObjectToObject(body, "response_format");
        if (q->tgi) {
            /* TGI: adjacently tagged, a schema is required. */
            cJSON_AddStringToObject(rf, "type", "json");
            cJSON_AddItemToObject(rf, "value", schema ? cJSON_Duplicate(schema, 1)
                                                      : cJSON_Parse("{\"type\":\"object\"}"));
        } else if (!schema) {
            cJSON_AddStringToObject(rf, "type", "json_object");
        } else {
            cJSON_AddStringToObject(rf, "type", "json_schema");
            cJSON *js = cJSON_AddObjectToObject(rf, "json_schema");
            cJSON_AddStringToObject(js, "name", p->response_name ? p->response_name : "answer");
            cJSON_AddItemToObject(js, "schema", cJSON_Duplicate(schema, 1));
            if (p->strict)
                cJSON_AddBoolToObject(js, "strict", 1);
        }
    }
    cJSON_AddBoolToObject(body, "stream", b->stream);
    if (b->stream) {
        cJSON *so = cJSON_AddObjectToObject(body, "stream_options");
        cJSON_AddBoolToObject(so, "include_usage", 1);
    }
    request_finish(body, b, p, url, out);
    (void)d;
    return 0;
}

cJSON *event_json(const char *data, size_t n, const char *what, struct diag *d)
{
    cJSON *root = cJSON_ParseWithLength(data, n);
    if (!root) {
        char brief[64];
        size_t k = n < 40 ? n : 40;
        size_t o = 0;
        for (size_t i = 0; i < k; i++)
            brief[o++] = (unsigned char)data[i] < 0x20 ? ' ' : data[i];
        brief[o] = '\0';
        diag_fail(d, "%s is not valid JSON: \"%s%s\"", what, brief, n > 40 ? "..." : "");
    }
    return root;
}

static void read_usage(struct reply *r, const cJSON *root)
{
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(root, "usage");
    if (!cJSON_IsObject(u)) {
        /* Groq puts it under x_groq.usage when include_usage is off. */
        const cJSON *xg = cJSON_GetObjectItemCaseSensitive(root, "x_groq");
        u = xg ? cJSON_GetObjectItemCaseSensitive(xg, "usage") : NULL;
        if (!cJSON_IsObject(u))
            return;
    }
    r->usage_seen = 1;
    r->usage.input = json_member_long(u, "prompt_tokens", r->usage.input);
    r->usage.output = json_member_long(u, "completion_tokens", r->usage.output);
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(u, "prompt_tokens_details");
    if (cJSON_IsObject(pd))
        r->usage.cached_input = json_member_long(pd, "cached_tokens", r->usage.cached_input);
    const cJSON *cd = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens_details");
    if (cJSON_IsObject(cd))
        r->usage.reasoning = json_member_long(cd, "reasoning_tokens", r->usage.reasoning);
    /* llama.cpp: prompt tokens reused from the KV cache. */
    const cJSON *tm = cJSON_GetObjectItemCaseSensitive(root, "timings");
    if (r->usage.cached_input < 0 && cJSON_IsObject(tm))
        r->usage.cached_input = json_member_long(tm, "cache_n", -1);
}

void oai_inband_error(struct reply *r, const cJSON *root)
{
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    const char *msg = NULL, *type = NULL;
    long code = 0;
    if (cJSON_IsString(err)) {
        msg = err->valuestring;
        const cJSON *et = cJSON_GetObjectItemCaseSensitive(root, "error_type");
        type = cJSON_IsString(et) ? et->valuestring : NULL;
    } else if (cJSON_IsObject(err)) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(err, "message");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(err, "type");
        msg = cJSON_IsString(m) ? m->valuestring : NULL;
        type = cJSON_IsString(t) ? t->valuestring : NULL;
        code = json_member_long(err, "code", 0);
        if (!code)
            code = json_member_long(err, "http_status_code", 0);   /* TGI chat */
    }
    int client = (code >= 400 && code < 500 && code != 408 && code != 409 && code != 429) ||
                 (type && (strstr(type, "invalid_request") || strcmp(type, "validation") == 0 ||
                           strcmp(type, "BadRequestError") == 0 ||
                           strstr(type, "authentication") || strstr(type, "permission") ||
                           strstr(type, "not_found") || strcmp(type, "NotFoundError") == 0));
    reply_fail(r, client ? ST_REFUSED : ST_HTTP_ERROR, !client, "in-stream error%s%s: %s",
               type ? " " : "", type ? type : "", msg ? msg : "(no message)");
    r->fail_http = code;
}

/* One choice object (index 0 only) of a chunk or a whole answer. */
static void read_choice(struct reply *r, const cJSON *ch, const char *part)
{
    const cJSON *idx = cJSON_GetObjectItemCaseSensitive(ch, "index");
    if (cJSON_IsNumber(idx) && idx->valuedouble != 0)
        return;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(ch, part);
    if (cJSON_IsObject(m)) {
        static const char *const reasoning_keys[] = { "reasoning_content", "reasoning", NULL };
        for (size_t i = 0; reasoning_keys[i]; i++) {
            const cJSON *rs = cJSON_GetObjectItemCaseSensitive(m, reasoning_keys[i]);
            if (cJSON_IsString(rs))
                reply_reasoning(r, strlen(rs->valuestring));
        }
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "content");
        if (cJSON_IsString(c))
            reply_text(r, c->valuestring, strlen(c->valuestring));
        const cJSON *rf = cJSON_GetObjectItemCaseSensitive(m, "refusal");
        if (cJSON_IsString(rf))
            reply_text(r, rf->valuestring, strlen(rf->valuestring));
    }
    const cJSON *fr = cJSON_GetObjectItemCaseSensitive(ch, "finish_reason");
    if (cJSON_IsString(fr)) {
        reply_finish(r, fr->valuestring);
        /* vLLM names the stop string that matched. */
        const cJSON *sr = cJSON_GetObjectItemCaseSensitive(ch, "stop_reason");
        if (strcmp(fr->valuestring, "stop") == 0 && cJSON_IsString(sr))
            r->finish = "stop_sequence";
    }
}

int oai_parse_body(struct reply *r, const struct http_resp *resp, struct diag *d)
{
    cJSON *root = event_json(resp->body, resp->body_len, "response body", d);
    if (!root)
        return -1;
    int rc = oai_answer(r, root, d);
    cJSON_Delete(root);
    return rc;
}

int oai_answer(struct reply *r, const cJSON *root, struct diag *d)
{
    if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "error")) {
        oai_inband_error(r, root);
        return 0;
    }
    const cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
    if (!cJSON_IsArray(choices))
        return diag_fail(d, "response body has no \"choices\" array");
    const cJSON *ch;
    cJSON_ArrayForEach(ch, choices)
        read_choice(r, ch, "message");
    read_usage(r, root);
    r->done = 1;
    return 0;
}

int oai_chunk(struct reply *r, const cJSON *root, struct diag *d)
{
    if (!cJSON_IsObject(root))
        return diag_fail(d, "stream event is not a JSON object");
    if (cJSON_GetObjectItemCaseSensitive(root, "error")) {
        oai_inband_error(r, root);
        return 1;
    }
    const cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
    const cJSON *ch;
    if (cJSON_IsArray(choices))
        cJSON_ArrayForEach(ch, choices)
            read_choice(r, ch, "delta");
    read_usage(r, root);
    return 0;
}

int oai_on_event(struct reply *r, const char *type, const char *data, size_t n,
                 struct diag *d)
{
    if (n == 6 && memcmp(data, "[DONE]", 6) == 0) {
        r->done = 1;
        return 1;
    }
    cJSON *root = event_json(data, n, "stream event", d);
    if (!root)
        return -1;
    int rc = oai_chunk(r, root, d);
    cJSON_Delete(root);
    (void)type;
    return rc;
}
