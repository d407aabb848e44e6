/*
 * gen_reports - writes every report format for the rich fixture audit and
 * for an empty audit into a directory, so schema validators can check them:
 *
 *     gen_reports OUTDIR            report.{txt,json,sarif,xml,md,html}, empty.*
 *     gen_reports OUTDIR --big N    big.html and big.json for N articles, with
 *                                   sizes and times on standard output
 */
#include "fixture.h"

#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const struct {
    const char *format, *ext;
} formats[] = {{"text", "txt"},  {"json", "json"},   {"sarif", "sarif"},
               {"junit", "xml"}, {"markdown", "md"}, {"html", "html"}};

static int write_one(const char *dir, const char *stem, const char *format, const char *ext,
                     const fl_audit *au, const fl_report_options *opt)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, stem, ext);
    fl_error err;
    fl_error_clear(&err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (fl_report_write_file(format, path, au, opt, &err) != FL_OK) {
        fprintf(stderr, "gen_reports: %s\n", err.message);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct stat st;
    if (stat(path, &st) == 0 && !strcmp(stem, "big"))
        printf("%s: %lld bytes in %.3f s\n", path, (long long)st.st_size,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen_reports OUTDIR [--big N]\n");
        return 2;
    }
    const char *dir = argv[1];
    mkdir(dir, 0755);
    fl_report_options opt;
    fl_report_options_init(&opt);
    opt.tool_version = "0.1.0-test";
    opt.command_line = "factlint check --format sarif wire/";
    opt.fail_on = FL_SEV_WARNING;
    fl_audit au;
    int rc = 0;
    if (argc == 4 && !strcmp(argv[2], "--big")) {
        size_t n = (size_t)strtoul(argv[3], NULL, 10);
        if (!fl_fixture_big(&au, n))
            return 1;
        rc |= write_one(dir, "big", "html", "html", &au, &opt);
        rc |= write_one(dir, "big", "json", "json", &au, &opt);
        rc |= write_one(dir, "big", "sarif", "sarif", &au, &opt);
        fl_audit_release(&au);
        return rc;
    }
    if (!fl_fixture_rich(&au))
        return 1;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        rc |= write_one(dir, "report", formats[i].format, formats[i].ext, &au, &opt);
    fl_audit_release(&au);
    fl_audit_init(&au);
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        rc |= write_one(dir, "empty", formats[i].format, formats[i].ext, &au, &opt);
    fl_audit_release(&au);
    return rc;
}
