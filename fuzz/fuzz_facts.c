/* libFuzzer target: the facts JSONL loader (one line) and fact JSON writer. */
#include "core/fact.h"
#include "core/factio.h"
#include "core/strbuf.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fl_facts fs;
    fl_facts_init(&fs);
    const char *id = NULL;
    fl_error err;
    if (fl_fact_parse_json((const char *)data, size, &fs, &id, &err) == FL_OK) {
        fl_strbuf sb = FL_STRBUF_INIT;
        fl_fact_write_json(&sb, id, &fs.items[0], &fs);
        fl_strbuf_release(&sb);
    }
    fl_facts_release(&fs);
    return 0;
}
