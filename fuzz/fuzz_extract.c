/* libFuzzer target: every extractor on one article (text format), then the
 * facts written as JSON and read back (the round trip must hold). */
#include "core/article.h"
#include "core/fact.h"
#include "core/factio.h"
#include "core/strbuf.h"
#include "extract/extract.h"
#include "ingest/ingest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fl_extractor *x;
static fl_extract_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_error err;
    if (!x) {
        if (fl_extractor_new(&x, NULL, &err) || !(ctx = fl_extract_ctx_new(x)))
            abort();
    }
    fl_ingest_options opt;
    memset(&opt, 0, sizeof opt);
    opt.lossy = true;
    if (size > 2 && data[0] == '2' && data[1] == '0')
        opt.default_date = (fl_date){2017, 11, 24, FL_PREC_DAY};
    fl_article *a = NULL;
    if (fl_ingest_buffer("fuzz.txt", FL_FORMAT_TXT, (const char *)data, size, &opt, &a, &err))
        return 0;
    fl_facts fs, back;
    fl_facts_init(&fs);
    fl_facts_init(&back);
    if (fl_extract(x, ctx, a, &fs, &err) == FL_OK) {
        fl_strbuf sb = FL_STRBUF_INIT;
        for (size_t i = 0; i < fs.n; i++) {
            const fl_fact *f = &fs.items[i];
            if (f->offset + f->length > a->text_len)
                __builtin_trap();
            fl_strbuf_reset(&sb);
            if (fl_fact_write_json(&sb, a->id, f, &fs))
                continue;
            const char *id;
            if (fl_fact_parse_json(sb.buf, sb.len, &back, &id, &err) != FL_OK)
                __builtin_trap(); /* what we write, we must read */
        }
        fl_strbuf_release(&sb);
    }
    fl_facts_release(&fs);
    fl_facts_release(&back);
    fl_article_free(a);
    return 0;
}
