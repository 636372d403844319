/* hf_inference.c -- Hugging Face task pipelines (protocols.md 5.2):
 * POST {base}/models/{model} with {"inputs": text, "parameters": {...}}
 * (extra_body and a suite's backend_params, e.g. src_lang/tgt_lang, are
 * merged into "parameters");
 * answers are JSON arrays ([{"summary_text"}], [{"translation_text"}],
 * [{"generated_text"}]). The backend's "task" says which pipeline. No
 * streaming, no usage (the record's usage is an estimate), no finish
 * reason. x-use-cache: false so a benchmark never measures the API's own
 * response cache. A cold model answers 503 with estimated_time: that is
 * retryable after that delay (backend.c, classify_http). */
#include "openai_family.h"
#include "harness/util/xalloc.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static void headers(const struct backend_conf *b, void (*add)(void *ud, const char *line),
                    void *ud)
{
    oai_bearer_header(b, add, ud);
    add(ud, "x-use-cache: false");
}

static int build(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d)
{
    cJSON *body = cJSON_CreateObject();
    char *inputs = prompt_flat_input(p);
    cJSON_AddStringToObject(body, "inputs", inputs);
    free(inputs);
    cJSON *par = cJSON_AddObjectToObject(body, "parameters");
    const struct gen_params *g = &p->gen;
    const char *task = b->task ? b->task : "summarization";
    if (strcmp(task, "text-generation") == 0) {
        if (gen_has_max_tokens(g))
            cJSON_AddNumberToObject(par, "max_new_tokens", (double)g->max_tokens);
        if (gen_has_temperature(g) && g->temperature > 0)
            cJSON_AddNumberToObject(par, "temperature", g->temperature);
        cJSON_AddBoolToObject(par, "return_full_text", 0);
    } else {
        if (strcmp(task, "summarization") == 0)
            cJSON_AddStringToObject(par, "truncation", "only_first");
        cJSON *gp = cJSON_AddObjectToObject(par, "generate_parameters");
        if (gen_has_max_tokens(g))
            cJSON_AddNumberToObject(gp, "max_new_tokens", (double)g->max_tokens);
        cJSON_AddBoolToObject(gp, "do_sample", gen_has_temperature(g) && g->temperature > 0);
    }
    /* Extra parameters (a suite's src_lang / tgt_lang for translation)
     * belong to the pipeline's "parameters", not to the body. */
    body_merge_extra(par, b, p);
    /* Model ids hold a '/', which stays a path separator. */
    out->url = xasprintf("%s/models/%s", b->base_url, b->model);
    out->stream = 0;
    body_print(body, out);
    cJSON_Delete(body);
    (void)d;
    return 0;
}

static int parse_body(struct reply *r, const struct http_resp *resp, struct diag *d)
{
    cJSON *root = event_json(resp->body, resp->body_len, "response body", d);
    if (!root)
        return -1;
    const cJSON *obj = cJSON_IsArray(root) ? cJSON_GetArrayItem(root, 0) : root;
    int rc = 0;
    static const char *const fields[] = { "summary_text", "translation_text", "generated_text",
                                          NULL };
    const cJSON *text = NULL;
    for (size_t i = 0; fields[i] && cJSON_IsObject(obj) && !text; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, fields[i]);
        if (cJSON_IsString(v))
            text = v;
    }
    if (text) {
        reply_text(r, text->valuestring, strlen(text->valuestring));
        r->done = 1;
    } else if (cJSON_IsObject(obj) && cJSON_GetObjectItemCaseSensitive(obj, "error")) {
        oai_inband_error(r, obj);
    } else {
        rc = diag_fail(d, "response body has no summary_text, translation_text or "
                          "generated_text");
    }
    cJSON_Delete(root);
    return rc;
}

const struct backend_ops backend_hf_inference = {
    .type = "hf-inference",
    .framing = FRAMING_NONE,
    .default_base_url = "https://router.huggingface.co/hf-inference",
    .default_key_env = "HF_TOKEN",
    .headers = headers,
    .build = build,
    .parse_body = parse_body,
    .on_event = NULL,
};
