/* openai_family.h -- Chat Completions as OpenAI defined it, shared by every
 * adapter that speaks it (openai, openai-compatible, azure-openai,
 * hf-router, hf-tgi's chat route): request body, whole-body and stream
 * parsing, usage and errors (protocols.md 1-5). An adapter says only what
 * differs: URL, auth header, the max-tokens field name, TGI's rules. */
#ifndef ASSAY_OPENAI_FAMILY_H
#define ASSAY_OPENAI_FAMILY_H

#include "backend.h"

struct oai_quirks {
    const char *max_tokens_field;  /* "max_completion_tokens" or "max_tokens" */
    int tgi;                       /* TGI: top_p only inside (0, 1), response_format
                                      {"type":"json","value":schema} */
};

/* Builds the body for url (taken: owned by out afterwards). */
int  oai_build(const struct backend_conf *b, const struct prompt *p, const struct oai_quirks *q,
               char *url, struct http_req *out, struct diag *d);
int  oai_parse_body(struct reply *r, const struct http_resp *resp, struct diag *d);
int  oai_on_event(struct reply *r, const char *type, const char *data, size_t n,
                  struct diag *d);
/* An already parsed stream chunk / whole answer (for adapters that must
 * look at the JSON first). Same returns as on_event / parse_body. */
int  oai_chunk(struct reply *r, const cJSON *root, struct diag *d);
int  oai_answer(struct reply *r, const cJSON *root, struct diag *d);
/* "Authorization: Bearer KEY" when the backend has a key. */
void oai_bearer_header(const struct backend_conf *b,
                       void (*add)(void *ud, const char *line), void *ud);
/* Fails r from an in-band error object ({"error": ...} in a 200 answer or
 * stream); retryable unless it says it is a client error. */
void oai_inband_error(struct reply *r, const cJSON *root);
/* Parses n bytes of JSON, or fails with a parse diag naming what. */
cJSON *event_json(const char *data, size_t n, const char *what, struct diag *d);

#endif
