list(APPEND FL_SOURCES engine/re/re.c)
