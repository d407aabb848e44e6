list(APPEND FL_SOURCES
  engine/ingest/reader.c
  engine/ingest/boilerplate.c
  engine/ingest/dateline.c
  engine/ingest/finish.c
  engine/ingest/text.c
  engine/ingest/html.c
  engine/ingest/jsonl.c
  engine/ingest/ingest.c)
