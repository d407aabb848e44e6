#include "core/datadir.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool in_build_tree;
static char install_dir[4096]; /* <prefix>/share/factlint */

static bool is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void resolve(void)
{
    const char *env = getenv("FACTLINT_DATA_DIR");
    if (env && env[0]) {
        snprintf(install_dir, sizeof install_dir, "%s", env);
        return;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        size_t bl = strlen(FL_BINARY_DIR);
        if (!strncmp(exe, FL_BINARY_DIR, bl) && exe[bl] == '/') {
            in_build_tree = true;
            return;
        }
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0'; /* <prefix>/bin */
            slash = strrchr(exe, '/');
            if (slash) {
                *slash = '\0'; /* <prefix> */
                char p[4096 + 32];
                snprintf(p, sizeof p, "%s/share/factlint", exe);
                if (is_dir(p) && strlen(p) < sizeof install_dir) {
                    memcpy(install_dir, p, strlen(p) + 1);
                    return;
                }
            }
        }
    }
    snprintf(install_dir, sizeof install_dir, "%s", FL_INSTALL_DATADIR);
}

const char *fl_data_path(fl_data_kind kind, char *buf, size_t size)
{
    pthread_once(&once, resolve);
    static const char *const src[] = {"rules", "facts/reference", "facts/gazetteer.tsv"};
    static const char *const inst[] = {"rules", "reference", "gazetteer.tsv"};
    if (in_build_tree)
        snprintf(buf, size, "%s/%s", FL_SOURCE_DIR, src[kind]);
    else
        snprintf(buf, size, "%s/%s", install_dir, inst[kind]);
    return buf;
}
