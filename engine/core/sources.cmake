list(APPEND FL_SOURCES
  engine/core/alloc.c engine/core/arena.c engine/core/article.c engine/core/datadir.c engine/core/date.c
  engine/core/error.c engine/core/fact.c engine/core/factio.c engine/core/finding.c engine/core/finding_spill.c engine/core/pool.c engine/core/strbuf.c
  engine/core/utf8.c)
list(APPEND FL_SOURCES engine/core/normalize.c)
