list(APPEND FL_SOURCES engine/cli/main.c)
