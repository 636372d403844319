/* judge.h -- LLM-as-judge building blocks: a rubric (options of a suite's
 * {"type": "judge"} scorer), the judge prompt rendered from its template,
 * and the score parsed back from the judge's reply.
 *
 * Division of work: the run engine owns the request. For a scorer of type
 * "judge" it takes the state that scorer_find("judge")->configure()
 * returned -- a struct judge_rubric -- renders the prompt with
 * judge_render_rubric(), sends it to judge_rubric_backend() through the
 * same transport as any request, records the judge's tokens and cost in
 * the record's "judge" member (apart from the judged backend's), and fills
 * the scorer's member of "scores" with judge_fill_scores(). The registered
 * scorer's own score() refuses to run: a judge score needs that request.
 *
 * Options (docs/scorers.md, "judge"):
 *   backend     name of the judge backend in the config (required)
 *   criteria    what to judge, substituted for {{criteria}} (required)
 *   template    the prompt; placeholders {{input}}, {{output}},
 *               {{reference}}, {{criteria}}, {{min}}, {{max}}; default: a
 *               rubric prompt asking for {"score": n, "reason": "..."}
 *   scale       [min, max] of the judge's scores, default [1, 10]
 *   pass_threshold  0-1 on the normalised score: adds "pass" (optional)
 *
 * Scores are normalised to 0-1: (raw - min) / (max - min). */
#ifndef ASSAY_JUDGE_H
#define ASSAY_JUDGE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"

struct judge_scale {
    double min, max;          /* max > min */
};

/* What the template is filled with; NULL members render as missing (an
 * error if the template uses them). All borrowed. */
struct judge_vars {
    const char *input;        /* what the judged model was asked */
    const char *output;       /* its answer */
    const char *reference;    /* a reference answer, if the item has one */
    const char *criteria;
};

/* Checks a template: every {{name}} is known and closed. */
int judge_check_template(const char *tmpl, const char *file, const char *path, struct diag *d);

/* Appends the rendered template to out ({{ name }} with inner spaces is
 * accepted). Fails if a placeholder's value is missing. */
int judge_render(const char *tmpl, const struct judge_vars *v, struct judge_scale scale,
                 struct buf *out, struct diag *d);

/* The score in a judge's reply. Tried in order, the first level with a
 * number decides, and every number found on that level must agree:
 *   1. JSON: {"score": 7} (also "rating", "grade", "overall_score",
 *      "final_score"; a numeric string counts), fenced or in prose;
 *   2. "Final score: 7", "Overall rating - 8/10";
 *   3. "Score: 7", "**Rating:** 4 out of 5", "Grade = 6/10";
 *   4. "7/10" or "7 out of 10" anywhere, only with the scale's maximum as
 *      the denominator ("2/3 of the facts" is not a score);
 *   5. a bare number alone on the last non-empty line ("7", "**7**").
 * A fraction must be out of the scale's maximum, and the value within the
 * scale. Conflicting numbers on the deciding level, nothing found, or a
 * value out of range: ok = 0 with the reason. */
struct judge_parse {
    int ok;
    double raw;               /* on the rubric's scale */
    double score;             /* normalised 0-1 */
    const char *how;          /* "json", "final", "labelled", "fraction", "last line" */
    char reason[320];         /* the failure, or the judge's own "reason" from JSON */
};
void judge_parse_score(const char *reply, size_t n, struct judge_scale scale,
                       struct judge_parse *out);

/* ---- the rubric: state of a "judge" scorer ----------------------------------- */

struct judge_rubric;

const char *judge_rubric_backend(const struct judge_rubric *r);
struct judge_scale judge_rubric_scale(const struct judge_rubric *r);

/* Renders the rubric's prompt for one item (criteria come from the rubric). */
int judge_render_rubric(const struct judge_rubric *r, const char *input, const char *output,
                        const char *reference, struct buf *out, struct diag *d);

/* Fills a scorer's member of "scores" from the judge's reply:
 *   parsed: {"score": 0.667, "raw": 7, "how": "json", "reason": "...", "pass": true}
 *   not:    {"parsed": false, "reason": "ambiguous: ..."}  (no "score": the
 *           judged model is not charged for the judge's bad reply) */
void judge_fill_scores(const struct judge_rubric *r, const char *judge_reply, size_t n,
                       cJSON *out);

#endif
