/* json_fields.h -- the value normalisers of the json_fields scorer,
 * exposed for tests and for other scorers. The scorer itself is
 * scorer_json_fields (scorer.h); its options and output are documented in
 * docs/scorers.md.
 *
 * All parsers take a NUL-terminated UTF-8 string, ignore surrounding
 * whitespace and return 0 on success, -1 if the whole string is not of
 * that kind (nothing is guessed from a part of it). */
#ifndef ASSAY_JSON_FIELDS_H
#define ASSAY_JSON_FIELDS_H

enum jf_number_style {
    JF_NUM_AUTO,   /* "1,234.50" and "1.234,50" both; see docs for the rule */
    JF_NUM_US,     /* ',' groups, '.' decimal: "1,234.50" */
    JF_NUM_EU,     /* '.', ' ', NBSP, U+202F or '\'' groups, ',' decimal: "1.234,50" */
};

enum jf_date_order {
    JF_DATE_AUTO,  /* numeric d/m/y only when unambiguous (a part > 12, or dots = d.m.y) */
    JF_DATE_DMY,
    JF_DATE_MDY,
};

/* "1,234.50" -> 1234.5 (grouping must be regular: 1-3 digits, then groups
 * of 3). A leading + or - and a trailing or leading % are not numbers. */
int jf_parse_number(const char *s, enum jf_number_style style, double *out);

/* "$1,234.50", "USD 1234.5", "1.234,50 €", "EUR12" -> amount and ISO code
 * ("" when the string has no currency). A bare number is an amount. */
int jf_parse_money(const char *s, enum jf_number_style style, double *amount, char code[4]);

/* ISO 8601 YYYY-MM-DD from "2024-03-05", "2024-03-05T10:00:00Z",
 * "2024/03/05", "05.03.2024", "3/5/2024" (with the order), "March 5, 2024",
 * "5 Mar 2024", "5th of March 2024", "Mar. 5th 2024"; two-digit years are
 * 20yy below 70, else 19yy. out gets 11 bytes. */
int jf_parse_date(const char *s, enum jf_date_order order, char out[11]);

#endif
