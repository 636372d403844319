/* test_template.c -- {{field}} templates: rendering of every value kind,
 * field paths, Unicode, the \{{ escape, and the exact compile and
 * missing-field messages. */
#include "check.h"

#include "harness/template.h"
#include "harness/util/buf.h"

#include <stdlib.h>

static cJSON *item(void)
{
    return cJSON_Parse(
        "{\"id\":\"x-1\",\"title\":\"Über Straßen — 東京\",\"n\":42,\"ratio\":0.5,\"ok\":true,"
        "\"none\":null,\"refs\":[\"first\",\"second\"],\"obj\":{\"a\":[1,2],\"b\":\"c\"},"
        "\"tags\":{\"domain\":\"news\"},\"dotted.key\":\"literal dot\",\"Source Text\":\"spaced\"}");
}

/* Renders src against obj; returns owned text or NULL (diag in *d). */
static char *render(const char *src, const cJSON *obj, struct diag *d)
{
    diag_init(d);
    struct template *t = template_compile(src, "s.json", "prompt.user", d);
    if (!t)
        return NULL;
    struct buf b;
    buf_init(&b, 0);
    int rc = template_render(t, obj, "item \"x-1\" (d.jsonl:3)", &b, d);
    template_free(t);
    if (rc < 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_take(&b, NULL);
}

static void expect(const cJSON *obj, const char *src, const char *want)
{
    struct diag d;
    char *got = render(src, obj, &d);
    CHECK_MSG(got != NULL, "%s: %s", src, d.msg);
    if (got)
        CHECK_STR_EQ(got, want);
    free(got);
}

static void expect_error(const cJSON *obj, const char *src, const char *want)
{
    struct diag d;
    char *got = render(src, obj, &d);
    CHECK_MSG(got == NULL, "%s rendered as \"%s\"", src, got ? got : "");
    free(got);
    char line[2048];
    diag_format(&d, line, sizeof(line));
    CHECK_STR_EQ(line, want);
}

int main(void)
{
    cJSON *obj = item();

    /* Value kinds. */
    expect(obj, "plain text, no fields", "plain text, no fields");
    expect(obj, "", "");
    expect(obj, "{{title}}", "Über Straßen — 東京");
    expect(obj, "n={{n}} r={{ratio}} ok={{ok}} none=[{{none}}]", "n=42 r=0.5 ok=true none=[]");
    expect(obj, "{{refs}}", "[\"first\",\"second\"]");
    expect(obj, "{{obj}}", "{\"a\":[1,2],\"b\":\"c\"}");
    /* Paths: index, nested key, both; a key containing a dot; spaces. */
    expect(obj, "{{refs[1]}}|{{tags.domain}}|{{obj.a[0]}}", "second|news|1");
    expect(obj, "{{dotted.key}}", "literal dot");
    expect(obj, "{{ Source Text }}", "spaced");
    expect(obj, "{{  title\t}}", "Über Straßen — 東京");
    /* Unicode around placeholders passes through byte for byte. */
    expect(obj, "«{{id}}» — ☃ 日本語\n{{n}}", "«x-1» — ☃ 日本語\n42");
    /* Braces: single braces and JSON are literal; \{{ is a literal {{. */
    expect(obj, "{\"a\": {\"b\": 1}}", "{\"a\": {\"b\": 1}}");
    expect(obj, "\\{{title}} = {{title}}", "{{title}} = Über Straßen — 東京");
    expect(obj, "a \\ b \\n {x}", "a \\ b \\n {x}");
    expect(obj, "}}{{n}}}", "}}42}");

    /* Missing fields: the message names file, template, field and item. */
    expect_error(obj, "Title: {{titel}}",
                 "s.json: prompt.user: {{titel}}: item \"x-1\" (d.jsonl:3) has no field \"titel\"");
    expect_error(obj, "{{refs[2]}}",
                 "s.json: prompt.user: {{refs[2]}}: item \"x-1\" (d.jsonl:3) has no field \"refs[2]\"");
    expect_error(obj, "{{title.sub}}",
                 "s.json: prompt.user: {{title.sub}}: item \"x-1\" (d.jsonl:3) has no field \"title.sub\"");

    /* Compile errors: position in the template. */
    expect_error(obj, "Hello\n  {{title",
                 "s.json: prompt.user: unclosed \"{{\" (write \\{{ for literal braces) at template line 2, column 3");
    expect_error(obj, "x {{}} y",
                 "s.json: prompt.user: bad placeholder \"{{}}\": empty field name at template line 1, column 3");
    expect_error(obj, "{{a[x]}}",
                 "s.json: prompt.user: bad placeholder \"{{a[x]}}\": expected a number inside [ ] at template line 1, column 1");
    expect_error(obj, "é{{a.}}",
                 "s.json: prompt.user: bad placeholder \"{{a.}}\": field path ends with '.' at template line 1, column 2");
    expect_error(obj, "{{{title}}}",
                 "s.json: prompt.user: bad placeholder \"{{{title}}\": field names cannot contain '{', '}' or ']' at template line 1, column 1");

    /* Fields named, in order. */
    struct diag d;
    diag_init(&d);
    struct template *t = template_compile("{{a}} {{b.c}} {{a}}", "f", "p", &d);
    CHECK(t != NULL);
    CHECK_INT_EQ(template_nfields(t), 3);
    CHECK_STR_EQ(template_field(t, 0), "a");
    CHECK_STR_EQ(template_field(t, 1), "b.c");
    CHECK(template_field(t, 3) == NULL);
    CHECK_STR_EQ(template_source(t), "{{a}} {{b.c}} {{a}}");
    CHECK_STR_EQ(template_path(t), "p");
    /* template_check agrees with rendering. */
    CHECK_INT_EQ(template_check(t, obj, "x", &d), -1);
    template_free(t);

    /* field_lookup edge cases. */
    CHECK(field_lookup(obj, "") == NULL);
    CHECK(field_lookup(obj, "refs[") == NULL);
    CHECK(field_lookup(obj, "refs[0") == NULL);
    CHECK(field_lookup(obj, "tags.") == NULL);
    CHECK(field_lookup(obj, "n[0]") == NULL);
    CHECK(field_lookup(obj, "refs[99999999999999999999]") == NULL);
    CHECK_STR_EQ(cJSON_GetStringValue(field_lookup(obj, "refs[0]")), "first");
    const char *why;
    CHECK_INT_EQ(field_path_valid("a.b[3].c", &why), 0);
    CHECK_INT_EQ(field_path_valid("a..b", &why), -1);
    CHECK_INT_EQ(field_path_valid("[0]", &why), -1);
    CHECK_INT_EQ(field_path_valid("a[0]b", &why), -1);

    cJSON_Delete(obj);
    return check_done();
}
