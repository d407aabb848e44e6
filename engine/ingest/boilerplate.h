/*
 * boilerplate.h - recognising paragraphs that are page furniture, not story.
 *
 * Two mechanisms, both used by every format:
 *  - fl_boilerplate_classify looks at one paragraph's text: share lines
 *    ("Share this article", "Follow us on ..."), newsletter blurbs ("Sign up to
 *    our ... newsletter"), promoted blocks ("Promoted Links", "Sponsored",
 *    "Recommended by"), photo credits ("Photograph: X/Agency", "(Getty Images)",
 *    "Image copyright"), copyright and "Related Topics" chrome, and navigation
 *    lines made of several short capitalised items separated by | or •.
 *  - fl_chrome remembers the short paragraphs of the previous article from the
 *    same group (source directory or JSONL file): a paragraph repeated from
 *    one article to the next is site chrome.  Memory is bounded
 *    (FL_CHROME_MAX hashes per article).
 * Boilerplate is marked, never removed (see core/article.h).
 */
#ifndef FL_INGEST_BOILERPLATE_H
#define FL_INGEST_BOILERPLATE_H

#include "core/article.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The boilerplate kind of a paragraph's text, FL_BOILER_NONE for content. */
fl_boilerplate fl_boilerplate_classify(const char *s, size_t n);

/* Marks every content paragraph of a that fl_boilerplate_classify recognises. */
void fl_boilerplate_mark(fl_article *a);

#define FL_CHROME_MAX      128 /* short paragraphs remembered per article */
#define FL_CHROME_PARA_MAX 160 /* bytes: longer paragraphs are never chrome */

typedef struct fl_chrome {
    char *group;                    /* the group of the previous article (owned) */
    char *text;                     /* a copy of the previous article's whole text (owned) */
    size_t text_len, text_cap;      /* its length, and the room of the copy */
    uint64_t hashes[FL_CHROME_MAX]; /* its short paragraphs, sorted */
    size_t n;
} fl_chrome;

void fl_chrome_init(fl_chrome *c);
void fl_chrome_release(fl_chrome *c);
/* Marks as FL_BOILER_CHROME the content paragraphs of a that also appeared in
 * the previous article of the same group (an exact duplicate article is not
 * compared with itself), then remembers a's paragraphs.  group may be NULL
 * (no comparison).  Returns FL_ENOMEM or FL_OK. */
fl_status fl_chrome_mark(fl_chrome *c, const char *group, fl_article *a);

#endif
