/* hf_tgi.c -- Hugging Face Text Generation Inference (protocols.md 4).
 *
 * "api": "generate" (default) uses the native routes: POST /generate or
 * /generate_stream with {"inputs", "parameters"}; one SSE event per token,
 * no [DONE] (the event with generated_text is the last), details (tokens,
 * finish reason) only with details:true, token counts also in the
 * x-prompt-tokens / x-generated-tokens headers; errors arrive in-band with
 * HTTP 200. "api": "chat" uses /v1/chat/completions (the Messages API) with
 * TGI's rules: response_format {"type":"json","value":schema}, and in both
 * forms top_p only strictly inside (0, 1) and temperature only when > 0 on
 * the native route (0 means greedy: sampling fields left out). */
#include "openai_family.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const struct oai_quirks chat_quirks = { "max_tokens", 1 };

/* TGI's native default is 20 new tokens: always say how many. */
#define TGI_DEFAULT_MAX_NEW_TOKENS 1024

static int is_chat(const struct backend_conf *b)
{
    return b->api && strcmp(b->api, "chat") == 0;
}

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    if (is_chat(b))
        return oai_build(b, p, &chat_quirks, xasprintf("%s/v1/chat/completions", b->base_url),
                         out, d);
    cJSON *body = cJSON_CreateObject();
    char *inputs = prompt_flat_input(p);
    cJSON_AddStringToObject(body, "inputs", inputs);
    free(inputs);
    cJSON *par = cJSON_AddObjectToObject(body, "parameters");
    const struct gen_params *g = &p->gen;
    cJSON_AddNumberToObject(par, "max_new_tokens",
                            gen_has_max_tokens(g) ? (double)g->max_tokens : TGI_DEFAULT_MAX_NEW_TOKENS);
    int sampling = gen_has_temperature(g) && g->temperature > 0;
    if (sampling) {
        cJSON_AddNumberToObject(par, "temperature", g->temperature);
        cJSON_AddBoolToObject(par, "do_sample", 1);
        if (gen_has_top_p(g) && g->top_p > 0 && g->top_p < 1)
            cJSON_AddNumberToObject(par, "top_p", g->top_p);
    }
    if (g->has_seed && g->seed >= 0)
        cJSON_AddNumberToObject(par, "seed", (double)g->seed);
    if (gen_has_stop(g)) {
        cJSON *stop = cJSON_AddArrayToObject(par, "stop");
        for (size_t i = 0; i < g->nstop; i++)
            cJSON_AddItemToArray(stop, cJSON_CreateString(g->stop[i]));
    }
    cJSON_AddBoolToObject(par, "details", 1);
    cJSON_AddBoolToObject(par, "return_full_text", 0);
    if (p->response != RESPONSE_TEXT) {
        const cJSON *schema = prompt_schema(p);
        cJSON *gr = cJSON_AddObjectToObject(par, "grammar");
        cJSON_AddStringToObject(gr, "type", "json");
        cJSON_AddItemToObject(gr, "value", schema ? cJSON_Duplicate(schema, 1)
                                                  : cJSON_Parse("{\"type\":\"object\"}"));
    }
    request_finish(body, b, p,
                   xasprintf("%s/%s", b->base_url, b->stream ? "generate_stream" : "generate"), out);
    (void)d;
    return 0;
}

static void read_details(struct reply *r, const cJSON *details)
{
    if (!cJSON_IsObject(details))
        return;
    const cJSON *fr = cJSON_GetObjectItemCaseSensitive(details, "finish_reason");
    if (cJSON_IsString(fr))
        reply_finish(r, fr->valuestring);
    long out = json_member_long(details, "generated_tokens", -1);
    long in = json_member_long(details, "input_length", -1);
    if (out >= 0) {
        r->usage.output = out;
        r->usage_seen = 1;
    }
    if (in >= 0)
        r->usage.input = in;
}

static int parse_body(struct reply *r, const struct http_resp *resp, struct diag *d)
{
    cJSON *root = event_json(resp->body, resp->body_len, "response body", d);
    if (!root)
        return -1;
    int rc = 0;
    const cJSON *obj = cJSON_IsArray(root) ? cJSON_GetArrayItem(root, 0) : root;
    if (cJSON_IsObject(obj) && cJSON_GetObjectItemCaseSensitive(obj, "choices")) {
        rc = oai_answer(r, obj, d);
    } else if (cJSON_IsObject(obj) && cJSON_GetObjectItemCaseSensitive(obj, "error")) {
        oai_inband_error(r, obj);
    } else {
        const cJSON *gt = obj ? cJSON_GetObjectItemCaseSensitive(obj, "generated_text") : NULL;
        if (!cJSON_IsString(gt)) {
            rc = diag_fail(d, "response body has no \"generated_text\"");
        } else {
            reply_text(r, gt->valuestring, strlen(gt->valuestring));
            read_details(r, cJSON_GetObjectItemCaseSensitive(obj, "details"));
            r->done = 1;
        }
    }
    char v[32];
    if (http_header(resp, "x-prompt-tokens", v, sizeof(v)) && r->usage.input < 0)
        r->usage.input = atol(v);
    if (http_header(resp, "x-generated-tokens", v, sizeof(v)) && r->usage.output < 0) {
        r->usage.output = atol(v);
        r->usage_seen = 1;
    }
    cJSON_Delete(root);
    return rc;
}

static int on_event(struct reply *r, const char *type, const char *data, size_t n,
                    struct diag *d)
{
    if (n == 6 && memcmp(data, "[DONE]", 6) == 0) {
        r->done = 1;
        return 1;
    }
    cJSON *root = event_json(data, n, "stream event", d);
    if (!root)
        return -1;
    int rc = 0;
    if (!cJSON_IsObject(root)) {
        rc = diag_fail(d, "stream event is not a JSON object");
    } else if (cJSON_GetObjectItemCaseSensitive(root, "error")) {
        oai_inband_error(r, root);
        rc = 1;
    } else if (cJSON_GetObjectItemCaseSensitive(root, "choices")) {
        rc = oai_chunk(r, root, d);
    } else {
        const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "token");
        const cJSON *special = tok ? cJSON_GetObjectItemCaseSensitive(tok, "special") : NULL;
        const cJSON *text = tok ? cJSON_GetObjectItemCaseSensitive(tok, "text") : NULL;
        if (cJSON_IsString(text) && !cJSON_IsTrue(special))
            reply_text(r, text->valuestring, strlen(text->valuestring));
        const cJSON *gt = cJSON_GetObjectItemCaseSensitive(root, "generated_text");
        read_details(r, cJSON_GetObjectItemCaseSensitive(root, "details"));
        if (cJSON_IsString(gt)) {
            r->done = 1;
            rc = 1;
        }
    }
    cJSON_Delete(root);
    (void)type;
    return rc;
}

const struct backend_ops backend_hf_tgi = {
    .type = "hf-tgi",
    .framing = FRAMING_SSE,
    .default_base_url = NULL,
    .default_key_env = NULL,
    .headers = oai_bearer_header,
    .build = build,
    .parse_body = parse_body,
    .on_event = on_event,
};
