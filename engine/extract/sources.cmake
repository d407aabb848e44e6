list(APPEND FL_SOURCES engine/extract/extract.c)
