# list(APPEND FL_SOURCES engine/lua/x.c)
