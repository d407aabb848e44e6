# list(APPEND FL_SOURCES engine/report/x.c)
