/* libFuzzer target: pattern compilation (factlint.re) and matching with the
 * per-thread limits: a pattern either fails to compile with a message or
 * matches within its limits. */
#include "re/re.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fl_re_thread *t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!t) {
        fl_re_limits lim = {100000, 1000, 4096};
        if (!(t = fl_re_thread_new(&lim)))
            abort();
    }
    char *pat = malloc(size + 1);
    if (!pat)
        return 0;
    memcpy(pat, data, size);
    pat[size] = '\0';
    fl_re *re = NULL;
    fl_error err;
    if (fl_re_compile(&re, pat, size && (data[0] & 1) ? FL_RE_CASELESS : 0, &err) == FL_OK) {
        static const char subject[] =
            "The fund paid \xC2\xA3"
            "1.5m to 40 firms on Monday, "
            "said Ana Ruiz: \xE2\x80\x9Cwe are done\xE2\x80\x9D. aaaaaaaaaaaaaaaaaaaaaaaaab";
        fl_re_match m;
        size_t start = 0;
        for (int i = 0; i < 32 && start <= sizeof subject - 1; i++) {
            int rc = fl_re_exec(re, t, subject, sizeof subject - 1, start, &m, &err);
            if (rc <= 0)
                break;
            size_t end = m.ov[1];
            /* never step into the middle of a character */
            start = end > m.ov[0] ? end : end + 1;
            while (start < sizeof subject - 1 && ((unsigned char)subject[start] & 0xC0) == 0x80)
                start++;
        }
        fl_re_free(re);
    }
    free(pat);
    return 0;
}
