list(APPEND FL_SOURCES
  engine/report/atomic.c engine/report/baseline.c engine/report/html.c engine/report/html_assets.c engine/report/index.c
  engine/report/jsonb.c engine/report/json.c engine/report/junit.c engine/report/markdown.c
  engine/report/report.c engine/report/sarif.c engine/report/sink.c engine/report/text.c)
