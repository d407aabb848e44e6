# list(APPEND FL_SOURCES engine/ingest/x.c)
