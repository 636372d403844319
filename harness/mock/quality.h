/* quality.h -- what a simulated model answers.
 *
 * A prompt about a known corpus item gets that item's reference degraded
 * by the model's quality level for the item's task family: level 1 is the
 * reference verbatim; lower levels drop, substitute and swap words (texts)
 * or drop and alter fields, and sometimes wrap the JSON in prose or break it
 * (extraction). An unknown prompt gets a deterministic generic answer.
 * Everything is a function of the seed given, so the same (seed, model,
 * prompt) always gives the same text. Rates are in docs/mock.md. */
#ifndef ASSAY_MOCK_QUALITY_H
#define ASSAY_MOCK_QUALITY_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/util/buf.h"
#include "harness/util/rng.h"

/* Appends a degraded copy of ref (level 0..1) to out. */
void quality_degrade_text(const char *ref, double level, struct rng *r, struct buf *out);
/* Appends a degraded rendering of gold (usually compact JSON). */
void quality_degrade_json(const cJSON *gold, double level, struct rng *r, struct buf *out);
/* Appends prose of about `tokens` tokens (token_estimate) built from seed. */
void quality_generic(struct rng *r, size_t tokens, struct buf *out);
/* Appends reasoning-style text of about `tokens` tokens that mentions words
 * of the prompt. */
void quality_reasoning(struct rng *r, const char *prompt, size_t n, size_t tokens,
                       struct buf *out);

#endif
