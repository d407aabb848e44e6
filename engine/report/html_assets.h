/*
 * html_assets.h - the inline stylesheet and script of the HTML report.
 *
 * Kept apart from html.c so the markup writer stays readable.  The script is
 * O(n) in the number of findings per filter change and O(1) per key press;
 * article bodies live in <template> elements and are attached the first time
 * their <details> opens.  Neither asset references anything outside the file.
 */
#ifndef FL_REPORT_HTML_ASSETS_H
#define FL_REPORT_HTML_ASSETS_H

extern const char fl_html_css[];
extern const char fl_html_js[];

#endif
