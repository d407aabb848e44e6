/* libFuzzer target: the project configuration file (.factlint.lua).
 *
 * fl_rules_config_load reads a path (ruleset.h has no buffer variant), so
 * the input is written to a file in /dev/shm and loaded into a fresh
 * config.  Any input may be rejected (FL_EUSAGE, FL_EPARSE, FL_EIO); the
 * loader must not crash, hang or leak, and a config it accepts must hold
 * only sane values. */
#include "core/error.h"
#include "lua/ruleset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_path(void)
{
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/dev/shm/fl_fuzz_config_%ld.lua", (long)getpid());
        atexit(remove_path);
    }
    FILE *fp = fopen(path, "w");
    if (!fp)
        abort();
    if (size && fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    fl_rules_config c;
    fl_rules_config_init(&c);
    fl_error err;
    fl_error_clear(&err);
    fl_status st = fl_rules_config_load(&c, path, &err);
    if (st == FL_OK) {
        for (size_t i = 0; i < c.n_rule_paths; i++)
            if (!c.rule_paths[i])
                __builtin_trap();
        for (size_t i = 0; i < c.n_severity; i++)
            if (!c.severity[i].rule)
                __builtin_trap();
        for (size_t i = 0; i < c.n_options; i++)
            if (!c.options[i].rule || !c.options[i].key || !c.options[i].value)
                __builtin_trap();
    } else if (err.message[0] == '\0') {
        __builtin_trap(); /* a rejection always says why */
    }
    fl_rules_config_release(&c);
    return 0;
}
