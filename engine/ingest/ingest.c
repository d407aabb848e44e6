#include "ingest/ingest.h"

#include "core/alloc.h"
#include "ingest/boilerplate.h"
#include "ingest/finish.h"
#include "ingest/html.h"
#include "ingest/jsonl.h"
#include "ingest/reader.h"
#include "ingest/text.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* One directory being walked: its sorted entries and its identity, so that a
 * symlink leading back to a directory on the current path is caught. */
typedef struct dir_frame {
    char *path;
    dev_t dev;
    ino_t ino;
    char **names;
    size_t n, next;
} dir_frame;

struct fl_ingest {
    char **paths;
    size_t n_paths, next_path;
    fl_ingest_options opt;
    dir_frame *dirs;
    size_t n_dirs, cap_dirs;
    fl_reader *jsonl; /* the JSONL file (or standard input) being streamed */
    char *jsonl_path;
    size_t seq;
    fl_chrome chrome;
    fl_ingest_scratch scratch; /* the JSONL scanner's buffer, lent to each record */
};

bool fl_ingest_format_for_path(const char *path, fl_format *fmt)
{
    static const struct {
        const char *ext;
        fl_format fmt;
    } exts[] = {{"txt", FL_FORMAT_TXT},     {"text", FL_FORMAT_TXT},    {"md", FL_FORMAT_MD},
                {"markdown", FL_FORMAT_MD}, {"html", FL_FORMAT_HTML},   {"htm", FL_FORMAT_HTML},
                {"jsonl", FL_FORMAT_JSONL}, {"ndjson", FL_FORMAT_JSONL}};
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return false;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (!strcasecmp(dot + 1, exts[i].ext)) {
            if (fmt)
                *fmt = exts[i].fmt;
            return true;
        }
    return false;
}

fl_status fl_ingest_open(fl_ingest **out, const char *const *paths, size_t n,
                         const fl_ingest_options *opt, fl_error *err)
{
    *out = NULL;
    fl_ingest *in = fl_calloc(1, sizeof *in);
    if (!in)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_chrome_init(&in->chrome);
    if (opt)
        in->opt = *opt;
    if (n && !(in->paths = fl_calloc(n, sizeof *in->paths)))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        if (!(in->paths[i] = fl_strdup(paths[i])))
            goto oom;
        in->n_paths++;
    }
    *out = in;
    return FL_OK;
oom:
    fl_ingest_close(in);
    return fl_error_set(err, FL_ENOMEM, "out of memory");
}

static void frame_release(dir_frame *f)
{
    for (size_t i = 0; i < f->n; i++)
        fl_free(f->names[i]);
    fl_free(f->names);
    fl_free(f->path);
}

void fl_ingest_close(fl_ingest *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n_paths; i++)
        fl_free(in->paths[i]);
    fl_free(in->paths);
    fl_free(in->scratch.buf);
    while (in->n_dirs)
        frame_release(&in->dirs[--in->n_dirs]);
    fl_free(in->dirs);
    fl_reader_close(in->jsonl);
    fl_free(in->jsonl_path);
    fl_chrome_release(&in->chrome);
    fl_free(in);
}

/* The group for repeated-chrome detection: the file's directory. */
static char *group_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? fl_strndup(path, (size_t)(slash - path)) : fl_strdup(".");
}

static fl_status parse_buffer(fl_ingest_doc *doc, fl_format fmt, char *data, size_t len,
                              fl_error *err)
{
    switch (fmt) {
    case FL_FORMAT_MD:
        return fl_ingest_parse_md(doc, data, len, err);
    case FL_FORMAT_HTML:
        return fl_ingest_parse_html(doc, data, len, err);
    case FL_FORMAT_JSONL: {
        fl_status st = fl_ingest_parse_jsonl(doc, data, len, 1, 0, err);
        fl_free(data);
        return st;
    }
    case FL_FORMAT_TXT:
        break;
    }
    return fl_ingest_parse_txt(doc, data, len, err);
}

/* Builds an article from a whole input in memory (takes data). */
static fl_status build(const char *path, fl_format fmt, char *data, size_t len,
                       const fl_ingest_options *opt, fl_chrome *chrome, const char *group,
                       fl_article **out, fl_error *err)
{
    fl_ingest_doc doc;
    fl_status st = fl_ingest_doc_init(&doc, path, fmt, err);
    if (st != FL_OK) {
        fl_free(data);
        return st;
    }
    doc.lossy = opt && opt->lossy;
    doc.skip_meta = opt && opt->skip_meta;
    if ((st = parse_buffer(&doc, fmt, data, len, err)) != FL_OK) {
        if (err && !err->file[0])
            fl_error_locate(err, path, err->line, err->offset);
        fl_ingest_doc_release(&doc);
        return st;
    }
    return fl_ingest_finish(&doc, opt, chrome, group, out, err);
}

fl_status fl_ingest_buffer(const char *path, fl_format fmt, const char *data, size_t len,
                           const fl_ingest_options *opt, fl_article **out, fl_error *err)
{
    *out = NULL;
    char *copy = fl_malloc(len + 1);
    if (!copy)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    return build(path, fmt, copy, len, opt, NULL, NULL, out, err);
}

/* ---- the walk ------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a && dir[a - 1] == '/';
    char *p = fl_malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    if (!slash)
        p[a++] = '/';
    memcpy(p + a, name, b + 1);
    return p;
}

static fl_status skip(fl_error *err, fl_status code, const char *path, const char *fmt,
                      const char *a1, const char *a2)
{
    fl_error_set(err, code, fmt, a1, a2);
    fl_error_locate(err, path, 0, -1);
    return code;
}

/* Project documents that sit beside articles in a folder (README, CHANGELOG,
 * LICENSE, CONTRIBUTING, with any extension) are not articles; they are read
 * only when named explicitly. */
static bool is_project_doc(const char *name)
{
    static const char *const docs[] = {"README", "CHANGELOG", "LICENSE", "CONTRIBUTING", NULL};
    for (int i = 0; docs[i]; i++) {
        size_t n = strlen(docs[i]);
        if (!strncasecmp(name, docs[i], n) && (name[n] == '\0' || name[n] == '.'))
            return true;
    }
    return false;
}

/* Enters the directory at path (already stat'ed as sb): lists and sorts its
 * entries.  A directory that is already on the current path is a symlink loop. */
static fl_status push_dir(fl_ingest *in, const char *path, const struct stat *sb, fl_error *err)
{
    for (size_t i = 0; i < in->n_dirs; i++)
        if (in->dirs[i].dev == sb->st_dev && in->dirs[i].ino == sb->st_ino)
            return skip(err, FL_EIO, path, "skipping '%s': symlink loop back to '%s'", path,
                        in->dirs[i].path);
    DIR *d = opendir(path);
    if (!d)
        return skip(err, FL_EIO, path, "cannot open directory '%s': %s", path, strerror(errno));
    dir_frame f = {0};
    size_t cap = 0;
    f.dev = sb->st_dev;
    f.ino = sb->st_ino;
    fl_status st = FL_OK;
    struct dirent *e;
    if (!(f.path = fl_strdup(path)))
        goto oom;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue; /* hidden files, "." and ".." */
        if (is_project_doc(e->d_name))
            continue; /* README.md beside the articles is not an article */
        if (FL_GROW(f.names, cap, f.n + 1))
            goto oom;
        if (!(f.names[f.n] = fl_strdup(e->d_name)))
            goto oom;
        f.n++;
    }
    closedir(d);
    d = NULL;
    qsort(f.names, f.n, sizeof *f.names, cmp_names);
    if (FL_GROW(in->dirs, in->cap_dirs, in->n_dirs + 1))
        goto oom;
    in->dirs[in->n_dirs++] = f;
    return FL_OK;
oom:
    if (d)
        closedir(d);
    frame_release(&f);
    st = fl_error_set(err, FL_ENOMEM, "out of memory");
    return st;
}

/* Reads one file (not JSONL) into an article, or starts streaming a JSONL
 * file.  *started is set when a JSONL stream was opened (no item yet). */
static fl_status read_file(fl_ingest *in, const char *path, fl_format fmt, fl_article **out,
                           bool *started, fl_error *err)
{
    fl_reader *r = NULL;
    bool is_stdin = !strcmp(path, "-");
    fl_status st =
        fl_reader_open(&r, path, fmt == FL_FORMAT_JSONL ? 0 : in->opt.max_file_bytes, err);
    if (st != FL_OK)
        return st;
    if (is_stdin) {
        int c = fl_reader_peek(r, err);
        if (c < 0 && err && err->code == FL_EIO) {
            fl_reader_close(r);
            return FL_EIO;
        }
        if (c == '{')
            fmt = FL_FORMAT_JSONL;
    }
    if (fmt == FL_FORMAT_JSONL) {
        if (!(in->jsonl_path = fl_strdup(path))) {
            fl_reader_close(r);
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        }
        in->jsonl = r;
        *started = true;
        return FL_OK;
    }
    char *data = NULL;
    size_t len = 0;
    st = fl_reader_slurp(r, &data, &len, err);
    fl_reader_close(r);
    if (st != FL_OK)
        return st;
    char *group = group_of(path);
    if (!group) {
        fl_free(data);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    st = build(path, fmt, data, len, &in->opt, &in->chrome, group, out, err);
    fl_free(group);
    return st;
}

/* The next record of the JSONL stream: FL_DONE at its end (stream closed). */
static fl_status next_record(fl_ingest *in, fl_article **out, fl_error *err)
{
    for (;;) {
        const char *line;
        size_t len;
        long lineno;
        long long offset;
        fl_status st = fl_reader_line(in->jsonl, &line, &len, &lineno, &offset, err);
        if (st != FL_OK) {
            if (st != FL_DONE && err && !err->file[0])
                fl_error_locate(err, in->jsonl_path, 0, -1);
            fl_reader_close(in->jsonl);
            in->jsonl = NULL;
            fl_free(in->jsonl_path);
            in->jsonl_path = NULL;
            return st;
        }
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        if (i == len)
            continue; /* blank lines are skipped silently */
        if (in->opt.max_file_bytes && len > in->opt.max_file_bytes) {
            fl_error_set(err, FL_ELIMIT, "record is larger than the limit of %zu bytes (%zu bytes)",
                         in->opt.max_file_bytes, len);
            fl_error_locate(err, in->jsonl_path, lineno, offset);
            return FL_ELIMIT;
        }
        fl_ingest_doc doc;
        if ((st = fl_ingest_doc_init(&doc, in->jsonl_path, FL_FORMAT_JSONL, err)) != FL_OK)
            return st;
        doc.lossy = in->opt.lossy;
        doc.skip_meta = in->opt.skip_meta;
        doc.scratch = &in->scratch;
        if ((st = fl_ingest_parse_jsonl(&doc, line, len, lineno, offset, err)) != FL_OK) {
            fl_ingest_doc_release(&doc);
            return st;
        }
        return fl_ingest_finish(&doc, &in->opt, &in->chrome, in->jsonl_path, out, err);
    }
}

/* The next item, before sequence numbering. */
static fl_status next_item(fl_ingest *in, fl_article **out, fl_error *err)
{
    for (;;) {
        if (in->jsonl) {
            fl_status st = next_record(in, out, err);
            if (st != FL_DONE)
                return st;
            continue;
        }
        fl_format fmt = FL_FORMAT_TXT;
        bool started = false;
        if (in->n_dirs) {
            dir_frame *f = &in->dirs[in->n_dirs - 1];
            if (f->next == f->n) {
                frame_release(f);
                in->n_dirs--;
                continue;
            }
            const char *name = f->names[f->next++];
            char *path = join(f->path, name);
            if (!path)
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            struct stat sb;
            fl_status st = FL_OK;
            bool known = fl_ingest_format_for_path(name, &fmt);
            if (stat(path, &sb) != 0) {
                /* a dangling symlink that looks like an article is worth a word */
                if (known)
                    st = skip(err, FL_EIO, path, "cannot open '%s': %s", path, strerror(errno));
                else
                    st = FL_DONE;
            } else if (S_ISDIR(sb.st_mode)) {
                st = push_dir(in, path, &sb, err);
                if (st == FL_OK)
                    st = FL_DONE;
            } else if (!known) {
                st = FL_DONE; /* other files in directories are ignored */
            } else if (!S_ISREG(sb.st_mode)) {
                st = skip(err, FL_EIO, path, "cannot read '%s': %s", path, "not a regular file");
            } else {
                st = read_file(in, path, fmt, out, &started, err);
                if (st == FL_OK && started)
                    st = FL_DONE;
            }
            fl_free(path);
            if (st == FL_DONE)
                continue;
            return st;
        }
        if (in->next_path == in->n_paths)
            return FL_DONE;
        const char *path = in->paths[in->next_path++];
        if (!strcmp(path, "-")) {
            fmt = in->opt.stdin_format;
        } else {
            struct stat sb;
            if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
                fl_status st = push_dir(in, path, &sb, err);
                if (st != FL_OK)
                    return st;
                continue;
            }
            if (!fl_ingest_format_for_path(path, &fmt))
                fmt = FL_FORMAT_TXT; /* named explicitly: read as text */
        }
        fl_status st = read_file(in, path, fmt, out, &started, err);
        if (st == FL_OK && started)
            continue;
        return st;
    }
}

fl_status fl_ingest_next(fl_ingest *in, fl_article **article, size_t *seq, fl_error *err)
{
    *article = NULL;
    fl_error_clear(err);
    fl_status st = next_item(in, article, err);
    if (st == FL_DONE)
        return FL_DONE;
    if (seq)
        *seq = in->seq;
    if (st == FL_OK)
        (*article)->seq = in->seq;
    in->seq++;
    return st;
}
