/* test_backend_hf_inference.c -- task pipelines: request per task, list-
 * wrapped answers, 503 "loading" with estimated_time (retryable after that
 * delay, also when list-wrapped), no usage reported. */
#include "backend_canned.h"
#include "check.h"

#include <stdlib.h>

int main(void)
{
    const struct backend_ops *ops = backend_find("hf-inference");
    CHECK(ops->framing == FRAMING_NONE && ops->on_event == NULL);
    struct reply r;
    reply_init(&r);
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(canned_body(ops, "[{\"summary_text\":\"The council approved it.\"}]", NULL, &r, &d), 0);
    CHECK_STR_EQ(r.text.ptr, "The council approved it.");
    CHECK_INT_EQ(r.usage_seen, 0);
    CHECK_INT_EQ(r.usage.output, -1);
    CHECK(r.finish == NULL);
    reply_reset(&r);
    CHECK_INT_EQ(canned_body(ops, "[{\"translation_text\":\"Je m'appelle Sarah\"}]", NULL, &r, &d), 0);
    CHECK_STR_EQ(r.text.ptr, "Je m'appelle Sarah");
    reply_reset(&r);
    CHECK_INT_EQ(canned_body(ops, "{\"unexpected\":1}", NULL, &r, &d), -1);
    CHECK_CONTAINS(d.msg, "no summary_text, translation_text or generated_text");

    reply_reset(&r);
    canned_error(503, "{\"error\":\"Model facebook/bart-large-cnn is currently loading\",\"estimated_time\":20.0}", NULL, &r);
    CHECK_INT_EQ(r.retryable, 1);
    CHECK_NEAR(r.retry_after_ms, 20000, 1e-9);
    CHECK_STR_EQ(r.error, "HTTP 503: Model facebook/bart-large-cnn is currently loading");
    reply_reset(&r);
    canned_error(503, "[{\"error\":\"loading\",\"estimated_time\":1.5}]", NULL, &r);
    CHECK_NEAR(r.retry_after_ms, 1500, 1e-9);
    reply_reset(&r);
    canned_error(400, "{\"error\":[\"inputs must be a string\"]}", NULL, &r);
    CHECK_INT_EQ(r.retryable, 0);
    CHECK_STR_EQ(r.error, "HTTP 400: inputs must be a string");
    reply_release(&r);

    struct backend_conf b = canned_backend("hf-inference", "https://router.huggingface.co/hf-inference");
    b.model = (char *)"Helsinki-NLP/opus-mt-en-fr";
    b.task = (char *)"translation";
    struct message msgs[] = { { "user", (char *)"ignored" } };
    struct prompt p = canned_prompt("sys", msgs, 1);
    p.raw = (char *)"My name is Sarah";
    p.backend_params = cJSON_Parse("{\"src_lang\":\"en_XX\",\"tgt_lang\":\"fr_XX\"}");
    p.gen.max_tokens = 40;
    struct http_req req = { 0 };
    buf_init(&req.body, 0);
    CHECK_INT_EQ(ops->build(&b, &p, &req, &d), 0);
    CHECK_STR_EQ(req.url, "https://router.huggingface.co/hf-inference/models/Helsinki-NLP/opus-mt-en-fr");
    CHECK_STR_EQ(req.body.ptr, "{\"inputs\":\"My name is Sarah\",\"parameters\":{\"generate_parameters\":"
                               "{\"max_new_tokens\":40,\"do_sample\":false},\"src_lang\":\"en_XX\","
                               "\"tgt_lang\":\"fr_XX\"}}");
    CHECK_INT_EQ(req.stream, 0);
    free(req.url);
    buf_release(&req.body);
    cJSON_Delete(p.backend_params);
    return check_done();
}
