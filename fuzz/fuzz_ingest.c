/* libFuzzer target: one article in a given format through ingest (validation,
 * front matter, HTML parsing, JSONL decoding, segmentation, boilerplate,
 * dateline).  Built once per format with -DFL_FUZZ_FORMAT=FL_FORMAT_X. */
#include "core/article.h"
#include "ingest/ingest.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_ingest_options opt;
    memset(&opt, 0, sizeof opt);
    opt.lossy = size && (data[0] & 1);
    fl_article *a = NULL;
    fl_error err;
    if (fl_ingest_buffer("fuzz", FL_FUZZ_FORMAT, (const char *)data, size, &opt, &a, &err) ==
        FL_OK) {
        /* the document model's invariants */
        for (size_t i = 0; i < a->n_paragraphs; i++)
            if (a->paragraphs[i].offset + a->paragraphs[i].length > a->text_len)
                __builtin_trap();
        for (size_t i = 0; i < a->n_sentences; i++)
            if (a->sentences[i].offset + a->sentences[i].length > a->text_len)
                __builtin_trap();
        fl_article_free(a);
    }
    return 0;
}
